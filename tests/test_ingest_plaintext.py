"""Plain-text and Markdown reader: chapters, paragraphs, front matter, markup, offsets.

The fixtures under fixtures/plaintext/ are original text written for these tests. The
PDNC checks at the end read the evaluation novels from ../shared/eval and skip when
that folder is absent; no PDNC text is copied here.
"""

from __future__ import annotations

import ast
import csv
import re
import time
from bisect import bisect_right

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import EVAL_DIR, FIXTURES
from ficlens import read_work
from ficlens.errors import FormatError
from ficlens.ingest.plaintext import locate_source_offset, map_source_span, read, read_with_offsets
from ficlens.model import Author, ChapterCount, Relationship, SceneBreak

PLAIN = FIXTURES / "plaintext"


def styled(chapter, style=None):
    return [(chapter.text[s.start : s.end], s.style) for s in chapter.styles if style in (None, s.style)]


def squash(text: str) -> str:
    """Text modulo whitespace and the markup characters the reader removes."""
    return re.sub(r"[\s_*]", "", text)


def assert_offsets_consistent(source: str, work, maps, markdown: bool = False) -> None:
    """Every paragraph maps back onto the source text it came from: letters and digits
    one to one, and (plain text) the whole source span equal modulo whitespace and
    removed italic markers."""
    assert [m.chapter_index for m in maps] == [c.index for c in work.chapters]
    for chapter, m in zip(work.chapters, maps):
        for p in chapter.paragraphs:
            start, end = m.span_to_source(p.start, p.end)
            if not markdown:
                assert squash(source[start:end]) == squash(chapter.text[p.start : p.end])
            assert m.to_chapter(start) == p.start
        for c, s, n in zip(m.chapter_starts, m.source_starts, m.lengths):
            kept, original = chapter.text[c : c + n], source[s : s + n]
            if kept != original:  # only whitespace may differ inside a run
                assert [k for k, o in zip(kept, original) if k != o and k.isalnum()] == []


# ------------------------------------------------------------------ Gutenberg fixture


@pytest.fixture(scope="module")
def lantern():
    path = PLAIN / "gutenberg_lantern_keepers.txt"
    source = path.read_text(encoding="utf-8")
    return source, *read_with_offsets(source, str(path))


def test_gutenberg_metadata_and_source(lantern):
    _, work, _ = lantern
    meta = work.meta
    assert meta.title == "The Lantern Keepers"
    assert meta.authors == (Author("Wren Hollis"),)
    assert meta.language == "English"
    assert meta.source.format == "plaintext"
    assert meta.source.extraction == "blank-line-paragraphs"
    assert meta.source.path.endswith("gutenberg_lantern_keepers.txt")


def test_gutenberg_chapters_skip_contents_books_and_boilerplate(lantern):
    _, work, _ = lantern
    # BOOK ONE / BOOK TWO group chapters and have no text of their own; the contents
    # list, the title page and everything outside START/END are not chapters.
    assert [c.title for c in work.chapters] == ["The Salt Road", "A Letter from Harrow Point", None]
    assert [c.index for c in work.chapters] == [1, 2, 3]
    all_text = "\n".join(c.text for c in work.chapters)
    for not_story in ("CONTENTS", "BOOK ONE", "THE HARBOUR", "CHAPTER", "Produced by", "licence",
                      "Illustration", "THE END", "Project Gutenberg"):
        assert not_story not in all_text


def test_gutenberg_hard_wrapped_paragraphs_are_joined(lantern):
    _, work, _ = lantern
    first = work.chapters[0].paragraph_texts()
    assert first[0] == (
        "The salt road ran along the top of the dunes for eleven miles, and in all that distance "
        "there was not one tree tall enough to hang a lantern from. Odile Marrow had walked it every "
        "evening since she was nine, when her father first trusted her with the long pole and the "
        "tin of matches."
    )
    assert first[1] == (
        '"You\'ll be late," said her brother Cass, who was mending a net on the step and had no '
        'intention of walking anywhere. "The Heron is due in before dark, and Mr. Pell says the fog '
        'is coming down early."'
    )
    assert first[5].endswith("mattered to anyone but Mr. Pell.")
    assert len(first) == 7
    assert [len(c.paragraphs) for c in work.chapters] == [7, 5, 4]
    assert work.chapters[2].paragraph_texts()[-1] == '"That," said Mr. Ashby, "is the whole of his charm."'


