"""Where the story happens: named places and every mention of them.

`find_places(work, parses, characters)` reads the spaCy Docs of the one parse pass.
Like the characters layer, it first collects evidence for each candidate name across
the whole work, then accepts names and finds every occurrence:

1. Candidates and their evidence:
   - spaCy GPE/LOC/FAC entities (the label votes for a place, PERSON against);
   - capitalised runs ending in a street or building word ("Knockturn Alley",
     "Malfoy Manor", "Lincoln's Inn Hall"), whatever spaCy labelled them;
   - capitalised runs in a place's position: after a locative preposition whose verb
     is not about a person ("walked through X", "in front of X", "arrived at X", not
     "looked at X" or "said to X"), and shop names in the possessive ("at Ollivander's").
     Runs may join words with "and"/"&"/"of" ("Flourish and Blotts").
2. A name is accepted when its place evidence outweighs spaCy's PERSON votes and it
   is not a character's name (a place is never a character: "at Hermione's" is
   Hermione's house, not a place called Hermione). A street or building head with no
   doubt ("Alley", "Manor") wins over PERSON, and the characters layer agrees
   (`characters.discover` refuses such names).
3. Every occurrence of an accepted name is a mention, longest name first; "the" is
   part of the mention when the text always writes the name with it ("the Leaky
   Cauldron", "the Thames").

Places get ids "P1", "P2", ... in order of first mention; `kind` is the spaCy label
most often given, else from the head word (FAC for streets, buildings and shops,
LOC for natural features, GPE for towns and countries).
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Iterable

from ..characters.discover import is_place_name
from ..characters.given_names import gender_of_given
from ..characters.names import norm_title
from ..model import Place, Span, Work
from ..text.place_words import LOCATIVE_PREPOSITIONS, PLACE_HEADS, UNAMBIGUOUS_PLACE_HEADS
from .times import MONTHS, WEEKDAYS

_PLACE_LABELS = ("GPE", "LOC", "FAC")
# Labels that say a word is no name at all: a run never starts on one ("in June").
_NOT_PLACE_LABELS = frozenset({"DATE", "TIME", "MONEY", "PERCENT", "QUANTITY", "ORDINAL", "CARDINAL"})
# Capitalised words that are never a place's name (the characters layer's NOT_NAMES
# holds "London" and "England", so it cannot serve here).
_NOT_PLACE_WORDS = frozenset(
    [*MONTHS, *WEEKDAYS, "i", "god", "lord", "christ", "jesus", "christmas", "easter", "oh", "ah",
     "yes", "no", "well", "sir", "madam", "miss", "mister", "dear", "please", "thank", "thanks", "esq"]
)
_CONNECTORS = frozenset({"and", "&", "of", "on", "upon", "de", "la", "le"})
_POSSESSIVES = ("'s", "’s")
_NATURAL_HEADS = frozenset(
    "forest wood woods lake river sea ocean bay island isle valley mountain mountains moor moors "
    "heath marsh fen fields downs cliffs coast beach hill".split())
_SETTLEMENT_HEADS = frozenset("village town city county kingdom empire".split())

# A locative preposition governed by one of these verbs is about a person or thing,
# not a place: "looked at Ron", "said to Harry", "belonged to Sirius".
_PERSONAL_VERBS = frozenset(
    """
    look stare glance gaze peer smile grin laugh frown scowl glare wink nod wave point shout yell
    call whisper say speak talk reply answer write send give hand show tell explain introduce
    belong listen turn marry promise lie apologise apologize mutter snap hiss sneer nod beam
    throw toss offer return report lean press cling
    """.split()
)
# Verbs whose "to X" is a destination; other verbs' "to" is too often a person.
_MOTION_VERBS = frozenset(
    """
    go come walk run return travel drive ride fly move hurry head apparate arrive get take bring
    sail journey march wander stroll rush race dash flee escape retreat move climb descend cross
    set lead follow send carry hasten proceed limp stumble trudge make
    """.split()
)


@dataclass(slots=True)
class _Evidence:
    labels: Counter = field(default_factory=Counter)  # spaCy label -> times
    head: bool = False  # ends in a street/building word with no doubt
    soft_head: bool = False  # ends in a head that is also a surname ("Hall", "Lane")
    locative: int = 0
    shop: int = 0  # "at Ollivander's"
    with_the: int = 0
    surfaces: Counter = field(default_factory=Counter)

    @property
    def place_votes(self) -> int:
        # "at Borgin's" with nothing after the possessive is a shop (or a home) twice over.
        return sum(self.labels[label] for label in _PLACE_LABELS) + self.locative + 2 * self.shop

    @property
    def person_votes(self) -> int:
        return self.labels["PERSON"]


def find_places(work: Work, parses: Iterable, characters=None) -> list[Place]:
    """Every named place of `work` with its mentions (see the module docstring)."""
    parses = list(parses)
    evidence: dict[str, _Evidence] = defaultdict(_Evidence)
    for chapter_parse in parses:
        for _offset, doc in chapter_parse.docs:
            _collect(doc, evidence)
    character_words = _character_words(characters)
    accepted = {name: ev for name, ev in evidence.items() if _accept(name, ev, characters, character_words)}
    if not accepted:
        return []
    return _mentions(parses, accepted)


def name_key(text: str) -> str:
    """How a place name is compared: no leading "the", straight apostrophes, single spaces."""
    text = " ".join(text.replace("’", "'").split())
    if text[:4].lower() == "the ":
        text = text[4:]
    return text


# -- evidence ------------------------------------------------------------------------------


def _is_cap_word(token) -> bool:
    text = token.text
    return text[:1].isupper() and text[:1].isalpha() and token.tag_ not in ("PRP", "PRP$") \
        and norm_title(text) is None


def _run_from(doc, i: int) -> int:
    """End (exclusive token index) of the capitalised run starting at token `i`:
    name words, joined by a connector or a possessive before another name word
    ("Flourish and Blotts", "King's Cross"), ending on a possessive ("Ollivander's")."""
    j = i + 1
    n = len(doc)
    while j < n:
        t = doc[j]
        if _is_cap_word(t) and not t.is_sent_start:
            j += 1
        elif t.lower_ in _CONNECTORS and j + 1 < n and _is_cap_word(doc[j + 1]) and t.lower_ != "on" \
                or t.text in _POSSESSIVES and j + 1 < n and _is_cap_word(doc[j + 1]):
            j += 2
        elif t.text in _POSSESSIVES:
            return j + 1
        else:
            break
    return j


def _collect(doc, evidence: dict[str, _Evidence]) -> None:
    for ent in doc.ents:
        if ent.label_ in _PLACE_LABELS or ent.label_ == "PERSON" or ent.label_ == "ORG":
            text = ent.text[:-2] if ent.text.endswith(_POSSESSIVES) else ent.text
            key = name_key(text)
            if key and key[:1].isupper():
                evidence[key].labels[ent.label_] += 1
    n = len(doc)
    i = 0
    while i < n:
        t = doc[i]
        if not _is_cap_word(t) or t.ent_type_ in _NOT_PLACE_LABELS or t.lower_ in _NOT_PLACE_WORDS:
            i += 1
            continue
        end = _run_from(doc, i)
        span = doc[i:end]
        shop = span[-1].text in _POSSESSIVES
        words = span[:-1] if shop else span
        key = name_key(span.text if shop else words.text)  # a shop keeps its "'s"
        head = words[-1].lower_
        before = doc[i - 1] if i > 0 else None
        has_the = before is not None and before.lower_ == "the"
        preposition = doc[i - 2] if has_the and i > 1 else before
        locative = preposition is not None and _locative(preposition)
        ev = None
        if head in PLACE_HEADS and len(words) >= 2 or head in UNAMBIGUOUS_PLACE_HEADS and has_the:
            ev = evidence[key]
            if head in UNAMBIGUOUS_PLACE_HEADS:
                ev.head = True
            else:
                ev.soft_head = True
        if locative and not t.is_sent_start:
            ev = ev or evidence[key]
            if shop and not has_the:
                ev.shop += 1
            elif not shop:
                ev.locative += 1
        if ev is not None:
            ev.surfaces[span.text if shop else words.text] += 1
            ev.with_the += has_the
        i = end


def _locative(preposition) -> bool:
    """A preposition that puts what follows in a place: "through X", "in front of X",
    "to X" after a verb of motion; not "looked at X", "said to X"."""
    word = preposition.lower_
    if word == "of":
        front = preposition.nbor(-1) if preposition.i > 0 else None
        return front is not None and front.lower_ in ("front", "outside", "out", "side", "top")
    if word not in LOCATIVE_PREPOSITIONS:
        return False
    verb = preposition.head
    lemma = verb.lemma_.lower() if verb.pos_ in ("VERB", "AUX") else ""
    if lemma in _PERSONAL_VERBS:
        return False
    if word in ("to", "from", "toward", "towards", "onto", "upon"):
        return lemma in _MOTION_VERBS
    return True


def _character_words(characters) -> frozenset[str]:
    """Every word of every character's name and aliases, lower case: "Longbottom" of
    "Neville Longbottom" is a person's even where spaCy calls it a town."""
    if characters is None:
        return frozenset()
    return frozenset(
        w.lower().replace("’", "'") for c in characters.characters for n in (c.name, *c.aliases) for w in n.split()
    )


