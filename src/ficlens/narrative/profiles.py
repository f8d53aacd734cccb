"""What each character does, undergoes, is, and has: profiles from our own layers.

Like BookNLP's character data, but read off the one spaCy parse
(`analysis.parses`) at the character-resolved mentions of the characters layer
(names, pronouns, and "I" of a first-person narrator). Only mentions in narration
count (a claim inside a quotation is what someone says, not what the story shows).
For the head token of each mention:

- actions: the verb lemma when the mention is its subject (`nsubj`) or the agent
  of a passive ("by Tamsin": `pobj` of `agent`), plus verbs coordinated with it
  that have no subject of their own ("climbed down and pushed": climb, push).
  A linking verb with a complement is a description, not an action; a speech verb
  in a paragraph holding a quotation ("Go," she said) is attribution, left to
  `dialogue`, where the lines themselves are counted; a negated verb is kept as
  such ("could not tie": "not tie").
- acted_on: the verb lemma when the mention is its object (`dobj`, `dative`) or
  the subject of a passive (`nsubjpass`).
- descriptions: adjectives on the name ("poor Owain"), common-noun appositions
  ("Jory, the harbourmaster's nephew"; a name in apposition is a list of names), and complements of a linking verb with the mention as
  subject ("Owain was tall and quiet", "She looked cold", "He was a sailor"), each
  with coordinated adjectives; noun phrases are kept as written, lower-cased.
- possessions: the noun a possessive mention modifies ("her boat", "Jory's crabs").
- dialogue: lines attributed to the character, their share of all attributed
  lines, and the words in them.
- first and last appearance: the earliest and latest resolved mention or spoken
  line, as a chapter span.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Sequence

from ..characters.layer import CharacterLayer
from ..dialogue.speakers import SPEECH_VERBS
from ..model import Mention, Quotation, Span
from .anchors import ParseIndex, QuotationIndex

PROFILE_MENTION_KINDS = frozenset({"name", "pronoun", "first_person"})
LINKING_VERBS = frozenset("be seem look appear become feel sound remain stay grow turn".split())
COMPLEMENT_DEPS = frozenset({"acomp", "attr", "oprd"})
OBJECT_DEPS = frozenset({"dobj", "dative"})


@dataclass(frozen=True, slots=True)
class Count:
    text: str
    count: int


@dataclass(frozen=True, slots=True)
class Dialogue:
    lines: int
    share: float  # of all attributed lines in the work
    words: int


@dataclass(frozen=True, slots=True)
class Profile:
    character: str  # character id
    name: str
    actions: tuple[Count, ...] = ()
    acted_on: tuple[Count, ...] = ()
    descriptions: tuple[Count, ...] = ()
    possessions: tuple[Count, ...] = ()
    dialogue: Dialogue = field(default_factory=lambda: Dialogue(0, 0.0, 0))
    first_appearance: Span | None = None
    last_appearance: Span | None = None


@dataclass(slots=True)
class _Tally:
    actions: Counter = field(default_factory=Counter)
    acted_on: Counter = field(default_factory=Counter)
    descriptions: Counter = field(default_factory=Counter)
    possessions: Counter = field(default_factory=Counter)


def build_profiles(people: CharacterLayer, quotations: Sequence[Quotation], parses: Sequence) -> list[Profile]:
    """One `Profile` per character of the characters layer, in its order."""
    index = ParseIndex(parses)
    quotes = QuotationIndex(quotations)
    tallies: dict[str, _Tally] = {c.id: _Tally() for c in people.characters}
    for mention in people.mentions:
        if mention.character not in tallies or mention.kind not in PROFILE_MENTION_KINDS:
            continue
        if quotes.quotation_at(mention.chapter, mention.start) is not None:
            continue
        token = index.token_of(mention)
        if token is not None:
            para_offset, doc = index.doc_at(mention.chapter, mention.start)
            has_dialogue = quotes.any_within(mention.chapter, para_offset, para_offset + len(doc.text))
            _read_token(token, tallies[mention.character], has_dialogue)

    spoken = [q for q in quotations if q.speaker in tallies]
    first, last = _appearances(people.mentions, spoken)
    return [
        Profile(
            character=c.id, name=c.name,
            actions=_ranked(tallies[c.id].actions), acted_on=_ranked(tallies[c.id].acted_on),
            descriptions=_ranked(tallies[c.id].descriptions), possessions=_ranked(tallies[c.id].possessions),
            dialogue=_dialogue(c.id, spoken),
            first_appearance=first.get(c.id), last_appearance=last.get(c.id),
        )
        for c in people.characters
    ]


def _read_token(token, tally: _Tally, has_dialogue: bool) -> None:
    """Add what the parse says around one mention's head token to `tally`
    (`has_dialogue`: its paragraph holds a quotation)."""
    dep, head = token.dep_, token.head
    if dep == "nsubj":
        complements = [c for c in head.children if c.dep_ in COMPLEMENT_DEPS] if head.lemma_ in LINKING_VERBS else []
        if complements:
            for complement in complements:
                tally.descriptions.update(_described(complement))
        elif head.pos_ == "VERB":
            actions = _verb_and_bare_conjuncts(head)
            if has_dialogue:
                actions = [a for a in actions if a not in SPEECH_VERBS]
            tally.actions.update(actions)
    elif dep == "pobj" and head.dep_ == "agent" and head.head.pos_ == "VERB":
        tally.actions[_verb(head.head)] += 1
    elif dep == "nsubjpass" or (dep in OBJECT_DEPS and head.pos_ == "VERB"):
        tally.acted_on[_verb(head)] += 1
    elif dep == "poss" and head.pos_ in ("NOUN", "PROPN"):
        tally.possessions[head.lemma_.lower()] += 1
    for child in token.children:
        if child.dep_ == "amod" and child.tag_.startswith("JJ"):  # not a participle the parser misplaced
            tally.descriptions[child.lemma_.lower()] += 1
        elif child.dep_ == "appos" and child.pos_ == "NOUN":  # a name in apposition is a list: "Tom, Nora and Maggie"
            tally.descriptions[_phrase(child)] += 1


def _verb(verb) -> str:
    """The verb's lemma, "not " before it when negated ("did not look": "not look")."""
    lemma = verb.lemma_.lower()
    return f"not {lemma}" if any(c.dep_ == "neg" for c in verb.children) else lemma


