"""Round trips for every export format of `ficlens analyze --format`: what is written
is read back (by ficlens, by the format's own library) and compared with the analysis."""

from __future__ import annotations

import csv
import json
import shutil
import subprocess
from pathlib import Path

import pytest

from ficlens.export.booknlp import CHAPTER_SEPARATOR
from ficlens.export.document import validate
from ficlens.export.markdown import render_markdown, strip_annotations
from ficlens.export.rows import character_rows, quote_rows
from ficlens.export.writers import FORMATS, export
from ficlens.ingest import read_work
from ficlens.pipeline import document

from conftest import EXAMPLE_WORK


@pytest.fixture(scope="module")
def doc(example_analysis):
    return document(example_analysis)


def test_json_through_the_writer_is_the_valid_document(example_analysis, doc):
    text = export(example_analysis, "json", None)
    assert json.loads(text) == json.loads(json.dumps(doc))  # tuples become lists in JSON
    validate(json.loads(text))


# -- Markdown ------------------------------------------------------------------------
def test_markdown_names_the_speaker_after_each_quotation(example_analysis, doc):
    md = render_markdown(example_analysis.work, doc)
    assert "“It’s nothing,” [Margaret Thorne] Maggie told her. “Go back to sleep.” [Margaret Thorne]" in md
    names = {c["id"]: c["name"] for c in doc["characters"]}
    # every quoted span gets one annotation
    spans = sum(len(q["spans"]) for q in doc["quotes"])
    assert md.count("” [") + md.count('" [') == spans
    addressed = next(q for q in doc["quotes"] if q["speaker"] and q["addressees"])
    label = f"[{names[addressed['speaker']]} → {', '.join(names[a] for a in addressed['addressees'])}]"
    assert label in md


def test_markdown_reads_back_to_the_same_text(example_analysis, doc, tmp_path):
    path = tmp_path / "lighthouse.md"
    export(example_analysis, "md", path)
    back = read_work(path)
    original = example_analysis.work
    assert back.meta.title == original.meta.title
    assert [c.title for c in back.chapters] == [c.title for c in original.chapters]
    for mine, theirs in zip(back.chapters, original.chapters):
        assert strip_annotations(mine.text) == theirs.text
        assert len(mine.scene_breaks) == len(theirs.scene_breaks)
        assert [s.style for s in mine.styles] == [s.style for s in theirs.styles if s.style == "italic"]


def test_markdown_escapes_brackets_in_names():
    from ficlens.export.markdown import speaker_label

    label = speaker_label({"speaker": "C1", "addressees": ["C2"]}, {"C1": "The [Redacted]", "C2": "Ann*"})
    assert label == " [The \\[Redacted\\] → Ann\\*]"
    assert strip_annotations("“Hi.”" + label + " she said") == "“Hi.” she said"


# -- BookNLP-style TSV -----------------------------------------------------------------
def _tsv(path):
    with open(path, encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f, delimiter="\t", quoting=csv.QUOTE_NONE))


@pytest.fixture(scope="module")
def tsv_folder(example_analysis, tmp_path_factory):
    folder = tmp_path_factory.mktemp("tsv")
    written = export(example_analysis, "tsv", folder, book_id="lighthouse")
    assert sorted(p.name for p in written) == sorted(
        f"lighthouse.{ext}" for ext in ("txt", "tokens", "entities", "quotes", "characters"))
    return folder


def test_tsv_tokens_point_at_their_words(tsv_folder, doc):
    text = (tsv_folder / "lighthouse.txt").read_text("utf-8")
    assert text == CHAPTER_SEPARATOR.join(c["text"] for c in doc["chapters"])
    tokens = _tsv(tsv_folder / "lighthouse.tokens")
    assert list(tokens[0]) == ["paragraph_ID", "sentence_ID", "token_ID_within_sentence", "token_ID_within_document",
                               "word", "lemma", "byte_onset", "byte_offset", "POS_tag", "fine_POS_tag",
                               "dependency_relation", "syntactic_head_ID", "event"]
    assert [int(t["token_ID_within_document"]) for t in tokens] == list(range(len(tokens)))
    for t in tokens:
        assert text[int(t["byte_onset"]):int(t["byte_offset"])] == t["word"]
        assert 0 <= int(t["syntactic_head_ID"]) < len(tokens)
    paragraphs = sum(len(c["paragraphs"]) for c in doc["chapters"])
    assert int(tokens[-1]["paragraph_ID"]) == paragraphs - 1
    assert {t["POS_tag"] for t in tokens} >= {"NOUN", "VERB", "PROPN", "PUNCT"}


