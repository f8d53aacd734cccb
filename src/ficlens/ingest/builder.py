"""Assemble a `Chapter` from paragraphs as a reader finds them.

Every reader (HTML, EPUB, plain text) feeds text through `ChapterBuilder`, so the
rules for what chapter text looks like live in one place: whitespace collapsed as a
browser would, line breaks kept as "\\n", NFC normalisation, empty spacer paragraphs
dropped, paragraphs joined by a blank line, style spans and scene breaks recorded
as offsets into the final text.
"""

from __future__ import annotations

import re

from ..model import PARAGRAPH_SEPARATOR, Chapter, Paragraph, SceneBreak, StyleSpan
from .decode import drop_controls, nfc

# Collapsible whitespace: HTML space characters plus NBSP (AO3 pads with &nbsp;) and
# zero-width characters some editors leave behind.
_SPACE_RE = re.compile(r"[ \t\r\n\f\v\u00a0\u200b\ufeff]+")

# A paragraph that is nothing but a scene-break ornament: "***", "* * *", "~~~",
# "-x-x-", "oOo", "xXx", "§", "❧", "◇◆◇". No letters other than o/x runs, no quotes.
_BREAK_SYMBOLS = r"\*~\-=_#+•·°◇◆◈❖❧☙✦✧★☆♦♥♠♣§¤∞⁂※|/\\.:<>\^"
_SCENE_BREAK_RE = re.compile(
    rf"^(?:[{_BREAK_SYMBOLS}\s]{{1,60}}|(?:[{_BREAK_SYMBOLS}\s]*(?:o+O+o*|O+o+O*|x+X+x*|X+x+X*)[{_BREAK_SYMBOLS}\s]*)+)$"
)


# Every character a marker can start with (the symbols above, and o/O/x/X runs).
_MARKER_FIRST_CHARS = frozenset(_BREAK_SYMBOLS.replace("\\", "") + "\\oOxX")


def is_scene_break_marker(text: str) -> bool:
    """True when a whole paragraph is an ornament marking a scene break."""
    stripped = text.strip()
    if not stripped or len(stripped) > 60:
        return False
    if stripped[0] not in _MARKER_FIRST_CHARS:
        return False  # the common case, a paragraph of prose or dialogue, without the regex
    if stripped in {".", "..", "...", "…", "-", "--", "/", ":", "|"}:
        return False  # a lone ellipsis or dash is usually a beat of silence, not a break
    return bool(_SCENE_BREAK_RE.match(stripped))


def clean_text(text: str) -> str:
    """One text node as chapter text: control characters dropped, whitespace collapsed,
    NFC. Runs after the HTML parser, so it also catches ESC or combining marks spelled
    as character references (&#27;, &#x301;)."""
    # Most text nodes hold only single plain spaces, which the regex would leave as they
    # are; every other _SPACE_RE character is non-printable. The regex scan costs ~20x
    # more than these checks (AO3 HTML throughput).
    if "  " in text or not text.isprintable():
        text = _SPACE_RE.sub(" ", drop_controls(text))
    return nfc(text)


