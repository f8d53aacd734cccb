"""Who talks to whom, per work, from the lines the rules attributed explicitly.

Two habits a reader picks up: whose lines name whom ("My dear Mr. Bennet" is his wife's
way of addressing him), and who answers whom (two characters speaking in adjacent
explicitly attributed turns). For a quotation that names someone, the candidates who
usually address that person, and for any turn, the usual partners of the last turn's
speaker, are hints the speaker ranker weighs (`ranker.STATIC_FEATURES`: addresser_*,
partner_*). A line never counts as evidence for itself.
"""

from __future__ import annotations

from collections import Counter
from typing import Sequence

from ..model import Quotation
from .idiolect import explicitly_attributed

Turn = tuple[int, int, int]  # (chapter, conversation, turn), as in `speakers`


class Partners:
    def __init__(self, quotations: Sequence[Quotation], turns: Sequence[Turn], vocatives: dict[Turn, tuple[str, ...]]):
        self.quotations, self.turns, self.vocatives = quotations, turns, vocatives
        self.addresses: Counter = Counter()  # (speaker, named) -> explicit lines
        self.by_turn: dict[Turn, list[int]] = {}
        for i, turn in enumerate(turns):
            self.by_turn.setdefault(turn, []).append(i)
        for i, q in enumerate(quotations):
            if explicitly_attributed(q):
                for named in vocatives.get(turns[i], ()):
                    if named != q.speaker:
                        self.addresses[(q.speaker, named)] += 1
        self.explicit_speaker: dict[Turn, str] = {}  # a turn's last explicitly attributed speaker
        for turn, members in self.by_turn.items():
            speakers = [quotations[j].speaker for j in members if explicitly_attributed(quotations[j])]
            if speakers:
                self.explicit_speaker[turn] = speakers[-1]
        self.pairs: Counter = Counter()  # {a, b} -> adjacent explicit turns
        for (chapter, conversation, t), a in self.explicit_speaker.items():
            b = self.explicit_speaker.get((chapter, conversation, t + 1))
            if b and b != a:
                self.pairs[frozenset((a, b))] += 1

    def addressing(self, index: int, candidates: Sequence[str]) -> list[float]:
        """Each candidate's share of the explicit lines naming whom quotation `index`
        names (all zero when it names nobody or nobody's lines do)."""
        q = self.quotations[index]
        named = self.vocatives.get(self.turns[index], ())
        own = explicitly_attributed(q)
        counts = [sum(self.addresses[(who, b)] - (own and who == q.speaker) for b in named if b != who)
                  for who in candidates]
        return _shares(counts)

    def partnering(self, index: int, candidates: Sequence[str]) -> list[float]:
        """Each candidate's share of the adjacent explicit turns with the last turn's speaker."""
        chapter, conversation, t = self.turns[index]
        last = self.explicit_speaker.get((chapter, conversation, t - 1))
        if last is None:
            before = self.by_turn.get((chapter, conversation, t - 1))
            last = self.quotations[before[-1]].speaker if before else None
        if last is None:
            return [0.0] * len(candidates)
        return _shares([self.pairs[frozenset((who, last))] if who != last else 0 for who in candidates])


def _shares(counts: list[int]) -> list[float]:
    total = sum(counts)
    return [n / total for n in counts] if total > 0 else [0.0] * len(counts)
