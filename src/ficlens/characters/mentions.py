"""Resolving mentions: ambiguous names and third-person pronouns, in reading order.

One left-to-right walk per chapter keeps a short memory of who was mentioned in
the last few sentences (names and already-resolved pronouns), and uses it for:

* an ambiguous name ("Malfoy" with Draco and Lucius about): the candidate the
  next pronoun's gender allows, then the most recently mentioned candidate, then
  the candidate named most often elsewhere in the work;
* a third-person pronoun in narration: a salience score per character, summed
  over its recent mentions: recency (halved each sentence back), +80 for a
  subject mention, +40 for an object, a tenth for a name inside a quotation;
  the character must agree in gender (unknown gender counts at half weight).
  Binding: "him"/"her" as an object never refers to the subject of its own verb;
  "himself"/"herself" prefers it. The narrator is never "he"/"she".
  A pronoun inside a quotation is resolved only to a name earlier in the same
  quotation (otherwise it is left unresolved: the speaker layer knows better).
* "I"/"me"/"my" are `first_person` mentions: the narrator's in narration when
  the work has one, otherwise unresolved; inside quotations they are the
  speaker's, and "you" (`second_person`) the addressee's — both left None here
  for the speaker layer.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from ..model import Mention
from .discover import SPEECH_LEMMAS, NameMatch
from .names import FIRST_PERSON, PRONOUN_GENDER, SECOND_PERSON
from .narrator import is_vocative
from .scan import ChapterTokens

SUBJECT_DEPS = frozenset({"nsubj", "nsubjpass"})
OBJECT_DEPS = frozenset({"dobj", "dative", "iobj", "pobj"})
_REFLEXIVE = frozenset({"himself", "herself"})
_WINDOW_SENTENCES = 4  # narration sentences back
_WINDOW_PARAGRAPHS = 8
_MIN_SALIENCE = 10.0
_IN_QUOTE_WEIGHT = 0.1  # a name inside a quotation, for a pronoun in narration
_VOCATIVE_WEIGHT = 0.5  # ... unless it addresses someone: a participant of the scene
_UNKNOWN_GENDER_WEIGHT = 0.25  # a character whose gender the text has not shown


@dataclass(slots=True)
class _Seen:
    cluster: int
    sent: int  # sentence number
    nsent: int  # narration sentence number
    para: int
    subject: bool
    object: bool
    quote: int
    head: int
    vocative: bool = False


@dataclass(slots=True)
class ResolvedMention:
    """A mention before character ids exist: `cluster` is the cluster index."""

    start: int
    end: int
    kind: str
    cluster: int | None
    key: tuple | None = None  # form key, for names

    def to_mention(self, chapter: int, text: str, character: str | None) -> Mention:
        return Mention(chapter, self.start, self.end, text[self.start : self.end], self.kind, character)


def resolve_chapter(
    table: ChapterTokens,
    matches: list[NameMatch],
    choose_name: Callable[[NameMatch, list[_Seen], str], int | None],
    gender_of: Callable[[int], str],
    narrator: int | None,
) -> list[ResolvedMention]:
    """Walk one chapter; `choose_name(match, recent, hint)` gives the cluster of a
    name match (resolving ambiguity), `hint` being the gender of the pronoun that
    follows it in the sentence."""
    tokens = table.tokens
    out: list[ResolvedMention] = []
    recent: list[_Seen] = []
    by_first = {m.first: m for m in matches}
    k = 0
    n = len(tokens)
    while k < n:
        t = tokens[k]
        match = by_first.get(k)
        if match is not None:
            last = tokens[match.last]
            hint = _next_pronoun_gender(tokens, match.last)
            ci = choose_name(match, recent, hint)
            out.append(ResolvedMention(match.start, match.end, "name", ci, match.key))
            if ci is not None:
                recent.append(_Seen(ci, last.sent, last.nsent, last.para, last.dep in SUBJECT_DEPS,
                                    last.dep in OBJECT_DEPS, last.quote, last.head,
                                    vocative=is_vocative(tokens, match)))
            k = match.last + 1
            continue
        lower = t.lower
        if t.pos == "PRON" or t.tag in ("PRP", "PRP$"):
            gender = PRONOUN_GENDER.get(lower)
            if gender is not None:
                speaking = t.dep in SUBJECT_DEPS and tokens[t.head].lemma in SPEECH_LEMMAS
                ci = _resolve_pronoun(t, gender, recent, gender_of, narrator, speaking)
                out.append(ResolvedMention(t.start, t.end, "pronoun", ci))
                if ci is not None:
                    recent.append(_Seen(ci, t.sent, t.nsent, t.para, t.dep in SUBJECT_DEPS,
                                        t.dep in OBJECT_DEPS, t.quote, t.head))
            elif lower in FIRST_PERSON:
                out.append(ResolvedMention(t.start, t.end, "first_person", narrator if t.quote < 0 else None))
            elif lower in SECOND_PERSON and t.quote >= 0:
                out.append(ResolvedMention(t.start, t.end, "second_person", None))
        if len(recent) > 256:
            del recent[:128]
        k += 1
    return out


def _next_pronoun_gender(tokens, last: int) -> str:
    """Gender of the first he/she pronoun after a name in its sentence ("" if none)."""
    here = tokens[last]
    for k in range(last + 1, min(len(tokens), last + 30)):
        t = tokens[k]
        if t.sent != here.sent or t.quote != here.quote:
            break
        if t.cap and not t.initial and t.pos == "PROPN":
            break  # another name first
        g = PRONOUN_GENDER.get(t.lower)
        if g and not (t.tag == "PRP" and t.dep in OBJECT_DEPS):
            return g
    return ""


def _resolve_pronoun(t, gender: str, recent: list[_Seen], gender_of, narrator, speaking: bool) -> int | None:
    """Salience (after Lappin & Leass, simplified): each recent mention of a
    gender-compatible character scores 100, +80 as a subject, +40 as an object,
    halved per narration sentence back (dialogue sentences do
    not count, so a conversation does not push the scene's people out of reach); a
    character's score is its best mention's. The subject of a speech verb ("she
    resumed") is not whoever that paragraph's quotation addresses by name."""
    scores: dict[int, float] = {}
    reflexive = t.lower in _REFLEXIVE
    is_object = t.tag == "PRP" and t.dep in OBJECT_DEPS and not reflexive
    addressed = {seen.cluster for seen in recent if seen.vocative and seen.para == t.para} if speaking else set()
    # "Jory handed him": not Jory, however recently Jory was mentioned before.
    bound = {seen.cluster for seen in recent
             if is_object and seen.subject and seen.sent == t.sent and seen.head == t.head}
    for seen in reversed(recent):
        distance = t.nsent - seen.nsent
        if distance > _WINDOW_SENTENCES or t.para - seen.para > _WINDOW_PARAGRAPHS:
            break
        if seen.cluster in addressed or seen.cluster in bound:
            continue
        if t.quote >= 0:
            if seen.quote != t.quote:
                continue  # inside a quotation: only names in the same quotation
        elif seen.cluster == narrator:
            continue
        cluster_gender = gender_of(seen.cluster)
        if cluster_gender not in (gender, "unknown"):
            continue
        same_clause = seen.sent == t.sent and seen.head == t.head
        value = 100.0 + (80.0 if seen.subject else 40.0 if seen.object else 0.0)
        if reflexive and same_clause and seen.subject:
            value += 200.0
        value *= 0.5 ** max(distance, 0)
        if seen.quote >= 0 and t.quote < 0:
            value *= _VOCATIVE_WEIGHT if seen.vocative else _IN_QUOTE_WEIGHT
        if cluster_gender == "unknown":
            value *= _UNKNOWN_GENDER_WEIGHT
        if value > scores.get(seen.cluster, 0.0):
            scores[seen.cluster] = value
    if not scores:
        return None
    best = max(scores, key=scores.get)
    return best if scores[best] >= _MIN_SALIENCE else None