def _verb_and_bare_conjuncts(verb) -> list[str]:
    """The verb and the verbs coordinated with it that have no subject of their own."""
    lemmas = [_verb(verb)]
    for conjunct in verb.conjuncts:
        if conjunct.pos_ == "VERB" and not any(c.dep_ in ("nsubj", "nsubjpass") for c in conjunct.children):
            lemmas.append(_verb(conjunct))
    return lemmas


def _described(complement) -> list[str]:
    """An adjective complement and the adjectives coordinated with it ("tall and
    quiet"), or a noun complement as its phrase ("a sailor")."""
    if complement.pos_ == "ADJ":
        return [complement.lemma_.lower()] + [c.lemma_.lower() for c in complement.conjuncts if c.tag_.startswith("JJ")]
    if complement.pos_ in ("NOUN", "PROPN"):
        return [_phrase(complement)]
    return []


def _phrase(token) -> str:
    """A noun with its left-hand modifiers, as written: "the harbourmaster's nephew"."""
    start = token.left_edge.i
    while start < token.i and token.doc[start].is_punct:  # a dash or comma the parser hung on it
        start += 1
    return " ".join(token.doc[start : token.i + 1].text.lower().split())


def _ranked(counter: Counter) -> tuple[Count, ...]:
    return tuple(Count(text, n) for text, n in sorted(counter.items(), key=lambda kv: (-kv[1], kv[0])))


def _dialogue(character: str, spoken: Sequence[Quotation]) -> Dialogue:
    own = [q for q in spoken if q.speaker == character]
    share = len(own) / len(spoken) if spoken else 0.0
    return Dialogue(len(own), round(share, 4), sum(len(q.text.split()) for q in own))


def _appearances(mentions: Sequence[Mention], spoken: Sequence[Quotation]) -> tuple[dict[str, Span], dict[str, Span]]:
    """Earliest and latest span per character: resolved mentions and spoken lines."""
    first: dict[str, Span] = {}
    last: dict[str, Span] = {}
    spans = [(m.character, Span(m.chapter, m.start, m.end)) for m in mentions if m.character]
    spans += [(q.speaker, Span(q.chapter, q.spans[0][0], q.spans[-1][1])) for q in spoken]
    for character, span in sorted(spans, key=lambda cs: (cs[1].chapter, cs[1].start)):
        first.setdefault(character, span)
        last[character] = span
    return first, last
