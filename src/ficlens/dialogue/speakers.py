"""Who says each quotation, and to whom.

The evidence is combined in a fixed order of trust, each step explainable
(`Quotation.kind` and `.cue` record which one decided):

1. explicit  – a speech verb in the paragraph's narration whose subject is a
               character name: "said Harry", "Harry said", "Harry's voice was low".
2. anaphoric – the same with a pronoun or description subject ("she said",
               "said his host"), resolved through the characters layer and the
               conversation so far; "I said" is the first-person narrator.
3. beat      – no speech verb, but a character acts in the same paragraph
               ("Tom set down his cup.") — recorded as kind `anaphoric` when the
               actor is a pronoun, `explicit` when named, with lower confidence.
4. implicit  – no cue at all: turn-taking in the running conversation (a new
               paragraph is a new speaker; two people alternate).

Vocatives ("Harry, come here.") name the addressee and rule that character out
as the speaker.

5. ranker     – the rules' answer is then one piece of evidence among others: a
               learned ranker (`ranker.py`, trained on PDNC DEV) scores each
               quotation's candidate speakers (cue characters, the conversation's
               speakers and addressees before and after, characters recently in
               the narration) and the best one speaks. `kind` and `cue` still say
               which evidence supports the chosen speaker; `confidence` is the
               ranker's probability.
"""

from __future__ import annotations

import bisect
import math
import re
from collections import Counter
from dataclasses import dataclass, replace
from typing import Any, Callable, Sequence

from ..characters.names import GIVEN_NAME_TITLES, norm_title, parse_name
from ..model import Chapter, Quotation, Span, Work
from .idiolect import Idiolects
from .partners import Partners

SPEECH_VERBS = frozenset("""
say ask reply answer cry exclaim shout whisper murmur mutter add continue begin remark observe
return rejoin retort respond call interrupt explain declare insist repeat suggest protest groan sigh
laugh snap growl hiss scream yell sob stammer stutter gasp demand inquire enquire urge whimper
breathe pursue resume agree admit announce beg command complain confess object plead promise query
recall reason warn wonder grumble chuckle giggle snort drawl bark roar bellow sneer coo purr joke
tease counter correct concede press prompt persist mumble whine wail moan sing chime echo exclaim
shriek squeak squeal blurt babble stammer lament cut venture proceed put think write read tell
chatter chaff entreat exclaim persist quaver falter scoff simper lisp rasp croak pant sniff snarl
cajole coax implore gush rattle prattle jeer taunt soothe console assent suppose conclude explain
""".split())
# Verbs that name a speaker only right next to a quotation ('"Yes," mused Anne'); in the
# narration around it ("she questioned whether", "he offered his arm") they are not speech.
ADJACENT_SPEECH_VERBS = frozenset("""
interpose muse ejaculate question assure reassure mourn hazard state interject acquiesce speculate
inform assert confide pronounce quote grunt acknowledge advise appeal reiterate propose croon reflect
smile nod
""".split())

VOICE_NOUNS = frozenset("voice tone words reply answer question whisper".split())
PRONOUN_GENDER = {"he": "he", "him": "he", "she": "she", "her": "she", "they": "they"}
SUBJECT_DEPS = frozenset({"nsubj", "nsubjpass"})

# How much each kind of evidence is trusted (also the reported confidence).
CONFIDENCE = {"explicit": 0.93, "description": 0.75, "anaphoric": 0.7, "narrator": 0.9,
              "beat": 0.6, "alternation": 0.5, "fallback": 0.3}

RECENT_WINDOW = 2500  # characters of narration before a quotation the ranker looks back over
RECENT_CHARACTERS = 6  # ... and how many distinct characters it takes from there
NEAR_PARAGRAPHS = 2  # paragraphs before the quotation's own whose narration mentions are counted

# A vocative's words: up to four capitalised words ("Mr. Darcy", "Miss Elizabeth Bennet"),
# after any endearment ("my dear Lizzy", "poor Mr. Beebe").
_VOCATIVE_WORDS = r"(?:[A-Z][\w'’.-]*\s?){1,4}"
_ENDEARMENT = r"(?:(?:my\s+)?(?:dear|dearest|own|poor|good)\s+)*"
_VOCATIVE_END = re.compile(rf",\s*{_ENDEARMENT}({_VOCATIVE_WORDS})[.!?]*\s*$")
_VOCATIVE_START = re.compile(rf"^\s*(?:(?:Oh|O|Ah|Well|Yes|No|Dear|My dear)[,!]?\s+)?({_VOCATIVE_WORDS}),")
# a name alone ("Harry Potter." "Ida!"), but not asked about ("Miss Quested?": on PDNC DEV
# someone else 9 times in 13, an answer or a question about them)
_VOCATIVE_WHOLE = re.compile(rf"^\s*({_VOCATIVE_WORDS})[.!]+\s*$")
# ", Aziz, or aren't you?": a name set off by a comma inside the stretch (PDNC DEV: the
# addressee 89% of the time; the rest mostly lists, "Jane, Elizabeth, and Mary").
_VOCATIVE_MID = re.compile(rf",\s*{_ENDEARMENT}({_VOCATIVE_WORDS}?)\s*[,;:!?.]")


# Parser-free speech-verb patterns right next to a quotation ("said Jane", "Jane
# replied warmly", "cried he"): the most precise evidence there is, and immune to
# the parser's trouble with "Jane.--" and similar punctuation.
_DOUBLES = frozenset("admit beg chat commit nod sob snap stop quip jab".split())  # admitted, begged


def _inflections(lemma: str) -> tuple[str, str]:
    """Past and third-person forms of a regular speech verb: "queried", "admits"."""
    if lemma.endswith("y") and lemma[-2] not in "aeiou":
        return lemma[:-1] + "ied", lemma[:-1] + "ies"
    past = lemma + "d" if lemma.endswith("e") else lemma + lemma[-1] + "ed" if lemma in _DOUBLES else lemma + "ed"
    return past, lemma + ("es" if lemma.endswith(("s", "sh", "ch", "x")) else "s")


_SPEECH_FORMS = sorted({f for lemma in SPEECH_VERBS | ADJACENT_SPEECH_VERBS for f in _inflections(lemma)} | {
    "said", "says", "began", "begins", "thought", "wrote", "told", "put in", "broke in", "went on", "struck in"},
    key=len, reverse=True)
_VERB = "(?:" + "|".join(re.escape(f) for f in _SPEECH_FORMS) + ")"
# "she added", "he went on": the last speaker goes on after a paragraph break
CONTINUING_LEMMAS = frozenset("add continue resume pursue persist".split())
_CONTINUING = re.compile(r"\b(?:" + "|".join(
    sorted({f for lemma in CONTINUING_LEMMAS for f in _inflections(lemma)} | {"went on", "goes on"})) + r")\b")
