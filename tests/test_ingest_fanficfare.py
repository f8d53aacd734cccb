"""FanFicFare output: EPUB (both title-page layouts) and single-file HTML."""

from __future__ import annotations

from pathlib import Path

import pytest

from epub_builder import build_epub, fixture_members
from ficlens.ingest import fanficfare_html, read_bytes, read_work
from ficlens.ingest.html_text import parse_html
from ficlens.model import Author, ChapterCount, Relationship, SceneBreak, SeriesEntry, Source

FFF_HTML = Path(__file__).parent / "fixtures" / "fanficfare" / "nine_ways_to_fold_a_letter.html"


def styled(chapter, style):
    return [chapter.text[s.start:s.end] for s in chapter.styles if s.style == style]


# -- EPUB, default title page (<b>Label:</b> value<br/>) ---------------------------------
@pytest.fixture(scope="module")
def bell_work():
    return read_bytes(build_epub("fanficfare_ao3"), "bell.epub")


def test_fanficfare_epub_metadata_with_the_ao3_mapping(bell_work):
    meta = bell_work.meta
    assert meta.title == "The Bellfounder's Daughter"
    assert meta.authors == (Author("Marguerite Oduya", "mods"),)
    assert meta.fandoms == ("Bronze Age (Video Game)",)  # FanFicFare's "Category"
    assert meta.categories == ("F/F", "Other")  # AO3 categories found in "Genre"
    assert meta.freeform == ("Angst", "Hurt/Comfort")  # the rest of "Genre"
    assert meta.warnings == ("Graphic Depictions Of Violence",)
    assert meta.relationships == (
        Relationship("Agathe Bell/Corinna Vale", ("Agathe Bell", "Corinna Vale"), "romantic"),
        Relationship("Agathe Bell & The Abbess", ("Agathe Bell", "The Abbess"), "platonic"),
    )
    assert meta.characters == ("Agathe Bell", "Corinna Vale", "The Abbess")
    assert meta.rating == "Mature"
    assert meta.language == "English"
    assert (meta.published, meta.updated, meta.completed) == ("2019-09-03", "2019-10-11", False)
    assert meta.chapters == ChapterCount(2, None)
    assert meta.words == 1876
    assert meta.summary == "Agathe casts bells for a town that has stopped ringing them.\n\nCorinna Vale comes to buy one anyway."
    # The AO3 work's own notes ride on the first chapter's head and the last one's foot.
    assert meta.notes == "This started as a drabble and got away from me."
    assert meta.end_notes == "More soon. Thank you for the kind comments."
    assert meta.source == Source(
        "fanficfare-epub", url="https://archiveofourown.org/works/5772156", path="bell.epub", extraction="title-page"
    )


def test_fanficfare_epub_chapters_skip_title_toc_and_log_pages(bell_work):
    first, second = bell_work.chapters
    assert [(c.index, c.title) for c in bell_work.chapters] == [(1, "The Casting Pit"), (2, "Tin and Copper")]
    assert first.paragraph_texts() == [
        "The pit was still warm when Agathe climbed down into it, and the bell lay on its side like a sleeping animal.",
        "She knew before she touched it. A crack ran from the lip to the shoulder, fine as a hair.",
        "Corinna Vale came in the afternoon, with mud on her boots and coins in a knotted handkerchief.",
    ]
    assert first.scene_breaks == (SceneBreak(first.paragraphs[2].start, "***"),)
    assert styled(first, "italic") == ["fine as a hair"]
    assert second.paragraph_texts() == [
        '"Four parts copper," Agathe said. "One part tin. One part patience."',
        "Corinna wrote it down\nas if it were a spell.",
    ]
    assert styled(second, "bold") == ["patience"]


def test_fanficfare_chapter_notes_are_not_story_text(bell_work):
    first, second = bell_work.chapters
    assert first.summary == "A bell cracks."
    assert first.notes == "Bell bronze is mostly copper, with a little tin."
    assert first.end_notes == "Thanks for reading chapter one."
    assert (second.summary, second.notes, second.end_notes) == (None, None, None)
    text = "\n".join(c.text for c in bell_work.chapters)
    for furniture in ("Author's Note", "Notes for the Chapter", "Summary for the Chapter", "drabble",
                      "The Casting Pit", "Update Log", "Table of Contents"):
        assert furniture not in text


def test_fanficfare_epub_without_title_page_uses_the_opf():
    members = fixture_members("fanficfare_ao3")
    opf = members["content.opf"].decode().replace('<itemref idref="title_page" linear="yes"/>', "")
    work = read_bytes(build_epub("fanficfare_ao3", {"content.opf": opf, "OEBPS/title_page.xhtml": None}), "x.epub")
    meta = work.meta
    assert meta.source.extraction == "opf"
    assert meta.title == "The Bellfounder's Daughter"
    assert meta.authors == (Author("Marguerite Oduya", "mods"),)
    assert meta.source.url == "https://archiveofourown.org/works/5772156"
    assert (meta.published, meta.updated, meta.language) == ("2019-09-03", "2019-10-11", "en")
    assert meta.summary == "Agathe casts bells for a town that has stopped ringing them. Corinna Vale comes to buy one anyway."
    assert meta.fandoms == () and meta.freeform == ()  # dc:subject is untyped: not guessed at
    assert len(work.chapters) == 2


