"""Interactions, profiles and tag_check (ficlens.narrative) on our own fixture,
through the real pipeline: exact weights, verbs, descriptions and flags.

fixtures/narrative_people/net_loft.html is an original two-chapter AO3 download:
Tamsin and Owain at the harbour with Jory (chapter 1); Tamsin with Hester in the
net loft, a scene break, then Tamsin with Jory (chapter 2). Tagged: Tamsin,
Owain, Hester and Ambrose Fenwick (who never appears); Jory is untagged but
everywhere; the tagged Owain/Hester never share a scene.
"""

from __future__ import annotations

import json
from functools import lru_cache

import pytest

from conftest import EXAMPLE_WORK, FIXTURES
from ficlens import analyze, read_work
from ficlens.export.document import layers_document, validate, work_document
from ficlens.model import Scene, Span
from ficlens.narrative.interactions import find_interactions, network_summary, Interaction
from ficlens.pipeline import run_layers

NET_LOFT = FIXTURES / "narrative_people" / "net_loft.html"


@lru_cache(maxsize=None)
def analysed():
    return run_layers(read_work(NET_LOFT))


@pytest.fixture(scope="module")
def net_loft():
    analysis = analysed()
    doc = work_document(analysis.work)
    doc.update(layers_document(analysis))
    doc = json.loads(json.dumps(doc))  # exactly what is written to disk
    ids = {c["name"]: c["id"] for c in doc["characters"]}
    return analysis, doc, ids


def pair_counts(doc, ids, x, y):
    """(lines x->y, lines y->x, mentions x of y, mentions y of x, shared, weight)."""
    for p in doc["interactions"]["pairs"]:
        if (p["a"], p["b"]) in ((ids[x], ids[y]), (ids[y], ids[x])):
            flip = p["a"] != ids[x]
            lines = (p["lines_b_to_a"], p["lines_a_to_b"]) if flip else (p["lines_a_to_b"], p["lines_b_to_a"])
            mentions = (p["mentions_b_of_a"], p["mentions_a_of_b"]) if flip else (p["mentions_a_of_b"], p["mentions_b_of_a"])
            return (*lines, *mentions, len(p["together"]), p["weight"])
    return None


# -- interactions -----------------------------------------------------------------------------


def test_interaction_weights_count_lines_mentions_and_shared_scenes(net_loft):
    _, doc, ids = net_loft
    # The scenes layer: chapter 1, then chapter 2 split at its break (Hester is in both halves).
    assert doc["interactions"]["unit"] == "scene"
    # Jory -> Tamsin: three lines to her; Tamsin -> Jory: "…, Jory" and "Jory, wait for me!".
    # Mentions: "Jory ran ahead, and Tamsin followed him" counts both ways; "Tamsin told him".
    assert pair_counts(doc, ids, "Jory Penhallow", "Tamsin Reedy") == (3, 2, 1, 2, 2, 10)
    # Tamsin's "I am cold" answers Hester; Hester's "Sit down, Tamsin, …" is said to her (a
    # vocative mid-stretch), so a line, not a mention; Tamsin's "Hester says…" mentions
    # Hester; "Hester mended a net while Tamsin talked" counts both ways; two scenes together.
    assert pair_counts(doc, ids, "Tamsin Reedy", "Hester Quill") == (1, 1, 2, 1, 2, 7)
    # "Owain held the lantern while she checked the hull": both act; "…, and Owain
    # Blackwood was sitting" after "Her boat": Owain acts, Tamsin is mentioned.
    assert pair_counts(doc, ids, "Tamsin Reedy", "Owain Blackwood") == (1, 0, 1, 2, 1, 5)
    # "Jory handed him a crab, and Owain dropped it": one sentence, both act.
    assert pair_counts(doc, ids, "Jory Penhallow", "Owain Blackwood") == (1, 0, 1, 1, 1, 4)
    # Jory's "Hester says a lot of things" is his only mention of her.
    assert pair_counts(doc, ids, "Jory Penhallow", "Hester Quill") == (0, 0, 1, 0, 1, 2)
    assert pair_counts(doc, ids, "Owain Blackwood", "Hester Quill") is None
    assert [p["weight"] for p in doc["interactions"]["pairs"]] == [10, 7, 5, 4, 2]  # heaviest first


def test_network_summary_degrees_and_centrality(net_loft):
    _, doc, ids = net_loft
    names = {v: k for k, v in ids.items()}
    summary = {names[n["character"]]: (n["degree"], n["weighted_degree"], n["degree_centrality"], n["betweenness"])
               for n in doc["interactions"]["network"]}
    # Five nodes; Owain and Hester are joined only through Tamsin or Jory (two shortest
    # paths, half each, normalised by the 6 pairs of the other four): 0.5 / 6.
    assert summary == {
        "Jory Penhallow": (3, 16, 0.75, 0.0833),
        "Tamsin Reedy": (3, 22, 0.75, 0.0833),
        "Owain Blackwood": (2, 9, 0.5, 0.0),
        "Hester Quill": (2, 9, 0.5, 0.0),
        "Ambrose Fenwick": (0, 0, 0.0, 0.0),
    }