_TITLE = r"(?:(?:Mr|Mrs|Ms|Miss|Dr|Sir|Lady|Lord|Colonel|Col|Captain|Capt|Professor|Prof|Aunt|Uncle|Madame|Mme|Monsieur|M|Mademoiselle|Mlle|Father|Mother|Sister|Brother|Inspector|Major|General|Count|Countess|Signor|Signora|Herr|Frau)\.?\s+)"
_NAME = rf"(?P<article>the\s+)?(?P<name>{_TITLE}?[A-Z][\w'’-]+(?:\s+(?:de\s+|van\s+|von\s+)?[A-Z][\w'’-]+){{0,2}})(?:['’]s\s+voice)?"
_PRONOUN = r"(?P<pron>he|she|I)"
_LEAD = r"^[\s,;:.!?—–\-\"'”’]*"
_ADVERB = r"(?:\w+ly\s+)?"
_AFTER_PATTERNS = [
    re.compile(rf"{_LEAD}{_VERB}\s+(?:the\s+voice\s+of\s+)?{_NAME}"),  # said Jane / said the voice of Jane
    re.compile(rf"{_LEAD}{_NAME}\s+{_ADVERB}{_VERB}\b"),        # Jane said / Jane quickly replied
    re.compile(rf"{_LEAD}{_VERB}\s+{_PRONOUN}\b"),              # said he
    re.compile(rf"{_LEAD}{_PRONOUN}\s+{_ADVERB}{_VERB}\b"),     # she said
]
# "said his wife", "cried her mother", "replied the old gentleman": a description
# tells the speaker's gender, and is resolved like a pronoun.
NOUN_GENDER = {
    **{n: "she" for n in "wife lady mother sister aunt daughter niece woman girl mistress widow bride queen "
                          "duchess countess princess maid governess grandmother mamma mama madam hostess".split()},
    **{n: "he" for n in "husband lord father brother uncle son nephew man gentleman boy master widower "
                         "king duke count prince grandfather papa host fellow sir".split()},
}
# "said her husband": close family shares the possessor's family name (Edna Pontellier's
# husband is Mr. Pontellier), so the description resolves through the character list.
KIN_NOUNS = frozenset("wife husband lady mother father mamma mama papa sister brother son daughter".split())
# Among several of a family, a spouse or parent is the one titled as married: "his wife"
# and "her mother" of the Bennets is Mrs. Bennet, not one of the Miss Bennets.
MARRIED_KIN = {noun: ("mrs" if NOUN_GENDER[noun] == "she" else "mr")
               for noun in "wife husband lady mother father mamma mama papa".split()}
_DESCRIPTION = r"(?P<desc>(?:his|her|their|the|my|our)\s+(?:[a-z]+\s+){0,2}?(?P<noun>" + "|".join(NOUN_GENDER) + r"))\b"
_AFTER_PATTERNS += [
    re.compile(rf"{_LEAD}{_VERB}\s+{_DESCRIPTION}"),             # said his wife
    re.compile(rf"{_LEAD}{_DESCRIPTION}\s+{_ADVERB}{_VERB}\b"),  # her mother cried
]
# "said the doctor", "the captain replied": the one character with that title.
_TITLE_NOUN = r"(?P<title_desc>the\s+(?P<title_noun>doctor|professor|captain|colonel|major|general|inspector|sergeant|detective|reverend|vicar|admiral|lieutenant))\b"
_AFTER_PATTERNS += [
    re.compile(rf"{_LEAD}{_VERB}\s+{_TITLE_NOUN}"),             # said the doctor
    re.compile(rf"{_LEAD}{_TITLE_NOUN}\s+{_ADVERB}{_VERB}\b"),  # the doctor said
]
# "was Emma's calm answer", "was his reply": the words' owner, after the quotation.
_SPEECH_NOUN = (r"(?:reply|answer|remark|observation|rejoinder|exclamation|conclusion|question|inquiry|enquiry|"
                r"response|retort|comment|amendment|injunction|greeting|salutation|speech|address|cry|words)")
# ("Catherine s answer": some plain-text editions lost the apostrophe)
_POSSESSOR = rf"(?:(?P<article>the\s+)?(?P<name>{_TITLE}?[A-Z][\w'’-]+(?:\s+[A-Z][\w'’-]+){{0,2}})(?:['’]|\s)s|(?P<poss>his|her))"
_AFTER_PATTERNS += [
    re.compile(rf"{_LEAD}was\s+(?:all\s+|only\s+)?{_POSSESSOR}\s+(?:[a-z]+\s+){{0,3}}?{_SPEECH_NOUN}\b"),
]
# "McBryde raised his eyebrows, murmuring:" / "Elizabeth answered," / "Emma found an opportunity
# of saying," right before a quotation.
_ING_FORMS = sorted({(lemma[:-1] if lemma.endswith("e") and not lemma.endswith("ee") else lemma) + "ing"
                     for lemma in SPEECH_VERBS} | {"crying", "replying"}, key=len, reverse=True)
# "heard Mr. Weston whisper to his wife," / "took the opportunity to say,"
_BARE_FORMS = "say ask reply answer whisper cry exclaim add observe remark begin repeat murmur mutter call".split()
_VERB_BEFORE = "(?:" + "|".join(re.escape(f) for f in [*_SPEECH_FORMS, *_ING_FORMS, *_BARE_FORMS, "accosted"]) + ")"
_BEFORE_PATTERNS = [
    re.compile(rf"{_NAME}[^\"“”.!?;]{{0,80}}?\b{_VERB_BEFORE}(?:\s+\w+){{0,3}}?\s*[,:]?\s*[—–-]*\s*$"),
    # "Emma's remark was--", "Harriet's was--"
    re.compile(rf"{_POSSESSOR}\s+(?:[a-z]+\s+){{0,3}}?(?:{_SPEECH_NOUN}\s+)?(?:was|ran)\s*[,:]?\s*[—–-]*\s*$"),
]
_BEFORE_POSSESSIVE = re.compile(  # "his answer was:" (a pronoun needs the noun)
    rf"(?P<poss>his|her)\s+(?:[a-z]+\s+){{0,3}}?{_SPEECH_NOUN}\s+(?:was|ran)\s*[,:]?\s*[—–-]*\s*$")
# "turning to Elizabeth", "said to Mr. Darcy", "addressing Jane": whom the narration says a
# paragraph's words are spoken to
_ADDRESSED = re.compile(
    r"\b(?:turn(?:s|ed|ing)(?:\s+(?:round|back|again))?\s+(?:to|towards)|(?:said|saying|says|whisper(?:s|ed|ing)|"
    r"repl(?:ied|ying|ies)|call(?:s|ed|ing)|spoke|speaking|speaks|cried|crying|appeal(?:s|ed|ing))\s+to|"
    r"address(?:es|ed|ing))\s+(?:the\s+)?(?P<to>" + _TITLE + r"?[A-Z][\w'’-]+(?:\s+[A-Z][\w'’-]+)?)")
