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


# What the walk does with each tag. Elements not listed here are read as below.
_TEXT, _BR, _HR, _IMG, _IGNORED = range(5)
_SPECIAL_TAGS = {
    "-text": _TEXT, "br": _BR, "hr": _HR, "img": _IMG, "-comment": _IGNORED, "!doctype": _IGNORED,
    **{tag: _IGNORED for tag in SKIP_TAGS},
}
# Every other element: (is it a block, the style its tag gives, may its attributes give
# one). One lookup per element instead of a chain of tests: this loop runs once per
# node of every HTML chapter.
_ELEMENTS = {
    tag: (tag in BLOCK_TAGS, STYLE_OF_TAG.get(tag), tag in ("p", "div", "span"))
    for tag in (*BLOCK_TAGS, *STYLE_OF_TAG, "span")
}
_INLINE = (False, None, False)


def _style_from_attributes(node: LexborNode, tag: str) -> str | None:
    """The style a <p>, <div> or <span> gets from its style/align attributes."""
    attrs = node.attributes
    if not attrs:
        return None
    css = (attrs.get("style") or "").replace(" ", "").lower()
    if tag != "span" and ("text-align:center" in css or attrs.get("align") == "center"):
        return "center"
    if "font-style:italic" in css:
        return "italic"
    if "font-weight:bold" in css or "font-weight:700" in css:
        return "bold"
    return None


# Blocks that usually hold other blocks (a chapter's div.userstuff holds <p>s): when
# one holds nothing but blocks and whitespace, the walk visits only its elements.
_BLOCK_LIKE = BLOCK_TAGS | {"hr", "-comment"}
_CONTAINER_TAGS = BLOCK_TAGS - frozenset("p h1 h2 h3 h4 h5 h6 li dt dd td th pre caption summary figcaption address".split())


def _block_children(node: LexborNode):
    """An iterator over `node`'s child elements when they are all blocks (comments and
    <hr>s aside) and its own text is whitespace, else None. Whitespace beside a block collapses to nothing, so
    skipping those text nodes changes no output; a chapter of 100 <p>s has ~100 of them."""
    own_text = node.text(deep=False)
    if own_text and not own_text.isspace():
        return None
    kids = list(node.iter(include_text=False))
    tags = [kid.tag for kid in kids]
    if not all(tag in _BLOCK_LIKE for tag in tags) or all(tag == "-comment" for tag in tags):
        return None
    return iter(kids)


def feed_element(builder: ChapterBuilder, root: LexborNode, skip=None) -> None:
    """Walk `root`'s descendants in document order, feeding text, breaks and styles
    into `builder`. `skip(node)` returning True drops an element and its content."""
    # `open_elements` holds, for each element we descended into, the style it opened,
    # whether it is a block, the element (to go on after it) and the iterator over its
    # parent's children when that parent holds only blocks (else siblings are found
    # through .next), so leaving it needs no second look at the tree.
    open_elements: list[tuple[str | None, bool, LexborNode, object]] = []
    append_text, text_element, space = builder.append_text, builder.text_element, builder.space  # hot loop
    siblings = _block_children(root)
    node = next(siblings, None) if siblings is not None else root.child
    while node is not None:
        tag = node.tag
        kind = _SPECIAL_TAGS.get(tag)
        child = None
        if kind is None:
            if skip is None or not skip(node):
                is_block, style, styled_by_attributes = _ELEMENTS.get(tag, _INLINE)
                if styled_by_attributes:
                    style = _style_from_attributes(node, tag)
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
                        open_elements.append((style, is_block, node, siblings))
                        siblings = _block_children(node) if tag in _CONTAINER_TAGS else None
                        if siblings is not None:
                            child = next(siblings)
        elif kind == _TEXT:
            if node.is_empty_text_node:
                space()  # collapsible whitespace: kept only between words
            else:
                append_text(node.text_content)
        elif kind == _BR:
            builder.line_break()
        elif kind == _HR:
            builder.end_paragraph()
            builder.scene_break("<hr>")
        elif kind == _IMG and (skip is None or not skip(node)):
            alt = node.attributes.get("alt")
            if alt:
                builder.append_text(f"[{alt}]")
        if child is not None:
            node = child
            continue
        # climb until a next sibling exists, leaving elements on the way
        while True:
            nxt = next(siblings, None) if siblings is not None else node.next
            if nxt is not None:
                node = nxt
                break
            if not open_elements:
                return
            style, is_block, node, siblings = open_elements.pop()
            _leave(builder, style, is_block)


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
