"""AO3 EPUBs (Calibre-made since 2019, hand-built before), the generic EPUB
fallback, and broken EPUBs. Fixture sources live in tests/fixtures/epub/<name>/
and are zipped at test time by tests/epub_builder.py."""

from __future__ import annotations

import pytest

from epub_builder import build_epub, epub_from_members, fixture_members, write_epub
from ficlens.errors import FormatError
from ficlens.ingest import read_bytes, read_work
from ficlens.model import Author, ChapterCount, Relationship, SceneBreak, SeriesEntry, Source, StyleSpan


def styled(chapter, style):
    return [chapter.text[s.start:s.end] for s in chapter.styles if s.style == style]


# -- AO3 since 2019: Calibre ebook-convert of the download HTML -----------------------
@pytest.fixture(scope="module")
def calibre_work():
    return read_bytes(build_epub("ao3_calibre"), "cartographer.epub")


def test_calibre_epub_metadata_comes_from_the_preface(calibre_work):
    meta = calibre_work.meta
    assert meta.title == "The Cartographer's Apprentice"
    assert meta.authors == (Author("Wren Halloway", "wrenhal"), Author("quillfeather", "quillfeather"))
    assert meta.rating == "Teen And Up Audiences"
    assert meta.warnings == ("No Archive Warnings Apply",)
    assert meta.categories == ("F/M", "Gen")
    assert meta.fandoms == ("Saltmarsh Chronicles (Web Series)",)
    assert meta.relationships == (
        Relationship("Ines Marrow/Tobiah Fenn", ("Ines Marrow", "Tobiah Fenn"), "romantic"),
        Relationship("Ines Marrow & The Harbormaster", ("Ines Marrow", "The Harbormaster"), "platonic"),
    )
    assert meta.characters == ("Ines Marrow", "Tobiah Fenn", "The Harbormaster")
    assert meta.freeform == ("Maps", "Slow Burn")  # typed: not the OPF's untyped subjects
    assert meta.language == "English"
    assert meta.series == (SeriesEntry("Tidewater Maps", 2, "https://archiveofourown.org/series/271828"),)
    assert meta.collections == ("Harbor Fest 2021",)
    assert (meta.published, meta.updated, meta.completed) == ("2021-02-14", "2021-03-20", True)
    assert meta.words == 1204
    assert meta.chapters == ChapterCount(3, 3)
    assert meta.summary == (
        "Ines inherits a drafting table, a drawer of unfinished coastlines, and an apprentice she never asked for."
    )
    assert meta.notes == "Written for the harbor exchange.\n\nEvery tide table in this story is invented."
    assert meta.end_notes == "Thank you for reading. The third map is next in the series."
    assert (meta.kudos, meta.hits, meta.comments, meta.bookmarks) == (None, None, None, None)
    assert meta.source == Source(
        "ao3-epub", url="https://archiveofourown.org/works/31415926", path="cartographer.epub", extraction="preface"
    )


def test_calibre_epub_chapters_rebuilt_from_heading_blocks(calibre_work):
    chapters = calibre_work.chapters
    assert [(c.index, c.title) for c in chapters] == [(1, "Soundings"), (2, "Low Water"), (3, None)]

    first = chapters[0]
    assert first.paragraph_texts() == [
        "The drafting table had belonged to three cartographers before Ines, and each of them had left a scar in the wood.",
        '"You\'re late," she said, without looking up. The boy in the doorway held his hat the way people hold a drowned cat.',
        "He won't last a week, she thought, and was wrong.",
        "By noon they had measured the harbor mouth twice\nand disagreed both times.",
        "Tobiah wrote the numbers down anyway.",
    ]
    assert first.summary == "The first survey goes badly."
    assert first.notes == "A sounding line is a rope with a lead weight on the end."
    assert first.end_notes is None
    # A renamed class whose stylesheet rule is italic still reads as italic.
    assert styled(first, "italic") == ["drowned", "He won't last a week,"]
    assert first.scene_breaks == (SceneBreak(first.paragraphs[3].start, "* * *"),)


def test_calibre_chapter_split_across_two_files_is_one_chapter(calibre_work):
    second = calibre_work.chapters[1]
    assert second.paragraph_texts() == [
        "At low water the harbor showed its bones: a spine of black rock, two wrecks, and a cart wheel nobody could explain.",
        "Ines sketched the wheel first, because it was the least important thing on the mud and therefore the easiest.",
        "Tobiah waded out to the nearer wreck with the chain over his shoulder.",  # from the next split file
        '"It moved," he said that evening. "The wreck moved."',
    ]
    assert second.end_notes == "Wrecks do not usually move. This one is an exception."
    assert second.scene_breaks == (SceneBreak(second.paragraphs[3].start, "<hr>"),)
    assert styled(second, "bold") == ["The wreck moved."]