def _accept(name: str, ev: _Evidence, characters, character_words: frozenset[str]) -> bool:
    words = name.split()
    if not words or words[0].lower() in _NOT_PLACE_WORDS or words[-1].lower() in _NOT_PLACE_WORDS:
        return False
    if any(w.lower() in ("mr", "mr.", "mrs", "mrs.", "miss", "ms", "dr", "dr.", "sir", "lady", "lord")
           for w in words[:1]):
        return False
    if ev.head:
        return True
    if characters is not None and characters.candidates_for_name(name):
        return False
    # "Hermione's" (her house), "Longbottom" (Neville's surname): a character's word
    # ("Kellynch Hall" is not Mr. Kellynch's: a building word settles it).
    if not ev.soft_head and any(w.lower() in character_words for w in re.split(r"\s+|['’]s\b", name) if w[:1].isupper()):
        return False
    if len(words) == 1 and gender_of_given(words[0].lower()) != "unknown" and not ev.locative:
        return False  # "Dinah", "Charles": a given name spaCy took for a town, unless someone goes there
    if words[-1].lower().endswith("shire") and ev.person_votes <= ev.place_votes:
        return True  # "Somersetshire", "Glamorganshire"
    other = sum(ev.labels[label] for label in ev.labels if label not in _PLACE_LABELS + ("PERSON", "ORG"))
    if ev.soft_head and (is_place_name([w.lower() for w in words]) or ev.person_votes == 0 and (
            ev.locative or ev.with_the or ev.labels["FAC"])):
        return True  # "Kellynch Hall" (the characters layer agrees), "the Hall" after "in"
    against = ev.person_votes + other
    # Being gone to or stood in settles a tie with spaCy's PERSON ("in Somersetshire").
    wins = ev.place_votes >= against if ev.locative else ev.place_votes > against
    return wins and ev.place_votes > ev.labels["ORG"] // 2


