"""Where the layers' spans meet the one spaCy parse and the quotations.

The narrative layers about people (interactions, profiles) ask three questions of
the text: which spaCy token is this mention, which sentences does a chapter have,
and is this offset inside a quotation. `ParseIndex` and `QuotationIndex` answer
them by bisecting sorted offsets, so nothing is parsed again and no layer scans
the whole chapter per question.
"""

from __future__ import annotations

import bisect
from typing import Iterator, Sequence

from ..model import Mention, Quotation


class ParseIndex:
    """The paragraph Docs of `analysis.parses`, looked up by chapter offset."""

    def __init__(self, parses: Sequence) -> None:
        self._docs: dict[int, list[tuple[int, object]]] = {}
        self._starts: dict[int, list[int]] = {}
        self._ends: dict[int, list[int]] = {}
        for chapter_parse in parses:
            index = chapter_parse.chapter.index
            self._docs[index] = list(chapter_parse.docs)
            self._starts[index] = [offset for offset, _ in chapter_parse.docs]
            # From the last token: `Doc.text` rebuilds the whole string on every call.
            self._ends[index] = [offset + (doc[-1].idx + len(doc[-1].text_with_ws) if len(doc) else 0)
                                 for offset, doc in chapter_parse.docs]

    def doc_at(self, chapter: int, offset: int) -> tuple[int, object] | None:
        """The `(offset, Doc)` whose text covers `offset` in the chapter, or None."""
        starts = self._starts.get(chapter, [])
        i = bisect.bisect_right(starts, offset) - 1
        if i < 0:
            return None
        return self._docs[chapter][i] if offset < self._ends[chapter][i] else None

    def token_of(self, mention: Mention):
        """The syntactic head token of a mention ("Blackwood" in "Owain Blackwood"),
        or None when the mention does not line up with the parse."""
        found = self.doc_at(mention.chapter, mention.start)
        if found is None:
            return None
        doc_offset, doc = found
        span = doc.char_span(mention.start - doc_offset, mention.end - doc_offset, alignment_mode="expand")
        return span.root if span is not None and len(span) else None

    def chapters(self) -> list[int]:
        return list(self._docs)

    def sentences(self, chapter: int) -> Iterator[tuple[int, object]]:
        """`(offset of its Doc, sentence Span)` for every sentence of the chapter;
        the sentence's chapter offsets are `offset + span.start_char` / `end_char`."""
        for doc_offset, doc in self._docs.get(chapter, []):
            if not doc.has_annotation("SENT_START"):  # a pipeline with no parser or sentencizer
                yield doc_offset, doc[:]
                continue
            for sentence in doc.sents:
                yield doc_offset, sentence


class QuotationIndex:
    """Every quoted stretch of every quotation, looked up by chapter offset."""

    def __init__(self, quotations: Sequence[Quotation]) -> None:
        spans: dict[int, list[tuple[int, int, Quotation]]] = {}
        for q in quotations:
            for start, end in q.spans:
                spans.setdefault(q.chapter, []).append((start, end, q))
        self._spans = {chapter: sorted(s, key=lambda t: t[0]) for chapter, s in spans.items()}
        self._starts = {chapter: [s for s, _, _ in items] for chapter, items in self._spans.items()}

    def quotation_at(self, chapter: int, offset: int) -> Quotation | None:
        """The quotation whose quoted text contains `offset`, or None in narration."""
        i = bisect.bisect_right(self._starts.get(chapter, []), offset) - 1
        if i < 0:
            return None
        start, end, quotation = self._spans[chapter][i]
        return quotation if start <= offset < end else None

    def any_within(self, chapter: int, start: int, end: int) -> bool:
        """True when some quoted stretch starts inside [start, end)."""
        starts = self._starts.get(chapter, [])
        i = bisect.bisect_left(starts, start)
        return i < len(starts) and starts[i] < end
