"""Plain text (.txt) and Markdown (.md): one `Work` from a text file.

Layout conventions this reader follows (decisions, so that they are written down once):

- **Story text**: if Project Gutenberg "*** START OF ..." / "*** END OF ..." markers are
  present, only what lies between them (and before an "End of the Project Gutenberg
  EBook" line) is read; "Title:"/"Author:" lines of the Gutenberg header fill WorkMeta.
- **Paragraphs**: the file is either hard-wrapped with blank lines between paragraphs
  (Gutenberg, FanFicFare txt: lines of a paragraph are joined with one space, or with no
  space after a line ending in a hyphen/dash before a letter) or has one paragraph per
  line with no blank lines between them (text pasted from AO3). `_paragraph_convention`
  decides which from line lengths and blank-line frequency; Source.extraction says which
  ("blank-line-paragraphs" / "line-paragraphs"). A hard-wrapped file whose paragraphs
  are marked by an indented first line instead of blank lines is split at those lines.
- **Verse and letters**: a paragraph whose every line break is deliberate (each line ends
  well short of the wrap width although the next word would have fitted) keeps its line
  breaks as "\\n" (poems, letter closings, addresses). A paragraph whose lines are all
  indented beyond the file's usual indentation (a letter set in) gets a `blockquote`
  StyleSpan, as Markdown "> " paragraphs do.
- **Chapters** start at heading paragraphs: "Chapter 3", "CHAPTER XII.", "Chapter the
  First", "Chapter Seven: Title", "CHAPTER I. Title" (title on the same line, on the next
  short lines of the same paragraph, or in the next paragraph when that is one short
  ALL-CAPS or Title-Case line), Prologue/Epilogue/Interlude/Preface/..., bare numerals
  ("I", "II.", "3") when they run in sequence, lines repeating a table-of-contents entry,
  and Markdown ATX/setext headings. The heading is not story text; `Chapter.title` is the
  heading's own title ("Down the Rabbit-Hole"), None for a bare number, the whole heading
  for named ones ("Prologue"). A heading directly followed by another heading (a
  contents list) gives no chapter.
- **Grouping headings** ("BOOK ONE", "PART II", "VOLUME I") are not chapters: they only end
  the chapter before them. The model has no level above chapters, so the grouping is not
  kept -- except when a part has story text of its own before its first chapter heading
  (or no chapter headings at all): that text becomes a chapter titled with the grouping
  heading ("PART I").
- **Front matter**: text before the first heading that is title-page material (title,
  "by Author", "Title:/Author:/Summary:" label lines, contents list, credits, a year) is
  dropped, its title/author (and labelled fields) going into WorkMeta; whatever looks like
  story there becomes an untitled chapter of its own. A file with no headings is one
  untitled chapter (only clearly labelled title/byline lines at its top are taken off).
- **Scene breaks**: ornament paragraphs ("***", "* * *", "~~~", "---", "<hr>", "oOo"; see
  builder.is_scene_break_marker) become SceneBreaks, not text.
- **Dropped**: Gutenberg "[Illustration...]" placeholders, AO3 "Chapter Text"/"Work Text:"
  landmark lines, a closing "THE END" / "The End" / "FINIS" / "End file." paragraph.
- **Inline markup**: `_x_` is italic (Gutenberg), `*x*` italic and `**x**` bold, in both
  modes; the markers are removed and StyleSpans recorded (CommonMark's flanking rules, so
  snake_case and "5 * 3" are left alone). In plain text a lone `_` opening or closing
  italics that run to the paragraph's end/start (Gutenberg italics across paragraphs) is
  removed too. Markdown also gets `~~strike~~`, backslash escapes, entities, inline
  `<i>/<b>/<u>/<s>/<br>` tags, `[link](url)` (text kept), images (dropped), "> " quotes,
  hard breaks (two trailing spaces or "\\"), fenced code (lines kept) and YAML front matter.
- **Offsets**: chapter text is clean text (markers removed, whitespace collapsed, NFC), so
  `read_with_offsets` also returns, per chapter, an `OffsetMap` of run-length anchors from
  chapter offsets to character offsets in the `text` passed in (and back). Pass the text
  exactly as the source offsets count it (e.g. open with `newline=""` so "\\r\\n" stays).
"""

from __future__ import annotations

import html
import re
import unicodedata
from array import array
from bisect import bisect_right
from dataclasses import dataclass, field
from typing import Literal

from ..errors import FormatError
from ..model import Author, Chapter, Source, Work, WorkMeta
from . import ao3_meta
from .builder import _SPACE_RE, ChapterBuilder, is_scene_break_marker

__all__ = ["read", "read_with_offsets", "OffsetMap", "map_source_span", "locate_source_offset"]


# --------------------------------------------------------------------------------------
# Public API
# --------------------------------------------------------------------------------------


def read(text: str, path: str, markdown: bool = False) -> Work:
    """Read a plain-text (or, with `markdown`, Markdown) fan work."""
    return _Reader(text, path, markdown).read()[0]


def read_with_offsets(text: str, path: str, markdown: bool = False) -> tuple[Work, list[OffsetMap]]:
    """Like `read`, plus one `OffsetMap` per chapter (same order) mapping chapter offsets
    to offsets in `text` and back."""
    return _Reader(text, path, markdown).read()


@dataclass(frozen=True, slots=True, eq=False)
class OffsetMap:
    """Where one chapter's text came from in the source string.

    Run-length anchors: chapter characters `chapter_starts[k] .. +lengths[k]` are source
    characters `source_starts[k] .. +lengths[k]`, one to one. A character that replaced a
    longer stretch (one space for "\\n   ", "&" for "&amp;") maps to that stretch's first
    character. Characters no run covers -- the "\\n\\n" between paragraphs -- map to just
    after the previous run. Source characters that were dropped (markup, surplus
    whitespace, headings, front matter) have no chapter offset.
    """

    chapter_index: int  # 1-based, as Chapter.index
    chapter_starts: array
    source_starts: array
    lengths: array

    @property
    def source_start(self) -> int:
        return self.source_starts[0] if self.source_starts else 0

    @property
    def source_end(self) -> int:
        return self.source_starts[-1] + self.lengths[-1] if self.source_starts else 0

    def to_source(self, offset: int) -> int:
        """Source offset of chapter offset `offset` (0 <= offset <= len(chapter.text))."""
        k = bisect_right(self.chapter_starts, offset) - 1
        if k < 0:
            return self.source_start
        inside = offset - self.chapter_starts[k]
        if inside < self.lengths[k]:
            return self.source_starts[k] + inside
        return self.source_starts[k] + self.lengths[k]

    def span_to_source(self, start: int, end: int) -> tuple[int, int]:
        """Source span covering chapter span [start, end) (start < end)."""
        return self.to_source(start), self.to_source(end - 1) + 1

    def to_chapter(self, source_offset: int, snap: Literal["exact", "forward", "backward"] = "exact") -> int | None:
        """Chapter offset of the source character at `source_offset`. For a dropped
        character: None with snap="exact", else the next ("forward") or previous
        ("backward") kept character's offset (None past either end)."""
        k = bisect_right(self.source_starts, source_offset) - 1
        if k >= 0 and source_offset < self.source_starts[k] + self.lengths[k]:
            return self.chapter_starts[k] + source_offset - self.source_starts[k]
        if snap == "forward":
            return self.chapter_starts[k + 1] if k + 1 < len(self.chapter_starts) else None
        if snap == "backward" and k >= 0:
            return self.chapter_starts[k] + self.lengths[k] - 1
        return None


def locate_source_offset(maps: list[OffsetMap], source_offset: int) -> tuple[int, int] | None:
    """(chapter index, chapter offset) of one source character, None if it was dropped."""
    k = bisect_right([m.source_start for m in maps], source_offset) - 1
    if k < 0:
        return None
    offset = maps[k].to_chapter(source_offset)
    return None if offset is None else (maps[k].chapter_index, offset)


