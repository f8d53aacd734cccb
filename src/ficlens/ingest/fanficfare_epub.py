"""FanFicFare EPUBs (writers/writer_epub.py).

    content.opf            dc:source = story URL, one dc:creator per author,
                           dc:date opf:event="publication"/"modification",
                           dc:identifier fanficfare-uid:…, dc:contributor FanFicFare
    OEBPS/title_page.xhtml body.fff_titlepage: <h3><a href=URL>TITLE</a> by AUTHORS</h3>
                           then `<b>Label:</b> value<br />` lines in a div, or a
                           table.full when `titlepage_use_table` is set
    OEBPS/fileNNNN.xhtml   body.fff_chapter: <meta name="chaptertitle" …> etc. in the
                           head, h3.fff_chapter_title, then the chapter HTML with its
                           notes in div.fff_chapter_notes.fff_head_notes/.fff_foot_notes
    (optional cover.xhtml, toc_page.xhtml, log_page.xhtml)

Title-page labels and the AO3 field mapping are shared with the HTML reader.
"""

from __future__ import annotations

import posixpath
import re

from ..errors import FormatError
from ..model import Author, SeriesEntry, Source, Work, WorkMeta
from . import ao3_meta
from .epub import Book, description_text
from .fanficfare_html import (
    chapter_notes, clean_chapter_title, fanficfare_chapter, fields_from_entries,
    header_title_authors, is_ao3_url, line_entries, table_entries,
)
from .html_text import inline_text

__all__ = ["matches", "read"]

_TITLE_PAGE = "title_page.xhtml"
_CHAPTER_FILE_RE = re.compile(r"^(?:file|chapter)\d+(?:_u\d+)?\.x?html?$", re.IGNORECASE)
_NOT_CHAPTERS = {"title_page.xhtml", "toc_page.xhtml", "log_page.xhtml", "cover.xhtml"}


def matches(book: Book) -> bool:
    md = book.metadata
    if any(value.startswith("fanficfare-uid:") for _scheme, value in md.identifiers):
        return True
    if any("fanficfare" in c.lower() for c in md.contributors):
        return True
    title_page = _title_page_member(book)
    return title_page is not None and "fff_titlepage" in book.read_text(title_page)


def _title_page_member(book: Book) -> str | None:
    return next((m for m in book.spine if posixpath.basename(m).lower() == _TITLE_PAGE), None)


def _body_classes(tree) -> set[str]:
    body = tree.body
    return set((body.attributes.get("class") or "").split()) if body is not None else set()


def _chapter_title(tree, book: Book, member: str) -> str | None:
    """The chapter's own title: the head's meta (original title first: the others
    may carry "(new)" marks or added numbers), else the h3, else the NCX."""
    for name in ("chapterorigtitle", "chaptertitle"):
        meta = tree.css_first(f'meta[name="{name}"]')
        if meta is not None and (meta.attributes.get("content") or "").strip():
            return " ".join(meta.attributes["content"].split())
    heading = tree.css_first("h3.fff_chapter_title")
    if heading is not None and inline_text(heading):
        return inline_text(heading)
    return book.nav_label_for(member)


def read(book: Book) -> Work:
    md = book.metadata
    title = url = None
    authors: tuple[Author, ...] = ()
    fields: dict = {}
    extraction = "opf"
    title_page = _title_page_member(book)
    if title_page is not None:
        tree = book.read_xhtml(title_page)
        body = tree.body
        title, authors, url = header_title_authors(body.css_first("h3") if body is not None else None)
        table = body.css_first("table.full") if body is not None else None
        if table is not None:
            entries = table_entries(table)
        else:
            block = body.css_first("div") if body is not None else None
            entries = line_entries(block) if block is not None else []
        if entries:
            fields = fields_from_entries(entries)
            extraction = "title-page"

    # The OPF fills what the title page left out (or the whole title page when
    # `include_titlepage` was off).
    title = title or md.title
    if md.creators:
        authors = tuple(ao3_meta.parse_author(c) for c in md.creators)
    url = md.source or url
    fields.setdefault("published", md.date("publication"))
    fields.setdefault("updated", md.date("modification"))
    fields.setdefault("language", md.language)
    if "summary" not in fields:
            fields["summary"] = description_text(md.description, book.path)
    if "series" not in fields and md.meta.get("calibre:series"):
        part = ao3_meta.series_index(md.meta.get("calibre:series_index"))
        fields["series"] = (SeriesEntry(md.meta["calibre:series"], part),)
    fields = {k: v for k, v in fields.items() if v is not None}

    members = [
        m for m in book.spine
        if posixpath.basename(m).lower() not in _NOT_CHAPTERS
    ]
    trees = [(m, book.read_xhtml(m)) for m in members]
    trees = [
        (m, t) for m, t in trees
        if t.body is not None
        and ("fff_chapter" in _body_classes(t) or _CHAPTER_FILE_RE.match(posixpath.basename(m)))
    ]
    if not trees:
        raise FormatError("FanFicFare EPUB has no chapter files (OEBPS/fileNNNN.xhtml)", book.path)

    is_ao3 = is_ao3_url(url)
    chapters, work_notes, work_end_notes = [], None, None
    for i, (member, tree) in enumerate(trees, 1):
        body = tree.body
        notes = chapter_notes(body, i, i == len(trees), is_ao3)
        work_notes = work_notes or notes.work_notes
        work_end_notes = work_end_notes or notes.work_end_notes
        chapter_title = clean_chapter_title(_chapter_title(tree, book, member), i, title, len(trees) == 1)
        chapters.append(fanficfare_chapter(body, i, chapter_title, notes))

    meta = WorkMeta(
        title=title, authors=authors, notes=work_notes, end_notes=work_end_notes,
        source=Source("fanficfare-epub", url=url, path=book.path, extraction=extraction),
        **fields,
    )
    return Work(meta, tuple(chapters))
