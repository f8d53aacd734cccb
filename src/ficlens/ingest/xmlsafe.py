"""Parse untrusted XML (EPUB container.xml, OPF, NCX) without its traps.

No DTD is loaded, no entity is resolved, nothing touches the network, and a file
that declares entities at all (external entities, "billion laughs") is refused
before lxml sees it: fan-work EPUBs never need them. XHTML chapter files are not
parsed here; they go through the HTML parser (which never resolves XML entities)
after `check_xhtml_prolog` has refused any entity-declaring DOCTYPE.
"""

from __future__ import annotations

import re

from lxml import etree

from ..errors import FormatError, UnsafeInputError

__all__ = ["parse_xml", "check_xhtml_prolog", "check_nesting", "localname", "text_of"]

# XML only allows entity declarations in the DTD; anywhere else "<!ENTITY" can only
# be inside a comment or CDATA, which no EPUB needs either. Scanning the whole
# document cannot be fooled by where the DOCTYPE sits.
_ENTITY_DECL_RE = re.compile(r"<!ENTITY", re.IGNORECASE)
_ENTITY_ABUSE_RE = re.compile(r"amplification|entity loop|entities nesting", re.IGNORECASE)


def _parser() -> etree.XMLParser:
    return etree.XMLParser(
        resolve_entities=False, no_network=True, load_dtd=False, dtd_validation=False,
        huge_tree=False, remove_comments=True, remove_pis=True, recover=False,
    )


def _as_text(data: bytes) -> str:
    """Enough of a decoding to look for entity declarations in any encoding an XML
    file may use (UTF-16 with or without BOM, else an ASCII-compatible one)."""
    head = data[:4]
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16", errors="replace")
    if head.startswith(b"<\x00"):
        return data.decode("utf-16-le", errors="replace")
    if head.startswith(b"\x00<"):
        return data.decode("utf-16-be", errors="replace")
    return data.decode("latin-1")  # every byte maps; ASCII markup stays findable


def _refuse_entities(text: str, member: str, path: str | None) -> None:
    if _ENTITY_DECL_RE.search(text):
        raise UnsafeInputError(f"{member} declares XML entities; refused", path)


def parse_xml(data: bytes, member: str, path: str | None = None) -> etree._Element:
    """Parse one XML member of an EPUB; `member` names it in errors."""
    _refuse_entities(_as_text(data), member, path)
    try:
        root = etree.fromstring(data, _parser())
    except etree.XMLSyntaxError as exc:
        if _ENTITY_ABUSE_RE.search(str(exc)):  # libxml2's own amplification guard tripped
            raise UnsafeInputError(f"{member} declares XML entities; refused", path) from exc
        raise FormatError(f"{member} is not well-formed XML: {exc}", path) from exc
    except (etree.LxmlError, ValueError) as exc:
        raise FormatError(f"{member} cannot be parsed as XML: {exc}", path) from exc
    # Belt and braces: whatever the prolog scan missed, lxml saw.
    dtd = root.getroottree().docinfo.internalDTD
    if dtd is not None and any(True for _ in dtd.iterentities()):
        raise UnsafeInputError(f"{member} declares XML entities; refused", path)
    return root


def check_xhtml_prolog(text: str, member: str, path: str | None = None) -> None:
    """Refuse an XHTML content document whose DOCTYPE declares entities."""
    _refuse_entities(text, member, path)


# The HTML parser checks "is there a <p> in scope?" by walking the open-element
# stack on most block start tags, so its time grows with the sum of the depths at
# which elements open: 100,000 nested <div>s take it most of a minute. Real
# chapters nest a dozen deep (sum ~ 20 x elements); this budget allows 50 levels
# on a million elements and refuses the pathological cases in well under a second.
NESTING_BUDGET = 50_000_000
_VOID_TAGS = frozenset("area base br col embed hr img input link meta param source track wbr".split())
# HTML elements whose end tag may be left out: an unclosed <p> does not nest.
_SELF_CLOSING_IN_HTML = frozenset("p li dt dd tr td th option optgroup thead tbody tfoot colgroup rb rt rp".split())
_TAG_RE = re.compile(r"<(/?)([A-Za-z][\w:.-]*)[^<>]*?(/?)>")
# In HTML, <p> (most tags of a story) never nests, so the scan does not even match it:
# a name that does not start with p, or p followed by more name (pre, param).
_HTML_TAG_RE = re.compile(r"<(/?)((?:[a-oq-zA-OQ-Z]|[pP][\w:.-])[\w:.-]*)[^<>]*?(/?)>")


def check_nesting(text: str, member: str, path: str | None = None, budget: int = NESTING_BUDGET,
                  html: bool = False) -> int:
    """Refuse an XHTML document nested so deeply that parsing it would take minutes;
    return its parsing cost (the sum of depths) so a caller can budget many files."""
    flat = _VOID_TAGS | _SELF_CLOSING_IN_HTML if html else _VOID_TAGS
    depth = deepest = cost = 0
    for closing, name, self_closed in (_HTML_TAG_RE if html else _TAG_RE).findall(text):
        if self_closed or name.lower() in flat:
            continue
        if closing:
            if depth:
                depth -= 1
            continue
        depth += 1
        cost += depth
        if depth > deepest:
            deepest = depth
        if cost > budget:
            raise UnsafeInputError(
                f"{member} nests elements too deeply (over {deepest:,} levels) to parse safely; refused", path
            )
    return cost


def localname(element) -> str:
    """Tag name without its namespace ('' for comments and processing instructions)."""
    tag = element.tag
    if not isinstance(tag, str):
        return ""
    return tag.rsplit("}", 1)[-1]


def text_of(element) -> str:
    """All text inside an element, whitespace collapsed."""
    return " ".join("".join(element.itertext()).split())
