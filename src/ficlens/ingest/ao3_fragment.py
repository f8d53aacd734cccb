"""Reader for a bare AO3 chapter fragment: the story text of one chapter as it sits on
a work page, saved or pasted on its own, with no metadata around it.

Two forms (chapters/_chapter.html.erb, works/show.html.erb):
  <div class="userstuff module" role="article">
    <h3 class="landmark heading" id="work">Chapter Text</h3> <p>…</p> …</div>
  <h3 class="landmark heading" id="work">Work Text:</h3> <div class="userstuff">…</div>
The landmark heading is a screen-reader label, never story text. A file holding several
such articles gives one chapter per article, in order.
"""

from __future__ import annotations

from selectolax.lexbor import LexborHTMLParser, LexborNode

from ..errors import FormatError
from ..model import Source, Work, WorkMeta
from .html_text import chapter_from_element, inline_text

FORMAT = "ao3-fragment"
_LANDMARKS = {"chapter text": "chapter-text", "work text": "work-text"}
# Markup of a whole work page or download: those belong to their own readers.
_WHOLE_PAGE_SELECTORS = ("div#preface", "div#workskin", "dl.work.meta")


def matches(tree: LexborHTMLParser) -> bool:
    if not _articles(tree):
        return False
    return all(tree.css_first(selector) is None for selector in _WHOLE_PAGE_SELECTORS)


def read(tree: LexborHTMLParser, path: str) -> Work:
    articles = _articles(tree)
    if not articles:
        raise FormatError("no AO3 chapter text (h3.landmark.heading \"Chapter Text\") found", path)
    # AO3 never nests one article in another; when a file does, each article's text is
    # read once, in its own chapter (reading it again inside the outer one would let
    # a file of n nested articles produce n times its size in text).
    not_story = {node.mem_id for pair in articles for node in pair}
    chapters = [
        chapter_from_element(text_block, index, skip=lambda node: node.mem_id in not_story)
        for index, (text_block, _heading) in enumerate(articles, start=1)
    ]
    if not any(chapter.text for chapter in chapters):
        raise FormatError("AO3 chapter fragment has no story text", path)
    extraction = _landmark(articles[0][1])
    meta = WorkMeta(source=Source(format=FORMAT, path=path, extraction=extraction))
    return Work(meta=meta, chapters=tuple(chapters))


def _articles(tree: LexborHTMLParser) -> list[tuple[LexborNode, LexborNode]]:
    """(text block, landmark heading) pairs: the `div.userstuff` the heading opens
    ("Chapter Text"), or the `div.userstuff` right after it ("Work Text:"). AO3 puts
    the heading first, so a look-alike heading inside the story text is not one."""
    found = []
    for heading in tree.css("h3.landmark.heading"):
        if _landmark(heading) is None:
            continue
        parent = heading.parent
        if parent is not None and parent.tag == "div" and _is_userstuff(parent):
            first = _element_from(parent.child)
            if first is not None and first.mem_id == heading.mem_id:
                found.append((parent, heading))
            continue
        following = _element_from(heading.next)
        if following is not None and following.tag == "div" and _is_userstuff(following):
            found.append((following, heading))
    return found


def _element_from(node: LexborNode | None) -> LexborNode | None:
    """`node` or the first element sibling after it (skipping text and comments)."""
    while node is not None and not node.is_element_node:
        node = node.next
    return node


def _landmark(heading: LexborNode) -> str | None:
    return _LANDMARKS.get(inline_text(heading).rstrip(":").strip().lower())


def _is_userstuff(node: LexborNode) -> bool:
    return "userstuff" in (node.attributes.get("class") or "").split()