_TO_NAME = re.compile(r"^[^\"“”.!?;]{0,30}?\bto\s+(?:the\s+)?(?P<to>" + _TITLE + r"?[A-Z][\w'’-]+(?:\s+[A-Z][\w'’-]+)?)")
_NOT_VOCATIVE = frozenset("Only Just Even Poor Good Dear Dearest Oh O Ah Well Yes No Come Hush Hello Goodbye "
                          "Thank Thanks Please Sorry Look Listen Wait Stop Tell".split())
_NOT_NAMES = frozenset("The A An And But Then So Yet Or Nor For This That These Those There Here It Its "
                       "What Who Whom Why How When Where Which Well Oh Ah Yes No".split())


@dataclass(frozen=True)
class Turn:
    """One paragraph of dialogue in a conversation: who spoke, whom they named."""

    speaker: str | None
    vocatives: tuple[str, ...] = ()


@dataclass(frozen=True)
class Cue:
    """One piece of evidence for a speaker: who, how, and where in the text."""

    character: str | None
    how: str  # key of CONFIDENCE
    start: int  # chapter offsets of the cue mention
    end: int
    position: int  # offset of the cue's verb/actor, to pick the nearest quote
    gender: str | None = None  # for unresolved pronouns
    addressee: str | None = None  # "said she to Charlotte"
    continues: bool = False  # "she added", "he went on": the speaker of the turn before goes on


@dataclass(frozen=True)
class _Context:
    """What the rules saw when deciding one quotation: the ranker's raw material."""

    history: tuple[Turn, ...]  # the conversation before this paragraph
    cues: tuple[Cue, ...]  # every cue of the paragraph
    cue: Cue | None  # the nearest one, which the rules used
    named: tuple[str, ...]  # addressees the text names (vocatives, "said she to X")
    how: str  # the rules' evidence: a CONFIDENCE key
    speaker: str | None  # the rules' answer before re-reading turns between anchors
    paragraph: int
    turn: tuple[int, int, int]  # (chapter, conversation, turn): a turn is a paragraph of dialogue
    going_on: str | None = None  # for "she added": who was speaking before


def attribute_speakers(work: Work, parses: Sequence[Any], quotations: Sequence[Quotation], characters: Any,
                       ranker: Any = "default") -> list[Quotation]:
    """Return `quotations` with speaker, addressees, kind, confidence and cue filled.

    The rules above propose; the learned ranker (`ficlens.dialogue.ranker`, trained
    on PDNC DEV) then re-ranks each quotation's candidate speakers with the rules'
    choice as one of its features. `ranker=None` gives the rules alone."""
    if ranker == "default":
        from .ranker import default_ranker

        ranker = default_ranker()
    tables = candidate_tables(work, parses, quotations, characters)
    if ranker is None:
        return tables.rule_quotes
    return ranker.choose(tables)


@dataclass
class CandidateTables:
    """Per quotation (in the rules' output order): the rules' answer, the candidate
    speakers and their text features (`ranker.STATIC_FEATURES` order), the kind of
    cue (`ranker.CONDITIONS`), and its turn; plus what the turn-sequence features
    need (`ranker.sequence_rows`). What the ranker scores and training reads."""

    rule_quotes: list[Quotation]
    candidates: list[list[str]]
    static: list[Any]  # (candidates x STATIC_FEATURES) arrays
    conditions: list[str]
    turns: list[tuple[int, int, int]]  # (chapter, conversation, turn)
    vocatives: dict[tuple[int, int, int], tuple[str, ...]]  # names each turn addresses
    gender: dict[str, str]
    attributors: list[Any] | None  # per quotation, its chapter attributor (for addressees)


def candidate_tables(work: Work, parses: Sequence[Any], quotations: Sequence[Quotation],
                     characters: Any) -> CandidateTables:
    """Run the rules (two passes, see below) and build the candidate tables."""
    by_chapter: dict[int, list[Quotation]] = {}
    for q in quotations:
        by_chapter.setdefault(q.chapter, []).append(q)
    parse_of = {p.chapter.index: p for p in parses}

    names = name_facts(characters)

    def one_pass(speaking: Counter | None) -> tuple[list[Quotation], list]:
        out: list[Quotation] = []
        attributors = []
        for chapter in work.chapters:
            qs = by_chapter.get(chapter.index)
            if qs:
                attributor = _ChapterAttributor(chapter, parse_of.get(chapter.index), qs, characters, speaking,
                                                names)
                out.extend(attributor.run())
                attributors.append(attributor)
        return out, attributors

    first, attributors = one_pass(None)
    # Characters who are explicitly said to speak somewhere in the work are the only
    # ones turn-taking falls back on: a dog or a name in passing never gets a line
    # from a guess. Costs a second, cheap pass (the spaCy parses are reused).
    speaking = Counter(q.speaker for q in first if q.kind == "explicit" and q.speaker)
    if speaking:
        first, attributors = one_pass(speaking)
    from .ranker import condition

    tables = CandidateTables(first, [], [], [], [], {}, {c.id: c.gender for c in characters.characters}, [])
    by_start = {}
    for attributor in attributors:
        for q in attributor.result:
            by_start[(q.chapter, q.spans[0][0])] = attributor
        for conversation, turns in enumerate(attributor.vocatives_of):
            for turn, vocatives in enumerate(turns):
                tables.vocatives[(attributor.chapter.index, conversation, turn)] = vocatives
    # what the explicit lines show of each character's habits: how they talk, to whom
    idiolects = Idiolects(first)
    partners = Partners(first, [by_start[(q.chapter, q.spans[0][0])].context[q.spans[0][0]].turn for q in first],
                        tables.vocatives)

    def habits(candidates: list[str], i: int, q: Quotation) -> dict[str, list]:
        return {"style": [idiolects.score(i, q.speaker, who) for who in candidates],
                "addressing": partners.addressing(i, candidates), "partnering": partners.partnering(i, candidates)}

    for i, q in enumerate(first):
        attributor = by_start[(q.chapter, q.spans[0][0])]
        ctx = attributor.context[q.spans[0][0]]
        ids, rows = attributor.candidate_features(q, lambda candidates, i=i, q=q: habits(candidates, i, q))
        tables.candidates.append(ids)
        tables.static.append(rows)
        tables.conditions.append(condition(ctx.cue, len(ctx.history)))
        tables.turns.append(ctx.turn)
        tables.attributors.append(attributor)
    return tables


@dataclass(frozen=True)
class NameFacts:
    """What the characters' names say, for descriptions that name nobody:
    "her husband" (a shared family name), "the doctor" (a title)."""

    families: dict[str, frozenset[str]]  # character id -> family names ("Edna Pontellier", "Mr. Pontellier")
    titled: dict[str, frozenset[str]]  # normalised title -> ids of the characters some name of which carries it

    def carries(self, character: str, title: str) -> bool:
        return character in self.titled.get(title, ())