def map_source_span(maps: list[OffsetMap], start: int, end: int) -> list[tuple[int, int, int]]:
    """The kept characters of source span [start, end) as (chapter index, start, end)
    chapter spans, one per chapter touched; [] when every character was dropped."""
    pieces = []
    for m in maps:
        if m.source_end <= start or m.source_start >= end:
            continue
        first = m.to_chapter(max(start, m.source_start), "forward")
        last = m.to_chapter(min(end, m.source_end) - 1, "backward")
        if first is not None and last is not None and last >= first:
            pieces.append((m.chapter_index, first, last + 1))
    return pieces


# --------------------------------------------------------------------------------------
# Patterns
# --------------------------------------------------------------------------------------

_WS = " \t\r\n\f\v\u00a0\u200b\ufeff"  # what builder._SPACE_RE collapses
# Whitespace that is not already a single space.
_GAP_RE = re.compile(r"[ \t\r\n\f\v\u00a0\u200b\ufeff]{2,}|[\t\r\n\f\v\u00a0\u200b\ufeff]")

_UNITS = "one two three four five six seven eight nine".split()
_TEENS = "ten eleven twelve thirteen fourteen fifteen sixteen seventeen eighteen nineteen".split()
_TENS = "twenty thirty forty fifty sixty seventy eighty ninety".split()
_UNIT_ORD = "first second third fourth fifth sixth seventh eighth ninth".split()
_TEEN_ORD = "tenth eleventh twelfth thirteenth fourteenth fifteenth sixteenth seventeenth eighteenth nineteenth".split()
_TENS_ORD = [w[:-1] + "ieth" for w in _TENS]
_CARDINAL = rf"(?:(?:{'|'.join(_TENS)})(?:[- ](?:{'|'.join(_UNITS)}))?|{'|'.join(_TEENS)}|{'|'.join(_UNITS)}|hundred)"
_ORDINAL = (
    rf"(?:(?:{'|'.join(_TENS)})[- ](?:{'|'.join(_UNIT_ORD)})|{'|'.join(_TENS_ORD)}|{'|'.join(_TEEN_ORD)}"
    rf"|{'|'.join(_UNIT_ORD)}|last|final)"
)
_ROMAN = r"(?=[MDCLXVI])M{0,3}(?:C[MD]|D?C{0,3})(?:X[CL]|L?X{0,3})(?:I[XV]|V?I{0,3})"
_NUMBER = rf"(?:\d{{1,4}}|{_ROMAN}|{_CARDINAL}|(?:the\s+)?{_ORDINAL})"
# What may stand between the number and a title on the same line.
_SEP = r"[\s.:\-\u2013\u2014,)]*"

_CHAPTER_RE = re.compile(rf"^(?:chapter|chap\.|ch\.)\s*(?P<num>{_NUMBER})(?![\w'])(?P<sep>{_SEP})(?P<rest>.*)$", re.I)
_GROUP_RE = re.compile(rf"^(?:book|part|volume|vol\.)\s*(?P<num>{_NUMBER})(?![\w'])(?P<sep>{_SEP})(?P<rest>.*)$", re.I)
_NAMED_RE = re.compile(
    r"^(?:the\s+)?(?:prologue|epilogue|interlude|preface|foreword|introduction|afterword|postscript|coda)"
    r"(?:(?:\s*[.:\-\u2013\u2014]\s*|\s+)\S.*)?$",
    re.I,
)
_BARE_NUMBER_RE = re.compile(rf"^(?P<num>{_ROMAN}|\d{{1,3}})\.?$")  # case-sensitive: "I", "IV.", "12"
_CONTENTS_RE = re.compile(r"^(?:table\s+of\s+)?contents\.?:?$", re.I)
_DROP_LINE_RE = re.compile(r"^(?:chapter text|work text:?)$", re.I)
_ILLUSTRATION_RE = re.compile(r"^\[(?:illustration|frontispiece)\b[^\]]*\]$", re.I | re.S)
_THE_END_RE = re.compile(r"^[\W_]*(?:the\s+end|end|finis|fin|end\s+file)[\W_]*$", re.I)
_HR_TAG_RE = re.compile(r"^<hr\s*/?>$", re.I)

_GUTENBERG_START_RE = re.compile(
    r"^\*{3}\s*START OF (?:THE|THIS) PROJECT GUTENBERG.*$|^\*END\*THE SMALL PRINT.*$", re.I | re.M
)
_GUTENBERG_END_RE = re.compile(
    r"^\*{3}\s*END OF (?:THE|THIS) PROJECT GUTENBERG.*$|^\s*End of (?:the )?Project Gutenberg.*$", re.I | re.M
)
_GUTENBERG_TITLE_RE = re.compile(
    r"^(?:the\s+)?project gutenberg(?:'s)?(?:\s+e-?book|\s+etext)?(?:\s+of)?\s+(?P<title>.+?),\s+by\s+(?P<author>.+)$",
    re.I,
)

_BYLINE_RE = re.compile(r"^(?:written\s+)?by\s*[:\-]?\s+(?P<name>\S.{0,70})$", re.I)
_CREDIT_RE = re.compile(
    r"^(?:(?:translated|illustrated|edited|produced|transcribed|prepared|adapted|digitized|e-?text prepared)"
    r"\b.*\bby\b.*|\(?\d{4}\)?\.?|copyright\b.*|\(c\)\s.*|©.*|all rights reserved\.?|release date:.*)$",
    re.I,
)
_LABEL_LINE_RE = re.compile(r"^(?P<label>[A-Za-z][A-Za-z '/()]{0,30}?)\s*:\s*(?P<value>.*)$")
# Five or more words ending like a sentence: "He looked up at the sky." (not "A Novel.").
_SENTENCE_RE = re.compile(r"^(?:\S+\s+){4,}\S*[.!?\u2026][\"'\u201d\u2019)\]]*$")

# Front-matter labels ("Summary: ...") -> WorkMeta field; None = recognised, not kept.
_LABELS: dict[str, str | None] = {
    "title": "title", "author": "authors", "authors": "authors", "author(s)": "authors", "by": "authors",
    "summary": "summary", "description": "summary", "notes": "notes", "note": "notes",
    "author's note": "notes", "author's notes": "notes", "a/n": "notes", "an": "notes",
    "rating": "rating", "rated": "rating", "language": "language", "lang": "language",
    "fandom": "fandoms", "fandoms": "fandoms",
    "character": "characters", "characters": "characters",
    "relationship": "relationships", "relationships": "relationships", "pairing": "relationships",
    "pairings": "relationships", "warning": "warnings", "warnings": "warnings", "archive warning": "warnings",
    "archive warnings": "warnings", "additional tags": "freeform", "tags": "freeform",
    "status": "status", "published": "published", "updated": "updated", "completed": "completed_date",
    "words": "words", "chapters": "chapters", "series": "series",
    # recognised front matter without a WorkMeta field
    "category": None, "categories": None, "genre": None, "packaged": None, "publisher": None,
    "release date": None, "posting date": None, "last updated": None, "produced by": None,
    "credits": None, "character set encoding": None, "translator": None, "illustrator": None,
    "editor": None, "date": None, "source": None, "url": None, "link": None, "disclaimer": None,
    "beta": None, "beta reader": None, "word count": "words", "story url": None, "keywords": None,
}

_QUOTES = "\"'\u201c\u201d\u2018\u2019\u00ab\u00bb\u201e"


# --------------------------------------------------------------------------------------
# Lines and blocks
# --------------------------------------------------------------------------------------


@dataclass(slots=True)
class _Line:
    start: int  # offset of the line in the source
    cs: int  # content start (after indentation and Markdown prefixes)
    ce: int  # content end (before trailing whitespace)
    indent: int  # leading whitespace width, tabs as 4
    hard_break: bool = False  # Markdown: two trailing spaces or a backslash
    list_item: bool = False  # Markdown list item: starts a new line inside the paragraph


