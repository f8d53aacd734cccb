"""FanFicFare's single-file HTML output (`fanficfare -f html`), and the pieces of
FanFicFare markup its EPUB reader shares: title-page entries, the AO3 field
mapping, chapter notes.

writers/writer_html.py writes:

    <h1><a href="STORY URL">TITLE</a> by <a class="authorlink" href="…">AUTHOR</a></h1>
    <table class="full"><tr><td><b>Category:</b></td><td>…</td></tr> …</table>
    <a name="TOCTOP"><h2>Table of Contents</h2></a> <p><a href="#section1">…</a><br /> …</p>
    <a name="section1"><h2>CHAPTER TITLE</h2></a>
    CHAPTER HTML (for AO3: div.fff_chapter_notes.fff_head_notes, the text,
                  div.fff_chapter_notes.fff_foot_notes)

The AO3 adapter (adapters/base_otw_adapter.py, defaults.ini) maps AO3 fields
onto FanFicFare's generic ones: Category = the fandoms, Genre = the freeform tags
plus the AO3 categories; Warnings, Relationships, Characters, Rating and the
rest keep their names.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass

from ..errors import FormatError
from ..model import Author, Chapter, ChapterCount, SeriesEntry, Source, Work, WorkMeta
from . import ao3_meta
from .html_text import chapter_from_element, children, element_text, inline_text, parse_html

__all__ = [
    "matches", "read", "TitleEntry", "table_entries", "line_entries", "fields_from_entries",
    "header_title_authors", "fanficfare_chapter", "AO3_CATEGORY_NAMES",
]

# AO3's category tags; FanFicFare files them under Genre with the freeform tags.
AO3_CATEGORY_NAMES = ("F/F", "F/M", "Gen", "M/M", "Multi", "Other")

_SECTION_NAME_RE = re.compile(r"^section\d+$")


# -- title-page entries -------------------------------------------------------------
@dataclass
class TitleEntry:
    """One `<b>Label:</b> value` of a FanFicFare title page."""

    label: str  # without the colon
    nodes: list  # the value's nodes, in order

    @property
    def text(self) -> str:
        parts = [(n.text_content or "") if n.tag == "-text" else inline_text(n) for n in self.nodes]
        return " ".join("".join(parts).split())

    @property
    def values(self) -> tuple[str, ...]:
        """A list entry: FanFicFare joins list values with ', '."""
        return tuple(v.strip() for v in self.text.split(", ") if v.strip())

    @property
    def block_text(self) -> str | None:
        """The value read as chapter-like text (the summary keeps its paragraphs)."""
        return element_text(_container(self.nodes))

    def first_link(self) -> str | None:
        for node in self.nodes:
            if node.tag == "a" and node.attributes.get("href"):
                return node.attributes["href"]
            if node.tag != "-text":
                link = node.css_first("a[href]")
                if link is not None:
                    return link.attributes["href"]
        return None


def _container(nodes: list):
    """One element holding copies of `nodes` (re-parsed from their markup), for the
    text walker, which reads an element's descendants."""
    markup = "".join(
        html.escape(n.text_content or "", quote=False) if n.tag == "-text" else n.html
        for n in nodes if n.tag != "-comment"
    )
    return parse_html(f"<!DOCTYPE html><html><body><div>{markup}</div></body></html>").body.child


def _label_text(node) -> str | None:
    """'Rating' for a <b>Rating:</b> label, else None."""
    if node.tag not in ("b", "strong"):
        return None
    text = inline_text(node)
    return text[:-1].strip() if text.endswith(":") else None


def table_entries(table) -> list[TitleEntry]:
    """`titlepage_use_table` layout (and the HTML writer's): one row per entry,
    `<td><b>L:</b></td><td>V</td>` or a wide `<td colspan="2"><b>L:</b> V</td>`."""
    entries = []
    for row in table.css("tr"):
        cells = [c for c in children(row) if c.tag in ("td", "th")]
        if not cells:
            continue
        first = [n for n in children(cells[0]) if n.tag != "-text" or (n.text_content or "").strip()]
        label = _label_text(first[0]) if first else None
        if label is None:
            continue
        if len(first) == 1 and len(cells) >= 2:
            entries.append(TitleEntry(label, children(cells[1])))
        else:
            entries.append(TitleEntry(label, first[1:]))
    return entries


