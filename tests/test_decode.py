"""Encodings: UTF-8, UTF-8 with BOM and cp1252 files read to the same text."""

from __future__ import annotations

import pytest

from conftest import FIXTURES
from ficlens import read_bytes
from ficlens.ingest.decode import decode_bytes

STORY = "“Café au lait?” she asked — and he said, ‘Non… merci.’ It cost £3."


@pytest.mark.parametrize(
    "data, encoding",
    [
        (STORY.encode("utf-8"), "utf-8"),
        (b"\xef\xbb\xbf" + STORY.encode("utf-8"), "utf-8-sig"),
        (STORY.encode("cp1252"), "cp1252"),
        (STORY.encode("utf-16"), "utf-16"),
    ],
)
def test_every_encoding_gives_the_same_text(data, encoding):
    text, found = decode_bytes(data)
    assert text == STORY
    assert found == encoding


def test_nul_bytes_are_dropped():
    assert decode_bytes(b"a\x00b")[0] == "ab"


@pytest.mark.parametrize("codec", ["utf-8", "utf-8-sig", "cp1252"])
def test_a_chapter_fragment_in_each_encoding_reads_identically(codec):
    html = (FIXTURES / "ao3_fragment" / "chapter_text.html").read_text("utf-8")
    try:
        data = html.encode(codec)
    except UnicodeEncodeError:
        pytest.skip(f"fixture has characters {codec} cannot hold")
    reference = read_bytes(html.encode("utf-8"), "x.html")
    work = read_bytes(data, "x.html")
    assert work.chapters[0].text == reference.chapters[0].text


def test_text_is_nfc_normalised():
    decomposed = "Cafe\u0301 society".encode("utf-8")
    work = read_bytes(decomposed, "story.txt")
    assert work.chapters[0].text == "Caf\u00e9 society"


def test_utf8_with_a_pasted_cp1252_passage_reads_each_part_in_its_encoding():
    pasted = "“Smart” quotes – it’s £3"
    data = STORY.encode("utf-8") * 20 + pasted.encode("cp1252") + STORY.encode("utf-8")
    text, found = decode_bytes(data)
    assert text == STORY * 20 + pasted + STORY
    assert found == "utf-8 (stray bytes read as cp1252)"