def test_gutenberg_underscore_italics_removed_and_recorded(lantern):
    _, work, _ = lantern
    chapter = work.chapters[0]
    assert "_" not in chapter.text
    assert styled(chapter, "italic") == [("Heron", "italic"), ("tock, tock", "italic")]


def test_gutenberg_verse_keeps_lines_and_letters_are_set_apart(lantern):
    _, work, _ = lantern
    verse = work.chapters[0].paragraph_texts()[4]
    assert verse == (
        "Light the first for the fisher's wife,\nLight the next for the ferry,\n"
        "Light the last for the lost at sea,\nAnd walk home slow and merry."
    )
    letter_chapter = work.chapters[1]
    letter, closing = letter_chapter.paragraph_texts()[2:4]
    assert letter.startswith("Miss Marrow,--The lamp at Harrow Point has stood dark these three weeks, our")
    assert "\n" not in letter  # an indented letter is still wrapped prose
    assert closing == "Yours, with respect,\nT. ASHBY, Harbour-master."
    assert [t for t, _ in styled(letter_chapter, "blockquote")] == [letter, closing]


def test_gutenberg_scene_break(lantern):
    _, work, _ = lantern
    chapter = work.chapters[0]
    assert chapter.scene_breaks == (SceneBreak(chapter.paragraphs[6].start, "*       *       *       *       *"),)


def test_gutenberg_offsets_round_trip(lantern):
    source, work, maps = lantern
    assert_offsets_consistent(source, work, maps)
    # an italic word: its source span includes the underscores, the chapter span does not
    start = source.index("_Heron_")
    [(index, a, b)] = map_source_span(maps, start, start + len("_Heron_"))
    assert index == 1 and work.chapters[0].text[a:b] == "Heron"
    assert locate_source_offset(maps, start) is None  # the underscore itself was dropped
    assert locate_source_offset(maps, start + 1) == (1, a)
    # a heading line maps nowhere
    heading = source.index("CHAPTER II.")
    assert map_source_span(maps, heading, heading + len("CHAPTER II.")) == []
    # a span across a chapter boundary comes back in two pieces
    end_of_one = source.index("simply ceased to be.")
    start_of_two = source.index("The letter came")
    pieces = map_source_span(maps, end_of_one, start_of_two + 10)
    assert [p[0] for p in pieces] == [1, 2]


def test_read_work_dispatches_txt_and_md():
    work = read_work(PLAIN / "gutenberg_lantern_keepers.txt")
    assert work.meta.source.format == "plaintext" and len(work.chapters) == 3
    work = read_work(PLAIN / "markdown_cartographer.md")
    assert work.meta.source.format == "markdown"


# -------------------------------------------------------------- fan-fiction fixtures


def test_ao3_paste_one_paragraph_per_line():
    path = PLAIN / "ao3_paste_kettle_logic.txt"
    source = path.read_text(encoding="utf-8")
    work, maps = read_with_offsets(source, str(path))
    assert work.meta.source.extraction == "line-paragraphs"
    assert work.meta.title == "Kettle Logic"
    assert work.meta.authors == (Author("marigold_and_moth"),)
    assert [c.title for c in work.chapters] == ["The Long Night", "Morning Tea"]
    one, two = work.chapters
    assert one.paragraph_texts() == [
        "The kettle had been singing for a full minute before anyone thought to take it off the hob, "
        "and by then the whole kitchen smelled of hot iron and lemon peel. Wren stood in the doorway "
        "with her coat still on and watched her flatmates pretend not to have noticed.",
        '"Someone," she said, "is going to have to explain the goat."',
        "Nobody explained the goat. Juno became very interested in the crossword, and Pip, who had "
        "been holding the goat's lead the entire time, simply handed it to her as if that settled "
        "the matter.",
        '"It followed me from the allotment," Pip offered at last.',
        "Much later, when the goat had eaten a tea towel and most of a paperback and fallen asleep in "
        "the bath, Wren sat on the kitchen floor with her back against the warm oven and laughed "
        "until she cried. It was, she decided, the best night she'd had in months.",
    ]
    assert styled(one) == [("very", "italic")]
    assert one.scene_breaks == (SceneBreak(one.paragraphs[4].start, "* * *"),)
    assert two.paragraph_texts()[1] == '"I can explain," said Pip, who could not.'
    assert styled(two) == [("explain", "bold")]
    assert_offsets_consistent(source, work, maps)


