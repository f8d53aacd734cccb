"""A learned ranker over candidate speakers, on top of the rules in `speakers`.

For each quotation the rules propose an answer; `speakers.candidate_tables` lists
the other plausible speakers (cue characters, the conversation's speakers and
addressees, characters recently in the narration) and describes each candidate
with the features below. A linear model scores the candidates and the highest
score wins (a conditional logit: softmax over one quotation's candidates).

Every feature is a plain fact about a candidate ("spoke two turns ago", "matches
the gender of 'she said'", "named by a vocative inside this quotation"), and each
is also crossed with the kind of cue the paragraph has (a named speech verb, a
pronoun, an action beat, none, none at the start of a conversation), so the model
can learn, e.g., that recency matters when there is no cue and hardly at all
after "said Jane".

The shipped model adds boosted regression trees over the same facts to the linear
score (`BlendStage`): the trees catch combinations a weight per fact cannot, the logit
keeps them from overruling clear cues. The trees are plain node lists scored in numpy.

The weights are trained on the PDNC DEV novels by `bench/train_speaker_ranker.py`
(leave-one-novel-out cross-validation decides whether the ranker ships at all;
see BENCHMARKS.md) and shipped as `ficlens/models/speaker_ranker.json`.
"""

from __future__ import annotations

import json
import math
from dataclasses import replace
from functools import lru_cache
from importlib import resources
from typing import Any, Sequence

import numpy as np

from ..model import Quotation, Span

MODEL_FILE = "speaker_ranker.json"

# Facts from the text about one candidate, each 0/1 unless said otherwise.
STATIC_FEATURES = (
    "rule",                   # the rules' final answer
    "rule_before_rereading",  # the rules' answer before turns were re-read between anchors
    "cue",                    # the character of the nearest cue
    "cue_other",              # the character of another cue in the paragraph
    "gender_match",           # the cue is a pronoun/description of this candidate's gender
    "gender_clash",           # ... of the other gender
    "gender_unknown",         # the candidate's gender is not known
    "named_here",             # named as addressee in this quotation (vocative, "said she to X")
    "named_prev_1", "named_prev_2_plus",  # named as addressee that many turns before
    "named_next_1",           # named as addressee by the next turn (so probably speaking now)
    "recent_0", "recent_1", "recent_2", "recent_3_plus",  # rank among characters last mentioned in narration
    "before",                 # mentioned in this paragraph's narration before the quotation
    "after",                  # ... after its start
    "previous",               # mentioned in the previous paragraph's narration
    "in_quote",               # named inside the quotation (usually someone talked about)
    "narrator",               # the first-person narrator
    "prominence",             # log mentions, scaled to the work's most mentioned character
    "speaking",               # log explicit lines in the rules' first pass, scaled likewise
    "gender_recent_0",        # the nearest character in the narration of the cue pronoun's gender
    "gender_recent_1_plus",   # ... a farther one of that gender
    "subject_here",           # a clause subject in this paragraph's narration
    "subject_first",          # ... its first one
    "near_mentions",          # narration mentions in this paragraph and the NEAR_PARAGRAPHS before (0..1)
    "spoke_last_conversation",  # spoke in the chapter's previous conversation
    "out_of_scene",           # neither in the narration since the last scene break (or chapter start) nor a speaker of this conversation
    "style_best",             # the quotation's words are likeliest under this candidate's explicit lines (`idiolect`)
    "style_margin",           # ... by how much over the best other candidate (log ratio / 5, clipped to -1..1)
    "style_known",            # the candidate has enough explicit lines for a word model
    "continues_last",         # "she added", "he went on": this candidate was speaking just before
    "continued_next",         # the next turn is "she added" / "he went on" and fits this candidate
    "addresser_best",         # the one whose explicit lines most often name whom this quotation names (`partners`)
    "addresser_share",        # ... this candidate's share of those lines
    "partner_best",           # the one most often speaking in turns next to the last turn's speaker's
    "partner_share",          # ... this candidate's share of those turns
)
STYLE_SCALE = 5.0  # log-likelihood ratio that counts as a full margin
# Facts about the conversation's turns, given who is thought to speak each turn:
# the rules' answers at first, then the previous stage's.
SEQUENCE_FEATURES = (
    "prev_1", "prev_2", "prev_3", "prev_4_plus",  # last spoke that many turns before
    "next_1", "next_2", "next_3_plus",            # next speaks that many turns after
    "sandwiched",             # speaks both the turn before and the turn after
    "expected",               # addressed by the last turn's speaker, or spoke two turns ago (not last)
    "same_gender_as_prev",    # same known gender as the last turn's speaker, not that speaker
    "turns_spoken",           # turns spoken in the LOOK turns around, scaled to 0..1
    "prev_1_sure", "next_1_sure",  # prev_1 / next_1 weighted by how sure that turn's pick was
)
BASE_FEATURES = STATIC_FEATURES + SEQUENCE_FEATURES
CONDITIONS = ("named", "pronoun", "beat", "none", "none_first")
FEATURES = BASE_FEATURES + tuple(f"{f}&{c}" for c in CONDITIONS for f in BASE_FEATURES)
_STATIC_INDEX = {name: i for i, name in enumerate(STATIC_FEATURES)}
_SEQUENCE_INDEX = {name: i for i, name in enumerate(SEQUENCE_FEATURES)}
LOOK = 10  # turns looked back/ahead for the sequence features