def name_facts(characters: Any) -> NameFacts:
    families: dict[str, frozenset[str]] = {}
    titled: dict[str, set[str]] = {}
    for c in characters.characters:
        family = set()
        for text in (c.name, *c.aliases):
            form = parse_name(text)
            if form is None or form.article:
                continue
            if form.title:
                titled.setdefault(form.title, set()).add(c.id)
            if form.is_full:
                family.add(form.surname)
            elif form.title and len(form.core) == 1 and form.title not in GIVEN_NAME_TITLES:
                family.add(form.core[0])
        families[c.id] = frozenset(family)
    return NameFacts(families, {title: frozenset(ids) for title, ids in titled.items()})


class _ChapterAttributor:
    def __init__(self, chapter: Chapter, parse: Any, quotations: list[Quotation], characters: Any,
                 speaking: Counter | None = None, names: NameFacts | None = None):
        self.chapter = chapter
        self.names = names or NameFacts({}, {})
        self.speaking = speaking  # explicit lines per character in the first pass
        self.context: dict[int, _Context] = {}  # by quotation start
        self.result: list[Quotation] = []
        self.vocatives_of: list[list[tuple[str, ...]]] = []
        self.turn_speakers: dict[tuple[int, int], str] = {}
        self.turn_cues: dict[tuple[int, int], Cue | None] = {}  # (conversation, turn) -> its first quotation's cue
        self.prominence = {c.id: c.mentions for c in characters.characters}
        self.quotations = sorted(quotations, key=lambda q: q.spans[0][0])
        self.layer = characters
        self.docs = list(parse.docs) if parse is not None else []
        self.doc_starts = [offset for offset, _ in self.docs]
        self.offset_of_doc = {id(doc): offset for offset, doc in self.docs}
        # the layer's per-chapter index: filtering all mentions here was quadratic in chapters
        mentions = sorted(characters.mentions_in(chapter.index), key=lambda m: m.start)
        self.mentions = mentions
        self.mention_starts = [m.start for m in mentions]
        quoted = sorted(span for q in quotations for span in q.spans)
        quoted_starts = [a for a, _ in quoted]

        def inside_quote(pos: int) -> bool:
            i = bisect.bisect_right(quoted_starts, pos) - 1
            return i >= 0 and pos < quoted[i][1]

        self.narration_mentions = [m for m in mentions if m.kind in ("name", "pronoun", "description")
                                   and not inside_quote(m.start)]
        self.narration_starts = [m.start for m in self.narration_mentions]
        self._narration_start_set = set(self.narration_starts)
        self._narration_starts_of: dict[str, list[int]] = {}  # character -> its narration mentions
        for m in self.narration_mentions:
            if m.character:
                self._narration_starts_of.setdefault(m.character, []).append(m.start)
        self._subjects_of: dict[int, list[str]] = {}  # paragraph -> `_paragraph_subjects`
        self._speakers_by_conversation: dict[int, tuple[str, ...]] | None = None
        self.gender = {c.id: c.gender for c in characters.characters}
        self.narrator = getattr(characters, "narrator", None)
        self.resolve_name = getattr(characters, "resolve_name", lambda text: None)

    # -- text helpers --------------------------------------------------------------
    def _mention_at(self, start: int, end: int):
        """The name/description mention covering [start, end), if any."""
        i = bisect.bisect_right(self.mention_starts, start) - 1
        for j in (i, i + 1):
            if 0 <= j < len(self.mentions):
                m = self.mentions[j]
                if m.start <= start and end <= m.end and m.character:
                    return m
        return None

    def _tokens_of_paragraph(self, para):
        """spaCy tokens whose chapter offsets fall in the paragraph, with offsets."""
        i = bisect.bisect_right(self.doc_starts, para.start) - 1
        i = max(i, 0)
        for offset, doc in self.docs[i:]:
            if offset >= para.end:
                break
            for tok in doc:
                pos = offset + tok.idx
                if para.start <= pos < para.end:
                    yield tok, pos

    # -- main loop -----------------------------------------------------------------
    def run(self) -> list[Quotation]:
        paragraphs = self.chapter.paragraphs
        by_para: dict[int, list[Quotation]] = {}
        for q in self.quotations:
            by_para.setdefault(q.paragraph, []).append(q)
        para_starts = [p.start for p in paragraphs]
        break_paras = [bisect.bisect_left(para_starts, b.offset) for b in self.chapter.scene_breaks]
        history: list[Turn] = []  # the conversation so far, latest last
        last_quote_para = -10
        conversations: list[list[list[Quotation]]] = []  # per conversation, its turns
        vocatives_of: list[list[tuple[str, ...]]] = []
        for pi in sorted(by_para):
            para = paragraphs[pi]
            # A new conversation starts after a scene break or any paragraph of narration
            # (measured on PDNC DEV: resetting after one narration paragraph beats three).
            if pi - last_quote_para > 1 or any(last_quote_para < b <= pi for b in break_paras) or not conversations:
                history = []
                conversations.append([])
                vocatives_of.append([])
            quotes = by_para[pi]
            cues = self._cues(para, quotes)
            if not any(c.how != "beat" for c in cues):
                cues = self._lead_in_cues(pi, by_para) or cues
            turn = (self.chapter.index, len(conversations) - 1, len(conversations[-1]))
            attributed, vocatives = self._decide(quotes, cues, history, pi, turn)
            self.turn_cues[turn[1:]] = self.context[quotes[0].spans[0][0]].cue
            speakers = [q.speaker for q in attributed if q.speaker]
            history.append(Turn(speakers[-1] if speakers else None, vocatives))
            conversations[-1].append(attributed)
            vocatives_of[-1].append(vocatives)
            last_quote_para = pi
        result: list[Quotation] = []
        for turns, vocatives in zip(conversations, vocatives_of):
            result.extend(q for turn in _alternate_between_anchors(turns, vocatives) for q in turn)
        self.result = result
        self.vocatives_of = vocatives_of
        self.turn_speakers = {}  # (conversation, turn) -> the speaker of its last quotation
        for q in result:
            if q.speaker:
                self.turn_speakers[self.context[q.spans[0][0]].turn[1:]] = q.speaker
        return result

    def _pattern_cues(self, para, quotes: list[Quotation]) -> tuple[list[Cue], list[Quotation]]:
        """Speech-verb patterns in the narration that follows each quotation, and the
        quotations that have none right after them."""
        text = self.chapter.text
        cues: list[Cue] = []
        uncovered: list[Quotation] = []
        bounds = sorted({s for q in quotes for s, _ in q.spans} | {para.end + 1})
        for q in quotes:
            before = len(cues)
            for _s, e in q.spans:
                after = e + 1  # past the closing mark
                stop = min((b for b in bounds if b > after), default=para.end) - 1
                window = text[after : max(after, stop)][:80]
                for pattern in _AFTER_PATTERNS:
                    m = pattern.match(window)
                    cue = self._pattern_cue(m, after, window) if m else None
                    if cue is not None:
                        cues.append(replace(cue, continues=bool(_CONTINUING.search(m.group(0)))))
                        break
            if len(cues) == before:
                uncovered.append(q)
        return cues, uncovered

    def _pattern_cue(self, m: re.Match, after: int, window: str) -> Cue | None:
        """The cue one of `_AFTER_PATTERNS` found in `window` (the narration from
        offset `after`), or None when its name names nobody."""
        to = _TO_NAME.match(window[m.end():])
        addressee = self.resolve_name(to.group("to")) if to else None
        groups = m.groupdict()
        if groups.get("name"):
            name = re.sub(r"['’]s$", "", m.group("name").rstrip("'’"))
            if name.split()[0] in _NOT_NAMES:
                return None
            who = self._resolve_named(name, m.group("article"))
            return Cue(who, "explicit", after + m.start("name"), after + m.end("name"), after,
                       addressee=addressee) if who else None
        if groups.get("title_noun"):
            who = self._titled(m.group("title_noun"))
            return Cue(who, "description", after + m.start("title_desc"), after + m.end("title_desc"),
                       after) if who else None
        if groups.get("poss"):  # was his reply
            return self._possessive_cue(m.group("poss"), after + m.start("poss"), after)
        if groups.get("desc"):
            start, end = after + m.start("desc"), after + m.end("desc")
            mention = self._mention_at(start, end)
            gender = NOUN_GENDER[m.group("noun")]
            relative = None if mention else self._relative(start, m.group("desc"), gender)
            if relative:  # as good as a name
                return Cue(relative, "description", start, end, after)
            return Cue(mention.character if mention else None, "anaphoric", start, end, after, gender=gender)
        pron = m.group("pron")
        start = after + m.start("pron")
        if pron == "I":
            return Cue(self.narrator, "narrator", start, start + 1, after) if self.narrator else None
        mention = self._mention_at(start, start + len(pron))
        return Cue(mention.character if mention else None, "anaphoric", start, start + len(pron), after,
                   gender=PRONOUN_GENDER[pron.lower()], addressee=addressee)

    def _lead_in(self, start: int, end: int, position: int) -> Cue | None:
        """The speaker a lead-in ending at `end` introduces ("Elizabeth answered,",
        "Emma's remark was--", "his answer was:"), as a cue at `position`."""
        window = self.chapter.text[start:end]
        for pattern in _BEFORE_PATTERNS:
            # the leftmost capitalised word that names somebody ("After one of the many
            # praises of the day, Captain Wentworth added:--" is Captain Wentworth's)
            at = 0
            while (m := pattern.search(window, at)) is not None and m.group("name"):
                if m.group("name").split()[0] not in _NOT_NAMES:
                    who = self._resolve_named(m.group("name"), m.group("article"))
                    if who:
                        return Cue(who, "explicit", start + m.start("name"), start + m.end("name"), position)
                at = m.start("name") + 1
        m = _BEFORE_POSSESSIVE.search(window)
        if m:
            return self._possessive_cue(m.group("poss"), start + m.start("poss"), position)
        return None

    def _narration_addressees(self, quotes: list[Quotation]) -> list[str]:
        """Whom the paragraph's narration says its words are spoken to ("turning to Jane")."""
        para = self.chapter.paragraphs[quotes[0].paragraph]
        quoted = [(s, e) for q in quotes for s, e in q.spans]
        found: list[str] = []
        for m in _ADDRESSED.finditer(self.chapter.text, para.start, para.end):
            if any(s <= m.start() < e for s, e in quoted):
                continue
            who = self.resolve_name(m.group("to"))
            if who and who not in found:
                found.append(who)
        return found

    def _possessive_cue(self, word: str, start: int, position: int) -> Cue:
        """"his reply": a pronoun cue through the possessive's mention."""
        mention = self._mention_at(start, start + len(word))
        return Cue(mention.character if mention else None, "anaphoric", start, start + len(word), position,
                   gender="he" if word.lower() == "his" else "she")

    def _resolve_named(self, name: str, article: str | None) -> str | None:
        """The character a speech-verb pattern names: "the Duchess" as a whole first
        (a character known with its article), then the name, then its last word."""
        return ((article and self.resolve_name(article + name)) or self.resolve_name(name)
                or self.resolve_name(name.split()[-1]) or (article and self._titled(name)) or None)

    def _titled(self, word: str) -> str | None:
        """The character some name of which carries the title `word` ("the doctor"
        for Dr. Crane): the only one, or one mentioned over three times as often as
        any other (Dr. Crane, not the Dr. Mabey named once); else None."""
        title = norm_title(word)
        if title is None:
            return None
        ranked = sorted(self.names.titled.get(title, ()), key=lambda who: -self.prominence.get(who, 0))
        if len(ranked) > 1 and self.prominence.get(ranked[0], 0) <= 3 * self.prominence.get(ranked[1], 0):
            return None
        return ranked[0] if ranked else None

    def _cues(self, para, quotes: list[Quotation]) -> list[Cue]:
        found, uncovered = self._pattern_cues(para, quotes)
        if found and not uncovered:
            return found
        quoted = [(s, e) for q in quotes for s, e in q.spans]

        def in_quote(pos: int) -> bool:
            return any(s - 1 <= pos < e + 1 for s, e in quoted)

        cues: list[Cue] = []
        narration = [(tok, pos) for tok, pos in self._tokens_of_paragraph(para) if not in_quote(pos)]
        narration_ids = {tok.i for tok, _ in narration}
        for tok, pos in narration:
            if found and tok.dep_ == "relcl":
                continue  # describes someone ("a hesitation which Emma thought becoming"), says nothing
            if tok.pos_ in ("VERB", "AUX") and tok.lemma_.lower() in SPEECH_VERBS:
                subj = _subject_of(tok)
                if subj is not None and subj.i in narration_ids:
                    cue = self._cue_for_subject(subj, pos, speech=True)
                    if cue:
                        cues.append(replace(cue, continues=tok.lemma_.lower() in CONTINUING_LEMMAS))
            elif tok.dep_ in SUBJECT_DEPS and tok.lemma_.lower() in VOICE_NOUNS:
                owner = next((c for c in tok.children if c.dep_ == "poss"), None)
                if owner is not None and owner.i in narration_ids:
                    cue = self._cue_for_subject(owner, pos, speech=True)
                    if cue:
                        cues.append(cue)
        if found:
            # a quotation the patterns left without a cue of its own gets a lead-in from
            # the parse: '"What trial is it?" Alice panted; but the Gryphon only answered
            # "Come on!"' — one that no other quotation separates from it
            return found + [c for c in cues if not any(f.start < c.end and c.start < f.end for f in found)
                            and any(c.position < q.spans[0][0] and _adjacent(q, c, quotes) for q in uncovered)]
        if not cues and quotes:
            # a lead-in right before the first quotation that the parse missed: "Emma's
            # remark was--", "Elizabeth answered,"
            first = min(q.spans[0][0] for q in quotes)
            cue = self._lead_in(max(para.start, first - 161), max(para.start, first - 1), first)
            if cue is not None:
                cues.append(cue)
        if not cues:
            # an action beat: the first character acting as a clause subject
            for tok, pos in narration:
                if tok.dep_ not in SUBJECT_DEPS:
                    continue
                # a name: tagged PROPN, or a name mention of the characters layer
                # (spaCy tags an unfamiliar "Rosalind" NOUN)
                named = tok.pos_ == "PROPN" or (
                    tok.is_title and (m := self._mention_at(pos, pos + len(tok.text))) is not None and m.kind == "name")
                if named or (tok.head.pos_ in ("VERB", "AUX") and tok.lower_ in ("he", "she", "i")):
                    cue = self._cue_for_subject(tok, pos, speech=False)
                    if cue and (cue.character or cue.gender):
                        cues.append(cue)
                        break
        return cues

    def _lead_in_cues(self, pi: int, by_para: dict[int, list[Quotation]]) -> list[Cue]:
        """"He continued," / "Emma's remark was--" on its own line introduces the
        quotation that opens the next paragraph."""
        if pi == 0 or (pi - 1) in by_para:
            return []
        first = by_para[pi][0]
        para = self.chapter.paragraphs[pi]
        if self.chapter.text[para.start : first.spans[0][0]].strip(" \"“‘'\n") :
            return []  # narration before the quotation: it has its own cues
        prev = self.chapter.paragraphs[pi - 1]
        tail = self.chapter.text[prev.start : prev.end].rstrip()
        if not tail.endswith((":", ",", "--", "—", "–", ";")):
            return []
        cues = [c for c in self._cues(prev, []) if c.character or c.gender]
        cue = self._lead_in(max(prev.start, prev.end - 160), prev.end, para.start)
        # the lead-in pattern where the parse found no speech verb, or only ones before
        # the clause that ends the paragraph ("...and mentioned a place; and Anne, after
        # the little pause which followed, added--": the parse misreads "added--")
        if cue is not None and all(c.how == "beat" or c.position < cue.start for c in cues):
            return [cue]
        # the cue that introduces the quotation is the one nearest the end
        cues = [max(cues, key=lambda c: c.position)] if cues else []
        return [replace(c, position=para.start, addressee=None) for c in cues]

    def _cue_for_subject(self, subj, verb_pos: int, speech: bool) -> Cue | None:
        doc_offset = self._doc_offset(subj.doc)
        # widen a name to its compound/flat parts ("Mr. Bennet")
        left = min([subj.i] + [c.i for c in subj.lefts if c.dep_ in ("compound", "flat", "nmod")])
        start = doc_offset + subj.doc[left].idx
        end = doc_offset + subj.idx + len(subj.text)
        lower = subj.text.lower()
        if lower == "i" and self.narrator:
            return Cue(self.narrator, "narrator", start, end, verb_pos)
        mention = self._mention_at(start, end) or self._mention_at(doc_offset + subj.idx, end)
        if lower in PRONOUN_GENDER:
            who = mention.character if mention else None
            return Cue(who, "anaphoric", start, end, verb_pos, gender=PRONOUN_GENDER[lower])
        if mention is not None:
            how = "explicit" if subj.pos_ == "PROPN" or mention.kind == "name" else "description"
            return Cue(mention.character, how if speech else "beat", start, end, verb_pos)
        if subj.pos_ == "PROPN":
            who = self.resolve_name(subj.doc[left : subj.i + 1].text)
            if who:
                return Cue(who, "explicit" if speech else "beat", start, end, verb_pos)
        return None

    def _relative(self, start: int, description: str, gender: str) -> str | None:
        """"her husband" at `start`: the one character of that gender sharing a family
        name with whom "her" refers to (among several, a spouse or parent is the one
        titled Mrs./Mr.); None when there is not exactly one."""
        words = description.split()
        if words[0] not in ("his", "her") or words[-1] not in KIN_NOUNS or (words[-1] == "lady" and words[0] != "his"):
            return None
        owner = self._mention_at(start, start + len(words[0]))
        if owner is None:
            return None
        families = self.names.families
        family = families.get(owner.character, frozenset())
        kin = [who for who, names in families.items()
               if who != owner.character and names & family and self.gender.get(who) == gender]
        if len(kin) > 1 and words[-1] in MARRIED_KIN:
            kin = [who for who in kin if self.names.carries(who, MARRIED_KIN[words[-1]])]
        return kin[0] if len(kin) == 1 else None

    def _doc_offset(self, doc) -> int:
        return self.offset_of_doc.get(id(doc), 0)

    def _decide(self, quotes: list[Quotation], cues: list[Cue], history: list[Turn], paragraph: int,
                turn: tuple[int, int, int]) -> tuple[list[Quotation], tuple[str, ...]]:
        """The attributed quotations of one paragraph, and the addressees its text
        names (vocatives, "said she to Charlotte") as opposed to ones guessed."""
        out = []
        named: list[str] = []
        told = self._narration_addressees(quotes)
        for q in quotes:
            addressees = self._vocatives(q)
            addressees += [who for who in told if who not in addressees]
            cue = _nearest_cue(q, cues, quotes)
            if cue is not None and cue.addressee and cue.addressee not in addressees:
                addressees.append(cue.addressee)
            speaker, how = None, "fallback"
            # who "she added" means: the paragraph's speaker so far, else the last turn's
            going_on = next((o.speaker for o in reversed(out) if o.speaker), None) or (
                history[-1].speaker if history else None)
            if cue is not None:
                speaker, how = cue.character, cue.how
                if cue.how == "anaphoric" or (cue.how == "beat" and cue.gender):
                    speaker = self._resolve_pronoun(cue, history, addressees, q.spans[0][0])
                if speaker in addressees:
                    if how in ("explicit", "narrator"):
                        addressees = [a for a in addressees if a != speaker]  # "Only Wren," I said
                    else:
                        speaker = None
            if speaker is None:
                # an unresolved "he said" still tells us the speaker's gender
                gender = cue.gender if cue is not None else None
                speaker, how = self._turn_taking(history, addressees, q, gender)
            if how in ("alternation", "fallback"):
                kind = "implicit"
            elif how in ("explicit", "narrator") or (how == "beat" and cue is not None and not cue.gender):
                kind = "explicit"
            else:
                kind = "anaphoric"
            named.extend(addressees)
            self.context[q.spans[0][0]] = _Context(tuple(history), tuple(cues), cue, tuple(addressees), how,
                                                  speaker, paragraph, turn,
                                                  going_on if cue is not None and cue.continues else None)
            if not addressees:
                addressees = self._default_addressees(speaker, history)
            out.append(
                replace(
                    q,
                    speaker=speaker,
                    addressees=tuple(addressees),
                    kind=kind,
                    confidence=CONFIDENCE.get(how, 0.3) if speaker else 0.0,
                    cue=Span(self.chapter.index, cue.start, cue.end) if cue is not None and speaker == cue.character else None,
                )
            )
        return out, tuple(named)

    # -- the ranker's view of one quotation --------------------------------------------
    def _narration_characters(self, start: int, end: int) -> list[str]:
        """Characters mentioned in narration within [start, end), in order."""
        lo = bisect.bisect_left(self.narration_starts, start)
        hi = bisect.bisect_left(self.narration_starts, end)
        return [m.character for m in self.narration_mentions[lo:hi] if m.character]

    def candidate_features(self, q: Quotation, habits: Callable[[list[str]], dict[str, list]]
                           ) -> tuple[list[str], Any]:
        """The candidate speakers of `q` (the rules' answer, cue characters, the
        conversation's speakers and addressees before and after, characters recently
        in the narration) and their text-feature rows (`ranker.STATIC_FEATURES`);
        `habits(candidates)` gives per-candidate lists of what the work's explicit lines
        show ("style", "addressing", "partnering"; see `idiolect`, `partners`)."""
        from .ranker import static_rows

        ctx = self.context[q.spans[0][0]]
        start = q.spans[0][0]
        paragraphs = self.chapter.paragraphs
        para = paragraphs[ctx.paragraph]
        recent: list[str] = []  # distinct characters in the narration before, nearest first
        i = bisect.bisect_left(self.narration_starts, start) - 1
        while i >= 0 and len(recent) < RECENT_CHARACTERS and self.narration_mentions[i].start >= start - RECENT_WINDOW:
            who = self.narration_mentions[i].character
            if who and who not in recent:
                recent.append(who)
            i -= 1
        before = set(self._narration_characters(para.start, start))
        after = set(self._narration_characters(start, para.end))
        previous = set()
        if ctx.paragraph > 0:
            prev = paragraphs[ctx.paragraph - 1]
            previous = set(self._narration_characters(prev.start, prev.end))
        named_ago: dict[str, int] = {}
        for ago, turn in enumerate(reversed(ctx.history), 1):
            for who in turn.vocatives:
                named_ago.setdefault(who, ago)
        _chapter, conversation, turn = ctx.turn
        later = self.vocatives_of[conversation][turn + 1 : turn + 2]
        named_next = set(later[0]) if later else set()
        next_cue = self.turn_cues.get((conversation, turn + 1))
        in_quote = {m.character for m in self.layer.mentions_in(self.chapter.index, start, q.spans[-1][1])
                    if m.kind == "name" and m.character}
        cue_characters = [c.character for c in ctx.cues if c.character]
        spoke = [t.speaker for t in reversed(ctx.history)]
        spoke_after = [self.turn_speakers.get((conversation, turn + k)) for k in (1, 2)]
        spoke_last_conversation = self._conversation_speakers().get(conversation - 1, ())
        near_start = paragraphs[max(0, ctx.paragraph - NEAR_PARAGRAPHS)].start
        near = Counter(self._narration_characters(near_start, start))
        subjects = self._paragraph_subjects(ctx.paragraph)
        scene_start = max((b.offset for b in self.chapter.scene_breaks if b.offset <= start), default=0)
        candidates: list[str] = []
        for who in (q.speaker, ctx.speaker, *cue_characters, *spoke, *spoke_after, *named_ago, *sorted(named_next),
                    *recent, *sorted(before), *sorted(after), *sorted(previous), self.narrator):
            if who and who not in candidates:
                candidates.append(who)
        facts = dict(
            rule=q.speaker, rule_before_rereading=ctx.speaker, cue=ctx.cue, cue_characters=cue_characters,
            named_ago=named_ago, named_here=ctx.named, named_next=named_next, recent=recent,
            before=before, after=after, previous=previous, in_quote=in_quote,
            near=near, subjects=subjects, spoke_last_conversation=set(spoke_last_conversation),
            in_scene={who for who in candidates if self._mentioned_between(who, scene_start, start)} | set(spoke),
            **habits(candidates),
            continues_last=ctx.going_on,
            continued_next={who for who in candidates if next_cue is not None and next_cue.continues and (
                who == next_cue.character or (next_cue.gender and self.gender.get(who) == next_cue.gender))},
        )
        return candidates, static_rows(candidates, facts, self)

    def _mentioned_between(self, character: str, start: int, end: int) -> bool:
        """Whether the narration mentions `character` within [start, end)."""
        starts = self._narration_starts_of.get(character, ())
        i = bisect.bisect_left(starts, start)
        return i < len(starts) and starts[i] < end

    def _conversation_speakers(self) -> dict[int, tuple[str, ...]]:
        """conversation -> who speaks in it (the rules' answers), in order of first line."""
        if self._speakers_by_conversation is None:
            by: dict[int, list[str]] = {}
            for (conversation, _turn), who in sorted(self.turn_speakers.items()):
                if who not in by.setdefault(conversation, []):
                    by[conversation].append(who)
            self._speakers_by_conversation = {c: tuple(w) for c, w in by.items()}
        return self._speakers_by_conversation

    def _paragraph_subjects(self, paragraph: int) -> list[str]:
        """Characters that are clause subjects in the paragraph's narration, in order
        ("Tom set down his cup": the paragraph is about Tom)."""
        found = self._subjects_of.get(paragraph)
        if found is None:
            para = self.chapter.paragraphs[paragraph]
            found = []
            for tok, pos in self._tokens_of_paragraph(para):
                if tok.dep_ not in SUBJECT_DEPS:
                    continue
                m = self._mention_at(pos, pos + len(tok.text))
                if m is not None and m.start in self._narration_start_set:
                    found.append(m.character)
            self._subjects_of[paragraph] = found
        return found

    def _participants(self, history: list[Turn]) -> list[str]:
        """Who is in the conversation, most recent first: speakers and people named."""
        seen: list[str] = []
        for turn in reversed(history):
            for who in (turn.speaker, *turn.vocatives):
                if who and who not in seen:
                    seen.append(who)
        return seen

    def _resolve_pronoun(self, cue: Cue, history: list[Turn], addressees: list[str], before: int) -> str | None:
        """"she said": the expected next speaker if her gender fits (whom the last
        speaker addressed, else whoever spoke before the last speaker), else the
        most recent fitting character in the narration (mentions inside quotations
        are mostly people talked about, not speakers)."""
        gender = cue.gender
        last = history[-1].speaker if history else None
        expected = self._expected_next(history, addressees)
        if cue.character and cue.character not in addressees:
            if cue.character != last or not (expected and self._fits(expected, gender, strict=True)):
                return cue.character
        if expected and self._fits(expected, gender, strict=True):
            return expected
        other = self._recent_character(before, set(addressees) | ({last} if last else set()), gender, strict=True)
        if other:
            return other
        if last and self._fits(last, gender, strict=True) and last not in addressees:
            return last
        return cue.character if cue.character not in addressees else None

    def _expected_next(self, history: list[Turn], addressees: list[str]) -> str | None:
        if not history:
            return None
        last = history[-1]
        for who in last.vocatives:
            if who != last.speaker and who not in addressees:
                return who
        if len(history) >= 2 and history[-2].speaker and history[-2].speaker != last.speaker:
            if history[-2].speaker not in addressees:
                return history[-2].speaker
        return None

    def _fits(self, character: str, gender: str | None, strict: bool = False) -> bool:
        if gender is None:
            return True
        known = self.gender.get(character, "unknown")
        return known == gender or (not strict and known == "unknown")

    def _turn_taking(self, history: list[Turn], addressees: list[str], q: Quotation,
                     gender: str | None = None) -> tuple[str | None, str]:
        expected = self._expected_next(history, addressees)
        if expected and self._fits(expected, gender):
            return expected, "alternation"
        last = history[-1].speaker if history else None
        for who in self._participants(history):
            if who != last and who not in addressees and self._fits(who, gender):
                return who, "alternation"
        # nobody else has spoken yet: the character most recently in view
        exclude = set(addressees) | ({last} if last else set())
        other = self._recent_character(q.spans[0][0], exclude, gender)
        return (other, "fallback") if other else (None, "fallback")

    def _recent_character(self, before: int, exclude: set, gender: str | None = None, window: int = 5000,
                          strict: bool = False) -> str | None:
        i = bisect.bisect_left(self.narration_starts, before) - 1
        while i >= 0 and self.narration_mentions[i].start >= before - window:
            m = self.narration_mentions[i]
            if (m.character and m.character not in exclude and self._fits(m.character, gender, strict)
                    and (self.speaking is None or m.character in self.speaking)):
                return m.character
            i -= 1
        return None

    def _vocatives(self, q: Quotation) -> list[str]:
        found: list[str] = []
        # each stretch's start and end ("Is it clear, my dear Lizzy?" -- said Jane -- "...")
        stretches = [self.chapter.text[s:e] for s, e in q.spans]
        tries = [(p, t) for t in stretches for p in (_VOCATIVE_START, _VOCATIVE_END)] + [(_VOCATIVE_WHOLE, q.text)]
        matches = [m for pattern, text in tries for m in [pattern.search(text)] if m]
        matches += [m for text in stretches for m in _VOCATIVE_MID.finditer(text)]
        for m in matches:
            words = m.group(1).strip().rstrip(".").split()
            while words and words[0] in _NOT_VOCATIVE:
                words = words[1:]  # "Only Wren." -> "Wren"
            if not words:
                continue
            who = self.resolve_name(" ".join(words))
            if who and who not in found:
                found.append(who)
        return found

    def _default_addressees(self, speaker: str | None, history: list[Turn]) -> list[str]:
        for who in self._participants(history):
            if who != speaker:
                return [who]
        return []