def test_fanficfare_txt_title_page_and_contents():
    path = PLAIN / "fanficfare_quiet_orbit.txt"
    source = path.read_text(encoding="utf-8")
    work, maps = read_with_offsets(source, str(path))
    meta = work.meta
    assert meta.title == "The Quiet Orbit"
    assert meta.authors == (Author("Sable Finch"),)
    assert meta.language == "English"
    assert meta.rating == "Teen And Up Audiences"
    assert meta.characters == ("Ilse Varga", "Tomas Reyes")
    assert meta.relationships == (Relationship("Ilse Varga/Tomas Reyes", ("Ilse Varga", "Tomas Reyes"), "romantic"),)
    assert meta.warnings == ("No Archive Warnings Apply",)
    assert meta.published == "2021-04-02" and meta.updated == "2021-05-19"
    assert meta.completed is True
    assert meta.words == 1204
    assert meta.chapters == ChapterCount(2, None)
    assert meta.summary == (
        "Two engineers on a failing relay station argue about whether to send the last message "
        "home, and what it should say."
    )
    # chapter headings are the contents entries repeated ("\t1. Static")
    assert [c.title for c in work.chapters] == ["Static", "The Last Packet"]
    one, two = work.chapters
    assert one.paragraph_texts()[3] == '"Three is also gone, Ilse."'
    assert styled(one) == [("nothing else", "italic"), ("also", "bold")]
    assert two.paragraph_texts() == [
        "They wrote the message together in the end, passing the keyboard back and forth like a hot "
        "cup neither of them wanted to hold for long.",
        '"Keep it short," he said. "Whoever reads it will be tired."',
    ]
    assert len(two.scene_breaks) == 1
    assert "End file" not in two.text and "TABLE OF CONTENTS" not in one.text
    assert_offsets_consistent(source, work, maps)


def test_markdown_fixture():
    path = PLAIN / "markdown_cartographer.md"
    source = path.read_text(encoding="utf-8")
    work, maps = read_with_offsets(source, str(path), markdown=True)
    meta = work.meta
    assert meta.title == "The Cartographer's Apprentice"  # YAML; the lone "# " heading is the title too
    assert meta.authors == (Author("Juniper Vale"),)
    assert meta.summary == "A map-maker's apprentice learns that some roads draw themselves."
    assert meta.language == "English"
    assert meta.source.format == "markdown"
    assert meta.source.extraction == "blank-line-paragraphs"
    assert [c.title for c in work.chapters] == ["Ink", "Paper"]
    ink = work.chapters[0]
    texts = ink.paragraph_texts()
    assert texts[0] == (
        "Tam ground the ink every morning before the master woke, because the master said ink ground "
        "in daylight sulked. It was the kind of thing the master said. Tam had stopped arguing with it "
        "around the second winter."
    )
    assert texts[2] == "Tam --\nIf the roads move again, do not correct them.\nBurn Keep this note."
    assert texts[4].endswith("A footnote in the margin read *see over*.")
    assert styled(ink) == [
        ("sulked", "italic"), ("straight", "bold"), ("three miles", "italic"),
        (texts[2], "blockquote"), ("Burn", "strike"),
    ]
    assert ink.scene_breaks == (SceneBreak(ink.paragraphs[4].start, "***"),)
    assert work.chapters[1].paragraph_texts() == ["Osk, when they found it, was very pleased with itself."]
    assert_offsets_consistent(source, work, maps, markdown=True)


# ------------------------------------------------------------------ headings


def titles_and_texts(text: str, markdown: bool = False):
    work = read(text, "t.md" if markdown else "t.txt", markdown=markdown)
    return [(c.title, c.paragraph_texts()) for c in work.chapters]