def condition(cue: Any, history_length: int) -> str:
    """The kind of evidence the paragraph gives: which crossed features fire."""
    if cue is None:
        return "none" if history_length else "none_first"
    if cue.gender is not None:
        return "pronoun"
    if cue.how == "beat":
        return "beat"
    return "named"


def static_rows(candidates: Sequence[str], facts: dict, attributor: Any) -> np.ndarray:
    """The (candidates x STATIC_FEATURES) matrix for one quotation; `facts` is
    gathered by `speakers._ChapterAttributor.candidate_features`."""
    rows = np.zeros((len(candidates), len(STATIC_FEATURES)), dtype=np.float32)
    cue = facts["cue"]
    cue_gender = cue.gender if cue is not None else None
    gender = attributor.gender
    top_mentions = math.log1p(max(attributor.prominence.values(), default=0)) or 1.0
    speaking = attributor.speaking or {}
    top_speaking = math.log1p(max(speaking.values(), default=0)) or 1.0
    recent = facts["recent"]
    same_gender = [who for who in recent if gender.get(who) == cue_gender] if cue_gender else []
    style = facts["style"]
    for r, who in enumerate(candidates):
        g = gender.get(who, "unknown")
        values = {
            "rule": who == facts["rule"],
            "rule_before_rereading": who == facts["rule_before_rereading"],
            "cue": cue is not None and who == cue.character,
            "cue_other": who in facts["cue_characters"] and (cue is None or who != cue.character),
            "gender_match": cue_gender is not None and g == cue_gender,
            "gender_clash": cue_gender is not None and g not in (cue_gender, "unknown"),
            "gender_unknown": g == "unknown",
            "named_here": who in facts["named_here"],
            "named_next_1": who in facts["named_next"],
            "before": who in facts["before"],
            "after": who in facts["after"],
            "previous": who in facts["previous"],
            "in_quote": who in facts["in_quote"],
            "narrator": who == attributor.narrator,
            "prominence": math.log1p(attributor.prominence.get(who, 0)) / top_mentions,
            "speaking": math.log1p(speaking.get(who, 0)) / top_speaking,
        }
        values["subject_here"] = who in facts["subjects"]
        values["subject_first"] = bool(facts["subjects"]) and who == facts["subjects"][0]
        values["near_mentions"] = min(facts["near"].get(who, 0), 4) / 4
        values["spoke_last_conversation"] = who in facts["spoke_last_conversation"]
        values["out_of_scene"] = who not in facts["in_scene"]
        values["continues_last"] = who == facts["continues_last"]
        for fact, shares in (("addresser", facts["addressing"]), ("partner", facts["partnering"])):
            values[f"{fact}_share"] = shares[r]
            values[f"{fact}_best"] = shares[r] > 0 and shares[r] == max(shares) and shares.count(shares[r]) == 1
        values["continued_next"] = who in facts["continued_next"]
        if style[r] is not None:
            values["style_known"] = True
            others = [v for k, v in enumerate(style) if v is not None and k != r]
            if others:
                values["style_best"] = style[r] > max(others)
                values["style_margin"] = max(-1.0, min(1.0, (style[r] - max(others)) / STYLE_SCALE))
        if cue_gender is not None and who in same_gender:
            values["gender_recent_0" if same_gender.index(who) == 0 else "gender_recent_1_plus"] = True
        ago = facts["named_ago"].get(who)
        if ago is not None:
            values["named_prev_1" if ago == 1 else "named_prev_2_plus"] = True
        if who in recent:
            rank = recent.index(who)
            values["recent_3_plus" if rank >= 3 else f"recent_{rank}"] = True
        for name, value in values.items():
            if value:
                rows[r, _STATIC_INDEX[name]] = float(value)
    return rows


