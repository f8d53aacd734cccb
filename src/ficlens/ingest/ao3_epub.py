"""AO3's own EPUB downloads, both layouts.

- Since 2019 (AO3-3880) AO3 runs Calibre `ebook-convert` on the download HTML.
  Content files are `<Name>_split_NNN.xhtml`; Calibre splits at every chapter
  heading and again by size (one chapter can span files), repeats the wrapper
  divs in each file, and renames every class to its first class plus a counter
  (`userstuff1`, `meta2`, `calibre7`), folding inline styles into the stylesheet.
  The OPF has only untyped tags, and its `dc:date` is the LAST update.
- Before 2019 the EPUB was hand-built: `preface.xhtml`, `chapterN_M.xhtml`,
  `afterword.xhtml`; `dc:identifier` is the work URL, `dc:date` first publication.

Both are the download HTML cut into files, so the reader glues the spine's
bodies back into one document and reads it the way the download is laid out:
the preface (`dl` of typed tags, `p.message` with the work URL, byline, summary,
notes), one block per chapter opened by its heading, the afterword. Classes are
matched by prefix, never exactly. When the preface has no tag list the metadata
comes from the OPF instead (`Source.extraction` says which).
"""

from __future__ import annotations

import html
import posixpath
import re
from dataclasses import dataclass, field

from ..errors import FormatError
from ..model import Author, ChapterCount, SeriesEntry, Source, Work, WorkMeta
from . import ao3_meta
from .epub import Book, description_text
from .html_text import chapter_from_element, children, element_text, inline_text, parse_html

__all__ = ["layout_of", "read", "CALIBRE", "LEGACY"]

CALIBRE = "calibre"  # 2019 onward
LEGACY = "legacy"  # before 2019

_SPLIT_FILE_RE = re.compile(r"_split_\d+\.x?html?$", re.IGNORECASE)
_LEGACY_CHAPTER_RE = re.compile(r"^chapter(\d+)(?:_(\d+))?\.x?html?$", re.IGNORECASE)
_LEGACY_PREFACE, _LEGACY_AFTERWORD = "preface.xhtml", "afterword.xhtml"
AO3_PUBLISHER = "Archive of Our Own"
_FILE_ATTR = "data-ficlens-file"

# Labels of the <p> that precedes each notes blockquote (downloads/_download_*.html.erb).
_WORK_LABELS = {"summary": "summary", "notes": "notes", "end notes": "end_notes"}
_CHAPTER_LABELS = {"chapter summary": "summary", "chapter notes": "notes", "chapter end notes": "end_notes"}


# -- flavour detection -----------------------------------------------------------
def layout_of(book: Book) -> str | None:
    """CALIBRE, LEGACY, or None when this is not an AO3 EPUB."""
    names = book.basenames()
    lower = [n.lower() for n in names]
    if any(_SPLIT_FILE_RE.search(n) for n in names):
        return CALIBRE if _looks_ao3(book) else None
    if _LEGACY_PREFACE in lower or any(_LEGACY_CHAPTER_RE.match(n) for n in names):
        return LEGACY if _looks_ao3(book) else None
    return None


def _looks_ao3(book: Book) -> bool:
    md = book.metadata
    if md.publisher and AO3_PUBLISHER.lower() in md.publisher.lower():
        return True
    if any(ao3_meta.work_url(value) for _scheme, value in md.identifiers):
        return True
    if md.subjects[:1] == ("Fanworks",):
        return True
    # The preface names the work's AO3 address.
    return "archiveofourown.org" in book.read_text(book.spine[0])


# -- class names after Calibre -------------------------------------------------------
def _class_bases(node) -> list[str]:
    """Class tokens with Calibre's counter removed: 'userstuff12' -> 'userstuff'."""
    classes = node.attributes.get("class") or ""
    return [re.sub(r"[-\d]+$", "", c).lower() for c in classes.split()]


def _has_class(node, base: str) -> bool:
    return base in _class_bases(node)


