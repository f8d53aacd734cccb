"""Reader for AO3's "Download → HTML" file (downloads/show.html.erb in otwarchive).

Layout (see /work/shared/formats/AO3.md §1): `div#preface` holds the message with the
work URL, `dl.tags` (dt labels matched on their text), the h1 title, the byline and
the work summary/notes; `div#chapters` holds either one `div.meta.group` preface +
`div.userstuff` text + optional `div.meta#endnotesN` per chapter, or, for a
single-chapter work, `h2.toc-heading` + `div.userstuff`; `div#afterword` holds the
work end notes.

Chapters are read by walking the top-level children of `div#chapters` in order, so a
file whose user HTML closed a `div` too early (the rest of the chapter spills out of
`div.userstuff`, or later chapters out of `div#chapters`) still reads as a browser
shows it.
"""

from __future__ import annotations

import re

from selectolax.lexbor import LexborHTMLParser, LexborNode

from ..errors import FormatError
from ..model import Author, Chapter, SeriesEntry, Source, Work, WorkMeta
from . import ao3_meta
from .builder import ChapterBuilder
from .html_text import BLOCK_TAGS, SKIP_TAGS, STYLE_OF_TAG, element_text, feed_element, inline_text

FORMAT = "ao3-html"
_MESSAGE_PHRASE = "Posted originally on the"
_ARCHIVE_NAME = "Archive of Our Own"

# Text of the <p> label before a notes blockquote -> which notes it is.
_NOTE_LABELS = {
    "summary": "summary", "chapter summary": "summary",
    "notes": "notes", "chapter notes": "notes",
    "end notes": "end_notes", "chapter end notes": "end_notes",
}
_STATS_KEPT = ("published", "updated", "completed", "words", "chapters")  # downloads carry no kudos/hits
_SERIES_PART_RE = re.compile(r"Part\s+(\d+)\s+of\s*$")
_SERIES_TEXT_RE = re.compile(r"Part\s+(\d+)\s+of\s+(.+?)(?=,\s*Part\s+\d+\s+of\s|$)")


def matches(tree: LexborHTMLParser) -> bool:
    if tree.css_first("div#preface") is not None and tree.css_first("div#chapters") is not None:
        return True
    return _archive_message(tree) is not None


def read(tree: LexborHTMLParser, path: str) -> Work:
    chapters_root = tree.css_first("div#chapters")
    if chapters_root is None:
        raise FormatError("AO3 download has no div#chapters: the story text is missing", path)
    chapters, layout = _read_chapters(chapters_root)
    if not chapters:
        raise FormatError("AO3 download has no chapter text in div#chapters", path)

    preface = tree.css_first("div#preface")
    fields = preface_fields(preface) if preface is not None else {}
    message = _archive_message(tree)
    if not fields.get("title"):
        fields["title"] = _fallback_title(tree, message)
    end_notes_block = tree.css_first("div#afterword div#endnotes") or tree.css_first("div#endnotes")
    if end_notes_block is not None:
        fields["end_notes"] = labelled_notes(end_notes_block).get("end_notes")
    url = ao3_meta.work_url(inline_text(message)) if message is not None else None
    fields["source"] = Source(format=FORMAT, url=url, path=path, extraction=layout)
    return Work(meta=WorkMeta(**fields), chapters=tuple(chapters))


# -- preface ------------------------------------------------------------------------


def preface_fields(preface: LexborNode) -> dict:
    """WorkMeta fields from a download preface (`div#preface`): tags, stats, title,
    authors, summary and notes. Usable on any copy of the preface (EPUB split_000)."""
    fields: dict = {}
    tags = preface.css_first("dl.tags") or preface.css_first("dl")
    if tags is not None:
        fields.update(tag_list_fields(tags))
    heading = preface.css_first("h1")
    if heading is not None:
        fields["title"] = inline_text(heading) or None
    byline = preface.css_first("div.byline") or preface.css_first(".byline")
    if byline is not None:
        fields["authors"] = parse_byline(byline)
    notes = labelled_notes(preface)
    for key in ("summary", "notes"):
        if key in notes:
            fields[key] = notes[key]
    return fields


def tag_list_fields(dl: LexborNode) -> dict:
    """WorkMeta fields from `dl.tags`: each `dt` label names the field of the `dd` after it."""
    fields: dict = {}
    field = None
    for node in dl.iter():
        if node.tag == "dt":
            field = ao3_meta.field_for_label(inline_text(node))
        elif node.tag == "dd" and field is not None:
            _set_field(fields, field, node)
            field = None
    return fields