def sequence_rows(candidates: Sequence[str], turn: tuple[int, int, int], speaker_of: dict,
                  vocatives: dict, gender: dict) -> np.ndarray:
    """The (candidates x SEQUENCE_FEATURES) matrix for one quotation of `turn`,
    given `speaker_of[turn]` for the conversation's turns (a `TurnSpeakers`; a plain
    dict counts every pick as sure)."""
    rows = np.zeros((len(candidates), len(SEQUENCE_FEATURES)), dtype=np.float32)
    chapter, conversation, t = turn
    before = [speaker_of.get((chapter, conversation, t - k)) for k in range(1, LOOK + 1) if t - k >= 0]
    after = [speaker_of.get((chapter, conversation, t + k)) for k in range(1, LOOK + 1)]
    last = before[0] if before else None
    last_gender = gender.get(last, "unknown") if last else "unknown"
    addressed = vocatives.get((chapter, conversation, t - 1), ())
    sure = getattr(speaker_of, "sure", {})
    for r, who in enumerate(candidates):
        row = rows[r]
        if who in before:
            ago = before.index(who) + 1
            row[_SEQUENCE_INDEX["prev_4_plus" if ago >= 4 else f"prev_{ago}"]] = 1.0
            if ago == 1:
                row[_SEQUENCE_INDEX["prev_1_sure"]] = sure.get((chapter, conversation, t - 1), 1.0)
        if who in after:
            ahead = after.index(who) + 1
            row[_SEQUENCE_INDEX["next_3_plus" if ahead >= 3 else f"next_{ahead}"]] = 1.0
            if ahead == 1:
                row[_SEQUENCE_INDEX["next_1_sure"]] = sure.get((chapter, conversation, t + 1), 1.0)
        if last == who and after and after[0] == who:
            row[_SEQUENCE_INDEX["sandwiched"]] = 1.0
        if who != last and (who in addressed or (len(before) >= 2 and before[1] == who)):
            row[_SEQUENCE_INDEX["expected"]] = 1.0
        row[_SEQUENCE_INDEX["turns_spoken"]] = min(before.count(who) + after.count(who), 6) / 6
        g = gender.get(who, "unknown")
        if who != last and g != "unknown" and g == last_gender:
            row[_SEQUENCE_INDEX["same_gender_as_prev"]] = 1.0
    return rows


class TurnSpeakers(dict):
    """(chapter, conversation, turn) -> the speaker of the turn's last quotation; `sure`
    maps the same turns to how sure that pick was (the rules' confidence, then a stage's
    probability), so a later stage can lean less on a guessed neighbour."""

    def __init__(self) -> None:
        super().__init__()
        self.sure: dict = {}


def turn_speakers(tables: Any, speakers: Sequence[str | None],
                  confidence: Sequence[float] | None = None) -> TurnSpeakers:
    """Each turn's speaker from `speakers` (tables order), and how sure each pick was
    from `confidence` (1.0 for every pick without it)."""
    out = TurnSpeakers()
    for k, (turn, speaker) in enumerate(zip(tables.turns, speakers)):
        if speaker:
            out[turn] = speaker
            out.sure[turn] = confidence[k] if confidence is not None else 1.0
    return out