def _turn_speaker(turn: list[Quotation]) -> str | None:
    speakers = [q.speaker for q in turn if q.speaker]
    return speakers[-1] if speakers else None


def _alternate_between_anchors(turns: list[list[Quotation]], vocatives: list[tuple[str, ...]]) -> list[list[Quotation]]:
    """Re-read uncued turns as a two-person exchange anchored on the nearest cued
    turn, before or after: A B A B counted from the anchor. The other person is
    whom the anchor addressed by name, else the nearest other cued speaker."""
    anchors = [i for i, t in enumerate(turns) if any(q.kind != "implicit" and q.speaker for q in t)]
    if not anchors:
        return turns
    anchor_speaker = {i: _turn_speaker(turns[i]) for i in anchors}
    out = list(turns)
    for i, turn in enumerate(turns):
        if i in anchor_speaker or not all(q.kind == "implicit" for q in turn):
            continue
        guess = _turn_speaker(turn)
        if guess and not any(
            _turn_speaker(out[j]) == guess and abs(out[j][0].paragraph - turn[0].paragraph) == 1
            for j in (i - 1, i + 1) if 0 <= j < len(out) and (j < i or j in anchor_speaker)
        ):
            continue  # the forward guess does not clash with an adjacent paragraph's speaker: keep it
        before = max((a for a in anchors if a < i), default=None)
        after = min((a for a in anchors if a > i), default=None)
        if before is None and after is None:
            continue
        anchor = before if after is None or (before is not None and i - before <= after - i) else after
        a = anchor_speaker[anchor]
        other = next((v for v in vocatives[anchor] if v != a), None)
        if other is None:
            others = sorted((x for x in anchors if anchor_speaker[x] != a), key=lambda x: abs(x - anchor))
            other = anchor_speaker[others[0]] if others else None
        if other is None:
            continue
        speaker = a if abs(i - anchor) % 2 == 0 else other
        if speaker in vocatives[i]:
            continue  # the turn names that person: they are not speaking
        out[i] = [replace(q, speaker=speaker, addressees=tuple(a for a in q.addressees if a != speaker),
                          confidence=CONFIDENCE["alternation"]) for q in turn]
    return out