@dataclass(slots=True)
class _Block:
    """A paragraph-sized run of lines and what it turned out to be."""

    lines: list[_Line]
    kind: str = "text"  # text | chapter | group | break | drop | toc | title
    title: str | None = None  # chapter title from the heading
    heading: str = ""  # the heading as written (one line), for grouping headings
    marker: str = ""  # scene-break marker
    number: int | None = None  # value of a bare-numeral heading
    level: int = 0  # Markdown heading level
    quote: bool = False  # Markdown "> " paragraph
    pre: bool = False  # fenced code: keep lines as they are


@dataclass(slots=True)
class _Draft:
    title: str | None
    builder: ChapterBuilder = field(default_factory=ChapterBuilder)
    runs: list[tuple[int, int, int]] = field(default_factory=list)  # (chapter offset, source offset, length)
    starts: list[int] = field(default_factory=list)  # paragraph starts as computed here
    length: int = 0


class _Reader:
    def __init__(self, text: str, path: str, markdown: bool):
        if not isinstance(text, str):
            raise FormatError("plain-text reader needs decoded text", path)
        self.text = text
        self.path = path
        self.markdown = markdown
        self.fields: dict = {}
        self.indent_paragraphs = False  # paragraphs marked by first-line indents
        self.toc: dict[str, str | None] = {}  # normalised contents entry -> chapter title

    # ---------------------------------------------------------------------------- main
    def read(self) -> tuple[Work, list[OffsetMap]]:
        if not self.text.strip(_WS):
            raise FormatError("file is empty", self.path)
        start, end = self._body_bounds()
        lines = self._split_lines(start, end)
        if self.markdown:
            lines = self._yaml_front_matter(lines)
        nonblank = [ln for ln in lines if ln.ce > ln.cs]
        self.wrap = _wrap_width(nonblank)
        self.baseline_indent = _most_common([ln.indent for ln in nonblank]) if nonblank else 0
        self.line_mode = _paragraph_convention(lines, self.wrap, self.markdown) == "line"
        blocks = self._markdown_blocks(lines) if self.markdown else self._plain_blocks(lines)
        self._classify(blocks)
        drafts = self._assemble(blocks)
        chapters, maps = [], []
        for draft in drafts:
            chapter = draft.builder.build(len(chapters) + 1, draft.title)
            if not chapter.paragraphs:
                continue
            _check_offsets(chapter, draft)
            chapters.append(chapter)
            maps.append(_offset_map(chapter.index, draft.runs))
        if not chapters:
            raise FormatError("no story text found (only headings or front matter)", self.path)
        meta = self._meta()
        return Work(meta, tuple(chapters)), maps

    # ----------------------------------------------------------------- body and lines
    def _body_bounds(self) -> tuple[int, int]:
        """Story text lies between Gutenberg's START and END markers when there are any."""
        text, start, end = self.text, 0, len(self.text)
        m = _GUTENBERG_START_RE.search(text)
        if m:
            self._gutenberg_header(text[: m.start()])
            start = m.end()
        m = _GUTENBERG_END_RE.search(text, start)
        if m and m.start() > start + (end - start) // 2:
            end = m.start()
        return start, end

    def _gutenberg_header(self, header: str) -> None:
        for line in header.splitlines():
            m = _LABEL_LINE_RE.match(line.strip())
            if m and m.group("label").lower() in ("title", "author", "language") and m.group("value").strip():
                self._set_label(m.group("label").lower(), m.group("value").strip())

    def _split_lines(self, start: int, end: int) -> list[_Line]:
        lines = []
        pos = start
        for raw in self.text[start:end].split("\n"):
            content = raw.strip(_WS)
            if content:
                lead = len(raw) - len(raw.lstrip(_WS))
                cs = pos + lead
                ce = cs + len(content)
                indent = len(raw[:lead].replace("\t", "    "))
            else:
                cs = ce = pos
                indent = 0
            lines.append(_Line(pos, cs, ce, indent))
            pos += len(raw) + 1
        return lines

    def _line_text(self, line: _Line) -> str:
        return self.text[line.cs : line.ce]

    def _block_text(self, block: _Block) -> str:
        return " ".join(self._line_text(ln) for ln in block.lines)

    # ------------------------------------------------------------------ plain blocks
    def _plain_blocks(self, lines: list[_Line]) -> list[_Block]:
        blocks: list[_Block] = []
        current: list[_Line] = []
        split_on_indent = self.indent_paragraphs = self._indented_paragraphs(lines)

        def flush():
            if current:
                blocks.append(_Block(list(current)))
                current.clear()

        for line in lines:
            if line.ce == line.cs:
                flush()
                continue
            content = self._line_text(line)
            if _is_break_line(content):
                flush()
                blocks.append(_Block([line], kind="break", marker=content))
                continue
            if self.line_mode:
                blocks.append(_Block([line]))
                continue
            if split_on_indent and current and line.indent >= self.baseline_indent + 2 > current[-1].indent:
                flush()  # an indented first line after flush ones starts a paragraph
            current.append(line)
        flush()
        return blocks

    def _indented_paragraphs(self, lines: list[_Line]) -> bool:
        """True for a file whose paragraphs are marked by an indented first line rather
        than by blank lines: indented lines right after flush ones outnumber the
        blank-line gaps. (Where blank lines separate paragraphs, an indented line inside
        one is verse or a quotation and stays in it.)"""
        gaps = indents = 0
        previous = None  # the line before, None after a blank line
        seen_text = False
        for line in lines:
            if line.ce == line.cs:
                previous = None
                continue
            if previous is None and seen_text:
                gaps += 1
            elif previous is not None and line.indent >= self.baseline_indent + 2 > previous.indent:
                indents += 1
            previous, seen_text = line, True
        return indents >= 2 and indents > gaps

    # --------------------------------------------------------------- Markdown blocks
    def _markdown_blocks(self, lines: list[_Line]) -> list[_Block]:
        blocks: list[_Block] = []
        current: list[_Line] = []
        current_quote = False
        text = self.text
        fence: str | None = None
        fence_lines: list[_Line] = []

        def flush():
            nonlocal current_quote
            if current:
                blocks.append(_Block(list(current), quote=current_quote))
                current.clear()
            current_quote = False

        for line in lines:
            content = text[line.cs : line.ce]
            if fence is not None:  # inside fenced code: lines as they are
                if content.startswith(fence):
                    if fence_lines:
                        blocks.append(_Block(list(fence_lines), pre=True))
                    fence, fence_lines = None, []
                elif content:
                    fence_lines.append(line)
                continue
            if content.startswith(("```", "~~~")) and not _is_break_line(content):
                flush()
                fence = content[:3]
                continue
            if content.startswith("<!--") and content.endswith("-->"):
                continue  # a whole-line HTML comment is not shown
            quote = False
            while content.startswith(">"):  # "> " blockquote prefixes, nested or not
                quote = True
                content = content[1:]
                stripped = content.lstrip(" \t")
                line.cs += len(content) - len(stripped) + 1
                content = stripped
            if not content:
                flush()
                continue
            if quote != current_quote and current:
                flush()
            current_quote = quote
            atx = re.match(r"^(#{1,6})(?:\s+(.*?))?(?:\s+#+)?\s*$", content)
            if atx:
                flush()
                heading = (atx.group(2) or "").strip()
                if heading:
                    blocks.append(_Block([line], kind="mdheading", level=len(atx.group(1)), heading=heading))
                continue
            heading = " ".join(text[ln.cs : ln.ce] for ln in current)
            if (
                current and not quote and re.fullmatch(r"=+|-+", content)
                and len(current) <= 2 and len(heading) <= 80 and heading[-1] not in ".!?,;" + _QUOTES
            ):
                # setext heading: the short line above is the heading text (a sentence
                # above "---" is a paragraph followed by a scene break)
                blocks.append(_Block(list(current), kind="mdheading", level=1 if content[0] == "=" else 2,
                                     heading=heading))
                current.clear()
                continue
            if _is_break_line(content):
                flush()
                blocks.append(_Block([line], kind="break", marker=content))
                continue
            raw_end = text.find("\n", line.ce)
            raw_end = len(text) if raw_end < 0 else raw_end
            trailing = text[line.ce : raw_end].replace("\r", "")
            if content.endswith("\\") and not content.endswith("\\\\"):
                line.ce -= 1
                line.hard_break = True
            elif len(trailing) >= 2:
                line.hard_break = True
            line.list_item = bool(re.match(r"^(?:[-+*]|\d{1,3}[.)])\s", content))
            if self.line_mode:
                blocks.append(_Block([line], quote=quote))
                current_quote = False
                continue
            current.append(line)
        flush()
        if fence_lines:
            blocks.append(_Block(fence_lines, pre=True))
        return blocks

    def _yaml_front_matter(self, lines: list[_Line]) -> list[_Line]:
        """`---` / key: value / `---` at the very top of a Markdown file."""
        first = next((i for i, ln in enumerate(lines) if ln.ce > ln.cs), None)
        if first is None or self._line_text(lines[first]) != "---":
            return lines
        for j in range(first + 1, min(len(lines), first + 200)):
            if self._line_text(lines[j]) in ("---", "..."):
                break
        else:
            return lines
        body = [self._line_text(ln) for ln in lines[first + 1 : j]]
        if not body or not _LABEL_LINE_RE.match(body[0]):
            return lines
        key, values = None, {}
        for row in body:
            m = re.match(r"^([A-Za-z][\w ]*?)\s*:\s*(.*)$", row)
            if m:
                key = m.group(1).lower()
                values[key] = [m.group(2).strip()] if m.group(2).strip() else []
            elif key and row.startswith("-"):
                values[key].append(row[1:].strip())
        for key, items in values.items():
            parts: list[str] = []
            for item in items:
                item = item.strip()
                if item.startswith("[") and item.endswith("]"):
                    parts.extend(p.strip() for p in item[1:-1].split(","))
                else:
                    parts.append(item)
            parts = [p.strip().strip("\"'") for p in parts if p.strip().strip("\"'")]
            if parts and key in _LABELS:
                self._set_label(key, ", ".join(parts) if key not in ("summary", "description") else " ".join(parts))
        return lines[j + 1 :]

    # ----------------------------------------------------------------- classification
    def _classify(self, blocks: list[_Block]) -> None:
        """Mark headings, drops and the contents list; demote bare numerals out of sequence."""
        for block in blocks:
            if block.kind == "mdheading":
                self._classify_markdown_heading(block)
            elif block.kind == "text" and not block.pre:
                self._classify_plain(block)
        self._split_heading_blocks(blocks)
        self._check_numeral_sequence(blocks)
        self._markdown_title(blocks)
        self._contents(blocks)
        self._titles_on_next_paragraph(blocks)
        # a closing "THE END"
        for block in reversed(blocks):
            if block.kind == "text":
                if len(block.lines) == 1 and _THE_END_RE.match(self._line_text(block.lines[0])):
                    block.kind = "drop"
                break

    def _classify_plain(self, block: _Block) -> None:
        first = _strip_wrapping_markup(self._line_text(block.lines[0]))
        if len(block.lines) == 1:
            if _DROP_LINE_RE.match(first):
                block.kind = "drop"
                return
        if _ILLUSTRATION_RE.match(self._block_text(block)):
            block.kind = "drop"
            return
        heading = _match_heading(first)
        if heading is None:
            return
        kind, title, number = heading
        if kind == "number" and len(block.lines) > 1:
            return  # a bare numeral heading stands alone
        block.kind = "group" if kind == "group" else "chapter"
        block.title = title
        block.number = number if kind == "number" else None
        block.heading = _clean_title(first)

    def _classify_markdown_heading(self, block: _Block) -> None:
        """Every Markdown heading is a boundary: "Part/Book" ones group, others are
        chapters titled by their text ("## Chapter 2: Title" -> "Title")."""
        text = _strip_wrapping_markup(_strip_inline_markup(block.heading))
        heading = _match_heading(text)
        block.heading = _clean_title(text)
        if heading is not None and heading[0] == "group":
            block.kind, block.title = "group", heading[1]
        elif heading is not None and heading[0] in ("chapter", "number"):
            block.kind, block.title = "chapter", heading[1]
        else:
            block.kind, block.title = "chapter", block.heading or None

    def _split_heading_blocks(self, blocks: list[_Block]) -> None:
        """A heading paragraph's further lines are its title when short and title-like,
        a contents list when they are headings too, and story text otherwise."""
        i = 0
        while i < len(blocks):
            block = blocks[i]
            if block.kind in ("chapter", "group") and not block.level and len(block.lines) > 1:
                rest = block.lines[1:]
                texts = [_strip_wrapping_markup(self._line_text(ln)) for ln in rest]
                if any((_match_heading(t) or ("number",))[0] != "number" for t in texts):
                    block.kind = "toc"  # "CHAPTER I. ...\nCHAPTER II. ..." in one paragraph
                elif len(rest) <= 3 and all(_title_like(t) for t in texts) and block.title is None:
                    block.title = _clean_title(" ".join(texts))
                    block.heading = f"{block.heading}: {block.title}"
                else:
                    blocks.insert(i + 1, _Block(rest))
                    block.lines = block.lines[:1]
            i += 1

    def _check_numeral_sequence(self, blocks: list[_Block]) -> None:
        """Bare numerals are headings only when they count up (restarting at 1 is fine)."""
        numbered = [b for b in blocks if b.kind == "chapter" and b.number is not None]
        last = None
        accepted = []
        for block in numbered:
            n = block.number
            if n == 1 or (last is not None and n == last + 1):
                accepted.append(block)
                last = n
            else:
                block.kind = "text"
        if len(accepted) < 2:
            for block in accepted:
                block.kind = "text"

    def _markdown_title(self, blocks: list[_Block]) -> None:
        """A lone top-level Markdown heading before any text is the work's title."""
        if not self.markdown:
            return
        headings = [b for b in blocks if b.level]
        if not headings:
            return
        first_content = next((b for b in blocks if b.kind not in ("drop", "break")), None)
        top = headings[0]
        if first_content is not top or top.kind != "chapter":
            return
        same_level = [b for b in headings if b.level <= top.level]
        if len(same_level) == 1:
            top.kind = "drop"
            self.fields.setdefault("title", top.heading)

    def _contents(self, blocks: list[_Block]) -> None:
        """A contents list before the story: its entries are not chapters, and later
        lines repeating an entry are headings (FanFicFare txt titles chapters this way)."""
        first_heading = next((i for i, b in enumerate(blocks) if b.kind in ("chapter", "group")), len(blocks))
        start = None
        for i, block in enumerate(blocks[: first_heading + 1]):
            if block.kind == "toc" or (
                block.kind == "text" and _CONTENTS_RE.match(_strip_wrapping_markup(self._line_text(block.lines[0])))
            ):
                start = i
                break
        if start is None:
            return
        seen_keys: set[str] = set()
        i = start
        while i < len(blocks):
            block = blocks[i]
            lines = [_strip_wrapping_markup(self._line_text(ln)) for ln in block.lines]
            if block.kind == "break":
                i += 1
                continue
            if i > start and block.kind != "toc":
                keys = {_toc_key(t) for t in (lines[0], " ".join(lines))}
                if keys & seen_keys or len(lines) > 3 or any(len(t) > 100 for t in lines):
                    break  # an entry seen again, or prose: the story has begun
                following = blocks[i + 1] if i + 1 < len(blocks) else None
                if block.kind in ("chapter", "group") and following is not None and following.kind == "text" \
                        and self._front_kind(following) == "prose":
                    break  # a heading with story text under it is real

            for t in lines:
                if i == start and _CONTENTS_RE.match(t):
                    continue
                seen_keys.add(_toc_key(t))
                heading = _match_heading(t)
                if heading is None:
                    self.toc[_toc_key(t)] = _toc_title(t)
            block.kind = "toc"
            i += 1
        if not self.toc:
            return
        for block in blocks[i:]:
            if block.kind == "text" and len(block.lines) == 1:
                key = _toc_key(_strip_wrapping_markup(self._line_text(block.lines[0])))
                if key in self.toc:
                    block.kind, block.title = "chapter", self.toc[key]

    def _titles_on_next_paragraph(self, blocks: list[_Block]) -> None:
        """"I" / blank / "THE HAMILTONS": a title-less heading takes the next paragraph as
        its title when that is one short ALL-CAPS or Title-Case line followed by text."""
        for i, block in enumerate(blocks[:-2]):
            if block.kind not in ("chapter", "group") or block.title is not None or block.level:
                continue
            nxt, after = blocks[i + 1], blocks[i + 2]
            followers = ("text", "break", "chapter") if block.kind == "group" else ("text", "break")
            if nxt.kind != "text" or len(nxt.lines) != 1 or after.kind not in followers:
                continue
            candidate = _strip_wrapping_markup(self._line_text(nxt.lines[0]))
            if len(candidate) <= 60 and _title_like(candidate, strict=True):
                nxt.kind = "title"
                block.title = _clean_title(candidate)
                block.heading = f"{block.heading}: {block.title}"

    # --------------------------------------------------------------------- assembly
    def _assemble(self, blocks: list[_Block]) -> list[_Draft]:
        first_heading = next((i for i, b in enumerate(blocks) if b.kind in ("chapter", "group")), None)
        leading = blocks if first_heading is None else blocks[:first_heading]
        story_start = self._front_matter(leading, has_headings=first_heading is not None)
        self._group_title_pages(blocks)
        drafts: list[_Draft] = []
        current: _Draft | None = None
        for block in blocks[story_start:]:
            kind = block.kind
            if kind in ("chapter", "group"):
                current = _Draft(block.title if kind == "chapter" else block.heading)
                drafts.append(current)
            elif kind == "break":
                if current is not None:
                    current.builder.scene_break(block.marker)
            elif kind == "text":
                if current is None:
                    current = _Draft(None)
                    drafts.append(current)
                self._add_paragraph(current, block)
        return drafts

    def _front_matter(self, leading: list[_Block], has_headings: bool) -> int:
        """Take title-page material off the top; return the index of the first block
        of story text. See the module docstring for the rules."""
        kinds = [self._front_kind(block) if block.kind == "text" else block.kind for block in leading]
        skippable = ("meta", "gutenberg", "byline", "drop", "break", "toc", "title")
        n = len(leading)
        first_prose = next((i for i, k in enumerate(kinds) if k == "prose"), n)
        byline = next((i for i, k in enumerate(kinds[: min(first_prose, 5)]) if k in ("byline", "by")), None)
        consumed = 0
        if byline is not None and all(k in ("short", *skippable) for k in kinds[:byline]):
            # the title (and subtitle lines) above the byline
            if byline > 0 and kinds[0] == "short":
                self.fields.setdefault("title", _clean_title(self._line_text(leading[0].lines[0])))
            self._read_byline(leading, byline)
            consumed = byline + (2 if kinds[byline] == "by" else 1)
        while consumed < n and kinds[consumed] in skippable:
            consumed += 1
        if has_headings:
            if (
                consumed == 0 and n and kinds[0] == "short" and len(leading[0].lines) <= 2
                and _title_like(self._line_text(leading[0].lines[0]), strict=True)
            ):
                self.fields.setdefault("title", _clean_title(self._line_text(leading[0].lines[0])))
                consumed = 1
            if "prose" not in kinds[consumed:]:
                consumed = n  # all title-page material
        for block, kind in zip(leading[:consumed], kinds[:consumed]):
            if kind == "meta":
                self._read_labels(block)
            elif kind == "gutenberg":
                m = _GUTENBERG_TITLE_RE.match(_strip_wrapping_markup(self._line_text(block.lines[0])))
                self.fields.setdefault("title", m.group("title").strip())
                self.fields.setdefault("authors", _split_authors(m.group("author").strip()))
            elif kind == "byline" and "authors" not in self.fields:
                self._read_byline(leading, leading.index(block))
        return consumed

    def _group_title_pages(self, blocks: list[_Block]) -> None:
        """Between a grouping heading and its first chapter heading, a title page
        ("London: Printed for ...", the work's title again) is dropped like front
        matter; anything that reads as story stays (a chapter titled "PART I")."""
        for i, block in enumerate(blocks):
            if block.kind != "group":
                continue
            j = i + 1
            while j < len(blocks) and blocks[j].kind not in ("chapter", "group"):
                j += 1
            if j == len(blocks) or blocks[j].kind != "chapter":
                continue
            between = [b for b in blocks[i + 1 : j] if b.kind == "text"]
            if all(self._front_kind(b) != "prose" for b in between):
                for b in between:
                    b.kind = "drop"

    def _front_kind(self, block: _Block) -> str:
        """What a block before the story is: by / byline / gutenberg / meta (labels,
        credits, a year) / short (title-page sized) / prose."""
        lines = [_strip_wrapping_markup(self._line_text(ln)) for ln in block.lines]
        first = lines[0]
        if len(lines) == 1:
            if first.lower() == "by":
                return "by"
            if _BYLINE_RE.match(first) and not first.lower().startswith("by the author"):
                return "byline"
            if _GUTENBERG_TITLE_RE.match(first):
                return "gutenberg"
            if _CREDIT_RE.match(first):
                return "meta"
        label = _LABEL_LINE_RE.match(first)
        if label and label.group("label").strip().lower() in _LABELS:
            return "meta"
        text = " ".join(lines)
        # a stack of short lines: title and subtitle, an imprint ("London:\nPrinted for ...")
        stacked = len(lines) > 1 and all(len(t) <= 50 for t in lines)
        if text.startswith(tuple(_QUOTES)) or (not stacked and _SENTENCE_RE.match(text)):
            return "prose"  # dialogue or a sentence: story, not a title page
        if (len(lines) <= 3 and len(text) <= 160) or (len(lines) <= 6 and stacked):
            return "short"
        return "prose"

    def _read_byline(self, blocks: list[_Block], i: int) -> None:
        text = _strip_wrapping_markup(self._line_text(blocks[i].lines[0]))
        if text.lower() == "by":
            if i + 1 < len(blocks) and blocks[i + 1].kind == "text":
                text = self._block_text(blocks[i + 1])
            else:
                return
        else:
            text = _BYLINE_RE.match(text).group("name")
        self.fields.setdefault("authors", _split_authors(_clean_title(text)))

    def _read_labels(self, block: _Block) -> None:
        label, value = None, []
        for line in block.lines:
            content = _strip_wrapping_markup(self._line_text(line))
            m = _LABEL_LINE_RE.match(content)
            if m and m.group("label").strip().lower() in _LABELS:
                if label:
                    self._set_label(label, " ".join(value))
                label, value = m.group("label").strip().lower(), [m.group("value")]
            elif label:
                value.append(content)
        if label:
            self._set_label(label, " ".join(value))

    def _set_label(self, label: str, value: str) -> None:
        name = _LABELS.get(label)
        value = _clean_title(value) if name in ("title", "authors") else " ".join(value.split())
        if not name or not value or name in self.fields:
            return
        if name == "authors":
            self.fields[name] = _split_authors(value)
        elif name in ("fandoms", "characters", "warnings", "freeform"):
            self.fields[name] = [v.strip() for v in value.split(",") if v.strip()]
        elif name == "relationships":
            self.fields[name] = [ao3_meta.parse_relationship(v) for v in value.split(",") if v.strip()]
        else:
            self.fields[name] = value

    def _meta(self) -> WorkMeta:
        f = self.fields
        meta: dict = {}
        for key in ("title", "summary", "notes", "rating", "language"):
            if f.get(key):
                meta[key] = f[key]
        if f.get("authors"):
            meta["authors"] = tuple(Author(name) for name in f["authors"])
        for key in ("fandoms", "characters", "warnings", "freeform", "relationships"):
            if f.get(key):
                meta[key] = tuple(f[key])
        for key in ("published", "updated"):
            m = re.search(r"\d{4}-\d{2}-\d{2}", f.get(key, ""))
            if m:
                meta[key] = m.group(0)
        m = re.search(r"\d{4}-\d{2}-\d{2}", f.get("completed_date", ""))
        if m:
            meta["updated"], meta["completed"] = m.group(0), True
        status = f.get("status", "").lower()
        if status.startswith("complete"):
            meta["completed"] = True
        elif status.startswith(("in-progress", "in progress", "wip", "ongoing", "incomplete")):
            meta["completed"] = False
        if f.get("words"):
            meta["words"] = ao3_meta.parse_count(f["words"])
        if f.get("chapters"):
            meta["chapters"] = ao3_meta.parse_chapter_count(f["chapters"])
        extraction = "line-paragraphs" if self.line_mode else "blank-line-paragraphs"
        meta["source"] = Source("markdown" if self.markdown else "plaintext", path=self.path, extraction=extraction)
        return WorkMeta(**meta)

    # ---------------------------------------------------------------- paragraphs
    def _add_paragraph(self, draft: _Draft, block: _Block) -> None:
        keep_breaks = block.pre or self._deliberate_breaks(block.lines)
        text, styles, runs = _render(
            self.text, block.lines, keep_breaks, markdown=self.markdown and not block.pre, pre=block.pre
        )
        if not text:
            return
        if is_scene_break_marker(text):
            draft.builder.scene_break(text)
            return
        if block.quote or (not self.line_mode and self._set_in(block.lines)):
            styles.append((0, len(text), "blockquote"))
        start = draft.length + (2 if draft.starts else 0)
        draft.builder.add_paragraph(text, styles)
        draft.starts.append(start)
        draft.length = start + len(text)
        draft.runs.extend((start + o, s, n) for o, s, n in runs)

    def _deliberate_breaks(self, lines: list[_Line]) -> bool:
        """True when every line of the paragraph ends well before the wrap width although
        the next word would have fitted: verse, a letter's closing, an address."""
        if len(lines) < 2:
            return False
        text = self.text
        limit = self.wrap - 6
        for line, nxt in zip(lines, lines[1:]):
            next_word = len(text[nxt.cs : nxt.ce].split(None, 1)[0])
            if (line.ce - line.start) + 1 + next_word > limit:
                return False
        first_len = lines[0].ce - lines[0].start
        return len(lines) >= 3 or self._set_in(lines) or first_len < 0.75 * self.wrap

    def _set_in(self, lines: list[_Line]) -> bool:
        """All lines indented beyond the file's usual indentation (a letter, a poem)."""
        if self.indent_paragraphs and len(lines) == 1:
            return False  # there an indented line is just a paragraph's first line
        return all(ln.indent >= self.baseline_indent + 2 for ln in lines)