def base_design(tables: Any, speaker_of: dict) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """All quotations' candidate rows stacked (BASE_FEATURES: static + sequence facts),
    each row's condition (index into CONDITIONS), and each quotation's first row."""
    blocks, conditions = [], []
    for candidates, static, cond, turn in zip(tables.candidates, tables.static, tables.conditions, tables.turns):
        if not candidates:
            continue
        sequence = sequence_rows(candidates, turn, speaker_of, tables.vocatives, tables.gender)
        blocks.append(np.hstack([static, sequence]))
        conditions.extend([CONDITIONS.index(cond)] * len(candidates))
    base = np.vstack(blocks) if blocks else np.zeros((0, len(BASE_FEATURES)), dtype=np.float32)
    sizes = [len(c) for c in tables.candidates if c]
    starts = np.concatenate([[0], np.cumsum(sizes)[:-1]]).astype(np.int64) if sizes else np.zeros(0, np.int64)
    return base, np.asarray(conditions, dtype=np.int64), starts


def design(tables: Any, speaker_of: dict) -> tuple[np.ndarray, np.ndarray]:
    """The linear model's rows: BASE_FEATURES, then each crossed with the quotation's
    condition (FEATURES order); and each quotation's first row."""
    base, conditions, starts = base_design(tables, speaker_of)
    return _crossed(base, conditions), starts


def _crossed(base: np.ndarray, conditions: np.ndarray) -> np.ndarray:
    n_base = len(BASE_FEATURES)
    x = np.zeros((len(base), len(FEATURES)), dtype=np.float32)
    x[:, :n_base] = base
    columns = n_base * (1 + conditions)[:, None] + np.arange(n_base)
    x[np.arange(len(base))[:, None], columns] = base
    return x


def group_softmax(scores: np.ndarray, starts: np.ndarray) -> np.ndarray:
    """Softmax of `scores` within each quotation's block of rows."""
    sizes = np.diff(np.append(starts, len(scores)))
    group = np.repeat(np.arange(len(starts)), sizes)
    shifted = scores - np.maximum.reduceat(scores, starts)[group]
    e = np.exp(shifted)
    return e / np.add.reduceat(e, starts)[group]


# The boosted trees read the plain facts and the condition as five 0/1 columns: a
# tree finds the crossings itself.
TREE_FEATURES = BASE_FEATURES + tuple(f"condition_{c}" for c in CONDITIONS)


def tree_design(tables: Any, speaker_of: dict) -> tuple[np.ndarray, np.ndarray]:
    """The boosted trees' rows (TREE_FEATURES order) and each quotation's first row."""
    base, conditions, starts = base_design(tables, speaker_of)
    return _with_condition_columns(base, conditions), starts


def _with_condition_columns(base: np.ndarray, conditions: np.ndarray) -> np.ndarray:
    x = np.zeros((len(base), len(TREE_FEATURES)), dtype=np.float32)
    x[:, : len(BASE_FEATURES)] = base
    x[np.arange(len(base)), len(BASE_FEATURES) + conditions] = 1.0
    return x


class LinearStage:
    """One stage of the conditional logit: a weight per FEATURES column."""

    features = FEATURES

    def __init__(self, weights: Sequence[float]):
        self.weights = np.asarray(weights, dtype=np.float32)

    def rows(self, tables: Any, speaker_of: dict) -> tuple[np.ndarray, np.ndarray]:
        return design(tables, speaker_of)

    def score(self, x: np.ndarray) -> np.ndarray:
        return x @ self.weights

    def to_json(self) -> dict:
        return {"weights": [round(float(w), 5) for w in self.weights]}