class ChapterBuilder:
    """Accumulates paragraphs; `append_text` collapses whitespace as it goes so that
    style offsets recorded along the way are already final."""

    def __init__(self) -> None:
        self._parts: list[str] = []
        self._length = 0
        self._paragraphs: list[Paragraph] = []
        self._styles: list[StyleSpan] = []
        self._breaks: list[SceneBreak] = []
        self._pending_break: str | None = None
        # current paragraph
        self._para: list[str] = []
        self._para_len = 0
        self._last_char = ""  # last char of the current paragraph ("" at its start)
        self._open_styles: list[tuple[str, int]] = []
        self._para_styles: list[tuple[int, int, str]] = []

    # -- building one paragraph -------------------------------------------------
    def append_text(self, text: str) -> None:
        if not text or (self._last_char in ("", " ", "\n") and text.isspace()):
            return  # whitespace that would collapse into nothing (between blocks)
        text = clean_text(text)
        if self._last_char in ("", " ", "\n") and text.startswith(" "):
            text = text[1:]
        if not text:
            return
        self._para.append(text)
        self._para_len += len(text)
        self._last_char = text[-1]

    def space(self) -> None:
        """Collapsible whitespace (an HTML whitespace-only text node): one space, and
        only after a word; the same as append_text(" ")."""
        if self._last_char not in ("", " ", "\n"):
            self._para.append(" ")
            self._para_len += 1
            self._last_char = " "

    def append_preformatted(self, text: str) -> None:
        """Text whose line breaks are meaningful (plain text lines joined by the caller,
        <pre>): spaces collapse, newlines are kept."""
        for i, line in enumerate(text.split("\n")):
            if i:
                self.line_break()
            self.append_text(line)

    def line_break(self) -> None:
        if self._last_char == " ":
            self._trim_trailing_space()
        if self._last_char in ("", "\n"):
            return  # no blank lines inside a paragraph; none at its start
        self._para.append("\n")
        self._para_len += 1
        self._last_char = "\n"

    def text_element(self, text: str, style: str | None, is_block: bool) -> None:
        """An element holding only text (most <p>s), in one call: the same as
        end_paragraph (for a block), open_style, append_text, close_style, end_paragraph."""
        if is_block and not (self._para or self._open_styles or self._para_styles):
            # The common case, a whole paragraph in one text node: the general path's
            # steps (collapse, NFC, trim, marker check, commit) without its
            # per-fragment bookkeeping, since this runs once per paragraph.
            text = clean_text(text).strip(" ")
            if not text or text.isspace():
                return
            first = text[0]  # is_scene_break_marker's own first test, without its strip()
            if (first in _MARKER_FIRST_CHARS or first.isspace()) and is_scene_break_marker(text):
                self.scene_break(text.strip())
            else:
                self._commit_paragraph(text, style)
            return
        if is_block and self._para:
            self.end_paragraph()
        if style:
            self.open_style(style)
            self.append_text(text)
            self.close_style(style)
        else:
            self.append_text(text)
        if is_block:
            self.end_paragraph()

    def open_style(self, style: str) -> None:
        self._open_styles.append((style, self._para_len))

    def close_style(self, style: str) -> None:
        for i in range(len(self._open_styles) - 1, -1, -1):
            if self._open_styles[i][0] == style:
                _, start = self._open_styles.pop(i)
                if self._para_len > start:
                    self._para_styles.append((start, self._para_len, style))
                return

    def _trim_trailing_space(self) -> None:
        while self._para and self._last_char in (" ", "\n"):
            last = self._para[-1].rstrip(" \n")
            removed = len(self._para[-1]) - len(last)
            self._para_len -= removed
            if last:
                self._para[-1] = last
                self._last_char = last[-1]
            else:
                self._para.pop()
                self._last_char = self._para[-1][-1] if self._para else ""

    def end_paragraph(self) -> None:
        """Close the current paragraph; empty (whitespace-only) paragraphs vanish.
        Styles still open carry over to the next paragraph."""
        if not self._para:
            # nothing written since the last paragraph ended (the common case for
            # nested blocks): only styles opened in between may need carrying over
            if self._para_styles:
                self._para_styles = []
            if self._open_styles:
                self._open_styles = [(style, 0) for style, _ in self._open_styles]
            return
        self._trim_trailing_space()
        text = "".join(self._para)
        carried = [(style, 0) for style, _ in self._open_styles]
        if text.strip():
            if is_scene_break_marker(text):
                self.scene_break(text.strip())
            else:
                self._commit_paragraph(text)
        self._para, self._para_len, self._last_char = [], 0, ""
        self._para_styles = []
        self._open_styles = carried

    def _commit_paragraph(self, text: str, whole_style: str | None = None) -> None:
        """Append `text` as the next paragraph with the styles recorded for it;
        `whole_style` covers all of it (an element holding only text)."""
        if self._paragraphs:
            self._parts.append(PARAGRAPH_SEPARATOR)
            self._length += len(PARAGRAPH_SEPARATOR)
        start = self._length
        if self._pending_break is not None:
            self._breaks.append(SceneBreak(start, self._pending_break))
            self._pending_break = None
        if whole_style:
            self._styles.append(StyleSpan(start, start + len(text), whole_style))  # type: ignore[arg-type]
        for s, e, style in self._para_styles:
            e = min(e, len(text))
            if e > s:
                self._styles.append(StyleSpan(start + s, start + e, style))  # type: ignore[arg-type]
        # styles still open at the paragraph end cover its tail
        for style, s in self._open_styles:
            if len(text) > s:
                self._styles.append(StyleSpan(start + s, start + len(text), style))  # type: ignore[arg-type]
        self._parts.append(text)
        self._length += len(text)
        self._paragraphs.append(Paragraph(start, self._length))

    # -- whole paragraphs and breaks ------------------------------------------
    def add_paragraph(self, text: str, styles: list[tuple[int, int, str]] | None = None) -> None:
        """Add a finished paragraph (plain-text readers). `styles` are offsets into `text`
        after whitespace collapsing, which the caller is responsible for."""
        if self._para:
            self.end_paragraph()
        self._para = [text]
        self._para_len = len(text)
        self._last_char = text[-1] if text else ""
        self._para_styles = list(styles or [])
        self.end_paragraph()

    def scene_break(self, marker: str) -> None:
        """Mark a break before the next paragraph (consecutive markers merge;
        a break before the first or after the last paragraph is dropped)."""
        if self._paragraphs and self._pending_break is None:
            self._pending_break = marker

    @property
    def is_empty(self) -> bool:
        return not self._paragraphs and not self._para

    def build(self, index: int, title: str | None = None, **extra) -> Chapter:
        if self._para:
            self.end_paragraph()
        return Chapter(
            index=index,
            title=title,
            text="".join(self._parts),
            paragraphs=tuple(self._paragraphs),
            styles=tuple(sorted(self._styles, key=lambda s: (s.start, -s.end))),
            scene_breaks=tuple(self._breaks),
            **extra,
        )