def test_heading_forms():
    text = (
        "Chapter the First\n\nOne.\n\nChapter Seven: The Orchard\n\nTwo.\n\nCHAPTER XII.\n\nThree.\n\n"
        "Prologue\n\nFour.\n\nChapter Twenty-One -- Late\n\nFive.\n\nCHAPTER IV. Mrs. Lowe is Surprised\n\nSix.\n\n"
        "**Chapter 9**\n\nSeven.\n"
    )
    assert titles_and_texts(text) == [
        (None, ["One."]), ("The Orchard", ["Two."]), (None, ["Three."]), ("Prologue", ["Four."]),
        ("Late", ["Five."]), ("Mrs. Lowe is Surprised", ["Six."]), (None, ["Seven."]),
    ]


def test_title_in_the_next_paragraph():
    text = "I\n\nTHE HAMMERS\n\nThe forge was cold.\n\nII\n\nTHE ANVIL\n\nIt rang all night.\n"
    assert titles_and_texts(text) == [("THE HAMMERS", ["The forge was cold."]), ("THE ANVIL", ["It rang all night."])]


def test_sentence_after_heading_is_not_a_title():
    assert titles_and_texts("Chapter 1\n\nShe ran.\n\nChapter 2\n\nHe stayed.\n") == [
        (None, ["She ran."]), (None, ["He stayed."]),
    ]
    assert titles_and_texts("Chapter 1\nIt was a dark and stormy night, and the rain fell in torrents\nover the town.\n") == [
        (None, ["It was a dark and stormy night, and the rain fell in torrents over the town."])
    ]
    # "Chapter seven was ..." is a sentence, not a heading
    assert titles_and_texts("Chapter seven was the best one, she said.\n") == [
        (None, ["Chapter seven was the best one, she said."])
    ]


def test_bare_numerals_only_in_sequence():
    assert titles_and_texts("THE TIDE\n\nI\n\nThe boat was late.\n\nII\n\nIt came at dawn.\n\nIII.\n\nAnd left.\n") == [
        (None, ["The boat was late."]), (None, ["It came at dawn."]), (None, ["And left."]),
    ]
    assert titles_and_texts("He looked up.\n\nI\n\nShe said nothing.\n\nIV\n\nThe end came.\n") == [
        (None, ["He looked up.", "I", "She said nothing.", "IV", "The end came."])
    ]


def test_grouping_headings():
    text = (
        "PART I\n\nThe first part has text of its own and no chapters at all in it.\n\n"
        "PART II: THE RIVER\n\nChapter 1\n\nRiver text.\n\nChapter 2\n\nMore river.\n\n"
        "BOOK THE THIRD\n\nLondon:\nPrinted for Nobody,\nSomewhere Street.\n\nChapter 3\n\nLast.\n"
    )
    # a part with its own text is a chapter; a part's title page is front matter
    assert titles_and_texts(text) == [
        ("PART I", ["The first part has text of its own and no chapters at all in it."]),
        (None, ["River text."]), (None, ["More river."]), (None, ["Last."]),
    ]


def test_contents_list_gives_no_empty_chapters():
    text = "Contents\n\nChapter 1\n\nChapter 2\n\nChapter 1\n\nAlpha text here.\n\nChapter 2\n\nBeta text here.\n"
    assert titles_and_texts(text) == [(None, ["Alpha text here."]), (None, ["Beta text here."])]
    text = "CONTENTS\n\nCHAPTER I. The Well\nCHAPTER II. The Bucket\n\nCHAPTER I.\nThe Well\n\nDeep.\n\nCHAPTER II.\nThe Bucket\n\nWet.\n"
    assert titles_and_texts(text) == [("The Well", ["Deep."]), ("The Bucket", ["Wet."])]


def test_markdown_headings():
    text = "# The Book\n\n## Part One\n\n### Chapter 1: Start\n\nGo.\n\n### Interlude\n\nWait.\n\nSetext One\n==========\n\nDone.\n"
    work = read(text, "t.md", markdown=True)
    # "# The Book" shares the top level with "Setext One", so it is a (textless) chapter
    # heading, not the work's title; "## Part One" groups.
    assert work.meta.title is None
    assert [(c.title, c.paragraph_texts()) for c in work.chapters] == [
        ("Start", ["Go."]), ("Interlude", ["Wait."]), ("Setext One", ["Done."]),
    ]
    work = read("# Only Title\n\nby Some One\n\nText.\n", "t.md", markdown=True)
    assert work.meta.title == "Only Title" and work.meta.authors == (Author("Some One"),)
    assert [c.paragraph_texts() for c in work.chapters] == [["Text."]]