def line_entries(container) -> list[TitleEntry]:
    """Default EPUB layout: `<b>Label:</b> value<br />` lines in one div."""
    entries: list[TitleEntry] = []
    current: TitleEntry | None = None
    for node in children(container):
        label = _label_text(node)
        if label is not None:
            current = TitleEntry(label, [])
            entries.append(current)
        elif node.tag == "br":
            current = None
        elif current is not None:
            current.nodes.append(node)
    return entries


def header_title_authors(header) -> tuple[str | None, tuple[Author, ...], str | None]:
    """`<a href=URL>TITLE</a> by <a class="authorlink">AUTHOR</a>, …` ->
    (title, authors, story URL)."""
    if header is None:
        return None, (), None
    links = header.css("a")
    if links:
        title = inline_text(links[0]) or None
        url = links[0].attributes.get("href")
        names = [inline_text(a) for a in links[1:]]
    else:
        title, _, byline = inline_text(header).rpartition(" by ")
        url, names = None, byline.split(", ")
    return title, tuple(ao3_meta.parse_author(n) for n in names if n.strip()), url


def _iso_date(text: str) -> str | None:
    m = re.search(r"\d{4}-\d{2}-\d{2}", text)
    return m.group(0) if m else None


def _series(entry: TitleEntry) -> SeriesEntry | None:
    m = re.match(r"^(.*?)\s*\[(\d+)\]$", entry.text)
    title, part = (m.group(1), ao3_meta.to_int(m.group(2))) if m else (entry.text, None)
    return SeriesEntry(title, part, entry.first_link()) if title else None


def fields_from_entries(entries: list[TitleEntry]) -> dict:
    """WorkMeta fields from title-page entries (labels as defaults.ini names them)."""
    by_label: dict[str, TitleEntry] = {}
    for entry in entries:
        by_label.setdefault(entry.label.lower(), entry)
    get = by_label.get
    fields: dict = {}

    # The AO3 trap: Category holds the fandoms, Genre the freeform tags and the
    # AO3 categories. The AO3-only extra entries, when present, say it directly.
    if get("fandoms"):
        fields["fandoms"] = get("fandoms").values
    elif get("category"):
        fields["fandoms"] = get("category").values
    genre = get("genre").values if get("genre") else ()
    if get("ao3 categories"):
        fields["categories"] = get("ao3 categories").values
    elif genre:
        fields["categories"] = tuple(g for g in genre if g in AO3_CATEGORY_NAMES)
    if get("freeform tags"):
        fields["freeform"] = get("freeform tags").values
    elif genre:
        fields["freeform"] = tuple(g for g in genre if g not in AO3_CATEGORY_NAMES)

    for label, name in (("warnings", "warnings"), ("characters", "characters"), ("collections", "collections")):
        if get(label):
            fields[name] = get(label).values
    if get("relationships"):
        fields["relationships"] = tuple(ao3_meta.parse_relationship(v) for v in get("relationships").values)
    for label in ("rating", "language"):
        if get(label) and get(label).text:
            fields[label] = get(label).text
    if get("status"):
        status = get("status").text.lower()
        fields["completed"] = True if status == "completed" else False if status == "in-progress" else None
    for label, name in (("published", "published"), ("updated", "updated")):
        if get(label):
            fields[name] = _iso_date(get(label).text)
    if get("words"):
        fields["words"] = ao3_meta.parse_count(get("words").text)
    for label in ("kudos", "hits", "comments", "bookmarks"):
        if get(label):
            fields[label] = ao3_meta.parse_count(get(label).text)
    if get("chapters/total chapters"):
        fields["chapters"] = ao3_meta.parse_chapter_count(get("chapters/total chapters").text)
    elif get("chapters"):
        posted = ao3_meta.parse_count(get("chapters").text)
        # FanFicFare marks an AO3 work Completed when posted == total.
        fields["chapters"] = ChapterCount(posted, posted if fields.get("completed") else None)
    if get("series"):
        entry = _series(get("series"))
        if entry:
            fields["series"] = (entry,)
    if get("summary"):
        fields["summary"] = get("summary").block_text
    return {k: v for k, v in fields.items() if v is not None and v != ()}


# -- chapters --------------------------------------------------------------------------
def _classes(node) -> set[str]:
    return set((node.attributes.get("class") or "").split())


def _is_furniture(node) -> bool:
    """FanFicFare's own additions to a chapter: its title and the notes blocks."""
    return bool(_classes(node) & {"fff_chapter_title", "fff_chapter_notes"})


