"""Scoring shared by the PDNC and LitBank evaluations.

* `match_quotations`: one-to-one pairing of gold and predicted quotations in
  reading order, so one huge predicted quotation cannot score as many.
* `map_characters`: predicted character -> gold character by shared name strings.
* `bcubed`: B-cubed precision/recall/F1 of predicted name clusters against gold
  alias sets (extended B-cubed, since a name may sit in more than one set).
* `score_novel` / `combine`: the per-novel and overall report figures.
"""

from __future__ import annotations

import bisect
import re
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Iterable, Sequence

QUOTE_TYPES = ("Explicit", "Anaphoric", "Implicit")


@dataclass(frozen=True, slots=True)
class ScoredQuote:
    """A quotation as the scorer sees it: sub-spans in one offset system (the gold
    file's), and a speaker id on the side it comes from (gold id or predicted id)."""

    spans: tuple[tuple[int, int], ...]
    speaker: str | None = None
    quote_type: str | None = None  # gold only: Explicit / Anaphoric / Implicit
    text: str = ""

    @property
    def start(self) -> int:
        return min(s for s, _ in self.spans)

    @property
    def end(self) -> int:
        return max(e for _, e in self.spans)


def _overlap(a: ScoredQuote, b: ScoredQuote) -> int:
    total = 0
    for a_start, a_end in a.spans:
        for b_start, b_end in b.spans:
            total += max(0, min(a_end, b_end) - max(a_start, b_start))
    return total


_SPACE_RE = re.compile(r"\s+")


def _squash(text: str) -> str:
    return _SPACE_RE.sub(" ", text).strip().lower()


def match_quotations(
    gold: Sequence[ScoredQuote], pred: Sequence[ScoredQuote], text_window: int = 200
) -> list[tuple[int, int]]:
    """Pairs (gold index, pred index), one-to-one, made in reading order.

    Gold quotations are visited by start offset; each takes the still-unpaired
    predicted quotation whose sub-spans overlap its sub-spans the most (earliest on a
    tie). A gold quotation nothing overlaps may still pair, where offsets disagree,
    with an unpaired prediction starting within `text_window` characters whose text
    contains the gold text (both whitespace-squashed and lowercased)."""
    gold_order = sorted(range(len(gold)), key=lambda i: (gold[i].start, gold[i].end))
    pred_order = sorted(range(len(pred)), key=lambda j: (pred[j].start, pred[j].end))
    pred_starts = [pred[j].start for j in pred_order]
    pred_ends_max: list[int] = []  # running max of ends, to bound the backwards scan
    running = -1
    for j in pred_order:
        running = max(running, pred[j].end)
        pred_ends_max.append(running)
    taken = [False] * len(pred)
    pairs: list[tuple[int, int]] = []
    for gi in gold_order:
        g = gold[gi]
        hi = bisect.bisect_left(pred_starts, g.end)  # preds starting before the gold ends
        best, best_overlap = None, 0
        k = hi - 1
        while k >= 0 and pred_ends_max[k] > g.start:
            pj = pred_order[k]
            if not taken[pj]:
                ov = _overlap(g, pred[pj])
                if ov > 0 and ov >= best_overlap:  # scanning backwards: ties go to the earliest
                    best, best_overlap = pj, ov
            k -= 1
        if best is None and g.text:
            wanted = _squash(g.text)
            lo = bisect.bisect_left(pred_starts, g.start - text_window)
            hi = bisect.bisect_right(pred_starts, g.end + text_window)
            for k in range(lo, hi):
                pj = pred_order[k]
                if not taken[pj] and wanted and wanted in _squash(pred[pj].text):
                    best = pj
                    break
        if best is not None:
            taken[best] = True
            pairs.append((gi, best))
    return pairs


# -- characters ------------------------------------------------------------------------------


def normalize_name(name: str) -> str:
    """Case- and full-stop-insensitive form of a name ("Mr. Darcy" == "mr darcy")."""
    return _SPACE_RE.sub(" ", name.replace(".", " ").lower()).strip()


def map_characters(
    predicted: dict[str, Iterable[str]], gold: dict[str, Iterable[str]]
) -> dict[str, str | None]:
    """Predicted character id -> gold character id (or None).

    `predicted` / `gold` give each character's name strings (name + aliases). A
    predicted character maps to the gold character sharing the most distinct
    normalised strings with it; no shared string, or a tie, maps to None."""
    gold_by_name: dict[str, set[str]] = defaultdict(set)
    for gold_id, names in gold.items():
        for name in {normalize_name(n) for n in names}:
            if name:
                gold_by_name[name].add(gold_id)
    mapping: dict[str, str | None] = {}
    for pred_id, names in predicted.items():
        counts: dict[str, int] = defaultdict(int)
        for name in {normalize_name(n) for n in names}:
            for gold_id in gold_by_name.get(name, ()):
                counts[gold_id] += 1
        if not counts:
            mapping[pred_id] = None
            continue
        top = max(counts.values())
        winners = [g for g, c in counts.items() if c == top]
        mapping[pred_id] = winners[0] if len(winners) == 1 else None
    return mapping


@dataclass(frozen=True, slots=True)
class PRF:
    precision: float
    recall: float
    f1: float


def _f1(p: float, r: float) -> float:
    return 2 * p * r / (p + r) if p + r else 0.0