_CSS_RULE_RE = re.compile(r"\.([A-Za-z_][\w-]*)\s*\{([^{}]*)\}")
# A class attribute inside a start tag (prose cannot hold "<x": it would be "&lt;x").
_CLASS_ATTR_RE = re.compile(r"""<[A-Za-z][^<>]*?\sclass\s*=\s*(["'])([^"'<>]*)\1""")


def _calibre_class_styles(book: Book) -> dict[str, str]:
    """Class -> inline style for the italic/bold/centre rules Calibre moved out of
    `style` attributes into its stylesheet, so the text walker still sees them."""
    styles: dict[str, str] = {}
    for member, media in book.manifest.values():
        if media != "text/css" or not book.zip.has(member):
            continue
        for name, body in _CSS_RULE_RE.findall(book.read_text(member)):
            decls = {k.strip().lower(): v.strip().lower() for k, _, v in
                     (d.partition(":") for d in body.split(";")) if v.strip()}
            kept = []
            if decls.get("font-style") in ("italic", "oblique"):
                kept.append("font-style:italic")
            if decls.get("font-weight") in ("bold", "bolder", "700", "800", "900"):
                kept.append("font-weight:bold")
            if decls.get("text-align") == "center":
                kept.append("text-align:center")
            if kept:
                styles[name] = ";".join(kept)
    return styles


def _restore_styles(source: str, styles: dict[str, str]) -> str:
    if not styles:
        return source

    def add_style(m: re.Match) -> str:
        found = [styles[c] for c in m.group(2).split() if c in styles]
        return f'{m.group(0)} style="{";".join(found)}"' if found else m.group(0)

    return _CLASS_ATTR_RE.sub(add_style, source)


# -- one document from the spine ------------------------------------------------------
def _combined_document(book: Book, layout: str):
    styles = _calibre_class_styles(book) if layout == CALIBRE else {}
    parts = []
    for i, member in enumerate(book.spine):
        body = parse_html(_restore_styles(book.xhtml_source(member), styles)).body
        inner = body.inner_html if body is not None else ""
        parts.append(f'<div {_FILE_ATTR}="{i}">{inner}</div>')  # one wrapper per file, in spine order
    return parse_html("<!DOCTYPE html><html><body>" + "".join(parts) + "</body></html>")


@dataclass
class _Section:
    kind: str  # "preface", "chapter", "afterword"
    heading: str | None = None
    heading_is_title: bool = False  # a single-chapter work's heading is the work title
    content: list = field(default_factory=list)  # chapter text: maximal subtrees in order
    nodes: list = field(default_factory=list)  # preface/afterword: every element, in order
    labelled: dict = field(default_factory=dict)  # summary/notes/end_notes -> blockquote


def _next_element(node):
    sibling = node.next
    while sibling is not None and (
        sibling.tag == "-comment" or (sibling.tag == "-text" and not (sibling.text_content or "").strip())
    ):
        sibling = sibling.next
    return sibling


def _label_of(node) -> str | None:
    """'chapter notes' etc. when `node` (a <p>) is a notes label followed by its blockquote."""
    following = _next_element(node)  # checked first: reading every paragraph's text costs more
    if following is None or following.tag != "blockquote":
        return None
    text = inline_text(node).rstrip(":").strip().lower()
    return text if text in _WORK_LABELS or text in _CHAPTER_LABELS else None


def _heading_candidates(body) -> list:
    h2s = body.css("h2")
    classed = [h for h in h2s if _has_class(h, "heading") or _has_class(h, "toc-heading")]
    if any(_has_class(h, "heading") or inline_text(h) not in ("Preface", "Afterword") for h in classed):
        return classed
    # Calibre gave the chapter headings some other name (it reuses the first name
    # it picked for a style): take every h2 outside a quoted block.
    classed_ids = {h.mem_id for h in classed}
    return [
        h for h in h2s
        if h.mem_id in classed_ids or not any(a.tag == "blockquote" for a in _ancestors(h, body))
    ]


def _ancestors(node, stop):
    parent = node.parent
    while parent is not None and parent.mem_id != stop.mem_id:
        yield parent
        parent = parent.parent


