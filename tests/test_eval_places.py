"""`ficlens eval litbank --layer places`: gold FAC/GPE/LOC spans read from LitBank's
entity layer, named spans told from descriptions, one-to-one pairing."""

from __future__ import annotations

import json

import pytest

from conftest import EVAL_DIR
from ficlens.eval.litbank_places import is_named, load_gold_places, pair_spans

needs_litbank = pytest.mark.skipif(not (EVAL_DIR / "litbank" / "entities").is_dir(),
                                   reason="no ../shared/eval/litbank")


@pytest.mark.parametrize("tokens, named", [
    (["London"], True), (["the", "Hudson"], True), (["Lincoln", "'s", "Inn", "Hall"], True),
    (["the", "streets"], False), (["The", "house"], False), (["his", "close", "cabin"], False),
])
def test_named_means_a_capital_after_the_determiners(tokens, named):
    assert is_named(tokens) is named


def test_pairing_is_one_to_one_and_exact_allows_a_leading_the():
    text = "He went to the Hudson and to Albany and the Hudson again."
    hudson, albany, hudson2 = (11, 21), (29, 35), (40, 50)
    # Predicted "Hudson" without its "the", "Albany" exact, nothing for the second Hudson,
    # and one prediction overlapping the first gold span twice over.
    predicted = [(15, 21), (17, 21), (29, 35)]
    assert pair_spans([hudson, albany, hudson2], predicted, text, exact=True) == 2
    assert pair_spans([hudson, albany, hudson2], predicted, text, exact=False) == 2
    assert pair_spans([hudson], [(11, 35)], text, exact=False) == 1
    assert pair_spans([hudson], [(11, 35)], text, exact=True) == 0


@needs_litbank
def test_gold_places_of_bleak_house():
    text, gold = load_gold_places(EVAL_DIR / "litbank", "1023_bleak_house_brat")
    first = [(g.kind, g.text, g.named) for g in gold[:4]]
    assert first == [("FAC", "Chancery", True), ("GPE", "London", True), ("FAC", "Lincoln's Inn Hall", True),
                     ("FAC", "the streets", False)]
    for g in gold:
        assert text[g.start:g.end] == g.text


@needs_litbank
def test_places_layer_cli_on_one_work(cli, tmp_path):
    # One work's entity files in a LitBank-shaped folder, so the command runs it alone.
    name = "1023_bleak_house_brat"
    folder = tmp_path / "entities" / "brat"
    folder.mkdir(parents=True)
    for suffix in (".ann", ".txt"):
        source = EVAL_DIR / "litbank" / "entities" / "brat" / f"{name}{suffix}"
        (folder / f"{name}{suffix}").write_bytes(source.read_bytes())
    result = cli("eval", "litbank", tmp_path, "--layer", "places", "--json")
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    assert report["layer"] == "places" and [w["work"] for w in report["works"]] == [name]
    row = report["overall"]
    assert row["gold_named"] == 19 and row["gold_all"] == 64
    # London, Lincoln's Inn Hall, Holborn Hill, Essex ... are found; most descriptions are not.
    assert row["overlap_precision"] >= 0.6 and row["overlap_recall"] >= 0.5


def test_places_layer_on_a_folder_without_entities(cli, tmp_path):
    result = cli("eval", "litbank", tmp_path, "--layer", "places")
    assert result.exit_code == 2 and "no LitBank entity data" in result.output
