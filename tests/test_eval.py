"""Evaluation harness: matching and scoring on synthetic lists, corpus loaders on
tiny synthetic folders, and smoke tests on real data when ../shared/eval exists."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from ficlens.errors import InputError
from ficlens.eval import litbank, pdnc
from ficlens.eval.matching import (
    ScoredQuote,
    bcubed,
    combine,
    map_characters,
    match_quotations,
    normalize_name,
    score_quotes,
)

EVAL_DIR = Path(__file__).resolve().parent.parent.parent / "shared" / "eval"


def q(*spans, speaker=None, quote_type=None, text=""):
    return ScoredQuote(spans=tuple(spans), speaker=speaker, quote_type=quote_type, text=text)


# -- one-to-one matching --------------------------------------------------------------------------


def test_one_giant_prediction_matches_only_one_gold():
    gold = [q((0, 10)), q((20, 30)), q((40, 50))]
    pred = [q((0, 50))]
    assert match_quotations(gold, pred) == [(0, 0)]
    score = score_quotes("x", gold, pred, {})
    assert (score.matched, score.precision, score.recall) == (1, 1.0, pytest.approx(1 / 3))


def test_split_prediction_counts_one_match_and_one_false_positive():
    gold = [q((0, 10), (25, 40))]  # one utterance interrupted by narration
    pred = [q((0, 10)), q((25, 40))]
    assert match_quotations(gold, pred) == [(0, 1)]  # the larger overlap
    score = score_quotes("x", gold, pred, {})
    assert (score.precision, score.recall) == (0.5, 1.0)


def test_multi_span_overlap_pairs_exactly():
    gold = [q((0, 10), (25, 40)), q((50, 60))]
    pred = [q((51, 59)), q((1, 9), (26, 39))]
    assert sorted(match_quotations(gold, pred)) == [(0, 1), (1, 0)]


def test_matching_prefers_the_largest_overlap_then_reading_order():
    gold = [q((10, 20))]
    pred = [q((0, 12)), q((12, 20))]  # overlaps 2 vs 8
    assert match_quotations(gold, pred) == [(0, 1)]
    pred = [q((5, 15)), q((15, 25))]  # a tie: the earlier one
    assert match_quotations(gold, pred) == [(0, 0)]


def test_each_prediction_is_used_once_in_reading_order():
    gold = [q((0, 10)), q((5, 15))]
    pred = [q((0, 15))]
    assert match_quotations(gold, pred) == [(0, 0)]


def test_no_overlap_no_match_but_text_fallback_nearby():
    gold = [q((100, 110), text="Hello there")]
    far = [q((500, 511), text="Hello there")]
    near = [q((120, 131), text="Hello  there, friend")]
    assert match_quotations(gold, far) == []
    assert match_quotations(gold, near) == [(0, 0)]


def test_empty_lists():
    assert match_quotations([], [q((0, 1))]) == []
    score = score_quotes("x", [], [], {})
    assert (score.precision, score.recall, score.accuracy) == (0.0, 0.0, 0.0)


# -- characters --------------------------------------------------------------------------------


def test_normalize_name_is_case_and_full_stop_insensitive():
    assert normalize_name("Mr. Darcy") == normalize_name("mr darcy") == "mr darcy"


def test_map_characters_most_shared_names_and_ties_map_to_none():
    gold = {
        "g1": {"Elizabeth Bennet", "Lizzy", "Elizabeth", "Miss Bennet"},
        "g2": {"Jane Bennet", "Jane", "Miss Bennet"},
        "g3": {"Mr. Darcy", "Darcy"},
    }
    predicted = {
        "p1": ["Elizabeth", "Lizzy", "Miss Bennet"],  # 3 with g1, 1 with g2
        "p2": ["Miss Bennet"],  # 1 with g1 and 1 with g2: a tie
        "p3": ["mr darcy"],  # case and full stop ignored
        "p4": ["I"],  # shares nothing
    }
    assert map_characters(predicted, gold) == {"p1": "g1", "p2": None, "p3": "g3", "p4": None}


def test_speaker_accuracy_per_type_counts_missed_quotes_wrong():
    gold = [
        q((0, 10), speaker="g1", quote_type="Explicit"),
        q((20, 30), speaker="g2", quote_type="Implicit"),
        q((40, 50), speaker="g1", quote_type="Anaphoric"),  # missed
    ]
    pred = [q((0, 10), speaker="p1"), q((20, 30), speaker="p1")]
    score = score_quotes("x", gold, pred, {"p1": "g1"})
    assert score.correct == 1
    assert score.accuracy == pytest.approx(1 / 3)
    assert score.type_accuracy("Explicit") == 1.0
    assert score.type_accuracy("Implicit") == 0.0
    assert score.type_accuracy("Anaphoric") == 0.0
    row = score.to_dict()
    assert row["speaker_accuracy_by_type"] == {"Explicit": 1.0, "Anaphoric": 0.0, "Implicit": 0.0}


def test_unmapped_speaker_is_wrong():
    gold = [q((0, 10), speaker="g1", quote_type="Explicit")]
    pred = [q((0, 10), speaker="p9")]
    assert score_quotes("x", gold, pred, {"p9": None}).correct == 0


def test_bcubed_perfect_split_and_merge():
    gold = [{"Harry", "Harry Potter"}, {"Ron", "Ronald Weasley"}]
    perfect, coverage = bcubed([["Harry Potter", "harry"], ["Ron", "Ronald Weasley"]], gold)
    assert (perfect.precision, perfect.recall, perfect.f1, coverage) == (1.0, 1.0, 1.0, 1.0)

    merged, _ = bcubed([["Harry", "Harry Potter", "Ron", "Ronald Weasley"]], gold)
    assert merged.recall == 1.0 and merged.precision == pytest.approx(0.5)

    split, _ = bcubed([["Harry"], ["Harry Potter"], ["Ron", "Ronald Weasley"]], gold)
    assert split.precision == 1.0 and split.recall == pytest.approx(0.75)


def test_bcubed_only_scores_names_both_sides_know():
    gold = [{"Harry", "Harry Potter"}, {"Ron"}]
    prf, coverage = bcubed([["Harry", "the boy"]], gold)
    assert (prf.precision, prf.recall) == (1.0, 1.0)
    assert coverage == pytest.approx(1 / 3)
    empty, coverage = bcubed([["Nobody"]], gold)
    assert (empty.f1, coverage) == (0.0, 0.0)


def test_combine_is_micro_averaged():
    a = score_quotes("a", [q((0, 5), speaker="g", quote_type="Explicit")], [q((0, 5), speaker="p")], {"p": "g"})
    b = score_quotes("b", [q((0, 5), speaker="g", quote_type="Implicit")] * 3, [], {})
    total = combine([a, b])
    assert (total.gold_quotes, total.matched, total.correct) == (4, 1, 1)
    assert total.recall == 0.25 and total.precision == 1.0


# -- PDNC loading on a synthetic folder ---------------------------------------------------------


def write_tiny_pdnc(root: Path) -> Path:
    novel = root / "data" / "TinyNovel"
    novel.mkdir(parents=True)
    text = 'CHAPTER I\n\n"Good morning," said Ada.\n\n"Is it?" asked Bram.\n'
    (novel / "novel_text.txt").write_text(text, encoding="utf-8")
    first, second = text.index("Good morning,"), text.index("Is it?")
    (novel / "quotation_info.csv").write_text(
        "quoteID,quoteText,subQuotationList,quoteByteSpans,speaker,addressees,quoteType,"
        "referringExpression,mentionTextsList,mentionSpansList,mentionEntitiesList\n"
        f'Q0,"Good morning,","[\'Good morning,\']","[[{first}, {first + 13}]]",Ada,"[\'Bram\']",Explicit,Ada,[],[],[]\n'
        f'Q1,"Is it?","[\'Is it?\']","[[{second}, {second + 6}]]",Mr. Bram,"[\'Ada\']",Explicit,Bram,[],[],[]\n',
        encoding="utf-8",
    )
    (novel / "character_info.csv").write_text(
        "Character ID,Main Name,Aliases,Gender,Category\n"
        "0,Ada,\"{'Ada', 'Ada Lovell'}\",F,major\n"
        "1,Bram,\"['Bram', 'Mr. Bram']\",M,major\n",
        encoding="utf-8",
    )
    return novel


def test_load_tiny_pdnc_novel(tmp_path):
    folder = write_tiny_pdnc(tmp_path)
    novel = pdnc.load_novel(folder)
    assert novel.name == "TinyNovel"
    assert [c.names for c in novel.characters] == [{"Ada", "Ada Lovell"}, {"Bram", "Mr. Bram"}]
    assert [(g.speaker, g.quote_type) for g in novel.quotes] == [("0", "Explicit"), ("1", "Explicit")]
    assert [novel.text[g.start:g.end] for g in novel.quotes] == ["Good morning,", "Is it?"]


def test_novel_folders_split_and_selection(tmp_path):
    write_tiny_pdnc(tmp_path)
    (tmp_path / "data" / "HardTimes").mkdir()
    (tmp_path / "data" / "HardTimes" / "novel_text.txt").write_text("x", encoding="utf-8")
    names = lambda folders: [f.name for f in folders]  # noqa: E731
    assert names(pdnc.novel_folders(tmp_path, "dev")) == ["TinyNovel"]
    assert names(pdnc.novel_folders(tmp_path, "test")) == ["HardTimes"]
    assert names(pdnc.novel_folders(tmp_path / "data", "all")) == ["HardTimes", "TinyNovel"]
    assert names(pdnc.novel_folders(tmp_path, "dev", ["HardTimes"])) == ["HardTimes"]
    with pytest.raises(InputError, match="unknown novel"):
        pdnc.novel_folders(tmp_path, "dev", ["Nope"])
    with pytest.raises(InputError, match="no PDNC data"):
        pdnc.novel_folders(tmp_path / "missing", "dev")


def test_scoring_maps_chapter_offsets_back_to_the_file(tmp_path):
    """The reader's offset maps, not eval-only logic, carry spans back to file offsets."""
    from ficlens.ingest.plaintext import read_with_offsets
    from ficlens.pipeline import analyze, quotations_layer

    novel = pdnc.load_novel(write_tiny_pdnc(tmp_path))
    work, maps = read_with_offsets(novel.text, "novel_text.txt")
    doc = analyze(work, layers=[("quotations", quotations_layer)])
    predicted = pdnc.predicted_quotes(doc, maps)
    assert [novel.text[p.start:p.end] for p in predicted] == ["Good morning,", "Is it?"]
    score = pdnc.score_document(novel, doc, maps)
    assert (score.precision, score.recall) == (1.0, 1.0)