# --------------------------------------------------------------------------------------
# Whole-file measures
# --------------------------------------------------------------------------------------


def _wrap_width(nonblank: list[_Line]) -> int:
    """The width lines were wrapped at (99th percentile of line lengths)."""
    if not nonblank:
        return 80
    lengths = sorted(ln.ce - ln.start for ln in nonblank)
    return max(lengths[min(len(lengths) - 1, int(len(lengths) * 0.99))], 20)


def _paragraph_convention(lines: list[_Line], wrap: int, markdown: bool = False) -> str:
    """"blank" (blank lines separate paragraphs, lines may be hard-wrapped) or "line"
    (one paragraph per line, no blank lines between them)."""
    nonblank = 0
    adjacent = 0  # non-blank lines followed by another non-blank line
    long_lines = 0
    wrapped = 0  # adjacent lines that reach towards the wrap width
    for line, nxt in zip(lines, lines[1:] + [None]):
        if line.ce == line.cs:
            continue
        nonblank += 1
        length = line.ce - line.start
        if length > 100:
            long_lines += 1
        if nxt is not None and nxt.ce > nxt.cs:
            adjacent += 1
            if length >= 0.8 * wrap:
                wrapped += 1
    if nonblank < 2 or adjacent < 0.3 * nonblank:
        return "blank"
    if long_lines >= 0.1 * nonblank:
        return "line"  # unwrapped paragraphs, one a line
    if markdown or wrapped >= 0.6 * adjacent:
        return "blank"  # hard-wrapped (Markdown joins lines anyway)
    # short lines, hardly ever a blank one: a line is a paragraph
    return "line" if adjacent >= 0.9 * nonblank else "blank"


