"""EPUB in, `Work` out: open the package safely, work out who made it, dispatch.

Flavours, most specific first:
- FanFicFare (`fanficfare_epub`): `fanficfare-uid:` identifier, a FanFicFare
  contributor, or an `fff_titlepage` title page.
- AO3 since 2019 (`ao3_epub`, Calibre `ebook-convert` of the download HTML):
  `<Name>_split_NNN.xhtml` content files and AO3 as publisher or in the preface.
- AO3 before 2019 (`ao3_epub`): hand-built `preface.xhtml` / `chapterN_M.xhtml`.
- Anything else: each spine document is a chapter (`Source(format="epub")`).

`Book` is the opened package every flavour reads from: OPF metadata, spine
content documents in order, NCX entries, and safe member access.
"""

from __future__ import annotations

import posixpath
import re
from dataclasses import dataclass, field
from urllib.parse import unquote

from lxml import etree

from ..errors import FormatError
from ..model import Author, Source, Work, WorkMeta
from . import html_text
from .archive import SafeZip
from .decode import decode_bytes, drop_controls
from .xmlsafe import NESTING_BUDGET, check_nesting, check_xhtml_prolog, localname, parse_xml, text_of

__all__ = ["read", "Book", "OpfMetadata", "open_book"]

CONTAINER = "META-INF/container.xml"
OPF_MEDIA_TYPE = "application/oebps-package+xml"
XHTML_MEDIA_TYPES = {"application/xhtml+xml", "text/html", "application/xml", "text/xml"}
NCX_MEDIA_TYPE = "application/x-dtbncx+xml"
OPF_NS = "http://www.idpf.org/2007/opf"
DC_NS = "http://purl.org/dc/elements/1.1/"

# XHTML is XML: "<div/>" is an empty div. The HTML parser would read it as an
# open tag swallowing what follows (and "<title/>" would swallow the document),
# so self-closed non-void elements are rewritten before parsing.
_VOID_TAGS = frozenset("area base br col embed hr img input link meta param source track wbr".split())
_SELF_CLOSED_RE = re.compile(r"<([A-Za-z][\w:.-]*)(\s[^<>]*?)?/>")


@dataclass(frozen=True, slots=True)
class OpfMetadata:
    """The OPF `<metadata>`: Dublin Core elements plus `<meta name=... content=...>`."""

    titles: tuple[str, ...] = ()
    creators: tuple[str, ...] = ()
    contributors: tuple[str, ...] = ()
    subjects: tuple[str, ...] = ()
    description: str | None = None
    language: str | None = None
    publisher: str | None = None
    source: str | None = None
    identifiers: tuple[tuple[str | None, str], ...] = ()  # (scheme, value)
    dates: tuple[tuple[str | None, str], ...] = ()  # (opf:event, value)
    meta: dict[str, str] = field(default_factory=dict)  # <meta name=... content=...>

    @property
    def title(self) -> str | None:
        return self.titles[0] if self.titles else None

    def date(self, event: str | None = None) -> str | None:
        """First `dc:date` (with that `opf:event`), as YYYY-MM-DD."""
        for ev, value in self.dates:
            if event is None or ev == event:
                return _iso_date(value)
        return None


@dataclass(frozen=True, slots=True)
class NavEntry:
    label: str
    member: str  # zip member the entry points at
    fragment: str | None


@dataclass
class Book:
    """An opened EPUB package."""

    path: str
    zip: SafeZip
    opf_member: str
    metadata: OpfMetadata
    spine: list[str]  # content-document members in reading order
    manifest: dict[str, tuple[str, str]]  # id -> (member, media type)
    nav: list[NavEntry]
    _texts: dict[str, str] = field(default_factory=dict, repr=False)
    # Parsing cost spent so far: the readers glue documents together and parse
    # them again, so deep nesting is budgeted for the whole book, not per file.
    _nesting_left: int = field(default=NESTING_BUDGET, repr=False)

    def basenames(self) -> list[str]:
        return [posixpath.basename(m) for m in self.spine]

    def read_text(self, member: str) -> str:
        """A member decoded to text (cached: flavour detection peeks at files the
        reader then reads again)."""
        if member not in self._texts:
            text, _encoding = decode_bytes(self.zip.read(member), self.path)
            self._texts[member] = drop_controls(text)
        return self._texts[member]

    def xhtml_source(self, member: str) -> str:
        """A content document's text, checked for entity declarations and with
        XML self-closed tags opened, ready for the HTML parser."""
        text = self.read_text(member)
        check_xhtml_prolog(text, member, self.path)
        self._nesting_left -= check_nesting(text, member, self.path, budget=self._nesting_left)
        return _open_self_closed(text)

    def read_xhtml(self, member: str):
        """Parse a content document with the HTML parser (which never resolves
        XML entities), after refusing any entity-declaring DOCTYPE."""
        return html_text.parse_html(self.xhtml_source(member))

    def nav_label_for(self, member: str) -> str | None:
        for entry in self.nav:
            if entry.member == member:
                return entry.label
        return None


