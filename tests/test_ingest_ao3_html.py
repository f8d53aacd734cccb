"""AO3 "Download → HTML" reader: one fixture per template version / byline form,
each read through format detection (`read_work`) with exact metadata and text."""

from __future__ import annotations

from pathlib import Path

import pytest

from ficlens.errors import FormatError
from ficlens.ingest import ao3_fragment, ao3_html, read_bytes, read_work
from ficlens.ingest.html_text import parse_html
from ficlens.model import (
    Author, ChapterCount, Relationship, SceneBreak, SeriesEntry, Source, StyleSpan, WorkMeta,
)

FIXTURES = Path(__file__).parent / "fixtures" / "ao3_html"
ALL_FIXTURES = sorted(p.name for p in FIXTURES.glob("*.html"))


def read(name: str):
    return read_work(FIXTURES / name)


def source(name: str, url: str, extraction: str) -> Source:
    return Source(format="ao3-html", url=url, path=str(FIXTURES / name), extraction=extraction)


def styled(chapter, span: StyleSpan) -> str:
    return chapter.text[span.start : span.end]


# -- every fixture ---------------------------------------------------------------------


def test_there_are_enough_fixtures():
    assert len(ALL_FIXTURES) >= 8


@pytest.mark.parametrize("name", ALL_FIXTURES)
def test_fixture_is_detected_as_ao3_download(name):
    tree = parse_html((FIXTURES / name).read_text(encoding="utf-8"))
    assert ao3_html.matches(tree)
    work = read(name)
    assert work.meta.source.format == "ao3-html"
    assert work.meta.source.path == str(FIXTURES / name)
    assert work.meta.source.url.startswith(("https://archiveofourown.org/works/", "http://archiveofourown.org/works/"))
    # downloads never carry engagement numbers
    assert (work.meta.kudos, work.meta.hits, work.meta.comments, work.meta.bookmarks) == (None,) * 4
    assert work.chapters and all(c.text for c in work.chapters)
    assert [c.index for c in work.chapters] == list(range(1, len(work.chapters) + 1))


@pytest.mark.parametrize("name", ALL_FIXTURES)
def test_no_markup_or_spacers_leak_into_text(name):
    for chapter in read(name).chapters:
        assert "<" not in chapter.text and "&nbsp;" not in chapter.text and "\u00a0" not in chapter.text
        assert all(p.strip() for p in chapter.paragraph_texts())
        assert "Chapter Text" not in chapter.text and "Chapter End Notes" not in chapter.text


# -- one-shot, 2024 template -----------------------------------------------------------


def test_oneshot_2024_metadata():
    name = "oneshot_2024.html"
    assert read(name).meta == WorkMeta(
        title="The Cartographer’s Apprentice",
        authors=(Author("Wren Halloway", "inkwell_moth"),),
        rating="Teen And Up Audiences",
        warnings=("Creator Chose Not To Use Archive Warnings",),
        categories=("F/M", "Gen"),
        fandoms=("The Lanternwright Chronicles",),
        relationships=(
            Relationship("Ilse Marren/Tobiah Vance", ("Ilse Marren", "Tobiah Vance"), "romantic"),
            Relationship(
                "Ilse Marren/Tobiah Vance/Cass Dunmore", ("Ilse Marren", "Tobiah Vance", "Cass Dunmore"), "romantic"
            ),
            Relationship("Ilse Marren & Old Pell", ("Ilse Marren", "Old Pell"), "platonic"),
        ),
        characters=("Ilse Marren", "Tobiah Vance", "Cass Dunmore", "Old Pell"),
        freeform=("Fluff", "Hurt/Comfort", "Maps", "Found Family"),
        language="English",
        published="2024-03-09",
        updated=None,  # published once: no Updated/Completed line
        completed=True,  # from Chapters: 1/1
        words=1204,
        chapters=ChapterCount(1, 1),
        summary="Ilse draws the coastline wrong on purpose.\n\nTobiah notices.",
        notes="Written for a friend who asked for “maps & feelings.”",
        end_notes="Thank you for reading! Come say hi about maps.",
        source=source(name, "https://archiveofourown.org/works/48213377", "single-chapter"),
    )