def _set_field(fields: dict, field: str, dd: LexborNode) -> None:
    if field == "stats":
        stats = ao3_meta.parse_stats(inline_text(dd))
        fields.update({key: stats[key] for key in _STATS_KEPT if key in stats})
    elif field == "language":
        fields["language"] = inline_text(dd) or None
    elif field == "series":
        fields["series"] = _parse_series(dd)
    elif field == "rating":
        fields["rating"] = ", ".join(_tag_names(dd)) or None
    elif field == "relationships":
        fields["relationships"] = tuple(ao3_meta.parse_relationship(name) for name in _tag_names(dd))
    else:  # warnings, categories, fandoms, characters, freeform, collections
        fields[field] = tuple(_tag_names(dd))


def _tag_names(dd: LexborNode) -> list[str]:
    """Tag links' text; plain comma-separated text when there are no links (tag names
    cannot contain commas, so splitting on ", " is safe)."""
    names = [name for name in (inline_text(a) for a in dd.css("a")) if name]
    if names:
        return names
    return [name.strip() for name in inline_text(dd).split(", ") if name.strip()]


def _parse_series(dd: LexborNode) -> tuple[SeriesEntry, ...]:
    """'Part 2 of <a>S</a>, Part 1 of <a>T</a>' -> SeriesEntry per link."""
    entries = []
    for link in dd.css("a"):
        before = link.prev.text_content if link.prev is not None and link.prev.tag == "-text" else ""
        match = _SERIES_PART_RE.search(before or "")
        entries.append(
            SeriesEntry(inline_text(link), ao3_meta.to_int(match.group(1)) if match else None,
                        link.attributes.get("href"))
        )
    if not entries:
        entries = [SeriesEntry(m.group(2).strip(), ao3_meta.to_int(m.group(1))) for m in _SERIES_TEXT_RE.finditer(inline_text(dd))]
    return tuple(entries)


def parse_byline(byline: LexborNode) -> tuple[Author, ...]:
    """'by <a>pseud (login)</a>, <a>login2</a>' -> Authors. Names are split on ", "
    (pseuds cannot contain commas); each linked name takes its login from the link.
    'Anonymous' has no link; 'Orig [archived by <a>pseud</a>]' credits the original
    creator (the archivist's link is consumed, not used)."""
    text = inline_text(byline)
    if text.lower().startswith("by "):
        text = text[3:]
    links = iter(byline.css("a"))
    authors = []
    for piece in text.split(", "):
        piece = piece.strip()
        if not piece:
            continue
        author = ao3_meta.parse_author(piece)
        if "[archived by" in piece:
            next(links, None)
        elif piece != "Anonymous":
            link = next(links, None)
            login = ao3_meta.login_from_url(link.attributes.get("href")) if link is not None else None
            if login:
                author = Author(author.name, login)
        authors.append(author)
    return tuple(authors)


def labelled_notes(container: LexborNode) -> dict[str, str | None]:
    """Summary/notes/end notes in `container`: each is a `blockquote` right after a
    `<p>` label ("Summary", "Chapter Notes", "End Notes", ...). Blockquotes nested in
    another blockquote are the author's own and are skipped."""
    found: dict[str, str | None] = {}
    for quote in container.css("blockquote"):
        label = _previous_element(quote)
        if label is None or label.tag != "p" or _inside_blockquote(quote, container):
            continue
        key = _NOTE_LABELS.get(inline_text(label).rstrip(":").strip().lower())
        if key is not None and key not in found:
            found[key] = element_text(quote)
    return found


def _previous_element(node: LexborNode) -> LexborNode | None:
    prev = node.prev
    while prev is not None and not prev.is_element_node:
        if prev.tag == "-text" and (prev.text_content or "").strip():
            return None  # text between label and blockquote: not a label pair
        prev = prev.prev
    return prev


def _inside_blockquote(node: LexborNode, container: LexborNode) -> bool:
    parent = node.parent
    while parent is not None and parent.mem_id != container.mem_id:
        if parent.tag == "blockquote":
            return True
        parent = parent.parent
    return False


def _archive_message(tree: LexborHTMLParser) -> LexborNode | None:
    """The preface's "Posted originally on the Archive of Our Own at URL." paragraph."""
    for message in tree.css("p.message"):
        text = inline_text(message)
        if _MESSAGE_PHRASE in text and _ARCHIVE_NAME in text:
            return message
    return None