def _most_common(values: list[int]) -> int:
    counts: dict[int, int] = {}
    for v in values:
        counts[v] = counts.get(v, 0) + 1
    return max(counts, key=counts.get) if counts else 0


# --------------------------------------------------------------------------------------
# Headings and titles
# --------------------------------------------------------------------------------------


def _is_break_line(content: str) -> bool:
    return bool(_HR_TAG_RE.match(content)) or is_scene_break_marker(content)


def _match_heading(text: str) -> tuple[str, str | None, int | None] | None:
    """("chapter"|"group"|"named"|"number", title, number) when `text` is a heading line."""
    if not text or len(text) > 100:
        return None
    for kind, regex in (("chapter", _CHAPTER_RE), ("group", _GROUP_RE)):
        m = regex.match(text)
        if m:
            rest = m.group("rest").strip()
            if rest and not m.group("sep").strip(" ") and (rest[-1] in ".,;:!?" or not rest[0].isupper()):
                return None  # "Chapter seven was the best one." is a sentence
            if rest and len(text) > 80:
                return None
            return kind, _clean_title(rest) or None, None
    if _NAMED_RE.match(text) and len(text) <= 80:
        return "named", _clean_title(text), None
    m = _BARE_NUMBER_RE.match(text)
    if m:
        num = m.group("num")
        return "number", None, int(num) if num.isdigit() else _roman_value(num)
    return None