def test_calibre_chapter_byline_and_afterword_stay_out_of_the_text(calibre_work):
    third, = calibre_work.chapters[2:]
    assert third.paragraph_texts() == [
        "The new map had one coastline and two harbors, and only one of them was true.",
        "Ines signed it anyway, and under her name, smaller, Tobiah signed his.",
    ]
    all_text = "\n".join(c.text for c in calibre_work.chapters)
    for furniture in ("Chapter by", "End Notes", "Works inspired", "drop by the Archive", "Preface", "Summary"):
        assert furniture not in all_text


def test_calibre_epub_without_usable_preface_falls_back_to_the_opf():
    work = read_bytes(build_epub("ao3_calibre_nopreface"), "lamp.epub")
    meta = work.meta
    assert meta.source == Source(
        "ao3-epub", url="https://archiveofourown.org/works/24681357", path="lamp.epub", extraction="opf-fallback"
    )
    assert meta.title == "Lamplighter's Round"
    assert meta.authors == (Author("Odile Brandt"), Author("pennywhistle"))
    # dc:subject is untyped: everything but "Fanworks" is kept as freeform.
    assert meta.freeform == ("General Audiences", "Gen", "Cinder Street (Radio Drama)", "Hollis Gray", "Fluff")
    assert meta.rating is None and meta.fandoms == () and meta.categories == ()
    assert meta.summary == "Every lamp on Cinder Street has a name.\n\nOnly one of them answers to it."
    assert meta.language == "en"
    assert meta.series == (SeriesEntry("Small Hours", 3),)
    # Calibre's dc:date is AO3's revised_at: the last update, not publication.
    assert (meta.published, meta.updated) == (None, "2020-07-01")
    assert meta.end_notes == "Written in one sitting during a power cut."
    [chapter] = work.chapters
    assert chapter.title is None  # a single-chapter work's heading is the work's title
    assert chapter.paragraph_texts() == [
        "Hollis lit the lamps on Cinder Street from the bottom of the hill to the top, the way his mother had, "
        "and his grandmother before her.",
        "The ninth lamp flickered twice before it caught. Good evening, Hollis told it, because someone ought to.",
    ]
    assert styled(chapter, "italic") == ["Good evening,"]


def test_calibre_preface_tags_dl_missing_means_opf_fallback():
    members = fixture_members("ao3_calibre")
    name = "The_Cartographers_Appren_split_000.xhtml"
    preface = members[name].decode()
    start, end = preface.index("<dl"), preface.index("</dl>") + len("</dl>")
    work = read_bytes(build_epub("ao3_calibre", {name: preface[:start] + preface[end:]}), "x.epub")
    assert work.meta.source.extraction == "opf-fallback"
    assert work.meta.source.url == "https://archiveofourown.org/works/31415926"  # p.message still read
    assert work.meta.updated == "2021-03-20" and work.meta.published is None
    assert "Fanworks" not in work.meta.freeform and "Maps" in work.meta.freeform
    assert len(work.chapters) == 3


# -- AO3 before 2019: hand-built preface/chapterN_M/afterword ------------------------------
@pytest.fixture(scope="module")
def legacy_work():
    return read_bytes(build_epub("ao3_legacy"), "ledger.epub")


def test_legacy_epub_metadata(legacy_work):
    meta = legacy_work.meta
    assert meta.title == "Salt in the Ledger"
    assert meta.authors == (Author("Perrin Ashgrove", "ashgrove"),)
    assert meta.rating == "General Audiences"
    assert meta.warnings == ("Choose Not To Use Archive Warnings",)
    assert meta.categories == ("F/F",)
    assert meta.fandoms == ("Ledgerkeepers (Podcast)",)
    assert meta.relationships == (
        Relationship("Maud Oyelaran/Signe Halvorsen", ("Maud Oyelaran", "Signe Halvorsen"), "romantic"),
    )
    assert meta.characters == ("Maud Oyelaran", "Signe Halvorsen", "Uncle Pim")
    assert meta.freeform == ("Bookkeeping", "Rain")
    assert meta.language == "en"  # no Language: line before 2022; dc:language fills it
    assert (meta.published, meta.updated, meta.completed) == ("2016-05-09", "2017-01-02", False)
    assert meta.chapters == ChapterCount(2, 3)
    assert meta.words == 1020
    assert meta.summary == "Two bookkeepers, one leaking roof, and a column of numbers that refuses to balance."
    assert meta.end_notes == "Thanks to everyone who sent rain sounds."
    assert meta.source == Source(
        "ao3-epub", url="http://archiveofourown.org/works/7654321", path="ledger.epub", extraction="preface"
    )


