"""First-person narrators: is there one, and what do the others call them?

Detection: "I"/"me"/"my"/"myself" outside quotations, per narration word. A
third-person novel has nearly none there (letters and slips aside); a first-person
one has one every few dozen words. The threshold (`NARRATOR_RATE`) was set on
PDNC DEV, where the two first-person novels sit far above every other.

Naming, the cheap way: others address the narrator by name in their speech
("Hastings, you are a marvel!") while the narrator's own narration says "I", not
the name. So the narrator's name is the one most often used as a *vocative*
(a name set off by the quotation's edge or commas) in quotations the narrator
does not speak (no "I said"/"said I" in the paragraph), among names that are
rare in narration compared with inside quotations. Names a narrator uses to
address others ("Holmes, ...") are counted against.
"""

from __future__ import annotations

from collections import Counter
from typing import Callable

from .discover import SPEECH_LEMMAS, NameMatch
from .names import FIRST_PERSON
from .scan import ChapterTokens

NARRATOR_RATE = 0.012  # first-person pronouns per narration word
MIN_VOCATIVES = 3
MIN_FIRST_PERSON = 3
_VOCATIVE_LEFT = frozenset({",", ".", "!", "?", "dear", "my", "oh", "o", "ah", "well", "yes", "no", "—", "–", "-"})
_VOCATIVE_RIGHT = frozenset({",", "!", "?", ".", ";", "—", "–", "-", "…"})


def first_person_rate(tables: list[ChapterTokens]) -> float:
    """First-person pronouns per narration word (0.0 with fewer than
    `MIN_FIRST_PERSON` of them: a stray "I" in a short text is no narrator)."""
    first = words = 0
    for table in tables:
        for t in table.tokens:
            if t.quote >= 0 or t.space or not t.text[:1].isalpha():
                continue
            words += 1
            if t.lower in FIRST_PERSON and t.tag in ("PRP", "PRP$"):
                first += 1
    return first / words if words and first >= MIN_FIRST_PERSON else 0.0


def narrator_quotes(table: ChapterTokens) -> set[int]:
    """Quotations (indices) in paragraphs whose narration has "I said" / "said I"."""
    spoken: set[int] = set()
    paragraphs = table.chapter.paragraphs
    tokens = table.tokens
    for qi, q in enumerate(table.quotations):
        if not 0 <= q.paragraph < len(paragraphs):
            continue
        para = paragraphs[q.paragraph]
        k = table.index_at(para.start)
        while k < len(tokens) and tokens[k].start < para.end:
            t = tokens[k]
            if t.quote < 0 and t.lower == "i" and t.dep in ("nsubj", "nsubjpass") \
                    and tokens[t.head].lemma in SPEECH_LEMMAS:
                spoken.add(qi)
                break
            k += 1
    return spoken


def _word_before(tokens, k: int):
    k -= 1
    while k >= 0 and tokens[k].space:
        k -= 1
    return tokens[k] if k >= 0 else None


def _word_after(tokens, k: int):
    k += 1
    while k < len(tokens) and tokens[k].space:
        k += 1
    return tokens[k] if k < len(tokens) else None


def is_vocative(tokens, match: NameMatch) -> bool:
    first = tokens[match.first]
    if first.quote < 0:
        return False
    before = _word_before(tokens, match.first)
    after = _word_after(tokens, match.last)
    left = before is None or before.quote != first.quote or before.lower in _VOCATIVE_LEFT
    right = after is None or after.quote != first.quote or after.text in _VOCATIVE_RIGHT
    return left and right


def name_narrator(
    tables: list[ChapterTokens], matches: list[NameMatch], cluster_of: Callable[[NameMatch], int | None]
) -> int | None:
    """The cluster most likely to be the narrator's name, or None."""
    addressed = Counter()  # vocatives in others' quotations
    addressed_by_narrator = Counter()
    in_narration = Counter()
    in_quotes = Counter()
    spoken = [narrator_quotes(table) for table in tables]
    for m in matches:
        ci = cluster_of(m)
        if ci is None:
            continue
        tokens = tables[m.table].tokens
        quote = tokens[m.first].quote
        if quote < 0:
            in_narration[ci] += 1
            continue
        in_quotes[ci] += 1
        if is_vocative(tokens, m):
            if quote in spoken[m.table]:
                addressed_by_narrator[ci] += 1
            else:
                addressed[ci] += 1
    best, best_score = None, 0.0
    for ci, count in addressed.items():
        score = count - 2 * addressed_by_narrator[ci]
        if count < MIN_VOCATIVES or in_narration[ci] > 0.25 * in_quotes[ci] + 2:
            continue
        if score > best_score:
            best, best_score = ci, score
    return best
