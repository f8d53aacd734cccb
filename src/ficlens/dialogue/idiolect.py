"""How each character talks: a word model of their explicitly attributed lines, per work.

The rules' explicit attributions ("said Jane", "Mr. Collins replied") are right about nine
times in ten, and their words show how each character speaks: Mrs. Bennet's "my dear" and
"nerves", a dialect's spellings, a foreigner's French. For any quotation, how much likelier
its words are under a candidate's own lines than under everybody's is one more hint the
speaker ranker weighs (`ranker.STATIC_FEATURES`: style_best, style_margin, style_known).
A line never counts as evidence for itself.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from typing import Sequence

from ..model import Quotation

WORD = re.compile(r"[a-z]+(?:'[a-z]+)?|[!?;]|--")
SMOOTHING = 50.0  # Dirichlet prior weight of the background (PDNC DEV: 50 beat 300 and 2,000)
MIN_WORDS = 30  # a character with fewer words of explicit lines has no model


def explicitly_attributed(q: Quotation) -> bool:
    """A line the rules gave a speaker by name and speech verb: the evidence of habits."""
    return q.kind == "explicit" and q.speaker is not None


def words(text: str) -> Counter:
    return Counter(WORD.findall(text.lower().replace("’", "'")))


class Idiolects:
    """Per character, the word counts of the lines the rules attributed explicitly."""

    def __init__(self, quotations: Sequence[Quotation]):
        self.words = [words(q.text) for q in quotations]
        self.lengths = [sum(counts.values()) for counts in self.words]
        self.background: Counter = Counter()
        for counts in self.words:
            self.background.update(counts)
        self.total = sum(self.background.values())
        self.own: dict[str, Counter] = {}
        self.size: Counter = Counter()
        self.explicit = [explicitly_attributed(q) for q in quotations]
        for q, counts, length, explicit in zip(quotations, self.words, self.lengths, self.explicit):
            if explicit:
                self.own.setdefault(q.speaker, Counter()).update(counts)
                self.size[q.speaker] += length

    def score(self, index: int, speaker: str | None, character: str) -> float | None:
        """Log-likelihood ratio of quotation `index`'s words under `character`'s lines
        against all quotations' (None: no model for them). `speaker` is the rules'
        speaker of that quotation: its own words are left out of that model."""
        own = self.own.get(character)
        counts = self.words[index]
        mine = self.explicit[index] and speaker == character
        size = self.size[character] - (self.lengths[index] if mine else 0)
        if own is None or size < MIN_WORDS:
            return None
        ratio = 0.0
        for word, k in counts.items():
            background = self.background[word] / self.total
            n = own[word] - (k if mine else 0)
            ratio += k * (math.log((n + SMOOTHING * background) / (size + SMOOTHING)) - math.log(background))
        return ratio