# ---------------------------------------------------------------- front matter


def test_no_headings_is_one_chapter_with_byline_taken():
    work = read("The Small Hours\n\nby Ash Rowan\n\nIt was late.\n\n\"Did you hear that?\" she asked.\n", "t.txt")
    assert work.meta.title == "The Small Hours" and work.meta.authors == (Author("Ash Rowan"),)
    assert [(c.title, c.paragraph_texts()) for c in work.chapters] == [
        (None, ["It was late.", '"Did you hear that?" she asked.'])
    ]
    # without a byline, a first short line is not taken for a title: it may be story
    work = read("Snow.\n\nIt fell all night.\n", "t.txt")
    assert work.meta.title is None
    assert work.chapters[0].paragraph_texts() == ["Snow.", "It fell all night."]


def test_story_before_the_first_heading_is_kept():
    text = (
        "The Orchard\n\nThis is a story that begins before any heading, with an opening paragraph "
        "that reads like prose.\n\nChapter 1\n\nThen the chapter.\n"
    )
    work = read(text, "t.txt")
    assert work.meta.title == "The Orchard"
    assert [(c.title, c.paragraph_texts()) for c in work.chapters] == [
        (None, ["This is a story that begins before any heading, with an opening paragraph that reads like prose."]),
        (None, ["Then the chapter."]),
    ]


def test_title_page_labels():
    text = (
        "Title: Salt and Iron\nAuthor: K. Reyes & M. Okafor\nRating: Mature\n"
        "Summary: Two smiths,\none forge.\nA/N: thanks to my beta!\n\nChapter 1\n\nHeat.\n"
    )
    meta = read(text, "t.txt").meta
    assert meta.title == "Salt and Iron"
    assert meta.authors == (Author("K. Reyes"), Author("M. Okafor"))
    assert meta.rating == "Mature"
    assert meta.summary == "Two smiths, one forge."
    assert meta.notes == "thanks to my beta!"


# --------------------------------------------------------------- text details


def test_first_line_indents_mark_paragraphs_when_blank_lines_do_not():
    text = (
        "Chapter 1\n\n    It was a dark night. The rain fell in torrents over the little\n"
        "town, and nobody at all went out of doors that evening, not one soul.\n"
        "    Next morning the sun came up over the hills as if nothing at all\n"
        "had happened, and the birds began.\n    \"Hello,\" she said.\n"
    )
    work = read(text, "t.txt")
    chapter = work.chapters[0]
    assert chapter.paragraph_texts() == [
        "It was a dark night. The rain fell in torrents over the little town, and nobody at all went "
        "out of doors that evening, not one soul.",
        "Next morning the sun came up over the hills as if nothing at all had happened, and the birds began.",
        '"Hello," she said.',
    ]
    assert chapter.styles == ()


def test_dashes_and_hyphens_at_line_ends_join_without_space():
    assert titles_and_texts("Chapter 1\n\nHe said it was to-\nday, not to-morrow--\nor so he thought. A\n- list?\n")[0][1] == [
        "He said it was to-day, not to-morrow--or so he thought. A - list?"
    ]


def test_gutenberg_italics_across_paragraphs():
    work = read("Chapter 1\n\nShe read: _The first line,\n\nand the second._ Then stopped.\n", "t.txt")
    chapter = work.chapters[0]
    assert chapter.paragraph_texts() == ["She read: The first line,", "and the second. Then stopped."]
    assert styled(chapter) == [("The first line,", "italic"), ("and the second.", "italic")]


def test_underscores_that_are_not_markup_stay():
    texts = titles_and_texts("Chapter 1\n\nMr. ____ wrote to snake_case_name about 5 * 3 and a * b.\n")[0][1]
    assert texts == ["Mr. ____ wrote to snake_case_name about 5 * 3 and a * b."]


