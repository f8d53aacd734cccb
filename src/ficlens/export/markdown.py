"""The story as Markdown with each quotation's speaker written after it, for
reading and for diffing two runs:

    “It’s nothing,” [Margaret Thorne] she said. “Go back to sleep.” [Margaret Thorne]
    “Where?” [Tom Pellow → Margaret Thorne] he asked.

Every quoted span is followed by `[speaker]` or `[speaker → addressee, ...]`;
`[?]` marks a quotation ficlens found but could not attribute. Brackets, `*` and
`_` in names are escaped so the annotation never turns into Markdown markup.
"""

from __future__ import annotations

import re
from typing import Any

from ..model import Work
from .rows import character_names
from .segments import with_quote_marks
from .text import render_text

UNKNOWN_SPEAKER = "?"
_MARKDOWN_SPECIAL = re.compile(r"([\\\[\]*_`])")
ANNOTATION_RE = re.compile(r" \[(?:\\.|[^\]\\])*\]")  # what `strip_annotations` removes


def _escape(name: str) -> str:
    return _MARKDOWN_SPECIAL.sub(r"\\\1", name)


def speaker_label(quote: dict[str, Any], names: dict[str, str]) -> str:
    speaker = _escape(names.get(quote["speaker"], quote["speaker"])) if quote["speaker"] else UNKNOWN_SPEAKER
    to = ", ".join(_escape(names.get(a, a)) for a in quote["addressees"])
    return f" [{speaker} → {to}]" if to else f" [{speaker}]"


def speaker_annotations(doc: dict[str, Any]) -> dict[int, list[tuple[int, str]]]:
    """Chapter index -> (offset just after a quoted span's closing mark, label)."""
    names = character_names(doc)
    texts = {c["index"]: c["text"] for c in doc["chapters"]}
    out: dict[int, list[tuple[int, str]]] = {}
    for q in doc.get("quotes", []):
        text = texts[q["chapter"]]
        label = speaker_label(q, names)
        for start, end in q["spans"]:
            out.setdefault(q["chapter"], []).append((with_quote_marks(text, start, end)[1], label))
    return out


def render_markdown(work: Work, doc: dict[str, Any]) -> str:
    """`work` as Markdown (as `ficlens text --format md`) with speaker annotations."""
    return render_text(work, fmt="md", annotations=speaker_annotations(doc))


def strip_annotations(markdown: str) -> str:
    """The Markdown without the speaker annotations (for comparing with the plain text)."""
    return ANNOTATION_RE.sub("", markdown)