@pytest.mark.parametrize("path", [NET_LOFT, EXAMPLE_WORK], ids=lambda p: p.name)
def test_end_to_end_co_presence_is_exactly_the_scenes_layers_scenes(path):
    """Through `analyze`: each pair's `together` spans are the document's scenes that
    list both characters, and every such scene is counted."""
    doc = analyze(read_work(path))
    assert doc["interactions"]["unit"] == "scene" and doc["scenes"]
    expected: dict[tuple[str, str], list[tuple]] = {}
    for scene in doc["scenes"]:
        present = scene["characters"]
        for x in present:
            for y in present:
                if x < y:
                    expected.setdefault((x, y), []).append((scene["chapter"], scene["start"], scene["end"]))
    got = {tuple(sorted((p["a"], p["b"]))): [(s["chapter"], s["start"], s["end"]) for s in p["together"]]
           for p in doc["interactions"]["pairs"] if p["together"]}
    assert got == expected


def test_co_presence_follows_the_scenes_when_there_are_some(net_loft):
    analysis, _, ids = net_loft
    chapter2 = analysis.work.chapters[1]
    break_at = chapter2.scene_breaks[0].offset
    tamsin, hester, jory = ids["Tamsin Reedy"], ids["Hester Quill"], ids["Jory Penhallow"]
    scenes = [
        Scene("S1", 1, 0, len(analysis.work.chapters[0].text), "chapter",
              characters=(tamsin, ids["Owain Blackwood"], jory)),
        Scene("S2", 2, 0, break_at, "chapter", characters=(hester, tamsin)),
        Scene("S3", 2, break_at, len(chapter2.text), "break", characters=(jory, tamsin, hester)),
    ]
    layer = find_interactions(analysis.work, analysis.characters, analysis.quotations, analysis.parses, scenes)
    assert layer.unit == "scene"
    assert layer.pair(tamsin, hester).together == (Span(2, 0, break_at), Span(2, break_at, len(chapter2.text)))
    assert layer.pair(jory, hester).together == (Span(2, break_at, len(chapter2.text)),)
    assert layer.pair(jory, tamsin).weight == 3 + 2 + 1 + 2 + 2


def test_network_summary_of_a_path():
    # A - B - C: B is on the only shortest path between A and C.
    pairs = [Interaction("A", "B", lines_a_to_b=2), Interaction("B", "C", mentions_a_of_b=1)]
    summary = {n.character: (n.degree, n.weighted_degree, n.degree_centrality, n.betweenness)
               for n in network_summary(["A", "B", "C", "D"], pairs)}
    assert summary == {"A": (1, 2, 0.3333, 0.0), "B": (2, 3, 0.6667, 0.3333),
                       "C": (1, 1, 0.3333, 0.0), "D": (0, 0, 0.0, 0.0)}


# -- profiles ---------------------------------------------------------------------------------


def profile(doc, name):
    (found,) = [p for p in doc["profiles"] if p["name"] == name]
    return {k: [(c["text"], c["count"]) for c in v] if isinstance(v, list) else v for k, v in found.items()}


def test_profile_actions_include_bare_coordinated_verbs(net_loft):
    _, doc, _ = net_loft
    tamsin = profile(doc, "Tamsin Reedy")
    # "Tamsin climbed down into the mud and pushed her boat upright."
    assert ("climb", 1) in tamsin["actions"] and ("push", 1) in tamsin["actions"]
    # Speech verbs beside her lines ("said Tamsin", "Tamsin called") are her dialogue, not actions.
    assert tamsin["actions"] == [("check", 1), ("climb", 1), ("come", 1), ("follow", 1),
                                 ("push", 1), ("sit", 1), ("talk", 1), ("warm", 1)]
    assert tamsin["possessions"] == [("boat", 2), ("hand", 1)]


def test_profile_negated_verbs_say_so(net_loft):
    _, doc, _ = net_loft
    # "he still could not tie a bowline": Owain does not tie.
    actions = dict(profile(doc, "Owain Blackwood")["actions"])
    assert actions.get("not tie") == 1 and "tie" not in actions


def test_profile_what_is_done_to_them(net_loft):
    _, doc, _ = net_loft
    # "Tamsin followed him", "Tamsin told him"; "Jory handed him a crab" is Owain's.
    assert profile(doc, "Jory Penhallow")["acted_on"] == [("follow", 1), ("tell", 1)]
    assert profile(doc, "Owain Blackwood")["acted_on"] == [("hand", 1)]