def _split_sections(tree, book: Book, layout: str) -> list[_Section]:
    """Walk the glued document in order, cutting it into preface, chapters and
    afterword at the heading blocks, and sorting each section's nodes into text,
    notes and metadata."""
    body = tree.body
    headings = {h.mem_id: h for h in _heading_candidates(body)}
    last_heading = next(reversed(headings), None)
    labelled_paragraphs = [(p, _label_of(p)) for p in body.css("p")]
    label_nodes = [p for p, label in labelled_paragraphs if label]
    labels = {p.mem_id: label for p, label in labelled_paragraphs if label}

    file_kinds = _legacy_file_kinds(body, book, headings.values()) if layout == LEGACY else {}

    # Elements that hold a heading or a label must be opened up, not taken whole.
    must_open: set[int] = set(file_kinds)
    for node in [*headings.values(), *label_nodes]:
        must_open.update(ancestor.mem_id for ancestor in _ancestors(node, body))

    sections = [_Section("preface")]
    consumed: set[int] = set()
    stack = [(child, False) for child in reversed(children(body))]
    while stack:
        node, in_meta = stack.pop()
        tag = node.tag
        section = sections[-1]
        if tag == "-comment":
            continue
        if tag == "-text":
            if section.kind == "chapter" and not in_meta:
                section.content.append(node)
            continue
        mem_id = node.mem_id
        if mem_id in consumed:
            continue
        kind = file_kinds.get(mem_id)
        if kind == "chapter" or (kind and kind != section.kind):
            sections.append(_Section(kind))
            section = sections[-1]
        if mem_id in headings:
            _open_section_at_heading(node, sections, is_last=mem_id == last_heading)
            continue
        label = labels.get(mem_id)
        if label:
            field_name = _label_field(label, section.kind)
            quote = _next_element(node)
            consumed.add(quote.mem_id)
            if field_name:
                section.labelled.setdefault(field_name, quote)
            continue
        if section.kind != "chapter":
            section.nodes.append(node)
            stack.extend((child, False) for child in reversed(children(node)))
            continue
        meta_here = in_meta or any(_has_class(node, c) for c in ("meta", "byline", "endnote-link"))
        if mem_id in must_open:
            stack.extend((child, meta_here) for child in reversed(children(node)))
        elif not meta_here:
            section.content.append(node)
    return sections


def _legacy_file_kinds(body, book: Book, headings) -> dict[int, str]:
    """Hand-built layout: the file wrappers that open a section by themselves.
    preface.xhtml and afterword.xhtml always do; chapterN_1.xhtml only when the
    chapters carry no heading blocks to cut at."""
    wrappers = [child for child in children(body) if child.tag == "div" and _FILE_ATTR in child.attributes]
    if len(wrappers) != len(book.spine):
        return {}  # the glued document did not keep one wrapper per file: cut at headings only
    chapter_headings = any(_has_class(h, "heading") or _has_class(h, "toc-heading") for h in headings)
    kinds: dict[int, str] = {}
    seen_chapters: set[str] = set()
    for wrapper, member in zip(wrappers, book.spine):
        name = posixpath.basename(member).lower()
        m = _LEGACY_CHAPTER_RE.match(name)
        if name == _LEGACY_PREFACE:
            kinds[wrapper.mem_id] = "preface"
        elif name == _LEGACY_AFTERWORD:
            kinds[wrapper.mem_id] = "afterword"
        elif m and not chapter_headings and m.group(1) not in seen_chapters:
            seen_chapters.add(m.group(1))
            kinds[wrapper.mem_id] = "chapter"
    return kinds


def _label_field(label: str, kind: str) -> str | None:
    if kind == "chapter":
        return _CHAPTER_LABELS.get(label)
    field_name = _WORK_LABELS.get(label)
    if kind == "preface" and field_name in ("summary", "notes"):
        return field_name
    if kind == "afterword" and field_name == "end_notes":
        return field_name
    return None


