"""The bundled example work (src/ficlens/examples/lighthouse.html), which `make demo`
analyses and the README shows: an original four-chapter story in the 2026 AO3
"Download → HTML" layout. These tests pin down what the AO3 reader must get out of it,
so a change to the example or to the reader that breaks the demo shows up here."""

from __future__ import annotations

import pytest

from ficlens.ingest import read_work
from ficlens.model import Author, ChapterCount, Relationship, SeriesEntry

from conftest import EXAMPLE_WORK

WORK_URL = "https://archiveofourown.org/works/61849273"

CHAPTER_TITLES = ["The Causeway", "The Gull and Anchor", "Two Cranes", "The Long Night"]

# <p> paragraphs as written, without the "* * *" break paragraph (ch. 4) and the
# &nbsp; spacer (ch. 2), which the reader drops; a <blockquote><p> message counts as one.
PARAGRAPH_COUNTS = [47, 43, 51, 65]


@pytest.fixture(scope="module")
def work():
    return read_work(EXAMPLE_WORK)


def test_example_is_read_as_an_ao3_download(work):
    assert work.meta.source.format == "ao3-html"
    assert work.meta.source.url == WORK_URL


def test_chapters_and_titles(work):
    assert [c.index for c in work.chapters] == [1, 2, 3, 4]
    assert [c.title for c in work.chapters] == CHAPTER_TITLES


def test_paragraph_counts(work):
    assert [len(c.paragraphs) for c in work.chapters] == PARAGRAPH_COUNTS


def test_first_and_last_paragraphs(work):
    first = [c.paragraph_texts()[0] for c in work.chapters]
    last = [c.paragraph_texts()[-1] for c in work.chapters]
    assert first[0].startswith("The Saltmarsh Light had stood on its knuckle of black rock")
    assert first[1] == (
        "Two days later, Maggie walked into the Gull and Anchor at six o’clock, the way she "
        "did every Friday, and found the doctor sitting at her table."
    )
    assert first[2].startswith("On Wednesday, at a quarter past four, Nora Crane stepped off the train")
    assert first[3] == "The storm came in the following Tuesday, and it came in hard."
    assert last[1] == "“Fine,” Maggie said. “But I’m bringing the pudding. I’ve seen your shoes. I don’t trust your cooking.”"
    assert last[2] == "From under the table came the small, contented sound of a dog finishing a sausage."
    assert last[3] == "Above them, the last of the night’s winding ran slowly down, and the Light turned once more, and was still."


def test_markup_features_survive(work):
    ch1, ch2, ch3, ch4 = work.chapters
    # the spacer is dropped, the text message is a blockquote span
    assert "\u00a0" not in ch2.text
    message = [ch2.text[s.start:s.end] for s in ch2.styles if s.style == "blockquote"]
    assert message == ["Nora: Train gets in Wednesday 4.15. Do NOT tidy the flat, I’ll know you’ve "
                       "tidied. Bringing the good biscuits, so don’t buy the bad ones. Are you "
                       "sleeping? Don’t lie."]
    # a whole-paragraph italic thought
    thought = "Nobody waiting up for him, then."
    assert thought in ch1.paragraph_texts()
    assert any(ch1.text[s.start:s.end] == thought and s.style == "italic" for s in ch1.styles)
    # scene breaks: <hr /> in chapter 3, "* * *" in chapter 4, neither left in the text
    assert [b.marker for b in ch3.scene_breaks] == ["<hr>"]
    assert ch3.text[ch3.scene_breaks[0].offset:].startswith("Afterwards the men were sent out")
    assert [b.marker for b in ch4.scene_breaks] == ["* * *"]
    assert ch4.text[ch4.scene_breaks[0].offset:].startswith("The Mary Ellen came round the point")
    assert "* * *" not in ch4.text
    # the note from Agnes is the second blockquote
    notes = [ch4.text[s.start:s.end] for s in ch4.styles if s.style == "blockquote"]
    assert notes == ["Heard about the storm. Soup for four, and a bone for the dog. Don’t let it go cold. — A. W."]
    # curly quotes throughout, no straight ones
    for chapter in work.chapters:
        assert '"' not in chapter.text and "'" not in chapter.text