def _fallback_title(tree: LexborHTMLParser, message: LexborNode | None) -> str | None:
    """No h1: the bold title in the message, else the page <title> before " - "."""
    if message is not None:
        bold = message.css_first("b")
        if bold is not None and inline_text(bold):
            return inline_text(bold)
    page_title = tree.css_first("title")
    if page_title is not None:
        title = inline_text(page_title).split(" - ")[0].strip()
        return title or None
    return None


# -- chapters -----------------------------------------------------------------------


class _ChapterDraft:
    """One chapter while its parts (preface, text, end notes) are collected."""

    __slots__ = ("builder", "title", "summary", "notes", "end_notes", "has_text_block")

    def __init__(self, title: str | None = None, summary: str | None = None, notes: str | None = None):
        self.builder = ChapterBuilder()
        self.title = title
        self.summary = summary
        self.notes = notes
        self.end_notes: str | None = None
        self.has_text_block = False

    def build(self, index: int) -> Chapter:
        return self.builder.build(
            index, self.title, summary=self.summary, notes=self.notes, end_notes=self.end_notes
        )


def _read_chapters(chapters_root: LexborNode) -> tuple[list[Chapter], str]:
    """Walk `div#chapters`' children (then any siblings a stray end tag pushed out of
    it, up to `div#afterword`), one draft chapter per preface block or text block."""
    drafts: list[_ChapterDraft] = []
    layout = "single-chapter"
    node = chapters_root.child
    in_root = True
    while True:
        if node is None:
            if not in_root:
                break
            in_root, node = False, chapters_root.next  # spill-over after div#chapters
            continue
        tag = node.tag
        if tag == "div":
            if not in_root and node.id in ("afterword", "preface"):
                break
            classes = (node.attributes.get("class") or "").split()
            node_id = node.id or ""
            if "meta" in classes and node_id.startswith("endnotes"):
                if drafts:
                    drafts[-1].end_notes = labelled_notes(node).get("end_notes")
            elif "meta" in classes:
                layout = "chapter-blocks"
                drafts.append(_chapter_preface(node))
            elif "userstuff" in classes:
                if not drafts or drafts[-1].has_text_block:
                    drafts.append(_ChapterDraft())  # a text block with no preface of its own
                draft = drafts[-1]
                draft.has_text_block = True
                draft.builder.end_paragraph()
                feed_element(draft.builder, node)
                draft.builder.end_paragraph()
            else:
                _feed_stray(drafts, node)
        elif tag == "h2" and "toc-heading" in (node.attributes.get("class") or ""):
            # single-chapter layout: the heading repeats the work title, not a chapter title
            if not drafts or drafts[-1].has_text_block:
                drafts.append(_ChapterDraft())
        elif tag == "-text":
            if (node.text_content or "").strip():
                _feed_stray(drafts, node)
        elif tag != "-comment":
            _feed_stray(drafts, node)
        node = node.next
    return [draft.build(index) for index, draft in enumerate(drafts, start=1)], layout


def _chapter_preface(group: LexborNode) -> _ChapterDraft:
    heading = group.css_first("h2.heading") or group.css_first("h2")
    title = ao3_meta.parse_chapter_heading(inline_text(heading))[1] if heading is not None else None
    notes = labelled_notes(group)
    return _ChapterDraft(title, notes.get("summary"), notes.get("notes"))


def _feed_stray(drafts: list[_ChapterDraft], node: LexborNode) -> None:
    """Content outside any `div.userstuff` (pushed out by a stray end tag) belongs to
    the chapter it follows, as a browser shows it."""
    if not drafts:
        drafts.append(_ChapterDraft())
    builder = drafts[-1].builder
    tag = node.tag
    if tag == "-text":
        builder.append_text(node.text_content or "")
    elif tag == "br":
        builder.line_break()
    elif tag == "hr":
        builder.end_paragraph()
        builder.scene_break("<hr>")
    elif tag in SKIP_TAGS:
        return
    else:
        block = tag in BLOCK_TAGS
        style = STYLE_OF_TAG.get(tag)
        if block:
            builder.end_paragraph()
        if style:
            builder.open_style(style)
        feed_element(builder, node)
        if style:
            builder.close_style(style)
        if block:
            builder.end_paragraph()