def _open_section_at_heading(node, sections: list[_Section], is_last: bool) -> None:
    text = inline_text(node)
    current = sections[-1]
    has_chapters = any(s.kind == "chapter" for s in sections)
    is_title = _has_class(node, "toc-heading")  # single-chapter works: the work title
    may_be_marker = not _has_class(node, "heading")  # chapter headings never are
    if may_be_marker and text == "Preface" and current.kind == "preface" and not has_chapters:
        return  # the preface's own (hidden) heading
    if may_be_marker and text == "Afterword" and (has_chapters or is_last):
        if current.kind != "afterword":
            sections.append(_Section("afterword"))
        return
    if current.kind == "chapter" and current.heading is None and not _has_text(current.content):
        # A chapter opened by its file (hand-built layout) gets its heading now.
        current.heading, current.heading_is_title = text, is_title
        return
    sections.append(_Section("chapter", heading=text, heading_is_title=is_title))


def _has_text(nodes: list) -> bool:
    return any(n.tag != "-text" or (n.text_content or "").strip() for n in nodes)


# -- metadata ---------------------------------------------------------------------------
def _tag_list(dl) -> list[tuple[str, object]]:
    """(field, dd) pairs of a preface tag list, in order, known labels only."""
    pairs = []
    label = None
    for child in children(dl):
        if child.tag == "dt":
            label = ao3_meta.field_for_label(inline_text(child))
        elif child.tag == "dd" and label:
            pairs.append((label, child))
            label = None
    return pairs


def _dd_values(dd) -> tuple[str, ...]:
    links = [inline_text(a) for a in dd.css("a")]
    values = links if links else inline_text(dd).split(", ")
    return tuple(v.strip() for v in values if v.strip())


def _series_entries(dd) -> tuple[SeriesEntry, ...]:
    """'Part 2 of <a>S</a>, Part 1 of <a>T</a>' -> entries."""
    entries = []
    pending = ""
    for child in children(dd):
        if child.tag == "a":
            m = re.search(r"Part\s+(\d+)\s+of\s*$", pending)
            part = ao3_meta.to_int(m.group(1)) if m else None
            entries.append(SeriesEntry(inline_text(child), part, child.attributes.get("href")))
            pending = ""
        elif child.tag == "-text":
            pending += child.text_content or ""
        else:
            pending += inline_text(child)
    return tuple(entries)


def _authors_from_byline(byline) -> tuple[Author, ...]:
    links = [a for a in byline.css("a") if (a.attributes.get("rel") or "") == "author"] or byline.css("a")
    if links:
        authors = []
        for a in links:
            author = ao3_meta.parse_author(inline_text(a))
            login = ao3_meta.login_from_url(a.attributes.get("href"))
            if login and author.name != "Anonymous" and author.login != login:
                author = Author(author.name, login)
            authors.append(author)
        return tuple(authors)
    text = re.sub(r"^\s*by\s+", "", inline_text(byline))
    return tuple(ao3_meta.parse_author(name) for name in text.split(", ") if name.strip())


def _fields_from_preface(preface: _Section) -> dict | None:
    """WorkMeta fields from the preface, or None when it has no tag list."""
    tags_dl = next((n for n in preface.nodes if n.tag == "dl" and _tag_list(n)), None)
    if tags_dl is None:
        return None
    fields: dict = {}
    for name, dd in _tag_list(tags_dl):
        if name in fields:
            continue
        if name == "rating":
            fields["rating"] = ", ".join(_dd_values(dd)) or None
        elif name == "language":
            fields["language"] = inline_text(dd) or None
        elif name == "series":
            fields["series"] = _series_entries(dd)
        elif name == "relationships":
            fields["relationships"] = tuple(ao3_meta.parse_relationship(v) for v in _dd_values(dd))
        elif name == "stats":
            fields.update(ao3_meta.parse_stats(inline_text(dd)))
        else:  # warnings, categories, fandoms, characters, freeform, collections
            fields[name] = _dd_values(dd)
    title = next((inline_text(n) for n in preface.nodes if n.tag == "h1"), None)
    if title:
        fields["title"] = title
    byline = next((n for n in preface.nodes if _has_class(n, "byline")), None)
    if byline is not None:
        fields["authors"] = _authors_from_byline(byline)
    for name in ("summary", "notes"):
        if name in preface.labelled:
            fields[name] = element_text(preface.labelled[name])
    return fields