class TreeStage:
    """One stage of boosted regression trees over TREE_FEATURES: a candidate's score is
    the sum of the leaves it reaches. Each tree is stored as parallel node lists:
    `feature` (-1 at a leaf), `threshold` (go left when the value is <= it), `left`,
    `right` (node indices) and `value` (the leaf's score)."""

    features = TREE_FEATURES

    def __init__(self, trees: Sequence[dict]):
        self.trees = [
            (np.asarray(t["feature"], dtype=np.int64), np.asarray(t["threshold"], dtype=np.float64),
             np.asarray(t["left"], dtype=np.int64), np.asarray(t["right"], dtype=np.int64),
             np.asarray(t["value"], dtype=np.float64))
            for t in trees
        ]

    def rows(self, tables: Any, speaker_of: dict) -> tuple[np.ndarray, np.ndarray]:
        return tree_design(tables, speaker_of)

    def score(self, x: np.ndarray) -> np.ndarray:
        """Each row's summed leaf values: every tree splits the row indices node by
        node (the rows are few thousand and the trees shallow, so this is cheap)."""
        out = np.zeros(len(x))
        everyone = np.arange(len(x))
        for feature, threshold, left, right, value in self.trees:
            pending = [(0, everyone)]
            while pending:
                node, rows = pending.pop()
                if feature[node] < 0:
                    out[rows] += value[node]
                    continue
                goes_left = x[rows, feature[node]] <= threshold[node]
                for child, part in ((left[node], rows[goes_left]), (right[node], rows[~goes_left])):
                    if len(part):
                        pending.append((child, part))
        return out

    def to_json(self) -> dict:
        return {"trees": [
            {"feature": f.tolist(), "threshold": [float(f"{v:.9g}") for v in t], "left": a.tolist(),
             "right": b.tolist(), "value": [float(f"{v:.7g}") for v in val]}
            for f, t, a, b, val in self.trees
        ]}


class BlendStage:
    """A logit stage plus boosted trees: score = logit + tree_weight x trees. The trees
    alone rank better on PDNC DEV but overrule clear cues the logit keeps (an action
    beat, "he said" right after a scene break brings someone in); added to the logit's
    score they correct it where it is unsure instead."""

    features = FEATURES
    tree_features = TREE_FEATURES

    def __init__(self, linear: LinearStage, trees: TreeStage, tree_weight: float):
        self.linear, self.trees, self.tree_weight = linear, trees, tree_weight

    def rows(self, tables: Any, speaker_of: dict) -> tuple[tuple[np.ndarray, np.ndarray], np.ndarray]:
        base, conditions, starts = base_design(tables, speaker_of)
        return (_crossed(base, conditions), _with_condition_columns(base, conditions)), starts

    def score(self, x: tuple[np.ndarray, np.ndarray]) -> np.ndarray:
        return self.linear.score(x[0]) + self.tree_weight * self.trees.score(x[1])

    def to_json(self) -> dict:
        return {**self.linear.to_json(), **self.trees.to_json(), "tree_weight": self.tree_weight}


def rule_answers(tables: Any) -> tuple[list[str | None], list[float]]:
    """The rules' speaker and confidence for each quotation: what stage 1's turn facts read."""
    return [q.speaker for q in tables.rule_quotes], [q.confidence for q in tables.rule_quotes]


def stage_answers(tables: Any, scores: np.ndarray, starts: np.ndarray) -> tuple[list[str | None], list[float]]:
    """Each quotation's best candidate under one stage's `scores` and its probability
    (the rules' answer where the quotation has no candidates)."""
    speakers, confidence = rule_answers(tables)
    p = group_softmax(scores, starts)
    indexed = [i for i, c in enumerate(tables.candidates) if c]
    for i, start, stop in zip(indexed, starts, np.append(starts[1:], len(p))):
        best = int(p[start:stop].argmax())
        speakers[i] = tables.candidates[i][best]
        confidence[i] = float(p[start + best])
    return speakers, confidence


