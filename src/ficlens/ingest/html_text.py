"""Turn a parsed HTML element (a chapter's `div.userstuff`, a summary blockquote)
into chapter text, the way a reader sees it in a browser.

Used by every HTML-based reader (AO3 downloads, work pages, EPUB chapters,
FanFicFare). The walk is iterative, so 100,000 nested elements cannot exhaust
Python's recursion limit.
"""

from __future__ import annotations

from selectolax.lexbor import LexborHTMLParser, LexborNode

from ..model import Chapter
from .builder import ChapterBuilder

# Elements that end one paragraph and start another.
BLOCK_TAGS = frozenset(
    "p div blockquote h1 h2 h3 h4 h5 h6 li ul ol dl dt dd table tr td th thead tbody tfoot "
    "section article header footer aside center pre address figure figcaption details "
    "summary main nav hgroup caption".split()
)
STYLE_OF_TAG = {
    "em": "italic", "i": "italic", "cite": "italic", "var": "italic", "dfn": "italic",
    "strong": "bold", "b": "bold",
    "u": "underline", "ins": "underline",
    "s": "strike", "strike": "strike", "del": "strike",
    "blockquote": "blockquote",
    "center": "center",
}
SKIP_TAGS = frozenset("script style noscript template head title iframe object embed svg math button form input select textarea".split())


def _style_for(node: LexborNode) -> str | None:
    style = STYLE_OF_TAG.get(node.tag)
    if style:
        return style
    if node.tag in ("p", "div", "span"):
        attrs = node.attributes
        if not attrs:
            return None
        css = (attrs.get("style") or "").replace(" ", "").lower()
        if node.tag != "span" and ("text-align:center" in css or attrs.get("align") == "center"):
            return "center"
        if "font-style:italic" in css:
            return "italic"
        if "font-weight:bold" in css or "font-weight:700" in css:
            return "bold"
    return None


def feed_element(builder: ChapterBuilder, root: LexborNode, skip=None) -> None:
    """Walk `root`'s descendants in document order, feeding text, breaks and styles
    into `builder`. `skip(node)` returning True drops an element and its content."""
    # `open_elements` holds, for each element we descended into, the style it opened
    # and whether it is a block, so leaving it needs no second look at the node.
    open_elements: list[tuple[str | None, bool]] = []
    append_text, text_element = builder.append_text, builder.text_element  # hot loop
    node = root.child
    while node is not None:
        tag = node.tag
        child = None
        if tag == "-text":
            if node.is_empty_text_node:
                append_text(" ")  # collapsible whitespace: kept only between words
            else:
                append_text(node.text_content)
        elif tag == "br":
            builder.line_break()
        elif tag == "hr":
            builder.end_paragraph()
            builder.scene_break("<hr>")
        elif tag in SKIP_TAGS or tag in ("-comment", "!doctype") or (skip is not None and skip(node)):
            pass
        elif tag == "img":
            alt = node.attributes.get("alt")
            if alt:
                builder.append_text(f"[{alt}]")
        else:
            is_block = tag in BLOCK_TAGS
            style = _style_for(node)
            child = node.child
            if child is not None and child.tag == "-text" and child.next is None:
                # fast path: an element holding only text (most <p>s) needs no descent
                text_element(child.text_content or "", style, is_block)
                child = None
            else:
                if is_block:
                    builder.end_paragraph()
                if style:
                    builder.open_style(style)
                if child is None:
                    _leave(builder, style, is_block)
                else:
                    open_elements.append((style, is_block))
        if child is not None:
            node = child
            continue
        # climb until a next sibling exists, leaving elements on the way
        while True:
            nxt = node.next
            if nxt is not None:
                node = nxt
                break
            if not open_elements:
                return
            node = node.parent
            _leave(builder, *open_elements.pop())


def _leave(builder: ChapterBuilder, style: str | None, is_block: bool) -> None:
    if style:
        builder.close_style(style)
    if is_block:
        builder.end_paragraph()


def chapter_from_element(
    element: LexborNode | None, index: int, title: str | None = None, skip=None, **extra
) -> Chapter:
    builder = ChapterBuilder()
    if element is not None:
        feed_element(builder, element, skip=skip)
    return builder.build(index, title, **extra)


def element_text(element: LexborNode | None) -> str | None:
    """Plain text of a summary/notes block: paragraphs separated by a blank line.
    None for a missing or empty element."""
    if element is None:
        return None
    text = chapter_from_element(element, 0).text
    return text or None


def inline_text(element: LexborNode | None) -> str:
    """One-line text of a small element (a heading, a tag link), whitespace collapsed."""
    if element is None:
        return ""
    return " ".join((element.text(deep=True, separator="") or "").split())


def children(node: LexborNode) -> list[LexborNode]:
    """A node's direct children (text nodes included), in order."""
    out = []
    child = node.child
    while child is not None:
        out.append(child)
        child = child.next
    return out


def parse_html(html: str) -> LexborHTMLParser:
    return LexborHTMLParser(html)