def _work_url(*sections: _Section | None) -> str | None:
    for section in sections:
        if section is None:
            continue
        for node in section.nodes:
            if node.tag == "a":
                url = ao3_meta.work_url(node.attributes.get("href"))
                if url:
                    return url
    return None


def _fields_from_opf(book: Book, layout: str) -> dict:
    md = book.metadata
    fields: dict = {"title": md.title, "language": md.language}
    # AO3 passes every pseud as one comma-joined --authors value.
    names = [n.strip() for creator in md.creators for n in creator.split(", ") if n.strip()]
    fields["authors"] = tuple(Author(n) for n in names)
    fields["freeform"] = tuple(s for s in md.subjects if s != "Fanworks")
    fields["summary"] = description_text(md.description, book.path)
    series = md.meta.get("calibre:series")
    if series:
        fields["series"] = (SeriesEntry(series, ao3_meta.series_index(md.meta.get("calibre:series_index"))),)
    if layout == CALIBRE:
        fields["updated"] = md.date()  # Calibre --pubdate is AO3's revised_at
    else:
        fields["published"] = md.date()
    return {k: v for k, v in fields.items() if v not in (None, ())}



# -- chapters -----------------------------------------------------------------------------
def _chapter_element(section: _Section):
    markup = "".join(
        html.escape(node.text_content or "", quote=False) if node.tag == "-text" else node.html
        for node in section.content
    )
    return parse_html(f"<!DOCTYPE html><html><body><div>{markup}</div></body></html>").body.child


def _build_chapters(chapter_sections: list[_Section]):
    chapters = []
    for index, section in enumerate(chapter_sections, 1):
        title = None
        if section.heading and not (section.heading_is_title and len(chapter_sections) == 1):
            _number, title = ao3_meta.parse_chapter_heading(section.heading)
        notes = {name: element_text(quote) for name, quote in section.labelled.items()}
        chapters.append(chapter_from_element(_chapter_element(section), index, title, **notes))
    return tuple(chapters)


# -- the reader --------------------------------------------------------------------------
def read(book: Book, layout: str) -> Work:
    tree = _combined_document(book, layout)
    sections = _split_sections(tree, book, layout)
    chapter_sections = [s for s in sections if s.kind == "chapter"]
    if not chapter_sections:
        raise FormatError("AO3 EPUB has no chapters: no chapter headings or chapter files found", book.path)
    preface = sections[0] if sections[0].kind == "preface" else None
    afterword = next((s for s in sections if s.kind == "afterword"), None)

    preface_fields = _fields_from_preface(preface) if preface else None
    opf_fields = _fields_from_opf(book, layout)
    if preface_fields is not None:
        extraction = "preface"
        fields = dict(preface_fields)
        for name in ("title", "authors", "language"):  # blanks the preface left
            if not fields.get(name) and name in opf_fields:
                fields[name] = opf_fields[name]
        if layout == LEGACY and not fields.get("published") and "published" in opf_fields:
            fields["published"] = opf_fields["published"]
    else:
        extraction = "opf-fallback"
        fields = opf_fields
    if afterword is not None and "end_notes" in afterword.labelled:
        fields["end_notes"] = element_text(afterword.labelled["end_notes"])

    url = _work_url(preface, afterword)
    if url is None:
        url = next((ao3_meta.work_url(v) for _s, v in book.metadata.identifiers if ao3_meta.work_url(v)), None)
    fields.setdefault("chapters", ChapterCount(None, None))
    meta = WorkMeta(**fields, source=Source("ao3-epub", url=url, path=book.path, extraction=extraction))
    return Work(meta, _build_chapters(chapter_sections))

