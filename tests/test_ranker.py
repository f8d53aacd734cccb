"""The speaker ranker: its features on hand-built turns, its shipped model, and its
place in the pipeline (the rules' answers re-ranked, not replaced wholesale)."""

from __future__ import annotations

import json
from functools import lru_cache
from importlib import resources
from types import SimpleNamespace

import numpy as np
import pytest

from conftest import FIXTURES
from ficlens import read_work
from ficlens.dialogue import ranker
from ficlens.dialogue.speakers import attribute_speakers, candidate_tables
from ficlens.pipeline import Analysis, characters_layer, parse_layer, quotations_layer


def column(name: str) -> int:
    return ranker.SEQUENCE_FEATURES.index(name)


def test_sequence_features_read_the_turns_before_and_after():
    # turns 0..4 of one conversation: A B ? B A
    speaker_of = {(1, 0, 0): "A", (1, 0, 1): "B", (1, 0, 3): "B", (1, 0, 4): "A"}
    vocatives = {(1, 0, 1): ("A",)}  # turn 1 addresses A
    rows = ranker.sequence_rows(["A", "B", "C"], (1, 0, 2), speaker_of, vocatives, {"A": "she", "B": "he", "C": "he"})
    a, b, c = rows
    assert a[column("prev_2")] == 1 and a[column("next_2")] == 1 and a[column("expected")] == 1
    assert b[column("prev_1")] == 1 and b[column("next_1")] == 1 and b[column("sandwiched")] == 1
    assert b[column("expected")] == 0  # the last speaker is not expected to speak again
    assert c[column("same_gender_as_prev")] == 1 and not c[: column("same_gender_as_prev")].any()


def test_the_neighbouring_turns_count_as_much_as_their_picks_are_sure():
    # turns 0..2: A (sure), ?, B (a guess)
    tables = SimpleNamespace(turns=[(1, 0, 0), (1, 0, 1), (1, 0, 2)])
    speaker_of = ranker.turn_speakers(tables, ["A", None, "B"], [0.9, 0.0, 0.3])
    assert speaker_of == {(1, 0, 0): "A", (1, 0, 2): "B"}
    a, b = ranker.sequence_rows(["A", "B"], (1, 0, 1), speaker_of, {}, {})
    assert a[column("prev_1")] == 1 and a[column("prev_1_sure")] == pytest.approx(0.9)
    assert b[column("next_1")] == 1 and b[column("next_1_sure")] == pytest.approx(0.3)
    assert a[column("next_1_sure")] == 0 and b[column("prev_1_sure")] == 0


def test_design_crosses_each_row_with_its_condition_only():
    static = np.zeros((2, len(ranker.STATIC_FEATURES)), dtype=np.float32)
    static[0, ranker.STATIC_FEATURES.index("cue")] = 1.0
    tables = SimpleNamespace(candidates=[["A", "B"]], static=[static], conditions=["pronoun"],
                             turns=[(1, 0, 0)], vocatives={}, gender={})
    x, starts = ranker.design(tables, {})
    n = len(ranker.BASE_FEATURES)
    cue = ranker.STATIC_FEATURES.index("cue")
    pronoun = 1 + ranker.CONDITIONS.index("pronoun")
    assert list(starts) == [0] and x.shape == (2, len(ranker.FEATURES))
    assert x[0, cue] == 1 and x[0, pronoun * n + cue] == 1 and x[0].sum() == 2
    assert ranker.FEATURES[pronoun * n + cue] == "cue&pronoun"
    assert x[1].sum() == 0


def test_group_softmax_normalises_each_quotation_separately():
    p = ranker.group_softmax(np.array([0.0, 0.0, 5.0, 1.0, 1.0]), np.array([0, 2]))
    assert p[:2] == pytest.approx([0.5, 0.5])
    assert p[2:].sum() == pytest.approx(1.0) and p[2] > p[3] == pytest.approx(p[4])


def test_the_shipped_model_matches_the_features():
    text = resources.files("ficlens.models").joinpath(ranker.MODEL_FILE).read_text(encoding="utf-8")
    data = json.loads(text)
    stage_class = {"linear": ranker.LinearStage, "trees": ranker.TreeStage, "blend": ranker.BlendStage}[data["kind"]]
    assert data["features"] == list(stage_class.features)
    model = ranker.default_ranker()
    assert model is not None and len(model.stages) == len(data["stages"])
    assert all(isinstance(stage, stage_class) for stage in model.stages)
    assert len(text) < 1_000_000


def test_a_model_for_other_features_is_refused():
    model = json.dumps({"kind": "linear", "features": ["rule", "cue"], "stages": [{"weights": [0.0, 1.0]}]})
    with pytest.raises(ValueError, match="retrain"):
        ranker.Ranker.from_json(model)


# two small trees: [f0 <= 0.5 ? 1.0 : -1.0] and [f1 <= 2 ? (f0 <= 0.5 ? 0.1 : 0.2) : 0.3]
TREES = [
    {"feature": [0, -1, -1], "threshold": [0.5, 0, 0], "left": [1, -1, -1], "right": [2, -1, -1],
     "value": [0, 1.0, -1.0]},
    {"feature": [1, 0, -1, -1, -1], "threshold": [2.0, 0.5, 0, 0, 0], "left": [1, 2, -1, -1, -1],
     "right": [4, 3, -1, -1, -1], "value": [0, 0, 0.1, 0.2, 0.3]},
]