def test_oneshot_2024_text():
    (chapter,) = read("oneshot_2024.html").chapters
    assert chapter.title is None  # the toc-heading repeats the work title
    assert (chapter.summary, chapter.notes, chapter.end_notes) == (None, None, None)
    assert chapter.paragraph_texts() == [
        "The ink had gone tacky in the well again.",
        "“You’re doing it on purpose,” Tobiah said. “That bay doesn’t curve like that.”",
        "She didn’t look up. Of course I am, she thought — and then, aloud: “Maps lie. Mine just lie politely…”",
        "Old Pell kept the shop open late on Thursdays.\nNobody knew why.\nNobody asked.",
        "By morning the bay had its true shape back & Ilse had a new smudge of ink on her thumb.",
    ]
    assert [styled(chapter, s) for s in chapter.styles] == ["Of course I am,"]
    assert chapter.styles[0].style == "italic"
    starts = [p.start for p in chapter.paragraphs]
    assert chapter.scene_breaks == (SceneBreak(starts[3], "<hr>"), SceneBreak(starts[4], "* * *"))


# -- multi-chapter WIP, post-2025-10 headings -----------------------------------------


def test_multichapter_wip_metadata():
    name = "multichapter_wip_2025.html"
    assert read(name).meta == WorkMeta(
        title="Saltwater Ledger",
        authors=(Author("brinebird", "brinebird"), Author("Harbourlight", "quill_and_anchor")),
        rating="Mature",
        warnings=("Graphic Depictions Of Violence", "Major Character Death"),
        categories=("M/M",),
        fandoms=("Saltmarsh Academy (Web Series)", "The Lanternwright Chronicles"),
        relationships=(Relationship("Dov Asante/Marek Lind", ("Dov Asante", "Marek Lind"), "romantic"),),
        characters=("Dov Asante", "Marek Lind", "Headmistress Oyelaran"),
        freeform=("Alternate Universe - Pirates", "Slow Burn", "Enemies to Lovers"),
        language="English",
        series=(
            SeriesEntry("Tidewater Cycle", 2, "https://archiveofourown.org/series/3300121"),
            SeriesEntry("Ships That Pass", 1, "https://archiveofourown.org/series/3411876"),
        ),
        collections=("Rarepair Big Bang 2025", "Autumn Tides Exchange"),
        published="2025-06-14",
        updated="2025-11-30",
        completed=False,
        words=12480,
        chapters=ChapterCount(3, None),  # "3/?"
        summary="The academy’s training ship has two navigators and one ledger. "
        "Somebody has been writing in it at night.",
        notes="Big Bang art is linked in chapter one.\n\nUpdates every other Sunday, tides permitting.",
        end_notes="Thanks to our beta, who knows far more about knots than we do.",
        source=source(name, "https://archiveofourown.org/works/61100042", "chapter-blocks"),
    )


def test_multichapter_wip_chapters():
    first, second, third = read("multichapter_wip_2025.html").chapters
    assert (first.title, second.title, third.title) == ("Low Tide", None, "The Ledger Opens")

    assert first.summary == "Dov finds the first entry."
    assert first.notes == "Content note: a storm, and some blood."
    assert first.end_notes == "The art for this chapter is by a wonderful friend — go give it love!"
    assert first.paragraph_texts() == [
        "The ledger was bound in sharkskin and smelled of lamp oil.",
        "“Yours?” Dov asked.",
        "Marek shook his head. “I don’t keep diaries. I keep logs.”",
    ]
    assert [(styled(first, s), s.style) for s in first.styles] == [("logs", "italic")]

    assert (second.summary, second.notes, second.end_notes) == (None, None, None)
    assert second.paragraph_texts() == ["Three nights of fog.", "On the fourth, the ledger held a map."]

    # "Chapter Notes" label with only an end-notes link: no beginning notes
    assert (third.summary, third.notes, third.end_notes) == (None, None, "Next time: the reef.")
    assert third.paragraph_texts() == [
        "Headmistress Oyelaran read the last page twice.",
        "Whoever wrote this, she said, knows where the reef is.",
    ]
    assert [styled(third, s) for s in third.styles] == ["Whoever wrote this,", "knows where the reef is."]
    assert "Chapter by" not in third.text


