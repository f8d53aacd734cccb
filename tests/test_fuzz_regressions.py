"""Inputs that once crashed a reader, found by fuzzing (bench/fuzz/, the Hypothesis
properties in test_reader_properties.py, and probing every number the readers
parse). Each is one of our fixtures with one field made hostile, rebuilt here from
the fixture so the two cannot drift apart; each must now read, with the hostile
field dropped and the rest intact.

| case | what crashed | fixed in |
|---|---|---|
| words_5000_digits | `Words:` of 5,000 digits: `int()` refuses over 4,300 digits (ValueError) | `ao3_meta.to_int` |
| series_part_5000_digits | `Part N of` a series (download and work page) | `ao3_meta.to_int` |
| chapter_number_5000_digits | a `Chapter N` heading | `ao3_meta.to_int` |
| series_index_1e999 | `calibre:series_index` of `1e999`: `int(float(...))` overflows | `ao3_meta.series_index` |
| series_index_400_digits | the same from 400 digits (FanFicFare EPUB) | `ao3_meta.series_index` |
| repeated_chapter_numbers | a work page with a chapter block repeated (found by the mutation property): two chapters numbered 2, and the analysis keys chapters by number | `ao3_workpage._read_chapters` |
| nested_articles | a fragment's article inside another was read again in the outer one: n nested articles gave n times the file in text (found by the size property) | `ao3_fragment.read` |
"""

from __future__ import annotations

import re

import pytest

from conftest import FIXTURES
from epub_builder import build_epub, fixture_members
from ficlens import read_bytes
from ficlens.ingest import ao3_meta

DIGITS = "9" * 5000


def hostile(fixture: str, pattern: str, replacement: str):
    """Read `fixture` with the first match of `pattern` replaced."""
    text = (FIXTURES / fixture).read_text("utf-8")
    changed = re.sub(pattern, lambda _: replacement, text, count=1)
    assert changed != text, f"{fixture} no longer holds {pattern!r}"
    return read_bytes(changed.encode(), fixture)


def hostile_opf(fixture: str, edit) -> object:
    """Read EPUB fixture `fixture` with its OPF passed through `edit`."""
    name = next(n for n in fixture_members(fixture) if n.endswith(".opf"))
    opf = fixture_members(fixture)[name].decode()
    changed = edit(opf)
    assert changed != opf
    return read_bytes(build_epub(fixture, {name: changed}), f"{fixture}.epub")


def test_words_5000_digits():
    work = hostile("ao3_html/orphan_account_2024.html", r"Words: [0-9,]+", f"Words: {DIGITS}")
    assert work.meta.words is None
    assert work.meta.title and work.chapters[0].paragraphs


@pytest.mark.parametrize("fixture", ["ao3_html/multichapter_wip_2025.html", "ao3_workpage/series_text_features.html"])
def test_series_part_5000_digits(fixture):
    series = hostile(fixture, r"Part \d+ of", f"Part {DIGITS} of").meta.series
    assert series and series[0].title and series[0].part is None


def test_chapter_number_5000_digits():
    work = hostile("ao3_html/completed_2019.html", r"Chapter \d+", f"Chapter {DIGITS}")
    assert len(work.chapters) == 2 and all(c.paragraphs for c in work.chapters)


def test_series_index_1e999():
    work = hostile_opf("ao3_calibre", lambda opf: re.sub(
        r'(name="calibre:series_index" content=")[^"]*', r"\g<1>1e999", opf))
    assert work.meta.series[0].part == 2  # the AO3 preface inside says "Part 2", and wins


def test_series_index_400_digits():
    work = hostile_opf("fanficfare_table", lambda opf: opf.replace("</metadata>", (
        '<meta name="calibre:series" content="Paper Weather"/>'
        f'<meta name="calibre:series_index" content="{"9" * 400}"/></metadata>')))
    assert work.meta.series == (work.meta.series[0],) and work.meta.series[0].title == "Paper Weather"
    assert work.meta.series[0].part is None


@pytest.mark.parametrize("value, part", [
    ("2", 2), ("2.0", 2), (" 3 ", 3), ("1.5", 1), ("0", None), ("-1", None), ("nan", None),
    ("inf", None), ("1e999", None), ("9" * 400, None), ("", None), (None, None), ("\u0663", 3),
])
def test_series_index_values(value, part):
    assert ao3_meta.series_index(value) == part


@pytest.mark.parametrize("text, count", [
    ("1,234", 1234), ("999,999,999,999", 999_999_999_999), ("1" * 13, None), ("9" * 5000, None),
    ("\u00b2", None), ("\u0661\u0662", 12), ("", None), (None, None),
])
def test_counts_are_bounded(text, count):
    assert ao3_meta.parse_count(text) == count


def test_nested_articles_read_each_text_once():
    article = '<div class="userstuff module" role="article"><h3 class="landmark heading">Chapter Text</h3><p>Layer {}.</p>'
    html = "".join(article.format(i) for i in range(200)) + "</div>" * 200
    work = read_bytes(html.encode(), "nested.html")
    assert [c.text for c in work.chapters] == [f"Layer {i}." for i in range(200)]


def test_repeated_chapter_numbers_are_renumbered_by_position():
    text = (FIXTURES / "ao3_workpage/full_work_complete.html").read_text("utf-8")
    start, end = text.index('<div class="chapter" id="chapter-2">'), text.index('<div class="chapter" id="chapter-3">')
    work = read_bytes((text[:end] + text[start:end] + text[end:]).encode(), "repeated.html")
    assert [c.index for c in work.chapters] == [1, 2, 3, 4]
    assert work.chapters[1].text == work.chapters[2].text
