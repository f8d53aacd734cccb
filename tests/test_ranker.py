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
    assert data["features"] == list(ranker.FEATURES)
    assert all(len(w) == len(ranker.FEATURES) for w in data["stages"])
    model = ranker.default_ranker()
    assert model is not None and len(model.stages) == len(data["stages"])
    # the rules' answer is evidence the model trusts
    assert model.stages[0][ranker.FEATURES.index("rule")] > 0


def test_a_model_for_other_features_is_refused():
    with pytest.raises(ValueError, match="retrain"):
        ranker.Ranker([[0.0, 1.0]], features=["rule", "cue"])


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