def _roman_value(numeral: str) -> int:
    values = {"I": 1, "V": 5, "X": 10, "L": 50, "C": 100, "D": 500, "M": 1000}
    total = 0
    for ch, nxt in zip(numeral, numeral[1:] + " "):
        v = values[ch]
        total += -v if nxt != " " and values[nxt] > v else v
    return total


def _title_like(text: str, strict: bool = False) -> bool:
    """A short line that reads as a title: ALL CAPS, or Title Case without sentence
    punctuation at the end. `strict` (a title in its own paragraph) wants two words
    unless in capitals, and nothing that opens like dialogue."""
    text = _strip_wrapping_markup(text)
    if not text or len(text) > 80 or not any(c.isalpha() for c in text):
        return False
    words = re.findall(r"[^\W\d_][\w'\-]*", text)
    if text.upper() == text:  # "THE HAMILTONS", '"IT ISN'T STRYCHNINE, IS IT?"'
        return not strict or text.strip(_QUOTES)[-1:] not in ("!", "?")
    if text[0] in _QUOTES:
        return False
    if text[-1] in ".,;:" + _QUOTES:
        return False
    if strict and (len(words) < 2 or text[-1] in "!?"):
        return False
    significant = [w for w in words if len(w) > 3]
    capitalised = [w for w in significant if w[0].isupper()]
    return words[0][0].isupper() and len(capitalised) * 2 >= len(significant)