# -- pre-2022 template -----------------------------------------------------------------


def test_completed_2019_metadata():
    name = "completed_2019.html"
    assert read(name).meta == WorkMeta(
        title="A Lantern in the Window",
        authors=(Author("fennelseed", "fennelseed"),),
        rating="General Audiences",
        warnings=("Choose Not To Use Archive Warnings",),  # pre-2023-04 wording, kept
        categories=("F/F", "Gen"),  # singular label, two tags
        fandoms=("The Lanternwright Chronicles", "Saltmarsh Academy (Web Series)"),
        relationships=(
            Relationship("Cass Dunmore/Nell Ashgrove", ("Cass Dunmore", "Nell Ashgrove"), "romantic"),
            Relationship("Cass Dunmore & Ilse Marren", ("Cass Dunmore", "Ilse Marren"), "platonic"),
        ),
        characters=("Cass Dunmore", "Nell Ashgrove", "Ilse Marren"),
        freeform=("Winter", "Letters"),
        language=None,  # no Language line before 2022
        published="2018-02-03",
        updated="2019-07-21",
        completed=True,
        words=8431,  # no thousands separator before 2023-04
        chapters=ChapterCount(2, 2),  # Chapters before Words
        summary="Cass leaves a light burning every night of the long winter. Nell comes home in the spring.",
        source=source(name, "http://archiveofourown.org/works/13370101", "chapter-blocks"),
    )


def test_completed_2019_title_only_headings():
    first, second = read("completed_2019.html").chapters
    assert (first.title, first.summary, first.notes) == ("A Lantern in the Window", "Winter.", None)
    assert (second.title, second.summary, second.notes) == (None, None, "Sorry this took a year!")
    assert second.paragraph_texts() == [
        "In April the road thawed.",
        "Nell knocked twice, the old signal, and Cass dropped the lamp.",
    ]
    assert second.scene_breaks == (SceneBreak(second.paragraphs[1].start, "~~~"),)


# -- bylines -------------------------------------------------------------------------


def test_anonymous_2023():
    name = "anonymous_2023.html"
    work = read(name)
    assert work.meta == WorkMeta(
        title="Thirteen Ways of Looking at a Kettle",
        authors=(Author("Anonymous", None),),
        rating="General Audiences",
        warnings=("No Archive Warnings Apply",),
        categories=("Gen",),
        fandoms=("Saltmarsh Academy (Web Series)",),
        characters=("Headmistress Oyelaran", "Dov Asante"),
        freeform=("Tea", "Vignette"),
        language="English",
        collections=("Small Fandom Fest 2023",),
        published="2023-02-14",
        updated="2023-03-01",
        completed=True,
        words=2345,
        chapters=ChapterCount(1, 1),
        summary="The headmistress’s kettle, considered.",
        source=source(name, "https://archiveofourown.org/works/44000917", "single-chapter"),
    )
    assert work.chapters[0].paragraph_texts() == [
        "I.",
        "Among the twenty cold rooms of the academy, the only warm thing was the kettle.",
        "II.",
        "Dov had opinions about the kettle. He kept them to himself — mostly.",
    ]


@pytest.mark.parametrize(
    ("name", "author", "url"),
    [
        ("orphan_account_2024.html", Author("orphan_account", "orphan_account"), "https://archiveofourown.org/works/50505050"),
        ("orphan_pseud_2024.html", Author("Marigold Static", "orphan_account"), "https://archiveofourown.org/works/50505051"),
    ],
)
def test_orphaned(name, author, url):
    work = read(name)
    assert work.meta == WorkMeta(
        title="Ferry Schedule",
        authors=(author,),
        rating="Not Rated",
        warnings=("No Archive Warnings Apply",),
        fandoms=("The Lanternwright Chronicles",),
        language="English",
        published="2024-08-02",
        completed=True,
        words=61,
        chapters=ChapterCount(1, 1),
        source=source(name, url, "single-chapter"),
    )
    assert work.chapters[0].paragraph_texts() == [
        "The ferry left at six, at noon, and whenever Old Pell felt like it."
    ]