def _open_self_closed(text: str) -> str:
    def fix(m: re.Match) -> str:
        tag = m.group(1)
        if tag.lower() in _VOID_TAGS:
            return m.group(0)
        return f"<{tag}{m.group(2) or ''}></{tag}>"

    return _SELF_CLOSED_RE.sub(fix, text)


def _iso_date(value: str) -> str | None:
    m = re.match(r"\s*(\d{4}-\d{2}-\d{2})", value)
    return m.group(1) if m else None


def _member_path(base_dir: str, href: str) -> str | None:
    """Resolve an href relative to the OPF's folder to a zip member name
    (None when it points outside the archive)."""
    href = unquote(href.split("#", 1)[0]).strip()
    if not href or re.match(r"^[a-z][a-z0-9+.-]*:", href, re.I):
        return None  # empty or an absolute URL
    joined = posixpath.normpath(posixpath.join(base_dir, href)) if base_dir else posixpath.normpath(href)
    if joined.startswith(("../", "/")) or joined == "..":
        return None
    return joined


# -- opening the package ------------------------------------------------------------
def open_book(zf: SafeZip, path: str) -> Book:
    """Read container.xml, the OPF package and the NCX of an opened archive."""
    opf_member = _find_opf(zf, path)
    package = parse_xml(zf.read(opf_member), opf_member, path)
    base_dir = posixpath.dirname(opf_member)

    manifest: dict[str, tuple[str, str]] = {}
    for el in package.iter():
        if localname(el) == "item" and el.get("id") and el.get("href"):
            member = _member_path(base_dir, el.get("href"))
            if member is not None:
                manifest[el.get("id")] = (zf.resolve(member) or member, (el.get("media-type") or "").lower())
    spine: list[str] = []
    toc_id = None
    for el in package.iter():
        if localname(el) == "spine":
            toc_id = el.get("toc")
        elif localname(el) == "itemref":
            item = manifest.get(el.get("idref", ""))
            if item and item[1] in XHTML_MEDIA_TYPES and zf.has(item[0]) and item[0] not in spine:
                spine.append(item[0])
    if not spine:
        raise FormatError("broken EPUB: its spine lists no content documents found in the archive", path)

    ncx_member = manifest.get(toc_id or "", (None, ""))[0]
    if ncx_member is None:
        ncx_member = next((m for m, media in manifest.values() if media == NCX_MEDIA_TYPE), None)
    nav = _read_ncx(zf, ncx_member, path) if ncx_member and zf.has(ncx_member) else []
    return Book(path, zf, opf_member, _read_metadata(package), spine, manifest, nav)


def _find_opf(zf: SafeZip, path: str) -> str:
    """The OPF package's member name, from META-INF/container.xml."""
    if not zf.has(CONTAINER):
        mimetype = zf.read("mimetype").strip() if zf.has("mimetype") else b"application/epub+zip"
        if mimetype != b"application/epub+zip":  # an ODT, a DOCX...
            kind = mimetype[:80].decode("ascii", "replace")
            raise FormatError(f"zip is not an EPUB (its mimetype is {kind!r})", path)
        raise FormatError(f"not an EPUB: {CONTAINER} is missing", path)
    container = parse_xml(zf.read(CONTAINER), CONTAINER, path)
    rootfiles = [
        (el.get("media-type", OPF_MEDIA_TYPE), el.get("full-path"))
        for el in container.iter() if localname(el) == "rootfile" and el.get("full-path")
    ]
    # The OPF rootfile, else whatever the first rootfile is.
    rootfiles.sort(key=lambda entry: entry[0] != OPF_MEDIA_TYPE)
    opf_member = _member_path("", rootfiles[0][1]) if rootfiles else None
    if opf_member is None:
        raise FormatError(f"broken EPUB: {CONTAINER} names no OPF package (rootfile)", path)
    if not zf.has(opf_member):
        raise FormatError(f"broken EPUB: the OPF package {opf_member!r} named in {CONTAINER} is missing", path)
    return zf.resolve(opf_member) or opf_member