def _strip_wrapping_markup(text: str) -> str:
    """"**Chapter 1**", "_Chapter 1_", "# Chapter 1" -> "Chapter 1" (for matching only)."""
    text = text.strip(_WS)
    for _ in range(3):
        m = re.fullmatch(r"(\*{1,3}|_{1,3})(\S(?:.*\S)?)\1", text)
        if not m:
            break
        text = m.group(2)
    return text


def _strip_inline_markup(text: str) -> str:
    return re.sub(r"(?<!\\)(\*{1,3}|_{1,3}|~~)", "", text)


def _clean_title(text: str) -> str:
    text = " ".join(text.split())
    text = _strip_wrapping_markup(text)
    text = re.sub(r"(?<![\w\\])_(\S(?:[^_]*\S)?)_(?!\w)", r"\1", text)
    return unicodedata.normalize("NFC", text.strip(" .:-\u2013\u2014")) if text.strip(" .:-\u2013\u2014") else ""


def _toc_key(text: str) -> str:
    return " ".join(re.sub(r"[^\w\s]", " ", text.casefold()).split())


def _toc_title(entry: str) -> str | None:
    """A contents entry as a chapter title: "1. The Start" -> "The Start"."""
    entry = re.sub(r"^\d{1,4}[.:)]\s+", "", entry.strip())
    heading = _match_heading(entry)
    if heading is not None and heading[0] != "named":
        return heading[1]
    return _clean_title(entry) or None


def _split_authors(text: str) -> list[str]:
    parts = re.split(r",\s+|\s+&\s+|\s+and\s+", text)
    return [p.strip() for p in parts if p.strip()]


# --------------------------------------------------------------------------------------
# Rendering one paragraph: source lines -> clean text, styles, offset runs
# --------------------------------------------------------------------------------------

# An edit replaces text[pos:pos+length] by `repl` (never longer than what it replaces,
# except in the NFC fallback), so every output character maps to one input character.
_Edit = tuple[int, int, str]


def _render(src: str, lines: list[_Line], keep_breaks: bool, markdown: bool, pre: bool = False):
    """Join a paragraph's lines, apply inline markup, collapse whitespace, NFC.
    Returns (text, styles as (start, end, style), runs as (offset, source offset, length))."""
    base = lines[0].cs
    region = src[base : lines[-1].ce]
    edits: list[_Edit] = []
    if not markdown and not pre:
        # Fast path: only whitespace lies between a paragraph's lines.
        for m in _GAP_RE.finditer(region):
            gap = m.group()
            if "\n" not in gap:
                joiner = " "
            elif keep_breaks:
                joiner = "\n"
            else:
                joiner = "" if _joins_without_space(region, m.start(), m.end()) else " "
            if gap != joiner:
                edits.append((m.start(), len(gap), joiner))
        lines = []
    for i, line in enumerate(lines):
        a, b = line.cs - base, line.ce - base
        for m in _SPACE_RE.finditer(region, a, b):
            if m.group() != " ":
                edits.append((m.start(), m.end() - m.start(), " "))
        if i + 1 < len(lines):
            nxt = lines[i + 1]
            gap_start, gap_len = b, nxt.cs - line.ce
            if keep_breaks or pre or line.hard_break or (markdown and nxt.list_item):
                joiner = "\n"
            elif _joins_without_space(region, b, nxt.cs - base):
                joiner = ""
            else:
                joiner = " "
            if region[gap_start : gap_start + gap_len] != joiner:
                edits.append((gap_start, gap_len, joiner))
    text, runs, _ = _apply(region, [(0, base, len(region))], edits)

    styles: list[tuple[int, int, str]] = []
    if not pre:
        edits, style_marks = _inline_markup(text, markdown)
        if edits:
            text, runs, outpos = _apply(text, runs, edits)
            for open_i, close_i, style in style_marks:
                start = 0 if open_i is None else outpos[open_i]
                end = len(text) if close_i is None else outpos[close_i]
                if end > start:
                    styles.append((start, end, style))
    # whitespace left over by removed markup, at the ends or doubled
    if text and (text[0] in " \n" or text[-1] in " \n" or "  " in text or " \n" in text
                 or "\n " in text or "\n\n" in text):
        edits = [
            (m.start(), m.end() - m.start(),
             "" if m.start() == 0 or m.end() == len(text) else ("\n" if "\n" in m.group() else " "))
            for m in re.finditer(r"[ \n]{2,}|^[ \n]+|[ \n]+$", text)
        ]
        edits = [e for e in edits if text[e[0] : e[0] + e[1]] != e[2]]
        if edits:
            text, runs, outpos = _apply(text, runs, edits)
            styles = [(_shift(s, edits, outpos), _shift(e, edits, outpos), st) for s, e, st in styles]
    if not text.isascii() and not unicodedata.is_normalized("NFC", text):
        edits = _nfc_edits(text)
        text, runs, outpos = _apply(text, runs, edits)
        styles = [(_shift(s, edits, outpos), _shift(e, edits, outpos), st) for s, e, st in styles]
    styles = [(s, e, st) for s, e, st in styles if e > s]
    return text, styles, runs


def _joins_without_space(region: str, line_end: int, next_start: int) -> bool:
    """"to-" / "day" -> "to-day"; "years--" / "how" -> "years--how"."""
    if line_end < 2 or next_start >= len(region):
        return False
    last, before = region[line_end - 1], region[line_end - 2]
    return last in "-\u2014\u2013" and (before.isalpha() or before in "-\u2014") and region[next_start].isalpha()


def _apply(text: str, runs: list[tuple[int, int, int]], edits: list[_Edit]):
    """Apply sorted, non-overlapping `edits` to `text` whose characters map to the source
    through `runs`. Returns (new text, new runs, output position of each edit)."""
    pieces: list[str] = []
    keep: list[tuple[int, int, int]] = []  # (new offset, old offset, length) kept one to one
    pos = new = 0
    order = sorted(range(len(edits)), key=lambda k: edits[k])
    outpos = [0] * len(edits)
    for k in order:
        e_pos, e_len, repl = edits[k]
        if e_pos > pos:
            pieces.append(text[pos:e_pos])
            keep.append((new, pos, e_pos - pos))
            new += e_pos - pos
        outpos[k] = new
        if repl:
            pieces.append(repl)
            keep.append((new, e_pos, min(len(repl), e_len)))
            new += len(repl)
        pos = max(pos, e_pos + e_len)
    if pos < len(text):
        pieces.append(text[pos:])
        keep.append((new, pos, len(text) - pos))
    return "".join(pieces), _compose(runs, keep), outpos


def _compose(runs: list[tuple[int, int, int]], keep: list[tuple[int, int, int]]):
    """Runs for new text given `keep` pieces (new offset, old offset, length) over old
    text mapped by `runs` (old offset, source offset, length), both sorted."""
    out: list[tuple[int, int, int]] = []
    r = 0
    for new, old, length in keep:
        end = old + length
        while r < len(runs) and runs[r][0] + runs[r][2] <= old:
            r += 1
        k = r
        while k < len(runs) and runs[k][0] < end:
            r_old, r_src, r_len = runs[k]
            a, b = max(old, r_old), min(end, r_old + r_len)
            if b > a:
                n_off, s_off = new + (a - old), r_src + (a - r_old)
                if out and out[-1][0] + out[-1][2] == n_off and out[-1][1] + out[-1][2] == s_off:
                    out[-1] = (out[-1][0], out[-1][1], out[-1][2] + b - a)
                else:
                    out.append((n_off, s_off, b - a))
            k += 1
    return out


