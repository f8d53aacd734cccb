"""One flat token table per chapter, read once from the spaCy Docs.

The characters layer walks the text several times (name evidence, name matching,
gender votes, pronoun resolution); reading spaCy `Token` attributes is the costly
part, so each token is copied once into a slotted `Tok` with chapter offsets,
chapter-wide head and sentence indices, and whether it sits inside a quotation.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass
from typing import Sequence

from ..model import Chapter, Quotation

# Opening punctuation after which a capital letter says nothing about a name.
_OPENERS = frozenset('"“‘\'([{—–-:;…*_')
_SENTENCE_END = frozenset(".!?")


@dataclass(slots=True)
class Tok:
    start: int  # chapter offsets
    end: int
    text: str
    lower: str
    tag: str
    pos: str
    dep: str
    head: int  # index in the chapter's token list
    lemma: str
    ent: str  # entity label, "" outside entities
    ent_start: bool  # first token of an entity
    sent: int  # sentence number in the chapter
    nsent: int  # narration sentences so far (sentences starting outside quotations)
    para: int  # index of the (offset, Doc) entry: the paragraph, or a piece of a long one
    initial: bool  # first word of a sentence or of a quotation (capital says nothing)
    quote: int  # index into the chapter's quotations, -1 in narration
    cap: bool  # starts with an upper-case letter
    space: bool  # whitespace token ("\n")


@dataclass(slots=True)
class ChapterTokens:
    chapter: Chapter
    tokens: list[Tok]
    quotations: list[Quotation]  # this chapter's, in text order
    starts: list[int]  # token start offsets, for bisect

    def index_at(self, offset: int) -> int:
        """Index of the token starting at or before `offset`."""
        return max(bisect.bisect_right(self.starts, offset) - 1, 0)


def _quote_spans(quotations: Sequence[Quotation]) -> list[tuple[int, int, int]]:
    spans = [(s, e, qi) for qi, q in enumerate(quotations) for s, e in q.spans]
    spans.sort()
    return spans


def chapter_tokens(chapter: Chapter, docs, quotations: Sequence[Quotation]) -> ChapterTokens:
    """Copy every token of `docs` ((offset, Doc) pairs) into a `ChapterTokens`."""
    quotes = sorted(quotations, key=lambda q: q.spans[0][0] if q.spans else 0)
    spans = _quote_spans(quotes)
    span_i = 0
    tokens: list[Tok] = []
    sent = -1
    nsent = 0
    sentence_word_seen = False
    for para, (offset, doc) in enumerate(docs):
        base = len(tokens)
        at_start = True
        last_quote = -2
        for token in doc:
            start = offset + token.idx
            while span_i < len(spans) and spans[span_i][1] <= start:
                span_i += 1
            quote = spans[span_i][2] if span_i < len(spans) and spans[span_i][0] <= start else -1
            if token.is_sent_start or token.i == 0:
                sent += 1
                at_start = True
                sentence_word_seen = False
            if not sentence_word_seen and token.text[:1].isalnum():
                sentence_word_seen = True
                if quote < 0:  # a sentence of narration, not of dialogue
                    nsent += 1
            text = token.text
            space = token.is_space
            if quote != last_quote:
                at_start = True  # a quotation's first word is capitalised anyway
                last_quote = quote
            initial = False
            if not space:
                if at_start and text[:1].isalnum():
                    initial = True
                    at_start = False
                elif text in _OPENERS or text[:1] in _OPENERS:
                    at_start = True
                elif text in _SENTENCE_END:
                    at_start = True
                elif text[:1].isalnum():
                    at_start = False
            tokens.append(
                Tok(
                    start=start,
                    end=start + len(text),
                    text=text,
                    lower=token.lower_,
                    tag=token.tag_,
                    pos=token.pos_,
                    dep=token.dep_,
                    head=base + token.head.i,
                    lemma=token.lemma_,
                    ent=token.ent_type_,
                    ent_start=token.ent_iob_ == "B",
                    sent=sent,
                    nsent=nsent,
                    para=para,
                    initial=initial,
                    quote=quote,
                    cap=text[:1].isupper(),
                    space=space,
                )
            )
    return ChapterTokens(chapter, tokens, quotes, [t.start for t in tokens])