def test_chapter_summary_notes_and_end_notes(work):
    ch1, ch2, ch3, ch4 = work.chapters
    assert (ch1.summary, ch1.notes, ch1.end_notes) == (None, None, None)
    assert ch2.summary == (
        "In which Tom Pellow asks too many questions, and Agnes Whitlock already knows all the answers."
    )
    assert (ch2.notes, ch2.end_notes) == (None, None)
    assert ch3.notes == (
        "Nora is my favourite and I will not be taking questions. Thank you all for the lovely "
        "comments about Biscuit; she has read every one."
    )
    assert (ch3.summary, ch3.end_notes) == (None, None)
    # chapter 4 has end notes only: AO3 still prints the "Chapter Notes" label, followed
    # by the endnote link and no blockquote; that link is not the chapter's notes
    assert ch4.summary is None
    assert ch4.notes is None
    assert ch4.end_notes == (
        "The Saltmarsh Light is made up, but it borrows its weather from every cold coast I "
        "have ever stood on."
    )


def test_work_metadata(work):
    meta = work.meta
    assert meta.title == "Keeping the Light"
    assert meta.authors == (Author("Wren Halloway", "saltmarsh_wren"), Author("lamplighter", "lamplighter"))
    assert meta.rating == "Teen And Up Audiences"
    assert meta.warnings == ("No Archive Warnings Apply",)
    assert meta.categories == ("F/M", "Gen")
    assert meta.fandoms == ("Original Work",)
    assert meta.relationships == (
        Relationship("Margaret Thorne/Elias Crane", ("Margaret Thorne", "Elias Crane"), "romantic"),
        Relationship("Margaret Thorne & Tom Pellow", ("Margaret Thorne", "Tom Pellow"), "platonic"),
    )
    assert meta.characters == (
        "Margaret Thorne", "Elias Crane", "Nora Crane", "Tom Pellow", "Agnes Whitlock", "Biscuit the Dog",
    )
    assert meta.freeform == (
        "Fluff", "Hurt/Comfort", "Found Family", "Lighthouses", "Small Towns", "Storms", "Insomnia", "Dogs",
    )
    assert meta.language == "English"
    assert meta.series == (
        SeriesEntry("The Saltmarsh Chronicles", 1, "https://archiveofourown.org/series/3518204"),
    )
    assert meta.collections == ()
    assert meta.published == "2026-03-14"
    assert meta.updated == "2026-05-02"
    assert meta.completed is True
    assert meta.words == 4169
    assert meta.chapters == ChapterCount(4, 4)
    # a download carries no engagement figures
    assert (meta.kudos, meta.hits, meta.comments, meta.bookmarks) == (None, None, None, None)


def test_work_summary_and_notes(work):
    meta = work.meta
    assert meta.summary == (
        "Margaret Thorne has kept the Saltmarsh Light for six years, and in that time she has "
        "rescued a great many things from the sea: lobster pots, a wedding dress, one extremely "
        "ungrateful seal.\n\nThe new village doctor is the first of them to argue about it."
    )
    assert meta.notes == (
        "Written for a friend who asked for “a lighthouse, a dog, and nobody dies.” Three out of "
        "three!\n\nEnormous thanks to lamplighter for co-writing, and for insisting on the seal."
    )
    assert meta.end_notes == (
        "Thank you for reading! Biscuit is based on a real dog, who really did steal a sausage. "
        "Part two, in which there is a regatta, is on its way."
    )


def test_stated_word_count_matches_the_text(work):
    # the Stats line was written from the story itself: it must stay within 5% of it
    assert abs(work.word_count - work.meta.words) <= 0.05 * work.word_count


def test_example_is_well_formed_xhtml():
    # AO3 serves XHTML 1.0 Strict; hand edits to the example must keep it parseable as XML
    # (the DOCTYPE line names an external DTD, so it is dropped; &nbsp; is declared there)
    from xml.dom.minidom import parseString

    source = EXAMPLE_WORK.read_text(encoding="utf-8")
    body = source.split("\n", 1)[1].replace("&nbsp;", "&#160;")
    parseString(body.encode("utf-8"))