def _read_metadata(package: etree._Element) -> OpfMetadata:
    lists: dict[str, list] = {k: [] for k in ("title", "creator", "contributor", "subject", "identifier", "date")}
    single: dict[str, str] = {}
    meta: dict[str, str] = {}
    metadata = next((el for el in package.iter() if localname(el) == "metadata"), None)
    if metadata is None:
        return OpfMetadata()
    for el in metadata.iter():
        name = localname(el)
        if name == "meta":
            if el.get("name") and el.get("content") is not None:
                meta.setdefault(el.get("name"), el.get("content").strip())
            elif el.get("property") and not el.get("refines"):
                meta.setdefault(el.get("property"), text_of(el))
            continue
        if not isinstance(el.tag, str) or not el.tag.startswith("{" + DC_NS):
            continue
        value = text_of(el) if name != "description" else "".join(el.itertext()).strip()
        if not value:
            continue
        if name == "identifier":
            lists[name].append((el.get(f"{{{OPF_NS}}}scheme") or el.get("scheme"), value))
        elif name == "date":
            lists[name].append((el.get(f"{{{OPF_NS}}}event") or el.get("event"), value))
        elif name in lists:
            lists[name].append(value)
        elif name in ("description", "language", "publisher", "source"):
            single.setdefault(name, value)
    return OpfMetadata(
        titles=tuple(lists["title"]), creators=tuple(lists["creator"]),
        contributors=tuple(lists["contributor"]), subjects=tuple(lists["subject"]),
        description=single.get("description"), language=single.get("language"),
        publisher=single.get("publisher"), source=single.get("source"),
        identifiers=tuple(lists["identifier"]), dates=tuple(lists["date"]), meta=meta,
    )


def _read_ncx(zf: SafeZip, member: str, path: str) -> list[NavEntry]:
    root = parse_xml(zf.read(member), member, path)
    base_dir = posixpath.dirname(member)
    entries: list[NavEntry] = []
    for point in root.iter():
        if localname(point) != "navPoint":
            continue
        label = content = None
        for child in point:
            if localname(child) == "navLabel":
                label = text_of(child)
            elif localname(child) == "content":
                content = child.get("src")
        if label is None or not content:
            continue
        target = _member_path(base_dir, content)
        if target:
            fragment = content.split("#", 1)[1] if "#" in content else None
            entries.append(NavEntry(label, zf.resolve(target) or target, fragment))
    return entries


# -- dispatch ---------------------------------------------------------------------
def read(data: bytes, path: str) -> Work:
    """Read an EPUB from its bytes; `path` names it in errors and in `source`."""
    from . import ao3_epub, fanficfare_epub  # imported here: they import Book from this module

    with SafeZip(data, path) as zf:
        book = open_book(zf, path)
        if fanficfare_epub.matches(book):
            return fanficfare_epub.read(book)
        layout = ao3_epub.layout_of(book)
        if layout is not None:
            return ao3_epub.read(book, layout)
        return read_generic(book)


def read_generic(book: Book) -> Work:
    """Any other EPUB: OPF metadata, one chapter per spine document with text,
    titled from the NCX when it names the document."""
    md = book.metadata
    chapters = []
    for member in book.spine:
        tree = book.read_xhtml(member)
        chapter = html_text.chapter_from_element(tree.body, len(chapters) + 1, book.nav_label_for(member))
        if chapter.paragraphs:
            chapters.append(chapter)
    if not chapters:
        raise FormatError("EPUB has no chapter text in any content document", book.path)
    meta = WorkMeta(
        title=md.title,
        authors=tuple(Author(name) for name in md.creators),
        freeform=md.subjects,
        language=md.language,
        published=md.date("publication") or md.date(),
        summary=description_text(md.description, book.path),
        source=Source("epub", url=md.source, path=book.path, extraction="spine"),
    )
    return Work(meta, tuple(chapters))


def description_text(description: str | None, path: str | None = None) -> str | None:
    """`dc:description` is often escaped HTML (Calibre, FanFicFare): read it as HTML."""
    if not description:
        return None
    check_nesting(description, "the OPF's dc:description", path)
    tree = html_text.parse_html(description)
    return html_text.element_text(tree.body)