def _note_sections(div) -> list[tuple[str | None, str]]:
    """(bold label, text) sections of a notes block, labels dropped from the text."""
    sections: list[tuple[str | None, str]] = []
    label, nodes = None, []

    def flush() -> None:
        text = element_text(_container(nodes)) if nodes else None
        if text:
            sections.append((label, text))

    for node in children(div):
        if node.tag in ("b", "strong") and inline_text(node).endswith(":"):
            flush()
            label, nodes = inline_text(node), []
        else:
            nodes.append(node)
    flush()
    return sections


@dataclass
class ChapterNotes:
    summary: str | None = None
    notes: str | None = None
    end_notes: str | None = None
    work_notes: str | None = None  # AO3 work's beginning notes (first chapter only)
    work_end_notes: str | None = None  # AO3 work's end notes (last chapter only)


def _join(texts: list[str]) -> str | None:
    return "\n\n".join(texts) or None


def chapter_notes(root, index: int, is_last: bool, is_ao3: bool) -> ChapterNotes:
    """Sort the notes blocks' sections (labels from base_otw_adapter.py): the AO3
    adapter puts the work's own notes, labelled "Author's Note:", at the head of
    the first chapter and the foot of the last."""
    result = ChapterNotes()
    head, foot = [], []
    for div in root.css("div.fff_chapter_notes"):
        classes = _classes(div)
        for label, text in _note_sections(div):
            if "fff_foot_notes" in classes:
                if is_ao3 and is_last and label == "Author's Note:":
                    result.work_end_notes = text
                else:
                    foot.append(text)
            elif label == "Summary for the Chapter:":
                result.summary = text
            elif is_ao3 and index == 1 and label == "Author's Note:":
                result.work_notes = text
            else:
                head.append(text)
    result.notes, result.end_notes = _join(head), _join(foot)
    return result


def clean_chapter_title(title: str | None, index: int, work_title: str | None, single: bool) -> str | None:
    """FanFicFare's AO3 chapter list numbers titles ("2. The Title"); a one-chapter
    work's chapter is titled with the work's title."""
    if not title:
        return None
    title = re.sub(rf"^{index}\.\s+", "", title).strip()
    if single and title == work_title:
        return None
    return title or None


def fanficfare_chapter(root, index: int, title: str | None, notes: ChapterNotes) -> Chapter:
    return chapter_from_element(
        root, index, title, skip=_is_furniture,
        summary=notes.summary, notes=notes.notes, end_notes=notes.end_notes,
    )


def is_ao3_url(url: str | None) -> bool:
    return bool(url and "archiveofourown.org" in url)


# -- the HTML reader ----------------------------------------------------------------------
def _is_chapter_marker(node) -> bool:
    return (
        node.tag == "a"
        and bool(_SECTION_NAME_RE.match(node.attributes.get("name") or ""))
        and node.css_first("h2") is not None
    )


def matches(tree) -> bool:
    body = tree.body
    if body is None or body.css_first('a[name^="section"] > h2') is None:
        return False
    return (
        body.css_first("table.full") is not None
        or body.css_first('a[name="TOCTOP"]') is not None
        or body.css_first("h1 > a.authorlink") is not None
    )


def read(tree, path: str) -> Work:
    body = tree.body
    first_marker = next((a for a in body.css('a[name^="section"]') if _is_chapter_marker(a)), None)
    if first_marker is None:
        raise FormatError("FanFicFare HTML has no chapters (no <a name=\"sectionN\"><h2> markers)", path)
    title, authors, url = header_title_authors(body.css_first("h1"))
    table = body.css_first("table.full")
    entries = table_entries(table) if table is not None else []
    fields = fields_from_entries(entries)

    # Chapters: everything between one section marker and the next.
    segments: list[tuple[str, list]] = []
    for node in children(first_marker.parent):
        if _is_chapter_marker(node):
            segments.append((inline_text(node.css_first("h2")), []))
        elif segments and node.tag != "-comment":
            segments[-1][1].append(node)
    is_ao3 = is_ao3_url(url)
    chapters, work_notes, work_end_notes = [], None, None
    for i, (heading, nodes) in enumerate(segments, 1):
        root = _container(nodes)
        notes = chapter_notes(root, i, i == len(segments), is_ao3)
        work_notes = work_notes or notes.work_notes
        work_end_notes = work_end_notes or notes.work_end_notes
        chapter_title = clean_chapter_title(heading, i, title, len(segments) == 1)
        chapters.append(fanficfare_chapter(root, i, chapter_title, notes))

    meta = WorkMeta(
        title=title, authors=authors, notes=work_notes, end_notes=work_end_notes,
        source=Source("fanficfare-html", url=url, path=path, extraction="title-page" if entries else "header"),
        **fields,
    )
    return Work(meta, tuple(chapters))