def _shift(x: int, edits: list[_Edit], outpos: list[int]) -> int:
    """Where position `x` of the old text ended up after `edits`."""
    best = None
    for k, (e_pos, e_len, repl) in enumerate(edits):
        if e_pos <= x:
            if best is None or e_pos >= edits[best][0]:
                best = k
    if best is None:
        return x
    e_pos, e_len, repl = edits[best]
    if x >= e_pos + e_len:
        return outpos[best] + len(repl) + (x - e_pos - e_len)
    return outpos[best] + min(x - e_pos, len(repl))


def _nfc_edits(text: str) -> list[_Edit]:
    """NFC cluster by cluster (a base character and its combining marks), so that
    offsets stay mapped; falls back to one whole-text edit if that is not exact."""
    edits: list[_Edit] = []
    start = 0
    for i in range(1, len(text) + 1):
        if i == len(text) or not unicodedata.combining(text[i]):
            cluster = text[start:i]
            norm = unicodedata.normalize("NFC", cluster)
            if norm != cluster:
                edits.append((start, len(cluster), norm))
            start = i
    rebuilt, pos = [], 0
    for e_pos, e_len, repl in edits:
        rebuilt.append(text[pos:e_pos] + repl)
        pos = e_pos + e_len
    rebuilt.append(text[pos:])
    if "".join(rebuilt) != unicodedata.normalize("NFC", text):
        return [(0, len(text), unicodedata.normalize("NFC", text))]
    return edits


# -- inline markup ------------------------------------------------------------------

_ESCAPE_RE = re.compile(r"\\([!-/:-@\[-`{-~])")
_ENTITY_RE = re.compile(r"&(?:#\d{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});")
_TAG_RE = re.compile(r"</?([A-Za-z][A-Za-z0-9]*)\b[^<>]*?/?>")
_LINK_RE = re.compile(r"(!?)\[([^\[\]]*)\]\(([^()\s]*)(?:\s+\"[^\"]*\")?\)")
_DELIM_RE = re.compile(r"\*+|_+|~~")
_TAG_STYLES = {"i": "italic", "em": "italic", "cite": "italic", "b": "bold", "strong": "bold",
               "u": "underline", "ins": "underline", "s": "strike", "del": "strike", "strike": "strike"}


def _inline_markup(text: str, markdown: bool):
    """Edits removing markup from `text`, and styles as (open edit, close edit, style)
    pairs of edit indices (None = paragraph start / end)."""
    edits: list[_Edit] = []
    marks: list[tuple[int | None, int | None, str]] = []
    taken = bytearray(len(text))  # characters already consumed by some construct

    def take(a: int, b: int) -> None:
        for j in range(a, b):
            taken[j] = 1

    if markdown:
        if "\\" in text:
            for m in _ESCAPE_RE.finditer(text):
                edits.append((m.start(), 1, ""))
                take(m.start(), m.end())
        if "&" in text:
            for m in _ENTITY_RE.finditer(text):
                if taken[m.start()]:
                    continue
                value = html.unescape(m.group())
                value = " " if value == "\u00a0" else value
                if value != m.group() and len(value) <= len(m.group()):
                    edits.append((m.start(), m.end() - m.start(), value))
                    take(m.start(), m.end())
        if "](" in text:
            for m in _LINK_RE.finditer(text):
                if taken[m.start()]:
                    continue
                if m.group(1):  # image: nothing to read
                    edits.append((m.start(), m.end() - m.start(), ""))
                else:
                    edits.append((m.start(), 1, ""))
                    close = m.start(3) - 2  # the "](" before the URL
                    edits.append((close, m.end() - close, ""))
                take(m.start(), m.end())
                if not m.group(1):
                    for j in range(m.start(2), m.end(2)):
                        taken[j] = 0
        if "<" in text:
            open_tags: dict[str, list[int]] = {}
            for m in _TAG_RE.finditer(text):
                if taken[m.start()]:
                    continue
                name = m.group(1).lower()
                closing = m.group().startswith("</")
                index = len(edits)
                edits.append((m.start(), m.end() - m.start(), "\n" if name == "br" else ""))
                take(m.start(), m.end())
                style = _TAG_STYLES.get(name)
                if style is None:
                    continue
                if not closing:
                    open_tags.setdefault(name, []).append(index)
                elif open_tags.get(name):
                    marks.append((open_tags[name].pop(), index, style))
            for name, indices in open_tags.items():
                for index in indices:
                    marks.append((index, None, _TAG_STYLES[name]))

    chars = "*_~" if markdown else "*_"
    if not any(c in text for c in chars):
        return edits, marks
    delims = []
    for m in _DELIM_RE.finditer(text):
        run = m.group()
        if run[0] not in chars or taken[m.start()]:
            continue
        before = text[m.start() - 1] if m.start() > 0 else " "
        after = text[m.end()] if m.end() < len(text) else " "
        left = not after.isspace() and (not _is_punct(after) or before.isspace() or _is_punct(before))
        right = not before.isspace() and (not _is_punct(before) or after.isspace() or _is_punct(after))
        if run[0] == "_":
            can_open = left and (not right or _is_punct(before))
            can_close = right and (not left or _is_punct(after))
        else:
            can_open, can_close = left, right
        delims.append([run[0], m.start(), len(run), can_open, can_close, m.start()])  # char, pos, count, ..., first

    # CommonMark's "process emphasis", without the rule of three.
    for c in range(len(delims)):
        closer = delims[c]
        while closer[4] and closer[2] > 0:
            found = None
            for o in range(c - 1, -1, -1):
                opener = delims[o]
                if opener[0] == closer[0] and opener[3] and opener[2] > 0:
                    if opener[0] == "~" and (opener[2] < 2 or closer[2] < 2):
                        continue
                    found = o
                    break
            if found is None:
                break
            opener = delims[found]
            use = 2 if opener[2] >= 2 and closer[2] >= 2 else 1
            style = "strike" if closer[0] == "~" else ("bold" if use == 2 else "italic")
            open_pos = opener[1] + opener[2] - use
            opener[2] -= use
            close_pos = closer[1]
            closer[1] += use
            closer[2] -= use
            marks.append((len(edits), len(edits) + 1, style))
            edits.append((open_pos, use, ""))
            edits.append((close_pos, use, ""))
            for between in delims[found + 1 : c]:
                between[2] = 0  # delimiters inside a matched pair stay literal
    if not markdown:
        # Gutenberg italics that open in one paragraph and close in a later one.
        for char, pos, count, can_open, can_close, first in delims:
            if char == "_" and count == 1 and pos == first and pos + count <= len(text):
                if text[pos : pos + 1] != "_":
                    continue
                if can_open and not can_close:
                    marks.append((len(edits), None, "italic"))
                    edits.append((pos, 1, ""))
                elif can_close and not can_open:
                    marks.append((None, len(edits), "italic"))
                    edits.append((pos, 1, ""))
    return edits, marks


def _is_punct(ch: str) -> bool:
    return unicodedata.category(ch)[0] in "PS"


# --------------------------------------------------------------------------------------
# Offsets
# --------------------------------------------------------------------------------------


def _offset_map(index: int, runs: list[tuple[int, int, int]]) -> OffsetMap:
    chapter_starts, source_starts, lengths = array("q"), array("q"), array("q")
    for c, s, n in runs:
        if lengths and chapter_starts[-1] + lengths[-1] == c and source_starts[-1] + lengths[-1] == s:
            lengths[-1] += n
        else:
            chapter_starts.append(c)
            source_starts.append(s)
            lengths.append(n)
    return OffsetMap(index, chapter_starts, source_starts, lengths)


def _check_offsets(chapter: Chapter, draft: _Draft) -> None:
    """The builder must have placed paragraphs where the offset runs say they are."""
    starts = [p.start for p in chapter.paragraphs]
    if starts != draft.starts or len(chapter.text) != draft.length:
        raise AssertionError(f"plaintext offsets out of step with ChapterBuilder in chapter {chapter.index}")