# -- LitBank text reconstruction ------------------------------------------------------------------


def test_litbank_rebuild_respaces_tokens_and_breaks_turns():
    sentences = [
        ["She", "looked", "up", "."],
        ["“", "Do", "n't", "go", ",", "”", "said", "Tom", "(", "softly", ")", "."],
        ["‘", "Why", "not", "?", "’"],
    ]
    text, offsets = litbank.rebuild_text(sentences)
    assert text == "She looked up.\n\n“Don't go,” said Tom (softly).\n\n‘Why not?’"
    start, end = offsets[(1, 0)][0], offsets[(1, 5)][1]
    assert text[start:end] == "“Don't go,”"
    assert text[slice(*offsets[(2, 1)])] == "Why"


def test_litbank_rebuild_straight_marks_alternate():
    text, _ = litbank.rebuild_text([['"', "Yes", ",", '"', "he", "said", "."], ['"', "No", ".", '"']])
    assert text == '"Yes," he said.\n\n"No."'


# -- real data (skipped when ../shared/eval is absent) -----------------------------------------------


needs_pdnc = pytest.mark.skipif(not (EVAL_DIR / "pdnc" / "data").is_dir(), reason="no ../shared/eval/pdnc")
needs_litbank = pytest.mark.skipif(not (EVAL_DIR / "litbank").is_dir(), reason="no ../shared/eval/litbank")