def test_profile_descriptions_from_complements_and_appositions(net_loft):
    _, doc, _ = net_loft
    assert profile(doc, "Owain Blackwood")["descriptions"] == [("quiet", 1), ("tall", 1)]  # "was tall and quiet"
    assert profile(doc, "Hester Quill")["descriptions"] == [("clever", 1), ("old", 1)]  # "She was old and clever"
    assert profile(doc, "Jory Penhallow")["descriptions"] == [("happy", 2), ("the harbourmaster’s nephew", 1)]


def test_profile_dialogue_share_and_appearances(net_loft):
    analysis, doc, _ = net_loft
    owain = profile(doc, "Owain Blackwood")
    assert owain["dialogue"] == {"lines": 2, "share": round(2 / 13, 4), "words": 5}
    text1 = analysis.work.chapters[0].text
    first, last = owain["first_appearance"], owain["last_appearance"]
    assert (first["chapter"], text1[first["start"]:first["end"]]) == (1, "Owain Blackwood")
    assert (last["chapter"], text1[last["start"]:last["end"]]) == (1, "Owain")
    assert last["start"] == text1.index("Owain held the lantern")
    absent = profile(doc, "Ambrose Fenwick")
    assert absent["first_appearance"] is None and absent["actions"] == []


# -- tag_check --------------------------------------------------------------------------------


def test_tag_check_characters_and_the_absent_one(net_loft):
    _, doc, ids = net_loft
    check = doc["tag_check"]
    assert [(t["tag"], t["mentions"], t["lines"], t["absent"]) for t in check["characters"]] == [
        ("Tamsin Reedy", 16, 5, False),
        ("Owain Blackwood", 12, 2, False),
        ("Hester Quill", 8, 2, False),
        ("Ambrose Fenwick (Gullhaven Tales)", 0, 0, True),
    ]
    assert check["characters"][3]["character"] == ids["Ambrose Fenwick"]


def test_tag_check_prominent_untagged(net_loft):
    _, doc, _ = net_loft
    check = doc["tag_check"]
    assert check["thresholds"] == {"prominent_share": 0.1, "prominent_min_mentions": 5}
    assert [(u["name"], u["mentions"], u["lines"], u["mention_share"]) for u in check["prominent_untagged"]] == [
        ("Jory Penhallow", 18, 4, round(18 / 54, 4)),
    ]


def test_tag_check_relationships_and_the_pairing_that_never_meets(net_loft):
    _, doc, _ = net_loft
    rels = {r["tag"]: (r["kind"], [p["weight"] for p in r["pairs"]], [p["shared_scenes"] for p in r["pairs"]],
                       r["never_share_scene"]) for r in doc["tag_check"]["relationships"]}
    assert rels == {
        "Tamsin Reedy/Owain Blackwood": ("romantic", [5], [1], False),
        "Tamsin Reedy & Hester Quill": ("platonic", [7], [2], False),
        "Owain Blackwood/Hester Quill": ("romantic", [0], [0], True),
    }


def test_a_work_without_tags_flags_no_one():
    analysis = run_layers(read_work(FIXTURES / "speakers" / "market_day.txt"))
    assert analysis.tag_check.characters == [] and analysis.tag_check.prominent_untagged == []


def test_the_document_validates(net_loft):
    _, doc, _ = net_loft
    validate(doc)


# -- the `network` and `profile` commands ----------------------------------------------------


@pytest.mark.parametrize("fmt", ["graphml", "gexf"])
def test_network_graph_files_read_back_with_networkx(cli, tmp_path, fmt):
    import networkx as nx

    path = tmp_path / f"net_loft.{fmt}"
    result = cli("network", NET_LOFT, "--format", fmt, "-o", path)
    assert result.exit_code == 0, result.output
    graph = (nx.read_graphml if fmt == "graphml" else nx.read_gexf)(path)
    labels = {graph.nodes[n]["label"] for n in graph.nodes}
    assert labels == {"Tamsin Reedy", "Owain Blackwood", "Hester Quill", "Jory Penhallow", "Ambrose Fenwick"}
    by_label = {graph.nodes[n]["label"]: n for n in graph.nodes}
    edge = graph.edges[by_label["Jory Penhallow"], by_label["Tamsin Reedy"]]
    assert (int(edge["weight"]), int(edge["lines_source_to_target"]), int(edge["shared_scenes"])) == (10, 3, 2)
    assert not graph.has_edge(by_label["Owain Blackwood"], by_label["Hester Quill"])
    assert graph.number_of_edges() == 5
    assert int(graph.nodes[by_label["Tamsin Reedy"]]["weighted_degree"]) == 22