def test_scene_break_markers_and_drops():
    text = "Chapter 1\n\nOne.\n\n<hr>\n\nTwo.\n\n~~~\n\nThree.\n\n---\n\n[Illustration: a cat]\n\nFour.\n\nTHE END\n"
    work = read(text, "t.txt")
    chapter = work.chapters[0]
    assert chapter.paragraph_texts() == ["One.", "Two.", "Three.", "Four."]
    assert [b.marker for b in chapter.scene_breaks] == ["<hr>", "~~~", "---"]


def test_nfc_and_offsets():
    source = "Chapter 1\n\nCafe\u0301 au lait, said Zoe\u0308.\n"
    work, maps = read_with_offsets(source, "t.txt")
    chapter = work.chapters[0]
    assert chapter.text == "Caf\u00e9 au lait, said Zo\u00eb."
    m = maps[0]
    assert m.to_source(3) == source.index("e\u0301")  # é maps to the e it was composed from
    assert m.to_source(chapter.text.index("au")) == source.index("au")
    assert m.to_chapter(source.index("\u0301")) is None


def test_crlf_keeps_source_offsets():
    source = "Chapter 1\r\n\r\nLine one of the\r\nparagraph.\r\n\r\nSecond.\r\n"
    work, maps = read_with_offsets(source, "t.txt")
    assert work.chapters[0].paragraph_texts() == ["Line one of the paragraph.", "Second."]
    m = maps[0]
    assert m.to_source(work.chapters[0].text.index("paragraph")) == source.index("paragraph")
    assert m.to_source(work.chapters[0].text.index("Second")) == source.index("Second")
    assert_offsets_consistent(source, work, maps)


def test_markdown_inline_details():
    text = (
        "Chapter 1\n\nA [link](https://x.org/a_b) and ![img](p.png) and <i>tag</i> and "
        "\\_esc\\_ and &amp; and line  \nbreak.\n"
    )
    work, maps = read_with_offsets(text, "t.md", markdown=True)
    chapter = work.chapters[0]
    assert chapter.paragraph_texts() == ["A link and and tag and _esc_ and & and line\nbreak."]
    assert styled(chapter) == [("tag", "italic")]
    assert_offsets_consistent(text, work, maps, markdown=True)
    assert maps[0].to_source(chapter.text.index("&")) == text.index("&amp;")


def test_empty_and_storyless_files_raise_format_error():
    for text in ("", "  \n\t\n", "The Title\n\nby Somebody\n", "Chapter 1\n\nChapter 2\n"):
        with pytest.raises(FormatError) as info:
            read(text, "t.txt")
        assert info.value.path == "t.txt"


def test_a_long_novel_reads_fast():
    paragraph = (
        "The harbour lights came on one by one, and the gulls, who had opinions about everything, "
        "argued over the last of the fish heads on the quay while the tide went slowly out. "
    ) * 2
    chapters = []
    for n in range(1, 81):
        body = "\n\n".join(
            "\n".join(re.findall(r".{1,70}(?:\s|$)", f"_{n}_ {paragraph}{i}")) for i in range(40)
        )
        chapters.append(f"CHAPTER {n}.\n\n\n{body}")
    text = "\n\n\n".join(chapters)
    assert len(text.split()) > 200_000
    # A guard against quadratic behaviour, not a benchmark (bench/ingest_bench.py is):
    # CPU time, so a busy machine does not fail it; a linear reader needs ~0.3 s.
    start = time.process_time()
    work = read(text, "long.txt")
    elapsed = time.process_time() - start
    assert len(work.chapters) == 80
    assert elapsed < 3.0, f"{elapsed:.2f}s of CPU for a 200,000-word novel"


# ------------------------------------------------------------------ properties