@needs_pdnc
def test_pdnc_dev_smoke_quotation_detection():
    """One DEV novel through the reader and the quotation layer: detection is high."""
    from ficlens.ingest.plaintext import read_with_offsets
    from ficlens.pipeline import analyze, quotations_layer

    novel = pdnc.load_novel(EVAL_DIR / "pdnc" / "data" / "DaisyMiller")
    assert len(novel.quotes) == 550 and len(novel.characters) == 10
    work, maps = read_with_offsets(novel.text, "novel_text.txt")
    doc = analyze(work, layers=[("quotations", quotations_layer)])
    score = pdnc.score_document(novel, doc, maps)
    assert score.precision >= 0.95 and score.recall >= 0.9


@needs_pdnc
def test_pdnc_dev_smoke_cli_json(cli):
    result = cli("eval", "pdnc", EVAL_DIR / "pdnc", "--novels", "DaisyMiller", "--json")
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout[result.stdout.index("{"):])
    assert report["setting"] == "end-to-end"
    row = report["novels"][0]
    assert row["novel"] == "DaisyMiller" and row["gold_quotes"] == 550
    assert row["quote_precision"] >= 0.95
    assert set(row["speaker_accuracy_by_type"]) == {"Explicit", "Anaphoric", "Implicit"}


@needs_litbank
def test_litbank_smoke_one_work():
    root = EVAL_DIR / "litbank"
    name = "1342_pride_and_prejudice_brat"
    data = litbank.load_work(root, name)
    assert len(data.quotes) == 62
    assert "Elizabeth" in {n for names in data.entity_names.values() for n in names}
    report = litbank.evaluate(root, works=[name])
    assert report.overall.precision >= 0.9 and report.overall.recall >= 0.9


def test_bad_directory_is_an_input_error(cli):
    result = cli("eval", "pdnc", "/nonexistent/pdnc")
    assert result.exit_code == 2 and "no PDNC data" in result.output
    result = cli("eval", "litbank", "/nonexistent/litbank")
    assert result.exit_code == 2 and "no LitBank data" in result.output