def _subject_of(verb):
    """The subject of a speech verb, following conjunctions ("turned and said") and
    prepositions ("Edmund obliged her to stop by saying")."""
    node = verb
    for _ in range(6):
        for child in node.children:
            if child.dep_ in SUBJECT_DEPS:
                return child
        if node.dep_ in ("conj", "xcomp", "advcl", "pcomp", "prep") and node.head is not node:
            node = node.head
        else:
            break
    return None


def _adjacent(q: Quotation, cue: Cue, quotes: Sequence[Quotation]) -> bool:
    """Whether no other quotation of the paragraph stands between `cue` and `q` (or
    around the cue: '"Yes," she said, "I know." "Go!"' — "she said" is not the third's)."""
    start, end = q.spans[0][0], q.spans[-1][1]
    low, high = (end, cue.position) if cue.position >= end else (cue.position, start)
    return not any(other.spans[0][0] < high and other.spans[-1][1] > low for other in quotes if other is not q)


def _nearest_cue(q: Quotation, cues: list[Cue], quotes: Sequence[Quotation]) -> Cue | None:
    """The cue for `q` among its paragraph's `cues`. One with another of the paragraph's
    `quotes` between it and `q` is that one's: in 'Alice heard the King say, "You are
    all pardoned." "Good!" she said' the first quotation is the King's."""
    cues = [c for c in cues if _adjacent(q, c, quotes)] or cues
    if not cues:
        return None
    if len(cues) == 1 or len({c.character for c in cues}) == 1:
        return cues[0]
    start, end = q.spans[0][0], q.spans[-1][1]

    def distance(c: Cue) -> int:
        if c.position >= end:
            return c.position - end
        if c.position < start:
            return (start - c.position) + 1  # a cue after the quote is the usual order
        return 0

    return min(cues, key=distance)