class Ranker:
    """Scorers applied in stages (`LinearStage`, `TreeStage` or `BlendStage`): each
    stage's choices become the turn speakers the next stage's sequence features read."""

    def __init__(self, stages: Sequence[LinearStage | TreeStage | BlendStage]):
        self.stages = list(stages)

    @classmethod
    def from_json(cls, text: str) -> "Ranker":
        data = json.loads(text)
        kind = data.get("kind", "linear")
        features = {"linear": FEATURES, "trees": TREE_FEATURES, "blend": FEATURES}[kind]
        if tuple(data["features"]) != features or (kind == "blend" and tuple(data["tree_features"]) != TREE_FEATURES):
            raise ValueError("speaker ranker model was trained on other features; retrain it")
        if kind == "linear":
            return cls([LinearStage(s["weights"]) for s in data["stages"]])
        if kind == "trees":
            return cls([TreeStage(s["trees"]) for s in data["stages"]])
        return cls([BlendStage(LinearStage(s["weights"]), TreeStage(s["trees"]), s["tree_weight"])
                    for s in data["stages"]])

    def to_json(self, about: str) -> str:
        first = self.stages[0]
        kind = {LinearStage: "linear", TreeStage: "trees", BlendStage: "blend"}[type(first)]
        model = {"about": about, "kind": kind, "features": list(first.features)}
        if kind == "blend":
            model["tree_features"] = list(TREE_FEATURES)
        model["stages"] = [stage.to_json() for stage in self.stages]
        return json.dumps(model, separators=(",", ":")) + "\n"

    def decide(self, tables: Any) -> tuple[list[str | None], list[float]]:
        """Each quotation's chosen speaker and its probability."""
        speakers, confidence = rule_answers(tables)
        for stage in self.stages:
            x, starts = stage.rows(tables, turn_speakers(tables, speakers, confidence))
            if not len(starts):
                break
            speakers, confidence = stage_answers(tables, stage.score(x), starts)
        return speakers, confidence

    def choose(self, tables: Any) -> list[Quotation]:
        """The rules' quotations with each speaker replaced by the ranker's choice."""
        speakers, confidence = self.decide(tables)
        speakers = keep_abstentions(tables, speakers)
        return [
            _with_speaker(q, speaker, conf, attributor) if tables.candidates[i] and speaker else q
            for i, (q, speaker, conf, attributor) in enumerate(
                zip(tables.rule_quotes, speakers, confidence, tables.attributors))
        ]


def keep_abstentions(tables: Any, speakers: Sequence[str | None]) -> list[str | None]:
    """Where the rules found nobody, the ranker names a speaker only when its pick breaks
    neither reason the rules had: not a woman for "he said" (or the reverse), and not
    the speaker of the turn just before (a new paragraph is a new speaker). A softmax
    over candidates always picks one, so without this an unnamed stranger's lines all
    went to the one named person in the scene."""
    clash = _STATIC_INDEX["gender_clash"]
    by_turn = turn_speakers(tables, speakers)
    out = list(speakers)
    for i, (q, speaker) in enumerate(zip(tables.rule_quotes, speakers)):
        if q.speaker is not None or speaker is None or speaker not in tables.candidates[i]:
            continue
        chapter, conversation, turn = tables.turns[i]
        row = tables.static[i][tables.candidates[i].index(speaker)]
        if row[clash] or (turn > 0 and by_turn.get((chapter, conversation, turn - 1)) == speaker):
            out[i] = None
    return out


def _with_speaker(q: Quotation, speaker: str, confidence: float, attributor: Any) -> Quotation:
    """`q` attributed to `speaker`; kind and cue say what licensed it."""
    confidence = round(confidence, 3)
    if speaker == q.speaker:
        return replace(q, confidence=confidence)
    ctx = attributor.context[q.spans[0][0]]
    cue = ctx.cue
    kind, cue_span = "implicit", None
    if cue is not None and (speaker == cue.character or (
            cue.gender is not None and attributor.gender.get(speaker) == cue.gender)):
        kind = "anaphoric" if cue.gender is not None or cue.how in ("anaphoric", "description") else "explicit"
        cue_span = Span(q.chapter, cue.start, cue.end)
    addressees = [a for a in ctx.named if a != speaker]  # the text's own; else guess anew
    if not addressees:
        addressees = attributor._default_addressees(speaker, list(ctx.history))
    return replace(q, speaker=speaker, addressees=tuple(addressees), kind=kind, confidence=confidence, cue=cue_span)


@lru_cache(maxsize=1)
def default_ranker() -> Ranker | None:
    """The shipped model, or None (rules alone) when the package has none."""
    try:
        text = resources.files("ficlens.models").joinpath(MODEL_FILE).read_text(encoding="utf-8")
    except (FileNotFoundError, ModuleNotFoundError):
        return None
    return Ranker.from_json(text)
