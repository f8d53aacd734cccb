"""The HTML walk (ingest/html_text.py) reads whitespace as a browser shows it, whether
an element holds only blocks (the walk then visits only its elements) or mixed content."""

from __future__ import annotations

import pytest

from ficlens.ingest.html_text import chapter_from_element, parse_html


def read(html: str):
    tree = parse_html(f'<div id="root">{html}</div>')
    return chapter_from_element(tree.css_first("div#root"), 1)


@pytest.mark.parametrize(
    ("html", "text"),
    [
        # a container of blocks: the whitespace, comments and <hr>s between them add nothing
        ("<div>\n  <p>One.</p>\n  <!-- note -->\n  <p>Two.</p>\n</div>", "One.\n\nTwo."),
        ("<div> <p>One.</p> <hr> <p>Two.</p> </div>", "One.\n\nTwo."),
        # text beside the blocks is a paragraph of its own
        ("<div><p>One.</p> loose <p>Two.</p></div>", "One.\n\nloose\n\nTwo."),
        # whitespace between inline elements is a space, even inside a block container
        ("<div><p>One.</p><em>a</em> <b>b</b><p>Two.</p></div>", "One.\n\na b\n\nTwo."),
        # an inline element holding only whitespace and a comment is a space
        ("<p>x<span> <!-- c --> </span>y</p>", "x y"),
        ("<p>x<span><!-- c --></span>y</p>", "xy"),
        # nested containers of blocks
        ("<div> <blockquote> <p>Dear Ada,</p> <p>Come home.</p> </blockquote> </div>",
         "Dear Ada,\n\nCome home."),
    ],
)
def test_whitespace_between_blocks(html, text):
    assert read(html).text == text


def test_scene_break_and_styles_in_a_container_of_blocks():
    chapter = read("<div>\n<p>Before.</p>\n<hr>\n<p><em>After,</em> she said.</p>\n"
                   "<blockquote>\n<p>A letter.</p>\n</blockquote>\n</div>")
    assert chapter.text == "Before.\n\nAfter, she said.\n\nA letter."
    assert [(b.offset, b.marker) for b in chapter.scene_breaks] == [(9, "<hr>")]
    assert [(s.start, s.end, s.style) for s in chapter.styles] == [(9, 15, "italic"), (27, 36, "blockquote")]