def bcubed(predicted: Iterable[Iterable[str]], gold: Iterable[Iterable[str]]) -> tuple[PRF, float]:
    """Extended B-cubed (Amigó et al. 2009, which allows a name in several sets) of
    predicted name clusters against gold alias sets, over the normalised name strings
    both sides contain. Also returns coverage: the share of gold name strings found in
    some predicted cluster (names never found do not enter P/R)."""
    pred_sets = [s for s in ({normalize_name(n) for n in c} - {""} for c in predicted) if s]
    gold_sets = [s for s in ({normalize_name(n) for n in c} - {""} for c in gold) if s]
    gold_items = set().union(*gold_sets) if gold_sets else set()
    pred_items = set().union(*pred_sets) if pred_sets else set()
    items = gold_items & pred_items
    coverage = len(items) / len(gold_items) if gold_items else 0.0
    if not items:
        return PRF(0.0, 0.0, 0.0), coverage
    pred_of: dict[str, set[int]] = defaultdict(set)
    gold_of: dict[str, set[int]] = defaultdict(set)
    for k, s in enumerate(pred_sets):
        for n in s & items:
            pred_of[n].add(k)
    for k, s in enumerate(gold_sets):
        for n in s & items:
            gold_of[n].add(k)
    pred_members = [s & items for s in pred_sets]
    gold_members = [s & items for s in gold_sets]

    def side(own_of, own_members, other_of) -> float:
        total = 0.0
        for e in items:
            partners = set().union(*(own_members[k] for k in own_of[e]))
            score = 0.0
            for e2 in partners:
                shared_own = len(own_of[e] & own_of[e2])
                shared_other = len(other_of[e] & other_of[e2])
                score += min(shared_own, shared_other) / shared_own
            total += score / len(partners)
        return total / len(items)

    p = side(pred_of, pred_members, gold_of)
    r = side(gold_of, gold_members, pred_of)
    return PRF(p, r, _f1(p, r)), coverage


# -- the report --------------------------------------------------------------------------------


@dataclass(slots=True)
class NovelScore:
    """Counts for one novel; ratios are derived so novels can be summed."""

    name: str
    gold_quotes: int = 0
    pred_quotes: int = 0
    matched: int = 0
    correct: int = 0
    by_type_total: dict[str, int] = field(default_factory=dict)
    by_type_correct: dict[str, int] = field(default_factory=dict)
    clustering: PRF | None = None
    name_coverage: float | None = None
    characters_predicted: int = 0
    characters_gold: int = 0

    @property
    def precision(self) -> float:
        return self.matched / self.pred_quotes if self.pred_quotes else 0.0

    @property
    def recall(self) -> float:
        return self.matched / self.gold_quotes if self.gold_quotes else 0.0

    @property
    def accuracy(self) -> float:
        return self.correct / self.gold_quotes if self.gold_quotes else 0.0

    def type_accuracy(self, quote_type: str) -> float | None:
        total = self.by_type_total.get(quote_type, 0)
        return self.by_type_correct.get(quote_type, 0) / total if total else None

    def to_dict(self) -> dict:
        out = {
            "novel": self.name,
            "gold_quotes": self.gold_quotes,
            "predicted_quotes": self.pred_quotes,
            "matched": self.matched,
            "quote_precision": round(self.precision, 4),
            "quote_recall": round(self.recall, 4),
            "speaker_accuracy": round(self.accuracy, 4),
            "speaker_accuracy_by_type": {
                t: (None if (a := self.type_accuracy(t)) is None else round(a, 4)) for t in QUOTE_TYPES
            },
            "speaker_correct": self.correct,
            "characters_predicted": self.characters_predicted,
            "characters_gold": self.characters_gold,
        }
        if self.clustering is not None:
            out["clustering_bcubed"] = {
                "precision": round(self.clustering.precision, 4),
                "recall": round(self.clustering.recall, 4),
                "f1": round(self.clustering.f1, 4),
                "name_coverage": round(self.name_coverage or 0.0, 4),
            }
        return out


def score_quotes(
    name: str,
    gold: Sequence[ScoredQuote],
    pred: Sequence[ScoredQuote],
    speaker_map: dict[str, str | None],
) -> NovelScore:
    """Detection and speaker counts for one text. `speaker_map` maps predicted speaker
    ids to gold ids (see `map_characters`)."""
    score = NovelScore(name, gold_quotes=len(gold), pred_quotes=len(pred))
    pairs = match_quotations(gold, pred)
    score.matched = len(pairs)
    paired = dict(pairs)
    for gi, g in enumerate(gold):
        quote_type = g.quote_type or "Unknown"
        score.by_type_total[quote_type] = score.by_type_total.get(quote_type, 0) + 1
        pj = paired.get(gi)
        if pj is None or g.speaker is None:
            continue
        predicted_speaker = pred[pj].speaker
        if predicted_speaker is not None and speaker_map.get(predicted_speaker) == g.speaker:
            score.correct += 1
            score.by_type_correct[quote_type] = score.by_type_correct.get(quote_type, 0) + 1
    return score


def combine(scores: Sequence[NovelScore], name: str = "ALL") -> NovelScore:
    """Micro-averaged totals over novels (clustering: macro average of F1 parts)."""
    total = NovelScore(name)
    for s in scores:
        total.gold_quotes += s.gold_quotes
        total.pred_quotes += s.pred_quotes
        total.matched += s.matched
        total.correct += s.correct
        total.characters_predicted += s.characters_predicted
        total.characters_gold += s.characters_gold
        for t, n in s.by_type_total.items():
            total.by_type_total[t] = total.by_type_total.get(t, 0) + n
        for t, n in s.by_type_correct.items():
            total.by_type_correct[t] = total.by_type_correct.get(t, 0) + n
    clustered = [s for s in scores if s.clustering is not None]
    if clustered:
        p = sum(s.clustering.precision for s in clustered) / len(clustered)
        r = sum(s.clustering.recall for s in clustered) / len(clustered)
        total.clustering = PRF(p, r, sum(s.clustering.f1 for s in clustered) / len(clustered))
        total.name_coverage = sum(s.name_coverage or 0.0 for s in clustered) / len(clustered)
    return total
