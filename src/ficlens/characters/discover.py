"""Finding names: evidence for name forms, then every occurrence of the accepted ones.

Two passes over the token tables:

1. Evidence. A form ("Mr. Darcy", "Pooh", "the Hatter") earns evidence from spaCy
   PERSON entities (with the honorific spaCy leaves out put back), from a title
   before a capitalised word, from standing next to a speech verb ("said Pooh",
   "the Hatter said"), from being addressed in a quotation ("Quill, you look
   tired"), and from the work's AO3 character and relationship tags. A form is
   accepted when its evidence outweighs the signs of a common word (the word also
   occurs in lower case) or of a place (spaCy labels the same string GPE/ORG/LOC
   at least as often). Capitalised common words at either end of a run are
   trimmed ("Poor Gino", "But Ronny", "Mr. Fielding High School"); a person's name
   after "the" is a boat or a house ("the Mary Ellen"), not a person, and a name
   ending in a street or building word ("Grimmauld Place") is a place.
   A capitalised word right before a known surname ("Lucan
   Ashdown" once "Corin Ashdown" is known) is a family member spaCy missed.
2. Matching. Every occurrence of an accepted form is a name mention, whether or
   not spaCy tagged that occurrence (the small model misses many), longest form
   first, so "Mr. Darcy" is one mention, not "Mr." + "Darcy".
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Iterable

from ..text.place_words import PLACE_HEADS, UNAMBIGUOUS_PLACE_HEADS
from .names import (
    NOT_NAMES,
    SURNAME_PARTICLES,
    NameForm,
    norm_title,
    norm_token,
    parse_name,
    strip_disambiguator,
)
from .given_names import gender_of_given
from .scan import ChapterTokens, Tok

SPEECH_LEMMAS = frozenset(
    """
    say ask reply answer cry exclaim shout whisper murmur mutter add continue begin remark
    observe return rejoin retort respond call interrupt explain declare insist repeat suggest
    protest groan sigh laugh snap growl hiss scream yell sob stammer stutter gasp demand inquire
    enquire urge whimper breathe pursue resume agree admit announce beg command complain confess
    object plead promise query warn wonder grumble chuckle giggle snort drawl bark roar bellow
    sneer purr counter mumble whine wail moan shriek squeak squeal blurt venture proceed think tell
    """.split()
)

# "said Dorcas" this many times: a person, however often spaCy's small model labels
# the name a place or an organisation (places and boats do not speak).
SPEAKS = 3
_CONNECTORS = frozenset({"of"})  # "Queen of Hearts", "Duke of Wellington"
# A month written as a date, not the May or June of a character list: "in May", "May 5th"
_MONTHS = frozenset("january february march april may june july august september october november december".split())
_BEFORE_DATE = frozenset("in of since until till by during early late last next this that every mid".split())
_VOCATIVE_END = frozenset({",", "!", "?", ".", ";", "—", "–", "…"})
_MAX_RUN = 5
_TRAILING_PUNCT = "-–—,;:!?\"”’"


@dataclass(slots=True)
class WordStats:
    """How a word is written across the work: lower-case, capitalised mid-sentence,
    capitalised at a sentence start. A name is capitalised wherever it stands."""

    lower: Counter = field(default_factory=Counter)
    cap_mid: Counter = field(default_factory=Counter)
    # capitalised and the subject of a verb, alone or as part of a name that is
    # ("Margaret" of "Margaret Thorne walked"): something a person does and a
    # village ("the doctor of Saltmarsh") never does
    subject: Counter = field(default_factory=Counter)

    def properness(self, word: str) -> float:
        """Share of non-initial occurrences that are capitalised (1.0: always)."""
        cap, low = self.cap_mid[word], self.lower[word]
        return cap / (cap + low) if cap + low else 0.5

    def is_common(self, word: str) -> bool:
        return self.properness(word) < 0.5


def word_stats(tables: list[ChapterTokens]) -> WordStats:
    stats = WordStats()
    for table in tables:
        for t in table.tokens:
            if t.space or not t.text[:1].isalpha():
                continue
            if not t.cap:
                stats.lower[t.lower] += 1
                continue
            if not t.initial:
                stats.cap_mid[t.lower] += 1
    for table in tables:
        tokens = table.tokens
        for i, t in enumerate(tokens):
            if t.cap and t.dep in _SUBJECT_DEPS:
                stats.subject[t.lower] += 1
            elif t.cap and t.dep == "compound":
                # part of a name that is the subject; not of "the Saltmarsh Light"
                head = tokens[t.head]
                if head.dep in _SUBJECT_DEPS and head.cap and not (i and tokens[i - 1].lower == "the"):
                    stats.subject[t.lower] += 1
    return stats


_SUBJECT_DEPS = frozenset({"nsubj", "nsubjpass"})


@dataclass(slots=True)
class Evidence:
    form: NameForm
    surfaces: Counter = field(default_factory=Counter)
    person: int = 0  # spaCy PERSON entities
    titled: int = 0  # a title before a capitalised word
    speech: int = 0  # next to a speech verb
    vocative: int = 0  # set off by commas in a quotation: "Quill, come here."
    tagged: bool = False  # AO3 character / relationship tag
    tag_name: str | None = None


_NAME_TOKEN = re.compile(r"^[^\W\d_][^\W\d_'’.-]*(?:['’.-][^\W\d_]+)*\.?$")


def _is_name_word(t: Tok) -> bool:
    """A capitalised word of letters (inner apostrophes, hyphens, full stops allowed:
    O'Brien, Mary-Jane, St.John), not a pronoun."""
    return t.cap and not t.space and t.tag not in ("PRP", "PRP$") and _NAME_TOKEN.match(t.text) is not None


def _next_word(tokens: list[Tok], i: int) -> int:
    """Index of the first non-space token at or after `i` (len(tokens) if none)."""
    while i < len(tokens) and tokens[i].space:
        i += 1
    return i


def _prev_word(tokens: list[Tok], i: int) -> int:
    """Index of the last non-space token before `i` (-1 if none)."""
    i -= 1
    while i >= 0 and tokens[i].space:
        i -= 1
    return i


def _run_right(tokens: list[Tok], i: int) -> list[int]:
    """Token indices of the capitalised run starting at `i` ("Lady Catherine De
    Bourgh", "Queen of Hearts"), at most a few words."""
    run: list[int] = []
    j = i
    while j < len(tokens) and len(run) < _MAX_RUN:
        t = tokens[j]
        if _is_name_word(t) and norm_token(t.text) not in ("'s", "s"):
            run.append(j)
        elif run and (t.lower in SURNAME_PARTICLES or t.lower in _CONNECTORS):
            k = _next_word(tokens, j + 1)
            if k < len(tokens) and _is_name_word(tokens[k]) and tokens[k].sent == t.sent:
                run.append(j)
            else:
                break
        else:
            break
        j = _next_word(tokens, j + 1)
        if j < len(tokens) and tokens[j].sent != t.sent:
            break
    return run


def _with_titles(tokens: list[Tok], run: list[int]) -> list[int]:
    """Put back titles spaCy left outside a PERSON entity ("Mr." + "Bennet")."""
    k = _prev_word(tokens, run[0])
    while k >= 0 and tokens[k].cap and norm_title(tokens[k].text) and tokens[k].sent == tokens[run[0]].sent:
        run = [k] + run
        k = _prev_word(tokens, k)
    return run


def _common_word(tokens: list[Tok], i: int, stats: WordStats) -> bool:
    """A capitalised common word ("Poor", "But", "Drive", "School"): mostly written in
    lower case in this text, and neither a title nor a known given name ("Will")."""
    word = tokens[i].lower
    return stats.is_common(word) and not norm_title(tokens[i].text) and gender_of_given(norm_token(word)) == "unknown"


def _trim(tokens: list[Tok], run: list[int], stats: WordStats) -> list[int]:
    """Drop leading interjections and common words ("Oh Harry", "Dear Jane", "Poor
    Mr. Bennet", "But Ronny") and trailing common or non-name words (a heading's
    "Lucy Drive Out", "Mr. Fielding High School")."""
    while run and (
        norm_token(tokens[run[0]].text) in NOT_NAMES and not norm_title(tokens[run[0]].text)
        or (tokens[run[0]].initial or len(run) > 1) and _common_word(tokens, run[0], stats)
    ):
        run = run[1:]
    while run and not _is_name_word(tokens[run[-1]]):
        run = run[:-1]
    # Trailing common words spaCy left outside a person go while a name word stays
    # ("Dr. Bull" and "Jonathan Small" keep theirs).
    while len(run) > 1 and tokens[run[-1]].ent != "PERSON" and _common_word(tokens, run[-1], stats) and any(
        not norm_title(tokens[k].text) and not _common_word(tokens, k, stats) for k in run[:-1]
    ):
        run = run[:-1]
    return run


def _surface(tokens: list[Tok], run: list[int]) -> str:
    return " ".join(tokens[i].text for i in run)


class EvidenceTable:
    def __init__(self) -> None:
        self.by_key: dict[tuple, Evidence] = {}
        self.other_labels: Counter = Counter()  # core -> times labelled GPE/ORG/...
        self.person_words: Counter = Counter()  # word -> times inside a PERSON entity
        self.other_words: Counter = Counter()  # word -> times inside a place/organisation/...

    def placelike(self, word: str, margin: int = 0) -> bool:
        """spaCy labels the word a place/organisation/... more often than a person;
        with `margin`, by more than `margin` times (person count + 1) — the small
        model often labels a rare given name ORG."""
        return self.other_words[word] > self.person_words[word] + margin * (self.person_words[word] + 1)

    def add(self, surface: str, kind: str) -> Evidence | None:
        form = parse_name(surface)
        if form is None:
            return None
        ev = self.by_key.get(form.key)
        if ev is None:
            ev = self.by_key[form.key] = Evidence(form)
        ev.surfaces[form.text] += 1
        if kind == "person":
            ev.person += 1
        elif kind == "titled":
            ev.titled += 1
        elif kind == "speech":
            ev.speech += 1
        elif kind == "vocative":
            ev.vocative += 1
        return ev


def _split_entity(tokens: list[Tok], start: int, end: int) -> list[list[int]]:
    """A PERSON entity as runs of name words, split at "and", "&", "," ("Jane and
    Elizabeth"), with spaces, possessives and punctuation dropped."""
    pieces: list[list[int]] = [[]]
    for i in range(start, end):
        t = tokens[i]
        if t.space:
            continue
        if t.lower in ("and", "&", ",", "or", "/"):
            pieces.append([])
        elif _is_name_word(t) or (pieces[-1] and t.lower in SURNAME_PARTICLES):
            pieces[-1].append(i)
        elif pieces[-1] and t.text in ("'s", "’s", "'", "’"):
            pieces.append([])
        elif not pieces[-1]:
            continue  # "the", "poor", "little" before the name
        else:
            pieces.append([])
    return [p for p in pieces if p]


def collect_evidence(tables: list[ChapterTokens], stats: WordStats, tags: list[str]) -> EvidenceTable:
    table = EvidenceTable()
    for chapter in tables:
        tokens = chapter.tokens
        n = len(tokens)
        i = 0
        while i < n:
            t = tokens[i]
            # 1. entities
            if t.ent_start:
                j = i + 1
                while j < n and tokens[j].ent == t.ent and not tokens[j].ent_start:
                    j += 1
                words = table.person_words if t.ent == "PERSON" else table.other_words
                for k in range(i, j):
                    if tokens[k].cap:
                        words[norm_token(tokens[k].text)] += 1
                for run in _split_entity(tokens, i, j):
                    if any(ch.isdigit() for k in run for ch in tokens[k].text):
                        continue
                    if t.ent == "PERSON":
                        run = _trim(tokens, _with_titles(tokens, run), stats)
                        if run:
                            table.add(_surface(tokens, run), "person")
                    else:
                        form = parse_name(_surface(tokens, run))
                        if form is not None:
                            table.other_labels[form.core] += 1
            # 2. a title before a capitalised word: "Mr. Morris" even when not PERSON
            if t.cap and norm_title(t.text):
                k = _next_word(tokens, i + 1)
                if k < n and tokens[k].sent == t.sent and not norm_title(tokens[k].text):
                    run = _trim(tokens, [i] + _run_right(tokens, k), stats)
                    if len(run) > 1:
                        table.add(_surface(tokens, run), "titled")
            # 3. speech verbs: "said Pooh", "said the Hatter"
            if t.lemma in SPEECH_LEMMAS and t.pos in ("VERB", "AUX") and t.quote < 0:
                k = _next_word(tokens, i + 1)
                article = None
                if k < n and tokens[k].lower == "the":
                    article, k = k, _next_word(tokens, k + 1)
                if k < n and tokens[k].quote < 0 and _is_name_word(tokens[k]) and not tokens[k].initial:
                    run = _run_right(tokens, k)
                    run = _trim(tokens, _with_titles(tokens, run), stats) if article is None else [article] + run
                    if run and _speech_subject_ok(tokens, run, i):
                        table.add(_surface(tokens, run), "speech")
            # "Pooh said", "the Hatter said": the capitalised subject of a speech verb
            if t.dep == "nsubj" and t.quote < 0 and _is_name_word(t) and t.ent != "PERSON":
                head = tokens[t.head]
                if head.lemma in SPEECH_LEMMAS and head.start > t.start:
                    run = _run_left(tokens, i)
                    k = _prev_word(tokens, run[0])
                    if k >= 0 and tokens[k].lower == "the":
                        run = [k] + run
                    else:
                        run = _trim(tokens, _with_titles(tokens, run), stats)
                    if run:
                        table.add(_surface(tokens, run), "speech")
            # 4. a vocative: "Quill, you look tired." / "Is that true, Quill?"
            if t.quote >= 0 and t.ent != "PERSON" and _is_name_word(t) and not norm_title(t.text):
                before = _prev_word(tokens, i)
                if before < 0 or tokens[before].quote != t.quote or tokens[before].text in (",", "dear"):
                    run = _run_right(tokens, i)
                    after = _next_word(tokens, run[-1] + 1) if run else n
                    run = _trim(tokens, run, stats)
                    if run and (after >= n or tokens[after].quote != t.quote
                                or tokens[after].text in _VOCATIVE_END):
                        table.add(_surface(tokens, run), "vocative")
            i += 1
    for tag in tags:
        ev = table.add(strip_disambiguator(tag), "tag")
        if ev is not None:
            ev.tagged = True
            ev.tag_name = strip_disambiguator(tag)
    return table


def _speech_subject_ok(tokens: list[Tok], run: list[int], verb: int) -> bool:
    """The run after a speech verb is its subject, not its object ("told Harry")."""
    last = tokens[run[-1]]
    return last.dep in ("nsubj", "nsubjpass", "appos", "compound", "ROOT", "npadvmod", "attr", "dep") \
        or tokens[verb].lemma != "tell"


def _run_left(tokens: list[Tok], i: int) -> list[int]:
    """The capitalised run ending at `i` ("Winnie the Pooh" is out of scope)."""
    run = [i]
    k = _prev_word(tokens, i)
    while k >= 0 and len(run) < _MAX_RUN and _is_name_word(tokens[k]) and tokens[k].sent == tokens[i].sent:
        run.insert(0, k)
        k = _prev_word(tokens, k)
    return run


def accepted_forms(evidence: EvidenceTable, stats: WordStats) -> dict[tuple, Evidence]:
    """The forms that name characters (see the module docstring)."""
    out: dict[tuple, Evidence] = {}
    stems = {ev.form.core[0] for ev in evidence.by_key.values() if len(ev.form.core) == 1}
    for key, ev in evidence.by_key.items():
        if _accept(ev, evidence, stats, stems):
            out[key] = ev
    return out


def _accept(ev: Evidence, evidence: EvidenceTable, stats: WordStats, stems: set[str]) -> bool:
    form = ev.form
    if ev.tagged:
        return True
    core = form.core
    name_words = [w for w in core if w not in SURNAME_PARTICLES and w not in _CONNECTORS]
    if not name_words or any(w in NOT_NAMES for w in name_words[-1:]) or core[0] in NOT_NAMES:
        return False
    if any(norm_title(w) for w in core) and not form.article:
        return False  # "Mr. Doctor", "Lady Mother": not a name
    if len(core) == 1 and core[0].endswith("s") and core[0][:-1] in stems:
        return False  # "the Bennets": a family, not a person
    if form.title is not None:
        # A title is strong evidence, but "Mr. Tuesday" / "Lady Luck" are words.
        return ev.titled + ev.person >= 1 and not all(stats.is_common(w) for w in name_words)
    if form.article:
        if len(core) >= 2 and gender_of_given(core[0]) != "unknown" and ev.speech < SPEAKS:
            return False  # "the Sally Brand": a person's name after "the" names a boat or house
        # "the Hatter": only when the word is written as a name mid-sentence.
        return ev.speech >= 1 and stats.properness(core[-1]) >= 0.6 and stats.cap_mid[core[-1]] >= 2
    if all(len(w) == 1 for w in name_words):
        return False  # initials ("A. W.")
    others = evidence.other_labels.get(core, 0)
    support = ev.person + ev.speech + ev.vocative
    if support == 0 or (others and others >= ev.person + 2 * (ev.speech + ev.vocative) and ev.speech < SPEAKS):
        return False
    if len(name_words) >= 2:
        # "Grimmauld Place", "Kellynch Hall": a place unless it speaks or is spoken to.
        if is_place_name(name_words) and ev.speech + ev.vocative == 0:
            return False
        # "Hunsford Parsonage": the last word must be a person's more than a place's.
        return not all(stats.is_common(w) for w in name_words) and not evidence.placelike(name_words[-1])
    word = core[0]
    if stats.properness(word) < 0.5:
        return False
    if ev.speech + ev.vocative + ev.titled == 0 and evidence.placelike(word):
        return False  # "Harrow" of "Harrow Street": a place that spaCy once took for a person
    if ev.speech + ev.vocative + ev.titled == 0 and stats.subject[word] == 0:
        return False  # never speaks, is spoken to or does anything: "the whole of Saltmarsh"
    return support >= 2 or stats.cap_mid[word] >= 2


def is_place_name(words: list[str]) -> bool:
    """A name (lower-case words) ending in a street or building word: "grimmauld
    place", "malfoy manor"; with a word that is also a surname ("hall", "lane"), only
    when the name does not start with a given name ("kellynch hall", not "mary hall")."""
    return len(words) >= 2 and words[-1] in PLACE_HEADS and (
        words[-1] in UNAMBIGUOUS_PLACE_HEADS or gender_of_given(words[0]) == "unknown")


def family_members(tables: list[ChapterTokens], surnames: set[str], stats: WordStats) -> Counter:
    """Full names spaCy missed that share a known surname: "Lucan Ashdown" once
    "Corin Ashdown" is known — a capitalised name word right before the surname."""
    found: Counter = Counter()
    for chapter in tables:
        tokens = chapter.tokens
        for i in range(1, len(tokens)):
            t = tokens[i]
            if not t.cap or norm_token(t.text) not in surnames or norm_token(t.text) in PLACE_HEADS:
                continue  # "Kellynch Hall" is no relation of an "Elliot of Kellynch Hall"
            before = tokens[i - 1]
            word = norm_token(before.text)
            if (_is_name_word(before) and not norm_title(before.text) and word not in NOT_NAMES
                    and word not in surnames and not stats.is_common(before.lower)
                    and before.sent == t.sent):
                found[f"{before.text} {t.text}"] += 1
    return found


# -- matching ------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class NameMatch:
    chapter: int  # chapter index (1-based)
    table: int  # position of the chapter's table
    first: int  # token indices, inclusive
    last: int
    key: tuple  # form key
    start: int  # chapter offsets
    end: int


def _sequence(form: NameForm) -> tuple[str, ...]:
    return (("the",) if form.article else ()) + ((form.title,) if form.title else ()) + form.core


def find_mentions(
    tables: list[ChapterTokens], forms: dict[tuple, NameForm], stats: WordStats,
    lowercase_keys: frozenset[tuple] = frozenset(),
) -> list[NameMatch]:
    """Every occurrence of the given forms, longest first, left to right. Forms in
    `lowercase_keys` also match in lower case ("the keeper" for a given "The Keeper")."""
    by_first: dict[str, list[tuple[tuple[str, ...], tuple]]] = defaultdict(list)
    for key, form in forms.items():
        seq = _sequence(form)
        by_first[seq[0]].append((seq, key))
    for options in by_first.values():
        options.sort(key=lambda o: -len(o[0]))
    matches: list[NameMatch] = []
    for position, chapter in enumerate(tables):
        tokens = chapter.tokens
        n = len(tokens)
        i = 0
        while i < n:
            t = tokens[i]
            if t.space or not (t.cap or t.lower == "the"):
                i += 1
                continue
            first_norm = norm_title(t.text) or norm_token(t.text)
            found = None
            for seq, key in by_first.get(first_norm, ()):
                idx = _match_at(tokens, i, seq)
                if idx is not None and _plausible(tokens, idx, forms[key], stats, key in lowercase_keys):
                    found = (idx, key)
                    break
            if found is None:
                i += 1
                continue
            idx, key = found
            last = tokens[idx[-1]]
            end = last.start + (len(last.text.rstrip(_TRAILING_PUNCT)) or len(last.text))
            matches.append(NameMatch(chapter.chapter.index, position, idx[0], idx[-1], key,
                                     tokens[idx[0]].start, end))
            i = idx[-1] + 1
    return matches


def _match_at(tokens: list[Tok], i: int, seq: tuple[str, ...]) -> list[int] | None:
    """Token indices of `seq` (normalised words) read from token `i`, or None."""
    idx: list[int] = []
    j = i
    for part in seq:
        j = _next_word(tokens, j)
        if j >= len(tokens):
            return None
        t = tokens[j]
        if part != norm_token(t.text) and part != norm_title(t.text):
            return None
        # Stay inside the sentence; spaCy sometimes ends one after "Mr.".
        if idx and tokens[idx[-1]].sent != t.sent and not tokens[idx[-1]].text.endswith("."):
            return None
        idx.append(j)
        j += 1
    return idx


def _plausible(tokens: list[Tok], idx: list[int], form: NameForm, stats: WordStats,
               any_case: bool = False) -> bool:
    """Case and context checks for one occurrence of `form` (`any_case`: a given
    description, matched in lower case too)."""
    words = [tokens[k] for k in idx]
    if form.article:
        words = words[1:]
    # Name words are capitalised (particles and "of" may not be).
    for w in words:
        if not any_case and not w.cap and w.lower not in SURNAME_PARTICLES and w.lower not in _CONNECTORS:
            return False
    # A name right after "the" is a boat, house or firm ("the Mary Ellen", "the
    # Saltmarsh Light"): "the Hatter" is matched as its own form, with the article.
    if not form.article and form.title is None:
        before = _prev_word(tokens, idx[0])
        if before >= 0 and tokens[before].lower == "the" and tokens[before].sent == words[0].sent:
            return False
    # A lone common word at a sentence start ("Will you...", "Hope is...") is a word,
    # unless spaCy read it as a person there.
    if len(words) == 1 and form.title is None and not form.article:
        w = words[0]
        if w.initial and stats.is_common(w.lower) and w.ent != "PERSON":
            return False
        # Part of a longer capitalised name that is not a person's: "Harrow Street",
        # "Port Harrow" (a longer known name would have matched first).
        after = _next_word(tokens, idx[-1] + 1)
        if after < len(tokens) and after == idx[-1] + 1 and _is_name_word(tokens[after]) \
                and tokens[after].sent == w.sent and not norm_title(tokens[after].text):
            return False
        before = _prev_word(tokens, idx[0])
        if before >= 0 and before == idx[0] - 1 and _is_name_word(tokens[before]) \
                and not tokens[before].initial and not norm_title(tokens[before].text) \
                and tokens[before].sent == w.sent:
            return False
        if w.lower in _MONTHS and ((before >= 0 and tokens[before].lower in _BEFORE_DATE)
                                   or (after < len(tokens) and tokens[after].text[:1].isdigit())):
            return False
        # (a capitalised "Will" mid-sentence is no modal, whatever the tagger says: "said Will.")
        if w.tag in ("UH", "PRP", "MD", "DT", "IN", "CC", "WRB", "WP") and (w.initial or w.tag != "MD"):
            return False
    return True