def test_network_csv_and_json(cli):
    import csv
    import io

    rows = list(csv.DictReader(io.StringIO(cli("network", NET_LOFT, "--format", "csv").output)))
    assert [(r["source_name"], r["target_name"], r["weight"]) for r in rows if r["weight"] == "10"] == [
        ("Jory Penhallow", "Tamsin Reedy", "10")]
    assert len(rows) == 5
    data = json.loads(cli("network", NET_LOFT, "--format", "json").output)
    assert len(data["nodes"]) == 5 and len(data["edges"]) == 5


def test_profile_command_finds_a_character_by_alias(cli):
    result = cli("profile", NET_LOFT, "hester")
    assert result.exit_code == 0, result.output
    lines = [" ".join(line.split()) for line in result.output.splitlines()]
    assert lines[0] == "Hester Quill C4 (tagged)"
    assert "Described as clever, old" in lines
    assert "Does keep, mend" in lines  # her two "said"s are counted as dialogue
    assert "Interacts with Tamsin Reedy (7), Jory Penhallow (2)" in lines


def test_profile_command_unknown_name_is_one_line_and_exit_2(cli):
    result = cli("profile", NET_LOFT, "Freddie Marsh")
    assert result.exit_code == 2
    assert result.output.strip().splitlines() == [
        f"ficlens: error: {NET_LOFT}: no character named 'Freddie Marsh' (characters: Jory Penhallow, "
        "Tamsin Reedy, Owain Blackwood, Hester Quill, Ambrose Fenwick)"
    ]


def test_an_object_pronoun_is_never_the_subject_of_its_own_verb(net_loft):
    # "Owain laughed. Jory handed him a crab": Jory was mentioned more recently and is
    # male, but the one handed something is not the one handing it.
    analysis, _, ids = net_loft
    text = analysis.work.chapters[0].text
    at = text.index("handed him") + len("handed ")
    assert analysis.characters.character_for_mention(1, at, at + 3) == ids["Owain Blackwood"]


def test_find_character_by_name_alias_id_or_one_word():
    from ficlens.errors import UnknownNameError
    from ficlens.export.profile import find_character

    doc = {"characters": [
        {"id": "C1", "name": "Nora Crane", "aliases": ["Nora", "Miss Crane"]},
        {"id": "C2", "name": "Elias Crane", "aliases": ["Elias"]},
        {"id": "C3", "name": "Peregrine Vale", "aliases": []},
    ]}
    assert find_character(doc, "miss crane")["id"] == "C1"
    assert find_character(doc, "Peregrine Vale (Lanternwright)")["id"] == "C3"
    assert find_character(doc, "C2")["id"] == "C2"
    assert find_character(doc, "vale")["id"] == "C3"
    with pytest.raises(UnknownNameError, match="'Crane' may be any of Nora Crane, Elias Crane"):
        find_character(doc, "Crane")


def test_tag_check_three_member_ship_and_a_member_ficlens_cannot_follow(net_loft):
    from dataclasses import replace

    from ficlens.model import Relationship
    from ficlens.narrative.tag_check import check_tags

    analysis, _, ids = net_loft
    meta = replace(analysis.work.meta, relationships=(
        Relationship("Tamsin Reedy/Owain Blackwood/Jory Penhallow", ("Tamsin Reedy", "Owain Blackwood", "Jory Penhallow"), "romantic"),
        Relationship("Reader/Tamsin Reedy", ("Reader", "Tamsin Reedy"), "romantic"),
        Relationship("Tamsin Reedy/Owain Blackwood/Hester Quill", ("Tamsin Reedy", "Owain Blackwood", "Hester Quill"), "romantic"),
    ))
    throuple, reader, apart = check_tags(meta, analysis.characters, analysis.quotations, analysis.interactions).relationships
    tamsin, owain, jory = ids["Tamsin Reedy"], ids["Owain Blackwood"], ids["Jory Penhallow"]
    assert [(p.a, p.b, p.weight, p.shared_scenes) for p in throuple.pairs] == [
        (tamsin, owain, 5, 1), (tamsin, jory, 10, 2), (owain, jory, 4, 1)]
    assert throuple.never_share_scene is False
    assert reader.members == (("Reader", None), ("Tamsin Reedy", tamsin)) and reader.never_share_scene is None
    assert apart.never_share_scene is True  # Owain and Hester are never in one scene


def test_a_tokenizer_only_pipeline_still_gives_every_layer():
    # No parser and no sentencizer: no sentences, no dependencies. The people layers
    # still run (each paragraph one sentence; no verbs, so no actions).
    import spacy

    doc = analyze(read_work(NET_LOFT), nlp=spacy.blank("en"))
    assert len({p["name"]: p["actions"] for p in doc["profiles"]}["Tamsin Reedy"]) == 0
    assert doc["interactions"]["pairs"] and doc["tag_check"]["characters"]