def test_archived_import_credits_original_creator():
    name = "archived_import_2023.html"
    work = read(name)
    assert work.meta == WorkMeta(
        title="The Bellfounder's Daughter",
        authors=(Author("Delphine Okafor", None),),
        rating="Teen And Up Audiences",
        warnings=("No Archive Warnings Apply",),
        fandoms=("The Lanternwright Chronicles",),
        characters=("Nell Ashgrove",),
        language="English",
        collections=("The Lanternfic Archive",),
        published="2009-11-20",
        updated="2023-05-06",
        completed=True,
        words=1020,
        chapters=ChapterCount(1, 1),
        notes="This story was originally posted on The Lanternfic Archive and moved to the AO3 in 2023.",
        source=source(name, "https://archiveofourown.org/works/7012345", "single-chapter"),
    )
    assert work.chapters[0].paragraph_texts() == [
        "Nell could tell a cracked bell by the way the pigeons left the tower.",
        "Her father could not, which was why he hired her.",
    ]


# -- 2026-02: one posted chapter of a chaptered work uses the per-chapter block --------


def test_single_posted_chapter_2026():
    name = "single_posted_chapter_2026.html"
    work = read(name)
    assert work.meta == WorkMeta(
        title="Soundings",
        authors=(Author("Harbourlight", "quill_and_anchor"),),
        rating="Mature",
        warnings=("Creator Chose Not To Use Archive Warnings", "Graphic Depictions Of Violence"),
        categories=("M/M",),
        fandoms=("Saltmarsh Academy (Web Series)",),
        relationships=(Relationship("Dov Asante/Marek Lind", ("Dov Asante", "Marek Lind"), "romantic"),),
        freeform=("Alternate Universe - Modern Setting",),
        language="English",
        series=(SeriesEntry("Tidewater Cycle", 3, "https://archiveofourown.org/series/3300121"),),
        published="2026-03-02",
        completed=False,
        words=2046,
        chapters=ChapterCount(1, 4),
        source=source(name, "https://archiveofourown.org/works/70000123", "chapter-blocks"),
    )
    (chapter,) = work.chapters
    assert (chapter.title, chapter.summary) == ("Fathoms", "Depth, measured.")
    assert chapter.paragraph_texts() == [
        "The lead line went down and down.",
        "“Twelve fathoms,” Marek called, and Dov wrote it in the ledger.",
    ]


# -- malformed but readable ------------------------------------------------------------


def test_malformed_reads_as_a_browser_shows_it():
    name = "malformed_2024.html"
    work = read(name)
    assert work.meta == WorkMeta(
        title="Salt & Iron",
        authors=(Author("tidewrack", "tidewrack"),),
        rating="Teen And Up Audiences",  # its <dd> is never closed
        warnings=("No Archive Warnings Apply",),
        fandoms=("Saltmarsh Academy (Web Series)",),
        relationships=(Relationship("Marek Lind & Dov Asante", ("Marek Lind", "Dov Asante"), "platonic"),),
        language="English",
        published="2024-01-05",
        updated="2024-01-19",
        completed=True,
        words=3210,
        chapters=ChapterCount(2, 2),
        summary="Two cadets, one anchor chain\n\nand a very long night.",
        source=source(name, "https://archiveofourown.org/works/55555001", "chapter-blocks"),
    )
    first, second = work.chapters
    # The stray </div></div> closes the chapter text and div#chapters early: the rest
    # of chapter 1, its end notes and chapter 2 all follow div#chapters in the tree.
    assert first.title == "Anchor Watch"
    assert first.paragraph_texts() == [
        "The chain was cold enough to burn.",
        "Marek counted links out loud: salt & pepper, salt & pepper, an old drill rhyme.",
        "Dov pretended not to hear him.",
    ]
    assert first.end_notes == "This chapter ran long, sorry!"
    assert second.title == "Iron"
    assert second.paragraph_texts() == ["Dawn came up grey.\nThe chain held.", "They never spoke of it again."]


