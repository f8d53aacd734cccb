"""AO3 chapter fragment reader: a bare `div.userstuff` article with its landmark
heading ("Chapter Text" / "Work Text:"), no metadata."""

from __future__ import annotations

from pathlib import Path

import pytest

from ficlens.errors import FormatError
from ficlens.ingest import ao3_fragment, ao3_html, read_bytes, read_work
from ficlens.ingest.html_text import parse_html
from ficlens.model import SceneBreak, Source, WorkMeta

FIXTURES = Path(__file__).parent / "fixtures" / "ao3_fragment"
ALL_FIXTURES = sorted(p.name for p in FIXTURES.glob("*.html"))

ARTICLE = '<div class="userstuff module" role="article"><h3 class="landmark heading" id="work">Chapter Text</h3>{}</div>'


@pytest.mark.parametrize("name", ALL_FIXTURES)
def test_fixture_is_detected_as_fragment(name):
    tree = parse_html((FIXTURES / name).read_text(encoding="utf-8"))
    assert ao3_fragment.matches(tree)
    assert not ao3_html.matches(tree)
    work = read_work(FIXTURES / name)
    assert work.meta.source.format == "ao3-fragment"
    assert len(work.chapters) == 1
    chapter = work.chapters[0]
    assert "Chapter Text" not in chapter.text and "Work Text" not in chapter.text
    assert chapter.title is None and (chapter.summary, chapter.notes, chapter.end_notes) == (None, None, None)


def test_chapter_text_fragment():
    path = FIXTURES / "chapter_text.html"
    work = read_work(path)
    # no metadata at all
    assert work.meta == WorkMeta(source=Source(format="ao3-fragment", path=str(path), extraction="chapter-text"))
    (chapter,) = work.chapters
    assert chapter.index == 1
    assert chapter.paragraph_texts() == [  # "<p> </p>" and "<p>&nbsp;</p>" spacers dropped
        "The night market opened at the eleventh bell, the way it always had.",
        "Yara bought two oranges and a lie. The oranges were better.",
        "“You’re late,” said the clockmaker’s boy, not looking up from the gears. "
        "He’s always like this, she reminded herself — patient as rust.",
        "“I’m exactly on time for something,” she said. “Just not this.”\nHe laughed despite himself…",
    ]
    assert [(chapter.text[s.start : s.end], s.style) for s in chapter.styles] == [
        ("He’s always like this", "italic")
    ]
    assert chapter.scene_breaks == ()


def test_work_text_fragment():
    path = FIXTURES / "work_text.html"
    work = read_work(path)
    assert work.meta == WorkMeta(source=Source(format="ao3-fragment", path=str(path), extraction="work-text"))
    (chapter,) = work.chapters
    assert chapter.paragraph_texts() == [
        "Rain on the greenhouse roof, like fingers drumming.",
        "Ottoline repotted the fern for the third time & apologised to it.",
        "In the morning the fern had opinions.",
    ]
    assert chapter.scene_breaks == (SceneBreak(chapter.paragraphs[2].start, "<hr>"),)
    assert [(chapter.text[s.start : s.end], s.style) for s in chapter.styles] == [("opinions", "bold")]


def test_several_articles_read_in_order():
    html = ARTICLE.format("<p>First.</p>") + ARTICLE.format("<p>Second.</p>")
    work = read_bytes(html.encode(), "two.html")
    assert [(c.index, c.text) for c in work.chapters] == [(1, "First."), (2, "Second.")]


def test_heading_text_elsewhere_in_the_chapter_is_kept():
    html = ARTICLE.format('<p>Chapter Text</p><h3 class="landmark heading">Work Text:</h3><p>After.</p>')
    (chapter,) = read_bytes(html.encode(), "a.html").chapters
    assert chapter.paragraph_texts() == ["Chapter Text", "Work Text:", "After."]


@pytest.mark.parametrize(
    "html",
    [
        '<div class="userstuff module"><p>No landmark heading.</p></div>',
        '<div class="userstuff module"><h3 class="landmark heading">Notes:</h3><p>x</p></div>',
        '<h3 class="landmark heading" id="work">Chapter Text</h3><p>not inside userstuff</p>',
        '<div id="workskin">' + ARTICLE.format("<p>work page</p>") + "</div>",
        '<dl class="work meta group"></dl>' + ARTICLE.format("<p>work page</p>"),
        '<div id="preface"></div>' + ARTICLE.format("<p>download</p>"),
    ],
)
def test_does_not_match(html):
    assert not ao3_fragment.matches(parse_html(html))


def test_fragment_without_text_is_a_format_error():
    with pytest.raises(FormatError, match="no story text") as info:
        read_bytes(ARTICLE.format("<p>&nbsp;</p>").encode(), "blank.html")
    assert info.value.path == "blank.html"


def test_read_without_articles_is_a_format_error():
    with pytest.raises(FormatError, match="no AO3 chapter text"):
        ao3_fragment.read(parse_html("<p>hello</p>"), "x.html")