def test_tsv_entities_and_quotes_match_the_analysis(tsv_folder, doc):
    text = (tsv_folder / "lighthouse.txt").read_text("utf-8")
    tokens = _tsv(tsv_folder / "lighthouse.tokens")
    entities = _tsv(tsv_folder / "lighthouse.entities")
    people = [e for e in entities if e["cat"] == "PER"]
    places = [e for e in entities if e["cat"] != "PER"]
    assert len(people) == len(doc["mentions"])
    assert len(places) == sum(len(p["mentions"]) for p in doc["places"]) > 0
    for e, m in zip(people, doc["mentions"]):
        assert e["text"] == m["text"]
        assert e["COREF"] == (m["character"][1:] if m["character"] else "-1")
    for e in entities:
        first, last = tokens[int(e["start_token"])], tokens[int(e["end_token"])]
        assert text[int(first["byte_onset"]):int(last["byte_offset"])] == e["text"]
    place_ids = {e["COREF"] for e in places}
    assert len(place_ids) == len(doc["places"]) and min(map(int, place_ids)) > len(doc["characters"])
    assert {e["text"] for e in places} >= {"Harrow Street", "London"}
    quotes = _tsv(tsv_folder / "lighthouse.quotes")
    assert len(quotes) == sum(len(q["spans"]) for q in doc["quotes"])
    first = quotes[0]
    assert first["quote"] == "“ It ’s nothing , ”"
    assert (first["mention_phrase"], first["char_id"]) == ("Maggie", "1")
    characters = _tsv(tsv_folder / "lighthouse.characters")
    assert [(c["ficlens_id"], c["name"], int(c["lines"])) for c in characters] == \
        [(c["id"], c["name"], c["quotes"]) for c in doc["characters"]]


# -- CSV and Parquet ---------------------------------------------------------------------
def _as_csv_cells(row):
    return {k: "; ".join(v) if isinstance(v, list) else ("" if v is None else str(v)) for k, v in row.items()}


def test_csv_round_trip(example_analysis, doc, tmp_path):
    export(example_analysis, "csv", tmp_path)
    for name, rows in (("quotes", quote_rows(doc)), ("characters", character_rows(doc))):
        with open(tmp_path / f"{name}.csv", encoding="utf-8-sig", newline="") as f:
            back = list(csv.DictReader(f))
        assert back == [_as_csv_cells(r) for r in rows]
    assert len(rows) == len(doc["characters"])


def test_parquet_round_trip(example_analysis, doc, tmp_path):
    import pyarrow.parquet as pq

    export(example_analysis, "parquet", tmp_path)
    quotes = pq.read_table(tmp_path / "quotes.parquet")
    assert quotes.to_pylist() == quote_rows(doc)
    import pyarrow as pa

    assert pa.types.is_list(quotes.schema.field("addressees").type)
    characters = pq.read_table(tmp_path / "characters.parquet").to_pylist()
    assert characters == character_rows(doc)
    assert abs(sum(c["dialogue_share"] for c in characters) - 1) < 0.01


# -- EPUB --------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def epub_path(example_analysis, tmp_path_factory):
    path = tmp_path_factory.mktemp("epub") / "lighthouse.epub"
    export(example_analysis, "epub", path)
    return path