def test_legacy_epub_chapters_span_their_part_files(legacy_work):
    first, second = legacy_work.chapters
    assert (first.index, first.title) == (1, "Harbor Lights")
    assert first.paragraph_texts() == [
        "The roof of the counting house leaked over the letter S, which Maud said was an omen and Signe said was a gutter.",
        "They moved the ledgers to the dry end of the room. The rain followed them, patient as a creditor.",
    ]
    assert (second.index, second.title) == (2, None)  # "Chapter 2": untitled
    assert second.notes == "Uncle Pim is based on nobody."
    assert second.end_notes == "One more chapter to go."
    assert second.paragraph_texts() == [
        "Uncle Pim arrived on a Tuesday with a wet umbrella and a debt of four shillings he swore he had already paid.",
        "Signe found the four shillings in the margin, written in pencil, in a hand that was not Pim's.",
        '"Well," said Maud. "That\'s a mystery."',
    ]


def test_legacy_epub_without_headings_groups_chapters_by_file():
    members = fixture_members("ao3_legacy")
    bare = {}
    for name in ("OEBPS/chapter1_1.xhtml", "OEBPS/chapter2_1.xhtml"):
        text = members[name].decode()
        start = text.index('<div class="meta group">')
        end = text.index("</div>", start) + len("</div>")
        bare[name] = text[:start] + text[end:]
    work = read_bytes(build_epub("ao3_legacy", bare), "x.epub")
    assert [(c.index, c.title) for c in work.chapters] == [(1, None), (2, None)]
    assert len(work.chapters[1].paragraphs) == 3
    assert work.meta.end_notes == "Thanks to everyone who sent rain sounds."


def test_legacy_opf_date_is_publication_when_the_preface_has_no_stats():
    members = fixture_members("ao3_legacy")
    preface = members["OEBPS/preface.xhtml"].decode()
    start = preface.index("<dt>Stats:</dt>")
    end = preface.index("</dd>", start) + len("</dd>")
    work = read_bytes(build_epub("ao3_legacy", {"OEBPS/preface.xhtml": preface[:start] + preface[end:]}), "x.epub")
    assert (work.meta.published, work.meta.updated) == ("2016-05-09", None)


# -- through read_work on files ---------------------------------------------------------
@pytest.mark.parametrize("name, fmt, title", [
    ("ao3_calibre", "ao3-epub", "The Cartographer's Apprentice"),
    ("ao3_calibre_nopreface", "ao3-epub", "Lamplighter's Round"),
    ("ao3_legacy", "ao3-epub", "Salt in the Ledger"),
    ("fanficfare_ao3", "fanficfare-epub", "The Bellfounder's Daughter"),
    ("fanficfare_table", "fanficfare-epub", "A Lantern for the Ferryman"),
])
def test_read_work_on_epub_files(tmp_path, name, fmt, title):
    path = write_epub(name, tmp_path / f"{name}.epub")
    work = read_work(path)
    assert work.meta.source.format == fmt
    assert work.meta.source.path == str(path)
    assert work.meta.title == title
    assert work.chapters and all(c.paragraphs for c in work.chapters)


# -- any other EPUB ----------------------------------------------------------------------
CONTAINER = (
    '<?xml version="1.0"?><container version="1.0" xmlns="urn:oasis:names:tc:opendocument:xmlns:container">'
    '<rootfiles><rootfile full-path="book/package.opf" media-type="application/oebps-package+xml"/></rootfiles></container>'
)


def _opf(spine_items: str, manifest_items: str) -> str:
    return (
        '<?xml version="1.0"?><package xmlns="http://www.idpf.org/2007/opf" version="2.0">'
        '<metadata xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:opf="http://www.idpf.org/2007/opf">'
        "<dc:title>Notes from the Orchard</dc:title><dc:creator>Rosalind Fairweather</dc:creator>"
        '<dc:language>en</dc:language><dc:date opf:event="publication">2018-04-02</dc:date>'
        f"</metadata><manifest>{manifest_items}</manifest><spine>{spine_items}</spine></package>"
    )


def _page(body: str) -> str:
    return f'<?xml version="1.0" encoding="utf-8"?><html xmlns="http://www.w3.org/1999/xhtml"><head><title/></head><body>{body}</body></html>'