def _kind(name: str, ev: _Evidence) -> str:
    place_labels = [(ev.labels[label], label) for label in _PLACE_LABELS if ev.labels[label]]
    if place_labels:
        return max(place_labels)[1]
    head = name.split()[-1].lower()
    if head in _NATURAL_HEADS:
        return "LOC"
    if head in _SETTLEMENT_HEADS:
        return "GPE"
    if ev.head or ev.soft_head or ev.shop or len(name.split()) > 1:
        return "FAC"  # shops and firms: "Flourish and Blotts"
    return "GPE"


# -- mentions ------------------------------------------------------------------------------


def _mentions(parses: list, accepted: dict[str, _Evidence]) -> list[Place]:
    """Every occurrence of the accepted names, longest first; ids by first mention."""
    keys = sorted(accepted, key=len, reverse=True)
    pattern = re.compile(
        r"(?<![\w'’])(?:(?P<the>[Tt]he\s+))?(?P<name>"
        + "|".join(re.escape(k).replace("'", "['’]").replace(r"\ ", r"\s+") for k in keys)
        + r")(?![\w])"
    )
    found: dict[str, list[Span]] = defaultdict(list)
    first_seen: dict[str, tuple[int, int]] = {}
    for chapter_parse in parses:
        chapter = chapter_parse.chapter
        for m in pattern.finditer(chapter.text):
            key = name_key(m.group("name"))
            ev = accepted.get(key)
            if ev is None:
                continue
            always_the = ev.with_the >= sum(ev.surfaces.values()) > 0
            start = m.start() if m.group("the") and always_the else m.start("name")
            found[key].append(Span(chapter.index, start, m.end("name")))
            first_seen.setdefault(key, (chapter.index, start))
    places: list[Place] = []
    for n, key in enumerate(sorted(found, key=lambda k: first_seen[k]), 1):
        ev = accepted[key]
        name = ev.surfaces.most_common(1)[0][0] if ev.surfaces else key
        name = " ".join(name.replace("’", "'").split())
        if ev.with_the >= sum(ev.surfaces.values()) > 0:
            name = f"the {name}"
        places.append(Place(id=f"P{n}", name=name, kind=_kind(key, ev), mentions=tuple(found[key])))
    return places
