"""Cut a stretch of chapter text into pieces that each carry a fixed set of
annotations, so overlapping spans (an italic word inside a quotation inside a
thought) can be written as markup without nesting rules.

    segments(10, 30, [(12, 20, "q1"), (15, 25, "italic")])
    -> [(10, 12, ()), (12, 15, ("q1",)), (15, 20, ("q1", "italic")), (20, 25, ("italic",)), (25, 30, ())]

Annotation keys keep the order they were given in, whatever order the spans open in.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from typing import Hashable, Iterable, Sequence, TypeVar

Key = TypeVar("Key", bound=Hashable)


def segments(start: int, end: int, spans: Iterable[tuple[int, int, Key]]) -> list[tuple[int, int, tuple[Key, ...]]]:
    """`[start, end)` cut at every span boundary inside it; each piece lists the keys
    of the spans covering it. Empty pieces are dropped."""
    clipped: list[tuple[int, int, int, Key]] = []
    cuts = {start, end}
    for order, (s, e, key) in enumerate(spans):
        s, e = max(s, start), min(e, end)
        if s < e:
            clipped.append((s, e, order, key))
            cuts.update((s, e))
    points = sorted(cuts)
    pieces: list[tuple[int, int, tuple[Key, ...]]] = []
    for a, b in zip(points, points[1:]):
        keys = tuple(key for s, e, _order, key in clipped if s <= a and b <= e)
        pieces.append((a, b, keys))
    return pieces


def by_paragraph(paragraph_starts: Sequence[int], spans: Iterable[tuple[int, int, Key]]) -> dict[int, list]:
    """Paragraph index -> the spans that overlap it (a span crossing paragraphs is
    listed under each); `paragraph_starts` sorted."""
    out: dict[int, list] = {}
    for span in spans:
        first = max(bisect_right(paragraph_starts, span[0]) - 1, 0)
        last = max(bisect_left(paragraph_starts, span[1]) - 1, first)
        for index in range(first, last + 1):
            out.setdefault(index, []).append(span)
    return out


QUOTE_MARKS = frozenset("\"'“”‘’«»„‟‹›「」『』")


def with_quote_marks(text: str, start: int, end: int) -> tuple[int, int]:
    """Widen a quotation span (the quote layer leaves the marks outside) over the
    opening and closing marks next to it."""
    while start > 0 and text[start - 1] in QUOTE_MARKS:
        start -= 1
    while end < len(text) and text[end] in QUOTE_MARKS:
        end += 1
    return start, end