def test_generic_epub_reads_one_chapter_per_spine_document():
    data = epub_from_members({
        "META-INF/container.xml": CONTAINER,
        "book/package.opf": _opf(
            '<itemref idref="a"/><itemref idref="b"/>',
            '<item id="a" href="text/one.xhtml" media-type="application/xhtml+xml"/>'
            '<item id="b" href="text/two%20words.xhtml" media-type="application/xhtml+xml"/>',
        ),
        "book/text/one.xhtml": _page("<p>The apples came early that year.</p><div/><p>Nobody minded.</p>"),
        "book/text/two words.xhtml": _page("<p>The pears, as usual, were late.</p>"),
    })
    work = read_bytes(data, "orchard.epub")
    assert work.meta.title == "Notes from the Orchard"
    assert work.meta.authors == (Author("Rosalind Fairweather"),)
    assert work.meta.published == "2018-04-02"
    assert work.meta.source == Source("epub", path="orchard.epub", extraction="spine")
    assert [c.paragraph_texts() for c in work.chapters] == [
        ["The apples came early that year.", "Nobody minded."],
        ["The pears, as usual, were late."],
    ]


# -- broken EPUBs ----------------------------------------------------------------------------
@pytest.mark.parametrize("members, message", [
    ({"OEBPS/content.opf": "<package/>"}, "META-INF/container.xml is missing"),
    ({"META-INF/container.xml": CONTAINER}, "'book/package.opf' named in META-INF/container.xml is missing"),
    ({"META-INF/container.xml": "<container><rootfiles/></container>"}, "names no OPF package"),
    ({"META-INF/container.xml": CONTAINER, "book/package.opf": _opf("", "")}, "spine lists no content documents"),
    ({"META-INF/container.xml": CONTAINER,
      "book/package.opf": _opf('<itemref idref="a"/>', '<item id="a" href="gone.xhtml" media-type="application/xhtml+xml"/>')},
     "spine lists no content documents"),
    ({"META-INF/container.xml": CONTAINER, "book/package.opf": "<package><metadata>"}, "book/package.opf is not well-formed XML"),
    ({"META-INF/container.xml": CONTAINER,
      "book/package.opf": _opf('<itemref idref="a"/>', '<item id="a" href="a.xhtml" media-type="application/xhtml+xml"/>'),
      "book/a.xhtml": _page("<p>  </p>")},
     "no chapter text"),
])
def test_broken_epub_is_a_format_error_naming_the_problem(members, message):
    with pytest.raises(FormatError) as err:
        read_bytes(epub_from_members(members), "broken.epub")
    assert message in err.value.message
    assert err.value.path == "broken.epub"


def test_zip_that_is_not_an_epub():
    data = epub_from_members({"mimetype": "application/vnd.oasis.opendocument.text", "content.xml": "<x/>"})
    with pytest.raises(FormatError, match="not an EPUB"):
        read_bytes(data, "letter.odt")


def test_epub_suffix_on_non_zip_data():
    with pytest.raises(FormatError, match="not a valid EPUB/zip"):
        read_bytes(b"<html><body><p>not a zip</p></body></html>", "fake.epub")


def test_ao3_calibre_with_no_headings_is_a_format_error():
    members = fixture_members("ao3_calibre_nopreface")
    name = "Lamplighters_Round_split_000.xhtml"
    text = members[name].decode().replace('<h2 class="toc-heading" id="calibre_toc_1">Lamplighter\'s Round</h2>', "")
    # With the title heading gone there is no chapter block left to read.
    members[name] = text.encode()
    with pytest.raises(FormatError, match="no chapters"):
        read_bytes(epub_from_members(members), "x.epub")


def test_style_spans_point_at_their_text(calibre_work):
    for chapter in calibre_work.chapters:
        for span in chapter.styles:
            assert isinstance(span, StyleSpan)
            assert chapter.text[span.start:span.end].strip() == chapter.text[span.start:span.end]


def test_calibre_chapter_headings_renamed_to_calibre_classes():
    # Calibre names a class after the first element it sees with that style, so
    # chapter headings can come out as "calibre15": every h2 is then a candidate.
    members = fixture_members("ao3_calibre")
    renamed = {
        name: data.decode().replace('<h2 class="heading"', '<h2 class="calibre15"')
        for name, data in members.items() if name.endswith(".xhtml")
    }
    work = read_bytes(build_epub("ao3_calibre", renamed), "x.epub")
    assert [(c.index, c.title) for c in work.chapters] == [(1, "Soundings"), (2, "Low Water"), (3, None)]
    assert len(work.chapters[1].paragraphs) == 4
    assert work.meta.end_notes == "Thank you for reading. The third map is next in the series."