def test_tree_stage_sums_the_leaves_each_row_reaches():
    x = np.array([[0, 1], [1, 1], [0, 3], [1, 2]], dtype=np.float32)
    assert ranker.TreeStage(TREES).score(x) == pytest.approx([1.1, -0.8, 1.3, -0.8])
    assert ranker.TreeStage(TREES).score(np.zeros((0, 2), dtype=np.float32)).shape == (0,)


def test_a_tree_model_survives_its_json():
    model = ranker.Ranker([ranker.TreeStage(TREES), ranker.TreeStage(TREES[:1])])
    again = ranker.Ranker.from_json(model.to_json("test"))
    x = np.array([[0, 1], [1, 3]], dtype=np.float32)
    for before, after in zip(model.stages, again.stages):
        assert after.score(x) == pytest.approx(before.score(x))


def test_tree_design_adds_the_condition_as_columns():
    static = np.zeros((3, len(ranker.STATIC_FEATURES)), dtype=np.float32)
    static[:, ranker.STATIC_FEATURES.index("prominence")] = [1.0, 0.25, 0.5]
    tables = SimpleNamespace(candidates=[["A", "B"], ["C"]], static=[static[:2], static[2:]],
                             conditions=["beat", "none_first"], turns=[(1, 0, 0), (1, 1, 0)], vocatives={}, gender={})
    x, starts = ranker.tree_design(tables, {})
    col = {name: i for i, name in enumerate(ranker.TREE_FEATURES)}
    assert list(starts) == [0, 2] and x.shape == (3, len(ranker.TREE_FEATURES))
    assert list(x[:, col["condition_beat"]]) == [1, 1, 0] and x[2, col["condition_none_first"]] == 1
    assert list(x[:, col["prominence"]]) == [1.0, 0.25, 0.5]
    assert x.sum() == 1.75 + 3


@lru_cache(maxsize=1)
def market_day():
    """The fixture's analysis up to the characters, and its candidate tables."""
    work = read_work(FIXTURES / "speakers" / "market_day.txt")
    a = Analysis(work)
    parse_layer(a)
    quotations_layer(a)
    characters_layer(a)
    return work, a, candidate_tables(work, a.parses, a.quotations, a.characters)


def test_ranker_keeps_the_rules_answers_on_a_clear_fixture():
    work, a, tables = market_day()
    assert len(tables.candidates) == len(tables.rule_quotes) == len(a.quotations)
    assert all(q.speaker in cands for q, cands in zip(tables.rule_quotes, tables.candidates) if q.speaker)
    ranked = attribute_speakers(work, a.parses, a.quotations, a.characters)
    rules = attribute_speakers(work, a.parses, a.quotations, a.characters, ranker=None)
    assert [q.speaker for q in ranked] == [q.speaker for q in rules]
    assert all(0.0 < q.confidence <= 1.0 for q in ranked if q.speaker)


def static(tables, i: int, name: str) -> dict[str, float]:
    """Candidate name -> value of one static feature for quotation `i`."""
    col = ranker.STATIC_FEATURES.index(name)
    return {who: float(row[col]) for who, row in zip(tables.candidates[i], tables.static[i])}


def test_paragraph_subject_nearby_mentions_and_pronoun_gender_rank():
    _work, a, tables = market_day()
    names = {c.id: c.name for c in a.characters.characters}

    def by_name(values):
        return {names[who]: value for who, value in values.items()}

    texts = [q.text for q in tables.rule_quotes]
    # "Rosalind shook her head. "Not since Tuesday."": she is the paragraph's subject
    i = texts.index("Not since Tuesday.")
    assert by_name(static(tables, i, "subject_first")) == {"Rosalind Fenwick": 1.0, "Oliver Pike": 0.0, "Wren": 0.0}
    assert by_name(static(tables, i, "subject_here"))["Rosalind Fenwick"] == 1.0
    # counted over this paragraph and the two before, up to 4: Rosalind, her; his (the
    # fishmonger is no character: the layer resolves it to Oliver), Oliver's, he
    assert by_name(static(tables, i, "near_mentions")) == {"Rosalind Fenwick": 0.5, "Oliver Pike": 0.75, "Wren": 0.0}
    # "Somebody has to," he said: Oliver is the nearest "he" in the narration
    i = texts.index("Somebody has to,")
    assert by_name(static(tables, i, "gender_recent_0")) == {"Oliver Pike": 1.0, "Rosalind Fenwick": 0.0, "Wren": 0.0}
    assert not any(static(tables, i, "gender_recent_1_plus").values())


def test_a_blend_adds_the_trees_to_the_logit_and_survives_its_json():
    weights = np.zeros(len(ranker.FEATURES))
    weights[0] = 2.0
    blend = ranker.BlendStage(ranker.LinearStage(weights), ranker.TreeStage(TREES), 0.5)
    crossed = np.zeros((2, len(ranker.FEATURES)), dtype=np.float32)
    crossed[0, 0] = 1.0
    trees = np.array([[0, 1], [1, 3]], dtype=np.float32)
    assert blend.score((crossed, trees)) == pytest.approx([2.0 + 0.5 * 1.1, 0.5 * -0.7])
    again = ranker.Ranker.from_json(ranker.Ranker([blend]).to_json("test")).stages[0]
    assert isinstance(again, ranker.BlendStage) and again.tree_weight == 0.5
    assert again.score((crossed, trees)) == pytest.approx(blend.score((crossed, trees)))
