"""Gender from the text: the pronouns that follow a name, and titles.

After each name mention, the first third-person pronoun in the rest of its
sentence or the next sentence votes for the name's form ("Harry sat down. He
..."), unless another name comes first (then the pronoun more likely refers to
the nearer name) or the pronoun is on the other side of a quotation boundary.
A subject pronoun after a subject name counts double: the commonest and safest
pattern. Titles (Mr./Mrs./Lady/Sir) decide outright in `Cluster.gender`.
"""

from __future__ import annotations

from .discover import NameMatch
from .names import PRONOUN_GENDER
from .scan import ChapterTokens

_SUBJECT_DEPS = frozenset({"nsubj", "nsubjpass"})
_OBJECT_DEPS = frozenset({"dobj", "pobj", "dative", "iobj"})
_LOOKAHEAD = 40  # tokens


def pronoun_votes(tables: list[ChapterTokens], matches: list[NameMatch]) -> dict[int, tuple[float, float]]:
    """Per match (by position in `matches`): (he, she) vote from the next pronoun."""
    votes: dict[int, tuple[float, float]] = {}
    # Name token positions per chapter table, to stop at the next name.
    name_starts: dict[int, set[int]] = {}
    for m in matches:
        name_starts.setdefault(m.table, set()).add(m.first)
    for n, m in enumerate(matches):
        tokens = tables[m.table].tokens
        names_here = name_starts[m.table]
        head_tok = tokens[m.last]
        limit_sent = head_tok.sent + 1
        for k in range(m.last + 1, min(len(tokens), m.last + _LOOKAHEAD)):
            t = tokens[k]
            if t.sent > limit_sent or t.quote != head_tok.quote:
                break
            if k in names_here:
                break
            gender = PRONOUN_GENDER.get(t.lower)
            if gender is None or t.pos != "PRON":
                continue
            if t.sent == head_tok.sent and t.tag == "PRP" and t.dep in _OBJECT_DEPS:
                continue  # "Harry looked at her": an object is someone else
            weight = 1.0
            if t.dep in _SUBJECT_DEPS and head_tok.dep in _SUBJECT_DEPS:
                weight = 2.0
            elif t.sent != head_tok.sent:
                weight = 0.5
            votes[n] = (weight, 0.0) if gender == "he" else (0.0, weight)
            break
    return votes