_TOKENS = st.sampled_from([
    "word", "Word", "the", "said", '"Hi,"', "_it_", "_", "*", "**b**", "x_y", " ", "  ", "\t", "\n", "\n\n",
    "\r\n", "\n\n\n", "    ", "Chapter 2", "CHAPTER I.", "I", "II", "* * *", "---", "PART ONE", "by Someone",
    "--", "-", "e\u0301", "\u00e9", "[", "](u)", "&amp;", "<i>", "</i>", "\\*", "> ", "# ", "Contents",
])


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(_TOKENS, min_size=1, max_size=80), st.booleans())
def test_any_text_reads_or_fails_cleanly_and_offsets_hold(tokens, markdown):
    source = "".join(tokens)
    try:
        work, maps = read_with_offsets(source, "p.txt", markdown=markdown)
    except FormatError:
        return
    for chapter, m in zip(work.chapters, maps):
        text = chapter.text
        previous = 0
        for p in chapter.paragraphs:
            para = text[p.start : p.end]
            assert previous <= p.start < p.end and para == para.strip() and "\n\n" not in para
            previous = p.end
        for s in chapter.styles:
            assert 0 <= s.start < s.end <= len(text)
        last_source = -1
        for i, ch in enumerate(text):
            where = m.to_source(i)
            assert where >= last_source  # monotone
            last_source = where
            if ch.isspace() or not ch.isascii():
                continue
            # a kept character is the source character it maps to (entities and
            # escapes in Markdown are the only replacements of visible characters)
            if not markdown:
                assert source[where] == ch
            assert m.to_chapter(where) == i


# ------------------------------------------------------------------------ PDNC

PDNC = EVAL_DIR / "pdnc" / "data"
PDNC_TEST = {"TheSunAlsoRises", "HardTimes", "HowardsEnd", "OliverTwist", "WinnieThePooh",
             "ThePictureOfDorianGray", "TheGambler"}
# Chapters found per DEV novel (a number, not text: DaisyMiller's 3 are an editorial
# note before PART I plus the two parts; TheManWhoWasThursday's first is its dedication).
PDNC_DEV_CHAPTERS = {
    "APassageToIndia": 37, "ARoomWithAView": 20, "AlicesAdventuresInWonderland": 12,
    "AnneOfGreenGables": 38, "DaisyMiller": 3, "Emma": 55, "MansfieldPark": 48, "NightAndDay": 34,
    "NorthangerAbbey": 31, "Persuasion": 24, "PrideAndPrejudice": 61, "SenseAndSensibility": 50,
    "TheAgeOfInnocence": 34, "TheAwakening": 39, "TheInvisibleMan": 29, "TheManWhoWasThursday": 16,
    "TheMysteriousAffairAtStyles": 13, "TheSignOfTheFour": 12, "TheSportOfTheGods": 18,
    "WhereAngelsFearToTread": 10,
}


def _pdnc_novel(name):
    folder = PDNC / name
    if not (folder / "novel_text.txt").exists():
        pytest.skip(f"PDNC evaluation data not found at {PDNC} (expected ../shared/eval)")
    with open(folder / "novel_text.txt", encoding="utf-8", newline="") as handle:  # offsets count "\r"
        source = handle.read()
    return folder, source


@pytest.mark.parametrize("name", sorted(PDNC_DEV_CHAPTERS))
def test_pdnc_dev_novel(name):
    folder, source = _pdnc_novel(name)
    assert name not in PDNC_TEST
    work, maps = read_with_offsets(source, str(folder / "novel_text.txt"))
    assert len(work.chapters) == PDNC_DEV_CHAPTERS[name]
    assert_offsets_consistent(source, work, maps)

    csv.field_size_limit(1 << 30)
    with open(folder / "quotation_info.csv", encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    across_paragraphs = 0
    for row in rows:
        for start, end in ast.literal_eval(row["quoteByteSpans"]):
            pieces = map_source_span(maps, start, end)
            assert len(pieces) == 1, (row["quoteID"], pieces)  # in exactly one chapter, never dropped
            index, a, b = pieces[0]
            chapter = work.chapters[index - 1]
            assert squash(chapter.text[a:b]) == squash(source[start:end])  # nothing of it lost
            starts = [p.start for p in chapter.paragraphs]
            paragraph = chapter.paragraphs[bisect_right(starts, a) - 1]
            if b > paragraph.end:
                across_paragraphs += 1
    # Alice and WhereAngelsFearToTread each have one gold quotation whose source span
    # itself runs over a blank line (a quoted letter / a list of answers).
    assert across_paragraphs <= 1