# -- edge cases through read_bytes -----------------------------------------------------

_MINIMAL = """<html><head><title>{page_title}</title></head><body>
<div id="preface"><p class="message"><b>{bold}</b><br/>Posted originally on the
<a href="https://archiveofourown.org/">Archive of Our Own</a> at
<a href="https://archiveofourown.org/works/1">https://archiveofourown.org/works/1</a>.</p>
<div class="meta">{meta}</div></div>
<div id="chapters" class="userstuff">{chapters}</div>
<div id="afterword"></div></body></html>"""


def minimal(page_title="Page Title - someone - Fandom", bold="Bold Title", meta="<h1>Heading Title</h1>",
            chapters='<div class="userstuff"><p>Text.</p></div>') -> bytes:
    return _MINIMAL.format(page_title=page_title, bold=bold, meta=meta, chapters=chapters).encode()


def test_title_prefers_h1_then_message_then_page_title():
    assert read_bytes(minimal(), "a.html").meta.title == "Heading Title"
    assert read_bytes(minimal(meta=""), "a.html").meta.title == "Bold Title"
    assert read_bytes(minimal(meta="", bold=""), "a.html").meta.title == "Page Title"


def test_message_alone_is_enough_to_match():
    tree = parse_html(minimal().decode().replace('id="preface"', 'id="front"'))
    assert ao3_html.matches(tree)


def test_other_pages_do_not_match():
    fragment = '<div class="userstuff module" role="article"><h3 class="landmark heading" id="work">Chapter Text</h3><p>x</p></div>'
    assert not ao3_html.matches(parse_html(fragment))
    assert not ao3_html.matches(parse_html("<html><body><div id='chapters'><p>x</p></div></body></html>"))


def test_download_is_not_taken_for_a_fragment():
    tree = parse_html((FIXTURES / "oneshot_2024.html").read_text(encoding="utf-8"))
    assert not ao3_fragment.matches(tree)


def test_missing_chapters_is_a_format_error():
    data = minimal().decode().replace('<div id="chapters" class="userstuff"><div class="userstuff"><p>Text.</p></div></div>', "")
    with pytest.raises(FormatError, match="no div#chapters") as info:
        read_bytes(data.encode(), "gone.html")
    assert info.value.path == "gone.html"


def test_empty_chapters_is_a_format_error():
    with pytest.raises(FormatError, match="no chapter text"):
        read_bytes(minimal(chapters=""), "empty.html")


def test_blockquote_inside_summary_is_not_taken_for_notes():
    meta = (
        "<h1>T</h1><p>Summary</p><blockquote class=\"userstuff\"><p>A letter:</p>"
        "<p>Notes</p><blockquote><p>not the notes</p></blockquote></blockquote>"
    )
    work = read_bytes(minimal(meta=meta), "a.html")
    assert work.meta.summary == "A letter:\n\nNotes\n\nnot the notes"
    assert work.meta.notes is None


def test_chapter_blocks_without_preface_blocks_are_separate_chapters():
    chapters = (
        '<div class="userstuff"><p>One.</p></div>'
        '<div class="userstuff"><p>Two.</p></div>'
    )
    work = read_bytes(minimal(chapters=chapters), "a.html")
    assert [c.text for c in work.chapters] == ["One.", "Two."]


def test_multiple_archived_creators_and_a_plain_pseud():
    byline = (
        '<div class="byline">by A. Writer [archived by <a href="https://archiveofourown.org/users/arch/pseuds/arch">arch</a>], '
        'B. Writer [archived by <a href="https://archiveofourown.org/users/arch/pseuds/arch">arch</a>], '
        '<a href="https://archiveofourown.org/users/real_login/pseuds/Penname">Penname (real_login)</a></div>'
    )
    work = read_bytes(minimal(meta="<h1>T</h1>" + byline), "a.html")
    assert work.meta.authors == (Author("A. Writer"), Author("B. Writer"), Author("Penname", "real_login"))