def test_epub_reads_back_with_ficlens(example_analysis, epub_path):
    original, back = example_analysis.work, read_work(epub_path)
    assert back.meta.source.format == "epub"
    assert back.meta.title == original.meta.title
    assert [a.name for a in back.meta.authors] == [a.name for a in original.meta.authors]
    assert back.meta.summary == original.meta.summary
    assert back.meta.freeform == original.meta.freeform
    assert back.meta.published == original.meta.published
    assert back.meta.language == "en"
    assert len(back.chapters) == len(original.chapters)
    for mine, theirs in zip(back.chapters, original.chapters):
        heading = f"Chapter {theirs.index}: {theirs.title}"
        assert mine.title == heading
        # the chapter file opens with its heading, then the text exactly as it was
        assert mine.text == heading + "\n\n" + theirs.text
        shift = len(heading) + 2
        assert [(s.start - shift, s.end - shift, s.style) for s in mine.styles] == \
            [(s.start, s.end, s.style) for s in theirs.styles]
        assert [b.offset - shift for b in mine.scene_breaks] == [b.offset for b in theirs.scene_breaks]


def test_hostile_text_survives_the_epub_as_text(tmp_path):
    from ficlens.pipeline import run_layers

    from test_report import HOSTILE_WORK

    work = read_work(HOSTILE_WORK)
    path = tmp_path / "hostile.epub"
    export(run_layers(work), "epub", path)
    back = read_work(path)
    assert back.meta.title == work.meta.title == "</script><script>window.__pwned='title'</script> Maps"
    assert back.meta.summary == work.meta.summary
    for mine, theirs in zip(back.chapters, work.chapters):
        assert mine.text.split("\n\n", 1)[1] == theirs.text
    import zipfile

    with zipfile.ZipFile(path) as z:
        pages = [z.read(n).decode("utf-8") for n in z.namelist() if n.endswith((".xhtml", ".opf", ".ncx"))]
    assert all("<script" not in page and "<img" not in page for page in pages)
    assert any("&lt;/script&gt;&lt;script&gt;window.__pwned='quote'" in page for page in pages)


def test_epub_reads_back_with_ebooklib(example_analysis, epub_path):
    import zipfile

    from ebooklib import ITEM_DOCUMENT, epub

    book = epub.read_epub(str(epub_path))
    assert book.get_metadata("DC", "title")[0][0] == "Keeping the Light"
    assert [c[0] for c in book.get_metadata("DC", "creator")] == ["Wren Halloway", "lamplighter"]
    assert book.get_metadata("DC", "identifier")[0][0] == "https://archiveofourown.org/works/61849273"
    spine = [book.get_item_with_id(idref) for idref, _linear in book.spine]
    assert [item.get_name() for item in spine] == [f"chapter-00{i}.xhtml" for i in range(1, 5)]
    assert len(list(book.get_items_of_type(ITEM_DOCUMENT))) == 5  # four chapters and the navigation document
    # the container rules epubcheck starts with: mimetype first and stored uncompressed
    with zipfile.ZipFile(epub_path) as z:
        first = z.infolist()[0]
        assert (first.filename, first.compress_type, z.read(first)) == ("mimetype", zipfile.ZIP_STORED, b"application/epub+zip")
        assert "META-INF/container.xml" in z.namelist()
    assert "Archive of Our Own" not in epub_path.read_bytes().decode("latin-1")  # no site chrome


EPUBCHECK_JAR = Path("/usr/share/java/epubcheck.jar")  # Debian's `epubcheck` package


@pytest.mark.skipif(not (EPUBCHECK_JAR.exists() and shutil.which("java")),
                    reason="epubcheck not installed (apt-get install epubcheck; .ci/run does)")
def test_epub_passes_epubcheck(epub_path):
    result = subprocess.run(["java", "-jar", str(EPUBCHECK_JAR), str(epub_path)], capture_output=True, text=True,
                            timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 fatals / 0 errors / 0 warnings" in result.stdout + result.stderr


# -- the CLI -----------------------------------------------------------------------------
@pytest.mark.parametrize("fmt", ["tsv", "csv", "parquet", "epub"])
def test_cli_asks_for_output_when_a_format_writes_files(cli, fmt):
    from click.testing import CliRunner

    from ficlens.cli import main

    result = CliRunner().invoke(main, ["analyze", str(EXAMPLE_WORK), "--format", fmt])
    assert result.exit_code == 2
    assert "give it with -o" in result.output
    assert "Traceback" not in result.output


def test_every_format_is_offered_by_the_cli(cli):
    out = cli("analyze", "--help").output
    for fmt in FORMATS:
        assert fmt in out
