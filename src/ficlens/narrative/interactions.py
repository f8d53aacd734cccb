"""Who interacts with whom: weighted character pairs and a network summary.

Three kinds of evidence are counted for every pair of characters A, B:

- lines (directed): a quotation spoken by A with B among its addressees
  (`Quotation.speaker` / `.addressees` from the speaker layer); one per addressee.
- mentions (directed), "A mentions B", counted at most once per quotation or
  sentence:
  * in speech: a quotation spoken by A contains a name or pronoun mention
    resolved to B, and B is not one of that quotation's addressees (talking *to*
    B is already a line);
  * in narration: a sentence in which A is the subject (`nsubj`) of a verb outside
    quotations — A acts — and B has a name or pronoun mention in the same
    sentence, also outside quotations ("Jory handed him a crab": Jory mentions
    Owain). Both may act in one sentence, which counts both ways.
- co-presence (undirected): a scene in which both are present
  (`Scene.characters`). When the scenes layer left no scenes, each chapter
  stands in for one scene, with present as the scenes layer counts it (any
  resolved mention, any quotation's speaker); `unit` says which was used.

A pair's weight is the plain sum: lines both ways + mentions both ways + shared
scenes. The network summary (networkx) treats pairs as undirected weighted edges
over every character: degree (how many others one interacts with), weighted
degree (sum of the weights), degree centrality (degree / (characters - 1)) and
betweenness centrality (unweighted, normalised: how often a character lies on the
shortest path between two others).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Literal, Sequence

from ..characters.layer import CharacterLayer
from ..model import Mention, Quotation, Scene, Span, Work
from .anchors import ParseIndex, QuotationIndex

MENTION_KINDS = frozenset({"name", "pronoun", "first_person"})  # "I" in narration is the narrator
ACTOR_DEP = "nsubj"

Unit = Literal["scene", "chapter"]


@dataclass(frozen=True, slots=True)
class Interaction:
    """One pair of characters; `a` comes before `b` in the characters list."""

    a: str
    b: str
    lines_a_to_b: int = 0
    lines_b_to_a: int = 0
    mentions_a_of_b: int = 0
    mentions_b_of_a: int = 0
    together: tuple[Span, ...] = ()  # the scenes (or chapters) both are present in

    @property
    def weight(self) -> int:
        return (self.lines_a_to_b + self.lines_b_to_a + self.mentions_a_of_b + self.mentions_b_of_a
                + len(self.together))


@dataclass(frozen=True, slots=True)
class NetworkSummary:
    character: str
    degree: int
    weighted_degree: int
    degree_centrality: float
    betweenness: float


@dataclass(slots=True)
class InteractionLayer:
    unit: Unit  # what co-presence counts: scenes, or chapters when there were none
    pairs: list[Interaction] = field(default_factory=list)  # weight > 0 only, heaviest first
    network: list[NetworkSummary] = field(default_factory=list)  # one per character, in character order

    def pair(self, x: str, y: str) -> Interaction | None:
        """The pair of characters `x` and `y`, in either order."""
        for p in self.pairs:
            if {p.a, p.b} == {x, y}:
                return p
        return None


def find_interactions(
    work: Work,
    people: CharacterLayer,
    quotations: Sequence[Quotation],
    parses: Sequence,
    scenes: Sequence[Scene] = (),
) -> InteractionLayer:
    """Interactions between the characters of `people` (the characters layer),
    from the attributed `quotations`, the spaCy `parses` and the `scenes`."""
    ids = [c.id for c in people.characters]
    order = {cid: i for i, cid in enumerate(ids)}
    quotes = QuotationIndex(quotations)
    lines = _lines(quotations, order)
    mentioned = _speech_mentions(people.mentions, quotes, order)
    mentioned.update(_action_mentions(people, quotes, ParseIndex(parses), order))
    unit, presence = _presence(scenes, work, people.mentions, quotations, order)

    keys = {tuple(sorted(k, key=order.__getitem__)) for k in [*lines, *mentioned]}
    together: dict[tuple[str, str], list[Span]] = {}
    for span, present in presence:
        ranked = sorted(present, key=order.__getitem__)
        for i, x in enumerate(ranked):
            for y in ranked[i + 1:]:
                together.setdefault((x, y), []).append(span)
    keys.update(together)

    pairs = [
        Interaction(a, b, lines[(a, b)], lines[(b, a)], mentioned[(a, b)], mentioned[(b, a)],
                    tuple(together.get((a, b), ())))
        for a, b in keys
    ]
    pairs.sort(key=lambda p: (-p.weight, order[p.a], order[p.b]))
    return InteractionLayer(unit, pairs, network_summary(ids, pairs))


def network_graph(character_ids: Sequence[str], pairs: Sequence[Interaction]):
    """An undirected networkx Graph: every character a node, every pair an edge
    carrying its `weight`."""
    import networkx as nx

    graph = nx.Graph()
    graph.add_nodes_from(character_ids)
    for p in pairs:
        graph.add_edge(p.a, p.b, weight=p.weight)
    return graph


def network_summary(character_ids: Sequence[str], pairs: Sequence[Interaction]) -> list[NetworkSummary]:
    import networkx as nx

    graph = network_graph(character_ids, pairs)
    centrality = nx.degree_centrality(graph) if len(graph) > 1 else {n: 0.0 for n in graph}
    betweenness = nx.betweenness_centrality(graph, normalized=True)
    return [
        NetworkSummary(cid, graph.degree(cid), int(graph.degree(cid, weight="weight")),
                       round(centrality[cid], 4), round(betweenness[cid], 4))
        for cid in character_ids
    ]


# -- evidence ---------------------------------------------------------------------------------


def _lines(quotations: Sequence[Quotation], order: dict[str, int]) -> Counter:
    lines: Counter = Counter()
    for q in quotations:
        if q.speaker in order:
            for addressee in q.addressees:
                if addressee in order and addressee != q.speaker:
                    lines[(q.speaker, addressee)] += 1
    return lines


def _speech_mentions(mentions: Sequence[Mention], quotes: QuotationIndex, order: dict[str, int]) -> Counter:
    """(speaker, mentioned) once per quotation that mentions someone it does not address."""
    seen: set[tuple[str, str, str]] = set()
    for m in mentions:
        if m.kind not in MENTION_KINDS or m.character not in order:
            continue
        q = quotes.quotation_at(m.chapter, m.start)
        if q is None or q.speaker not in order or m.character == q.speaker or m.character in q.addressees:
            continue
        seen.add((q.id, q.speaker, m.character))
    return Counter((speaker, other) for _, speaker, other in seen)


def _action_mentions(people: CharacterLayer, quotes: QuotationIndex, index: ParseIndex,
                     order: dict[str, int]) -> Counter:
    """(actor, mentioned) once per narration sentence where the actor is a verb's
    subject and the other is mentioned."""
    counts: Counter = Counter()
    for chapter in index.chapters():
        for doc_offset, sentence in index.sentences(chapter):
            start, end = doc_offset + sentence.start_char, doc_offset + sentence.end_char
            in_narration = [
                m for m in people.mentions_in(chapter, start, end)
                if m.kind in MENTION_KINDS and m.character in order
                and quotes.quotation_at(chapter, m.start) is None
            ]
            if len({m.character for m in in_narration}) < 2:
                continue
            actors = set()
            for m in in_narration:
                token = index.token_of(m)
                if token is not None and token.dep_ == ACTOR_DEP and token.head.pos_ == "VERB":
                    actors.add(m.character)
            for actor in actors:
                for other in {m.character for m in in_narration} - {actor}:
                    counts[(actor, other)] += 1
    return counts


def _presence(scenes: Sequence[Scene], work: Work, mentions: Sequence[Mention], quotations: Sequence[Quotation],
              order: dict[str, int]) -> tuple[Unit, list[tuple[Span, set[str]]]]:
    """(span, characters present) per scene, or per chapter when there are no scenes."""
    if scenes:
        return "scene", [
            (Span(s.chapter, s.start, s.end), {c for c in s.characters if c in order}) for s in scenes
        ]
    present: dict[int, set[str]] = {c.index: set() for c in work.chapters}
    for m in mentions:
        if m.character in order:
            present[m.chapter].add(m.character)
    for q in quotations:
        if q.speaker in order:
            present[q.chapter].add(q.speaker)
    return "chapter", [(Span(c.index, 0, len(c.text)), present[c.index]) for c in work.chapters]