# -- EPUB, titlepage_use_table, a non-AO3 site ---------------------------------------------
def test_fanficfare_epub_table_title_page():
    work = read_bytes(build_epub("fanficfare_table"), "lantern.epub")
    meta = work.meta
    assert meta.title == "A Lantern for the Ferryman"
    assert meta.authors == (Author("tallowcandle", "tallowcandle"),)
    assert meta.fandoms == ("Lighthouse Keepers",)
    assert meta.categories == ()
    assert meta.freeform == ("Adventure", "Friendship")
    assert meta.characters == ("Bram H.", "Nettie O.")
    assert meta.rating == "K+"
    assert (meta.published, meta.updated, meta.completed) == ("2012-06-30", "2012-06-30", True)
    assert meta.chapters == ChapterCount(1, 1)
    assert meta.words == 640
    assert meta.summary == "The ferry runs at night now. Bram does not ask why."  # a wide (colspan) row
    assert meta.source == Source(
        "fanficfare-epub", url="https://www.fanfiction.net/s/9876543/1/", path="lantern.epub", extraction="title-page"
    )
    [chapter] = work.chapters
    assert chapter.title is None  # a one-chapter story's chapter carries the story title
    assert chapter.paragraph_texts() == [
        "The ferry ran at night now, and Bram had stopped asking why.",
        "Nettie held the lantern at the bow. Its light reached exactly as far as the water wanted it to, and no farther.",
        "On the far bank someone was waiting with a coin.",
    ]
    assert chapter.scene_breaks == (SceneBreak(chapter.paragraphs[2].start, "<hr>"),)


# -- HTML (-f html) ----------------------------------------------------------------------------
@pytest.fixture(scope="module")
def letter_work():
    return read_work(FFF_HTML)


def test_fanficfare_html_is_detected_by_its_markup():
    tree = parse_html(FFF_HTML.read_text(encoding="utf-8"))
    assert fanficfare_html.matches(tree)
    assert not fanficfare_html.matches(parse_html("<html><body><h2>Chapter</h2><p>Text.</p></body></html>"))
    assert not fanficfare_html.matches(parse_html(
        '<div id="preface"><p class="message">x</p></div><div id="chapters" class="userstuff"><p>y</p></div>'
    ))


def test_fanficfare_html_metadata(letter_work):
    meta = letter_work.meta
    assert meta.title == "Nine Ways to Fold a Letter"
    assert meta.authors == (Author("Ottilie Marsh", "omarsh"),)
    assert meta.series == (SeriesEntry("Paper Weather", 1, "https://archiveofourown.org/series/3141592"),)
    assert meta.fandoms == ("Paper Cranes (Novel Series)", "The Post Office Cycle")
    assert meta.categories == ("Gen", "M/M")
    assert meta.freeform == ("Epistolary", "Fluff")
    assert meta.relationships == (Relationship("Emeric Lund/Felix Adeyemi", ("Emeric Lund", "Felix Adeyemi"), "romantic"),)
    assert meta.characters == ("Emeric Lund", "Felix Adeyemi")
    assert meta.rating == "General Audiences"
    assert meta.warnings == ("No Archive Warnings Apply",)
    assert meta.language == "English"
    assert (meta.published, meta.updated, meta.completed) == ("2022-08-01", "2022-08-15", True)
    assert meta.chapters == ChapterCount(2, 2)
    assert meta.words == 2050
    assert meta.summary == "Emeric answers every letter. Felix keeps writing back."
    assert meta.notes == "For my grandmother, who folded every letter into a little boat."
    assert meta.end_notes == "Thank you for reading! The next story is already folded."
    assert meta.source == Source(
        "fanficfare-html", url="https://archiveofourown.org/works/40902211", path=str(FFF_HTML), extraction="title-page"
    )


def test_fanficfare_html_chapters(letter_work):
    first, second = letter_work.chapters
    assert (first.index, first.title, second.index, second.title) == (1, "The First Fold", 2, "Return to Sender")
    assert first.paragraph_texts() == [
        "The first letter came folded into a crane, and Emeric spent twenty minutes unfolding it without tearing a wing.",
        "Dear Sir, it began. You have my umbrella.",
        "He did have the umbrella. He had no idea how.",
    ]
    assert styled(first, "italic") == ["Dear Sir,", "You have my umbrella."]
    assert (first.summary, first.notes, first.end_notes) == ("A letter arrives folded like a crane.", None, None)
    assert second.paragraph_texts() == [
        "Emeric folded his reply into a boat, because a crane felt like showing off.",
        "Felix's answer was a frog. It jumped, slightly, when pressed.",
    ]
    assert second.scene_breaks == (SceneBreak(second.paragraphs[1].start, "~"),)
    assert second.end_notes == "Paper frogs really do jump."
    text = "\n".join(c.text for c in letter_work.chapters)
    for furniture in ("Table of Contents", "Author's Note", "grandmother", "Return to Sender", "Category"):
        assert furniture not in text


def test_fanficfare_html_without_markers_is_not_matched():
    html = FFF_HTML.read_text(encoding="utf-8").replace('name="section', 'name="part')
    assert not fanficfare_html.matches(parse_html(html))
