"""Quotation detection, and the set-apart passages that are not dialogue.

`find_quotations(chapter)` finds every quoted utterance by scanning quote marks —
pure string scanning, no NLP. `find_passages(chapter)` returns the `thoughts`
(italic passages, and quoted words never said aloud) and the `written` passages
(blockquotes, and quoted letters and notes).

How quote marks are read
------------------------
* The chapter's dialogue convention is detected first (`dialogue_marks`): double
  marks (`"`, `“ ”`, `„`, `« »`) unless single marks (`‘ ’` or straight `'`) score
  higher as would-be openings and closings — British texts, where double marks only
  nest inside. Only marks of the chosen family delimit quotations; the other family
  is quoted content (so straight `'` is dialogue only in a chapter that uses it so).
* Curly marks say which way they face; a straight mark opens when no quotation is
  open and closes otherwise. A mark that faces the wrong way for its position
  (autocorrect's `”Hello` after a dash) is read by where it stands: an opening
  mark inside an open quotation that sits before a word closes the unclosed
  quotation and opens a new one.
* Single marks double as apostrophes. A single mark between two letters (don't,
  o'clock) never counts; nor does one opening a known elision ('em, 'cause, 'til,
  'n', '90s). A mark after a letter that would close the quotation (the Weasleys'
  house, goin') counts as an apostrophe when a firmer closing mark — after
  punctuation — follows later in the paragraph before any new opening mark.
* Paragraphs: a quotation still open at a paragraph's end continues when the next
  paragraph opens with a mark (the old convention for multi-paragraph speeches);
  it is ONE utterance with a span per paragraph, which the speakers layer reads as
  one turn; `split_continued` then gives it as one quotation per paragraph, each
  linked to the part before by `continues`. Otherwise it is closed at the
  paragraph end (recovery from an unclosed mark).
* A short quoted word or title inside a narrative sentence (a "scare quote", the
  "Coach and Horses") is not speech: see `_is_term`.
* Quoted segments in one paragraph that are separated only by narration are one
  utterance ("I was just out," he said, "for a walk.") when `_is_interruption`
  says so — see there for the rule and its measurement on PDNC DEV.
* Not every quoted utterance is dialogue: a quoted letter, note or telegram
  (`_letters`) is `written`, and words the narration says were never said aloud
  ("her eyes said:", "he felt like answering") are `thoughts` (`_unspoken`).
  Quoted thoughts proper ("'...,' she thought") stay quotations, as readers and
  the PDNC annotators treat them. On PDNC DEV the two rules set apart 133
  utterances (95 letters, 38 unspoken), 1 of which the gold annotates as a quotation.

Spans exclude the quote marks and the whitespace just inside them.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, replace

from ..model import Chapter, Passage, Quotation, Work

# -- quote-mark families ----------------------------------------------------------

DOUBLE_OPENERS = "“„«"
DOUBLE_CLOSERS = "”»"
DOUBLE_MARKS = '"' + DOUBLE_OPENERS + DOUBLE_CLOSERS
SINGLE_MARKS = "'‘’"

_DOUBLE_RE = re.compile(f"[{DOUBLE_MARKS}]")
_SINGLE_RE = re.compile(f"[{SINGLE_MARKS}]")

# A mark "before a word": what may stand just before an opening mark.
_OPEN_BEFORE = set(" \t\n([{—–-/…*_") | set(DOUBLE_MARKS) | set(SINGLE_MARKS)
# Punctuation a closing mark typically follows ("Hi," / "Why—" / "Stop!").
_CLOSE_AFTER_PUNCT = set(".,!?;:…—–-") | set(DOUBLE_MARKS)

# Words a leading apostrophe shortens: 'em, 'cause, 'til, 'tis, 'n', 'bout, '90s.
# Also contraction endings set apart by a space ("you 're", "let 's"), as some
# e-texts print them. Lower case only ('is hat, 'ere), so that a quotation opening
# with "Is" or "At" still counts — except for words that are elisions either way.
_ELISION_RE = re.compile(
    r"(?:[Tt]is|[Tt]was|[Tt]were|[Tt]would|[Cc]ause|em|cos|coz|cuz|til|till|n|bout|round|nuff"
    r"|kay|sup|ello|ere|is|im|er|ow|ave|alf|e|ey|ouse|appen|ad|ome|s|re|ll|ve|d|m|t|[0-9]{2}s?)"
    r"(?![A-Za-z])"
)

# -- dialogue convention ------------------------------------------------------------

# An opening mark at a paragraph start or after a space, directly before a word.
_DOUBLE_OPENING_RE = re.compile(r'(?:^|(?<=[\s(—–-]))[“"„«](?=[A-Za-z0-9À-ÿ…—–-])', re.MULTILINE)
_SINGLE_OPENING_RE = re.compile(r"(?:^|(?<=[\s(—–-]))[‘'’](?=[A-Za-z0-9À-ÿ…—–-])", re.MULTILINE)


# A closing mark right after sentence punctuation: ,' ." ?’ !” —"
_DOUBLE_CLOSING_RE = re.compile(r'[.,!?…—–-]["”»](?=\s|$)', re.MULTILINE)
_SINGLE_CLOSING_RE = re.compile(r"[.,!?…—–-]['’](?=\s|$)", re.MULTILINE)


def dialogue_marks(text: str) -> str:
    """Which family of marks delimits dialogue in `text`: "double" or "single".

    Each family scores its would-be opening marks (before a word, after a space or
    at a paragraph start; leading elisions such as 'em and "you 're" do not count)
    plus its would-be closing marks (right after , . ! ? or a dash, which an
    apostrophe rarely follows). Single marks win only with the higher score."""
    doubles = len(_DOUBLE_OPENING_RE.findall(text)) + len(_DOUBLE_CLOSING_RE.findall(text))
    singles = len(_SINGLE_CLOSING_RE.findall(text))
    for m in _SINGLE_OPENING_RE.finditer(text):
        if not _ELISION_RE.match(text, m.end()):
            singles += 1
    return "single" if singles > doubles else "double"


# -- scanning one paragraph -----------------------------------------------------------


@dataclass(slots=True)
class _Segment:
    """One stretch between an opening and a closing mark, in chapter offsets.
    `mark_start`/`mark_end` include the marks; `start`/`end` do not."""

    mark_start: int
    start: int
    end: int
    mark_end: int
    closed: bool  # False: ran to the paragraph end without a closing mark


@dataclass(slots=True)
class _Utterance:
    """Quoted segments read as one utterance: in one paragraph, joined across
    narration, or continued from paragraph `paragraph` to `last_paragraph`."""

    paragraph: int
    last_paragraph: int
    segments: list[_Segment]

    @property
    def spans(self) -> tuple[tuple[int, int], ...]:
        return tuple((s.start, s.end) for s in self.segments if s.end > s.start)


def _is_word_char(ch: str) -> bool:
    return ch.isalnum()


def _scan_double(text: str, base: int) -> list[_Segment]:
    segments: list[_Segment] = []
    open_at: int | None = None  # offset of the open quotation's mark in `text`
    n = len(text)
    for m in _DOUBLE_RE.finditer(text):
        i = m.start()
        mark = m.group()
        before = text[i - 1] if i else " "
        after = text[i + 1] if i + 1 < n else " "
        opens_word = (before in _OPEN_BEFORE or before.isspace()) and not after.isspace()
        closes_word = not before.isspace() and (after.isspace() or not _is_word_char(after))
        if open_at is None:
            if mark in DOUBLE_CLOSERS and not opens_word:
                continue  # a stray closing mark: nothing to close
            open_at = i
        else:
            if mark in DOUBLE_OPENERS and opens_word and not closes_word:
                # an opening mark while a quotation is open: the last one was never closed
                segments.append(_segment(text, base, open_at, i, closed=False))
                open_at = i
                continue
            segments.append(_segment(text, base, open_at, i, closed=True))
            open_at = None
    if open_at is not None:
        segments.append(_segment(text, base, open_at, n, closed=False))
    return segments


def _scan_single(text: str, base: int) -> list[_Segment]:
    marks: list[tuple[int, str, bool]] = []  # (index, open/close/either, firm); apostrophes left out
    n = len(text)
    for m in _SINGLE_RE.finditer(text):
        i = m.start()
        mark = m.group()
        before = text[i - 1] if i else " "
        after = text[i + 1] if i + 1 < n else " "
        if _is_word_char(before) and _is_word_char(after):
            continue  # don't, o'clock, Hermione's
        opens_word = (before in _OPEN_BEFORE or before.isspace()) and not after.isspace()
        if opens_word and _is_word_char(after) and _ELISION_RE.match(text, i + 1):
            continue  # 'em, 'cause, 'n'
        if before == "n" and i >= 2 and text[i - 2] in "'‘’" and (i < 3 or not _is_word_char(text[i - 3])):
            continue  # the closing half of 'n'
        closes_word = not before.isspace() and (after.isspace() or not _is_word_char(after))
        if opens_word and not closes_word:
            role = "open"
        elif closes_word and not opens_word:
            role = "close"
        else:
            role = "either"
        if mark == "‘" and role == "either":
            role = "open"
        elif mark == "’" and role == "either":
            role = "close"
        # after punctuation, free-standing, or ending the paragraph: not an apostrophe
        firm = before in _CLOSE_AFTER_PUNCT or before.isspace() or i + 1 >= n
        marks.append((i, role, firm))

    segments: list[_Segment] = []
    open_at: int | None = None
    for k, (i, role, firm) in enumerate(marks):
        if open_at is None:
            if role == "close":
                continue  # the Weasleys' house outside any quotation
            open_at = i
            continue
        if role == "open":
            segments.append(_segment(text, base, open_at, i, closed=False))
            open_at = i
            continue
        if not firm and _firmer_close_follows(marks, k):
            continue  # a possessive or dropped letter inside the quotation
        segments.append(_segment(text, base, open_at, i, closed=True))
        open_at = None
    if open_at is not None:
        segments.append(_segment(text, base, open_at, n, closed=False))
    return segments


def _firmer_close_follows(marks: list[tuple[int, str, bool]], k: int) -> bool:
    for _i, role, firm in marks[k + 1 :]:
        if role == "open":
            return False
        if firm:
            return True
    return False


def _segment(text: str, base: int, open_mark: int, close_mark: int, closed: bool) -> _Segment:
    start, end = open_mark + 1, close_mark
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    mark_end = close_mark + 1 if closed else close_mark
    return _Segment(base + open_mark, base + start, base + end, base + mark_end, closed)


# -- joining segments into utterances ------------------------------------------------------

# Verbs of saying, in the forms narration uses them ("he said", "says Jo", "she asked").
_SPEECH_VERB_RE = re.compile(
    r"\b(?:say|says|said|saying|ask|asks|asked|reply|replies|replied|answer|answers|answered"
    r"|cry|cries|cried|exclaim|exclaims|exclaimed|add|adds|added|continue|continues|continued"
    r"|whisper|whispers|whispered|murmur|murmurs|murmured|mutter|mutters|muttered"
    r"|shout|shouts|shouted|call|calls|called|yell|yells|yelled|scream|screams|screamed"
    r"|return|returns|returned|observe|observes|observed|remark|remarks|remarked"
    r"|repeat|repeats|repeated|resume|resumes|resumed|interrupt|interrupts|interrupted"
    r"|declare|declares|declared|retort|retorts|retorted|rejoin|rejoins|rejoined"
    r"|respond|responds|responded|inquire|inquires|inquired|enquire|enquires|enquired"
    r"|suggest|suggests|suggested|protest|protests|protested|explain|explains|explained"
    r"|insist|insists|insisted|snap|snaps|snapped|growl|growls|growled|hiss|hisses|hissed"
    r"|breathe|breathes|breathed|sigh|sighs|sighed|laugh|laughs|laughed|went on|goes on"
    r"|begin|begins|began|urge|urges|urged|tell|tells|told|admit|admits|admitted"
    r"|agree|agrees|agreed|demand|demands|demanded|mumble|mumbles|mumbled|groan|groans|groaned"
    r"|plead|pleads|pleaded|beg|begs|begged|warn|warns|warned|whimper|whimpers|whimpered"
    r"|stammer|stammers|stammered|stutter|stutters|stuttered|gasp|gasps|gasped"
    r"|pursue|pursues|pursued|persist|persists|persisted|object|objects|objected"
    r"|query|queries|queried|implore|implores|implored|command|commands|commanded"
    r"|announce|announces|announced|conclude|concludes|concluded|interpose|interposes|interposed"
    r"|confirm|confirms|confirmed|assent|assents|assented|venture|ventures|ventured"
    r"|echo|echoes|echoed|sob|sobs|sobbed|wail|wails|wailed|moan|moans|moaned"
    r"|grumble|grumbles|grumbled|chuckle|chuckles|chuckled|giggle|giggles|giggled"
    r"|snort|snorts|snorted|drawl|drawls|drawled|tease|teases|teased|prompt|prompts|prompted"
    r"|correct|corrects|corrected|remind|reminds|reminded|shriek|shrieks|shrieked"
    r"|bellow|bellows|bellowed|roar|roars|roared|bark|barks|barked|squeak|squeaks|squeaked"
    r"|sneer|sneers|sneered|scoff|scoffs|scoffed|confess|confesses|confessed"
    r"|counter|counters|countered|blurt|blurts|blurted|pant|pants|panted"
    r"|broke in|breaks in|put in|puts in|burst out|bursts out|trail off|trails off|trailed off"
    r"|think|thinks|thought|thinking)\b",
    re.IGNORECASE,
)


def _is_interruption(text: str, first: _Segment, second: _Segment) -> bool:
    """Whether narration between two quoted segments of one paragraph interrupts a
    single utterance ("I was just out," he said, "for a walk.") rather than
    separating two.

    The rule, measured on the adjacent quoted segments of the PDNC DEV novels (7,600
    pairs, 85% of them one utterance in the gold annotation):
    * no narration between them ("Hi." "Hello.") — two utterances;
    * the second segment goes on in lower case after a one-clause attribution
      with a verb of saying that ends with a comma or colon ('"Good gracious!"
      cried Maria, after a few minutes silence, "it seems but a day"') — one,
      however long the attribution (on PDNC DEV this joins 42 pairs the rules
      below split, 38 of them one utterance in the gold);
    * the first segment stops at a comma or semicolon (the sentence goes on) — one,
      unless the narration is long (over 6 words) and ends with a colon, which
      introduces someone else's reply;
    * the narration holds a verb of saying — one, unless it ends with a colon, or is
      long and ends with a comma or no punctuation ('she said, and he answered,'), or
      the first segment is a whole sentence and a whole narrative sentence follows the
      attribution ('"One!" said the Dormouse. However, he went on. "And so..."');
    * otherwise a short beat ending with a comma, colon or semicolon — one; anything
      else (a full narrative sentence between two complete quoted sentences) — two.
    Before the lower-case rule it agreed with the gold on 89.5% of those pairs (465
    merged that the gold splits, 333 split that it merges); the annotators themselves
    differ between novels on '"X," she replied. "Y."', so no rule on the text alone
    does much better."""
    narration = text[first.mark_end : second.mark_start]
    if not narration.strip(" \n\t.,;:—–-"):
        return False
    words = len(narration.split())
    long = words > 6
    final = narration.rstrip()[-1:]
    final = final if final in ",.:;" else ""
    cut = text[first.start : first.end].rstrip()[-1:]
    goes_on = text[second.start : second.end].lstrip("'‘’\"“_*")[:1].islower()
    one_clause = _last_sentence(narration).strip() == narration.strip()
    if goes_on and one_clause and final in (",", ":") and _SPEECH_VERB_RE.search(narration):
        return True  # "Good gracious!" cried Maria, after a pause, "it seems but a day."
    if cut in (",", ";"):
        return not (final == ":" and long)
    if _SPEECH_VERB_RE.search(narration):
        if final == ":":
            return False
        if final == "." and cut in (".", "!", "?") and not one_clause:
            return False  # "One!" said the Dormouse. However, he went on. "And so..."
        return not (long and final in (",", ""))
    return not long and final in (",", ":", ";")


_CLAUSE_END_RE = re.compile(r"[.!?;:]\s")
# A verb of saying within the two words after a closing mark: "Tilney," he repeated.
# ("the plan," as she called it; the "Avenue," so called by the village: "as" and
# "so" make it a term, not an attribution).
_ATTRIBUTION_AFTER_RE = re.compile(
    r"[\s,]*(?!as\b|so\b)(?:[\w'’.-]+\s+){0,2}?" + _SPEECH_VERB_RE.pattern, re.IGNORECASE
)
_TITLE_WORD_RE = re.compile(r"[A-Z0-9][\w'’.-]*|a|an|and|the|of|in|on|to|for|at|by|or|with|de|la|von")


# A quotation right after a verb of naming is a name or a term, not speech.
_NAMING_BEFORE_RE = re.compile(
    r"\b(?:call|calls|called|calling|name|names|named|term|termed|dub|dubbed|christened|styled|known\s+as)"
    r"(?:\s+(?:him|her|it|them|me|you|us|himself|herself|itself|themselves|myself|yourself))?\s*$",
    re.IGNORECASE,
)
# A quotation right after a determiner, possessive or preposition is a noun phrase.
_NOUN_PHRASE_BEFORE_RE = re.compile(
    r"\b(?:the|a|an|his|her|their|its|our|my|your|of|from|than|about|like)\s*$",
    re.IGNORECASE,
)


_PERSONAL_RE = re.compile(r"\b(?:I|me|my|mine|myself|we|us|our|ours|you|your|yours)\b", re.IGNORECASE)


def _is_term(text: str, before: str, segment: _Segment, first: bool = False) -> bool:
    """A quoted word or phrase inside a narrative sentence — a scare quote, a term, a
    title, a sign ('the "Coach and Horses"', 'a "married woman,"') — not speech.

    Rule: the quotation sits mid-sentence (narration precedes it in the paragraph,
    not ending with , : ; . ! or ? — which introduce speech or start a sentence —
    and without a verb of saying among its last four words), is not followed by an
    attribution ("Tilney," he repeated), and either starts in lower case and has at
    most four words, or is a title of at most eight words (every word capitalised
    or a small word such as "of"; no ? or !). On PDNC DEV this drops 568 quoted
    stretches, 32 of which the gold annotates as speech. A longer stretch in lower
    case, the paragraph's first, with no I/me/we/you in it, is the narration
    reporting someone's words in its own sentence ('he only hoped "the young
    lady's pride would now be contented;"'), not a line of dialogue: on PDNC DEV
    that drops 51 more, 14 of them annotated as speech.
    Two more cases, checked first and second: right after a verb of naming ('what
    people called "society"', 'a novel called "Middlemarch,"') any quotation not
    ending in ? or ! is a name (Wren called "Marisol!" is speech); and right after
    a determiner, possessive or preposition ('the "Beggar's Petition"', 'her
    "clever people"', 'the name of "Louisa."') a quotation of at most six words not
    ending in ? or ! is a noun phrase, unless an attribution follows. On PDNC DEV
    these drop 55 more stretches, 5 of them gold speech."""
    before = before.rstrip()
    if not before or before[-1] in ",:;.!?":
        return False  # introduced as speech, or a sentence of its own
    clause = _CLAUSE_END_RE.split(before)[-1]
    if not clause.strip(" \n\t(—–-*_"):
        return False  # a sentence of its own
    content = text[segment.start : segment.end]
    words = content.split()
    if not words:
        return False
    exclaimed = content.rstrip(" .,;:—–-").endswith(("?", "!"))
    if _NAMING_BEFORE_RE.search(clause) and not exclaimed:
        return True  # what people called "society", a novel called "Middlemarch,"
    if _SPEECH_VERB_RE.search(" ".join(clause.rsplit(",", 1)[-1].split()[-4:])):
        return False  # she said "yes", said the words "my son"
    if _ATTRIBUTION_AFTER_RE.match(text, segment.mark_end):
        return False  # "Tilney," he repeated
    if _NOUN_PHRASE_BEFORE_RE.search(clause) and len(words) <= 6 and not exclaimed:
        return True  # the "Beggar's Petition", his "clever people", the name of "Louisa."
    if content[0].islower():
        # longer: the narration's own sentence reporting someone's words ('he only
        # hoped "the young lady's pride would now be contented;"') unless they
        # speak in the first or second person, or pick up an earlier quotation
        return len(words) <= 4 or (first and not _PERSONAL_RE.search(content))
    return (
        len(words) <= 8
        and not content.rstrip().endswith(("?", "!"))
        and all(_TITLE_WORD_RE.fullmatch(w.strip(",.;:\"'“”‘’()")) for w in words)
    )


def _drop_terms(text: str, para_start: int, segments: list[_Segment]) -> list[_Segment]:
    kept: list[_Segment] = []
    boundary = para_start  # narration before a segment starts after the previous one
    for seg in segments:
        before = text[boundary : seg.mark_start]
        resumes = bool(kept) and _resumes(text, kept[-1], before)
        if resumes or not (seg.closed and _is_term(text, before, seg, first=boundary == para_start)):
            kept.append(seg)
        boundary = seg.mark_end
    return kept


def _resumes(text: str, previous: _Segment, narration: str) -> bool:
    """Whether a segment picks up an utterance cut off by a short beat:
    "I cannot"—thump—"find it"."""
    last = text[previous.start : previous.end].rstrip()[-1:]
    return (last.isalnum() or last in "—–-") and len(narration.split()) <= 6


def _joins(text: str, segments: list[_Segment]) -> list[bool]:
    """For each pair of neighbouring segments of a paragraph, whether they are one
    utterance: `_is_interruption`, then one attribution per utterance — a segment
    with an attribution of its own ('"B," she resumed, "C."', or '"B," it said.' at
    the paragraph's end after a narrative sentence of its own) starts a new
    utterance when a whole narrative sentence precedes it ('"A," said his mother.
    "B," she resumed, "C."' and '"A!" said Adye. The Voice laughed. "B," it said.'
    are two). On PDNC DEV the first form agrees with the gold on 141 of the 184
    pairs it changes; the second adds 36 quotations, 29 of them paired with a gold one.
    Likewise a lead-in of its own after a whole narrative sentence ('"A," added the
    Gryphon; and then they sat silent. At last the Gryphon said, "B"' are two): on
    DEV 32 more quotations, 20 of them paired with a gold one."""
    joins = [_is_interruption(text, a, b) for a, b in zip(segments, segments[1:])]
    for k in range(len(joins)):
        before = text[segments[k].mark_end : segments[k + 1].mark_start].rstrip()
        if not joins[k]:
            continue
        last = _last_sentence(before).strip()
        sentence_before = last != before.strip()  # a whole narrative sentence before the last
        if before[-1:] in (",", ":"):
            if sentence_before and _SPEECH_VERB_RE.search(last):
                joins[k] = False
            continue
        if before[-1:] == ";":
            continue
        if k + 1 < len(joins):
            own_attribution = joins[k + 1] and _SPEECH_VERB_RE.search(
                text[segments[k + 1].mark_end : segments[k + 2].mark_start])
        else:  # the paragraph's last segment: a verb of saying right after it, and
            # a narrative sentence of its own between ("said Adye. The Voice laughed.")
            own_attribution = sentence_before and _ATTRIBUTION_AFTER_RE.match(text, segments[k + 1].mark_end)
        if own_attribution:
            joins[k] = False
    return joins


# -- quoted letters and unspoken words --------------------------------------------------------

# A letter's opening line on its own: "My dear Fanny," "DEAR SIR," "Dearest Lucia,".
_SALUTATION_RE = re.compile(
    r"(?:my\s+(?:own\s+|very\s+)?)?(?:dear|dearest|darling|beloved|hono(?:u)?red|respected|esteemed)\b[^.!?;:—–-]{0,40}[,:]?"
    r"|(?:dear\s+)?(?:sir|madam|madame|gentlemen)[,:]?",
    re.IGNORECASE,
)
# A letter's closing: "Yours, &c." "Your affectionate friend," "Ever yours," "Believe me,"
_VALEDICTION_RE = re.compile(
    r"(?:(?:i\s+(?:am|remain),?\s+)?(?:(?:ever|very|most|truly|sincerely|faithfully|affectionately|cordially)\s+)*"
    r"your(?:s|['’]s)\b"
    r"|your\s+(?:(?:very|most|ever)\s+)?(?:affectionate|sincere|obedient|humble|faithful|loving|devoted|grateful"
    r"|obliged|dutiful|attached|true|own)\b"
    r"|your\s+(?:friend|brother|sister|son|daughter|father|mother|cousin|servant|niece|nephew|aunt|uncle|wife"
    r"|husband)\s*,"
    r"|believe\s+me\s*,"
    r"|i\s+(?:am|remain)\b[^.!?]{0,40}&c)",
    re.IGNORECASE,
)
# Narration that introduces a written text, as the last words before it: "In it he
# read:", "Elizabeth read on;", "the note ran as follows:", "on which was written,".
_WRITTEN_NOUNS = (
    "letter|note|telegram|wire|postcard|card|inscription|postscript|paragraph|notice|advertisement|placard"
    "|sign|page|lines"
)
_READ_BEFORE_RE = re.compile(
    r"(?:\b(?:read|reads|wrote|writes|written|scrawled|scribbled|printed|inscribed)(?:\s+(?:on|out|aloud|again|thus))?"
    r"|\b(?:" + _WRITTEN_NOUNS + r")\b[^.!?,;\"“”]{0,25}\b(?:ran|runs|said|says|read|reads|contained|contains|was|as follows"
    r"|to this (?:effect|purpose)))[\s:,;.—–-]*$",
    re.IGNORECASE,
)
# Narration about a written text, in the sentences before a colon that introduces it.
_WRITING_RE = re.compile(
    r"\b(?:" + _WRITTEN_NOUNS + r"|letters|notes|missive|epistle|envelope|message|contents|postscript|paper|write|wrote"
    r"|writes|written|writing|scrawled|scribbled|printed|read|reads)\b",
    re.IGNORECASE,
)
# ... or as an attribution right after it: '"Wire reason of stay," read Mrs. Herriton.'
_READ_AFTER_RE = re.compile(r",?[ \t]*(?:[\w'’.-]+[ \t]+){0,2}?(?:read|reads|wrote|writes)\b", re.IGNORECASE)


# Speaking named otherwise than by `_SPEECH_VERB_RE`: "remarking:", "in his quiet voice:".
_SPEAKING_RE = re.compile(
    r"\b(?:saying|asking|calling|crying|remarking|exclaiming|murmuring|whispering|shouting|adding|replying"
    r"|answering|continuing|beginning|addressing|addressed|observing|declaring|muttering|inquiring|enquiring"
    r"|explaining|telling|speaking|spoke|voice|words|uttered|uttering)\b",
    re.IGNORECASE,
)
# How much narration before a quotation the letter and unspoken-word rules read
# (they look at its last sentence; the bound keeps long paragraphs linear).
_NARRATION_WINDOW = 300
_ABBREVIATIONS = {"mr", "mrs", "ms", "dr", "st", "mme", "mlle", "messrs", "prof", "rev", "capt", "col", "gen", "lt", "sr", "jr"}
_SENTENCE_BREAK_RE = re.compile(r"[.!?][\"”’']?\s+")


# Speech that quotes the written text and goes on ('I read the label: "One powder
# at bedtime.' No, I see nothing unusual."'): an inner closing mark, then more words.
_QUOTED_THEN_SPOKEN_RE = re.compile(r"[.!?,]['’]\s+[A-Za-z]")


def _last_sentence(narration: str) -> str:
    """The last sentence of `narration` (stripped); "Mrs." and the like end none."""
    narration = narration.rstrip()
    start = 0
    for m in _SENTENCE_BREAK_RE.finditer(narration):
        word = re.search(r"(\w+)$", narration[: m.start()])
        if m.group()[0] == "." and word and word.group(1).lower() in _ABBREVIATIONS:
            continue
        start = m.end()
    return narration[start:]


def _words(text: str) -> int:
    return len(text.split())


def _is_salutation(text: str) -> bool:
    text = text.strip()
    return _words(text) <= 6 and bool(_SALUTATION_RE.fullmatch(text))


def _is_valediction(text: str) -> bool:
    text = text.strip()
    if "?" in text or "!" in text or not _VALEDICTION_RE.match(text):
        return False
    return _words(text) <= (8 if text.endswith((",", "&c.", "&c")) else 4)


def _is_signature(text: str) -> bool:
    """A signature in capitals: "FITZWILLIAM DARCY." "E. GARDINER." """
    words = text.split()
    return 2 <= len(words) <= 4 and text.rstrip().endswith(".") and all(
        re.fullmatch(r"[A-Z][A-Z.]*,?", w) for w in words)


def _is_short_line(text: str, words: int) -> bool:
    """A signature ("LYDIA BENNET.") or a heading line ("Hunsford, Kent,")."""
    return 0 < _words(text) <= words and "?" not in text and "!" not in text


def _letters(chapter: Chapter, utterances: list[_Utterance]) -> set[int]:
    """Indices of the utterances that are a quoted letter, note or telegram rather
    than speech. Letters are often printed as quoted lines and paragraphs:

        "My dear Fanny,"   "Excuse me that I have not written before..."
        "Yours ever,"   "E. B."

    A *run* is a sequence of utterances with nothing but white space between them
    (no narration). Rule: a run holding a salutation ("Dear Sir," "My dearest
    Lizzy," — with up to two heading lines before it: "Hunsford, Kent,"
    "Monday.") or a valediction ("Yours, &c." "Your affectionate friend," — with a
    signature line after it) or ends in a signature in capitals ("E. GARDINER.")
    is a letter from the salutation, or the start of the
    run, to the valediction and signature; a salutation without a valediction
    counts only when narration just before the run introduces a written text.
    Narration that introduces a written text as its last words ("In it he read:",
    "Philip read," "the note ran as follows:") or follows it at once ('"Wire
    reason of stay," read Mrs. Herriton') makes that utterance, and the rest of
    its run when a valediction ends it, a letter too. One quotation continued over
    paragraphs that opens with a salutation ("My dear Fanny, Excuse me...") and
    whose last paragraph is a valediction ("Yours ever, E. B.") is a letter. So is
    a quotation of 25 words or more that signs off at its end ("... but for this
    illness? Yours ever, Mary.") or that the narration right after it calls "this
    letter" or "that note" ("Kemp read this letter twice"): on PDNC DEV these two
    set apart 15 more utterances, none of which the gold annotates as speech."""
    text = chapter.text
    n = len(utterances)
    if not n:
        return set()

    def uttered(k: int) -> str:
        return " ".join(text[s:e] for s, e in utterances[k].spans)

    def narration_before(k: int) -> str:  # its paragraph's, else the previous paragraph's end
        u = utterances[k]
        start = chapter.paragraphs[u.paragraph].start
        before = text[max(start, u.segments[0].mark_start - _NARRATION_WINDOW) : u.segments[0].mark_start]
        if not before.strip() and u.paragraph > 0:
            previous = chapter.paragraphs[u.paragraph - 1]
            before = text[max(previous.start, previous.end - _NARRATION_WINDOW) : previous.end]
        return before

    def narration_after(k: int) -> str:  # its paragraph's, else the next paragraph's start
        u = utterances[k]
        end = chapter.paragraphs[u.last_paragraph].end
        after = text[u.segments[-1].mark_end : min(end, u.segments[-1].mark_end + _NARRATION_WINDOW)]
        if not after.strip() and u.last_paragraph + 1 < len(chapter.paragraphs):
            following = chapter.paragraphs[u.last_paragraph + 1]
            after = text[following.start : min(following.end, following.start + _NARRATION_WINDOW)]
        return after.lstrip()

    def bare(k: int) -> bool:  # no narration between its own segments
        segs = utterances[k].segments
        return all(not text[a.mark_end : b.mark_start].strip() for a, b in zip(segs, segs[1:]))

    def follows(k: int) -> bool:  # utterance k comes right after k - 1, no narration between
        return k > 0 and bare(k) and bare(k - 1) and not text[
            utterances[k - 1].segments[-1].mark_end : utterances[k].segments[0].mark_start].strip()

    def introduced(k: int) -> bool:
        u = utterances[k]
        last = u.segments[-1]
        if text[last.start : last.end].endswith(",") and _READ_AFTER_RE.match(text, last.mark_end):
            return True
        narration = narration_before(k).rstrip()
        clause = _last_sentence(narration)
        if clause.endswith(".") and not clause.endswith("follows."):
            return False  # a sentence of its own, not an introduction
        if _SPEECH_VERB_RE.search(clause) or _SPEAKING_RE.search(clause):
            return False  # "she was calling out, while her daughter read," — speech
        if _READ_BEFORE_RE.search(clause[-120:]):
            return True
        # "It came from Edmund. It was as follows:" — a colon after narration about a letter
        return clause.endswith(":") and bool(_WRITING_RE.search(narration[-250:]))

    def closing(k: int) -> int:
        """The last index of a letter ending at valediction k (signature included)."""
        if k + 1 < n and follows(k + 1) and _is_short_line(uttered(k + 1), 4):
            return k + 1
        return k

    run_start = [0] * n
    for k in range(1, n):
        run_start[k] = run_start[k - 1] if follows(k) else k

    letters: set[int] = set()
    k = 0
    while k < n:
        u = utterances[k]
        if _is_salutation(uttered(k)) or introduced(k):
            start = k
            if _is_salutation(uttered(k)):
                while start > max(k - 2, run_start[k]) and _is_short_line(uttered(start - 1), 6):
                    start -= 1
            end, closed = k, False
            while end + 1 < n and follows(end + 1) and not closed:
                end += 1
                closed = _is_valediction(uttered(end))
            if closed:
                end = closing(end)
            elif (introduced(start) or introduced(k)) and not _QUOTED_THEN_SPOKEN_RE.search(uttered(k)):
                end = k
            else:
                k += 1
                continue
            letters.update(range(start, end + 1))
            k = end + 1
            continue
        if run_start[k] < k and (_is_valediction(uttered(k)) or _is_signature(uttered(k))):
            end = closing(k) if _is_valediction(uttered(k)) else k
            letters.update(range(run_start[k], end + 1))
            k = end + 1
            continue
        if u.last_paragraph > u.paragraph and _opens_and_closes_letter(text, u):
            letters.add(k)
        elif _signed(uttered(k)) or (_words(uttered(k)) >= _LETTER_WORDS and _READ_AFTER_NOUN_RE.match(narration_after(k))):
            letters.add(k)
        k += 1
    return letters


# A letter signed off inside the quotation: "... but for this illness? Yours ever, Mary."
_SIGNED_RE = re.compile(
    r"(?:^|[.!?;—–-]\s+)(?:(?:ever|very|most|truly|sincerely|faithfully|affectionately)\s+)*Your(?:s|['’]s)"
    r"(?:\s+(?:ever|truly|sincerely|faithfully|affectionately|very\s+truly|most\s+truly))?"
    r"(?:[.,]\s*$|,(?:\s*(?:&c\.?|etc\.?),?)*(?:\s+[\w.'’-]+){0,4}?[.,]?\s*$)"
)
_LETTER_WORDS = 25  # a signed or re-read quotation this long is a letter, not a reply
# Narration right after a quotation that names what was quoted as a letter: "There was
# great food for meditation in this letter", "Kemp read this letter twice".
_READ_AFTER_NOUN_RE = re.compile(
    r"[^.!?\"“”]{0,80}?\b(?:this|that)\s+(?:letter|note|paragraph|passage|epistle|telegram|postscript)\b",
    re.IGNORECASE,
)


def _signed(uttered: str) -> bool:
    return _words(uttered) >= _LETTER_WORDS and bool(_SIGNED_RE.search(uttered[-80:]))


def _opens_and_closes_letter(text: str, u: _Utterance) -> bool:
    first = text[u.segments[0].start : u.segments[0].end]
    last = text[u.segments[-1].start : u.segments[-1].end]
    return "," in first and _is_salutation(first.split(",", 1)[0] + ",") and _is_valediction(last)


# Words never said aloud, named by the narration just before them: a look's meaning
# ("her eyes said:", "as if to say,"), what someone wanted, was tempted or felt like
# saying, or what someone might have said or was imagined saying.
_SAY = r"(?:say|ask|add|answer|reply|retort|exclaim|cry|shout|protest|murmur|whisper|tell\s+\w+)"
_SAYING = r"(?:saying|asking|adding|answering|replying|retorting|exclaiming|crying|shouting|protesting)"
_SAID = r"(?:said|asked|added|answered|replied|retorted|exclaimed|cried|shouted|protested)"
_UNSPOKEN_BEFORE_RE = re.compile(
    r"(?:\b(?:wanted|longed|yearned|ached|itched|was\s+tempted|were\s+tempted|was\s+about|had\s+been\s+about|meant"
    r"|was\s+dying|was\s+on\s+the\s+point\s+of|resisted\s+the\s+(?:urge|temptation))\s+to(?:\s+\w+)?\s+" + _SAY +
    r"|\bfelt\s+like\s+" + _SAYING +
    r"|\bas\s+(?:if|though|who\s+should)\s+(?:to\s+)?say|\bas\s+(?:if|though)\s+\w+\s+(?:had\s+)?(?:said|were\s+saying|would\s+say)"
    r"|\b(?:seemed|appeared)\s+to\s+say"
    r"|\b(?:his|her|their|my|your|whose|the|a)\s+(?:[\w-]+\s+)?(?:eyes|look|looks|glance|smile|half-smile|face|expression"
    r"|gesture|silence)(?:,[^,.!?;\"“”]{1,25},)?\s+(?:said|asked|implored|spoke|meant|indicated)"
    r"|\bas\s+much\s+as\s+to\s+say|\bwhich\s+meant"
    r"|\b(?:implied|signified|conveyed)"
    r"|\b(?:might|would|could|should)\s+have\s+" + _SAID +
    r"|\b(?:tip\s+of|on)\s+(?:his|her|my|their|your)\s+(?:tongue|lips)\s+to\s+" + _SAY +
    r"|\bcould\s+(?:fancy|imagine)\s+[\w .'’-]{1,40}?\s+(?:saying|say|adding|add)"
    r"|\bhow\s+could\s+(?:he|she|I|they|we|you)\s+" + _SAY + r")"
    r"((?:(?!\band\b)[^.!?\"“”]){0,30})[\s:,;—–-]*$",
    re.IGNORECASE,
)
# ... or just after them: '"I was, till I saw you," he felt like answering.'
_UNSPOKEN_AFTER_RE = re.compile(
    r"[ \t]*,?[ \t]*(?:[\w'’.-]+[ \t]+){0,3}?(?:felt\s+like\s+" + _SAYING + r"|(?:wanted|longed|was\s+tempted)\s+to\s+" + _SAY + r")\b",
    re.IGNORECASE,
)


def _unspoken(chapter: Chapter, u: _Utterance) -> bool:
    """Whether narration says the quoted words were not said aloud (see
    `_UNSPOKEN_BEFORE_RE`): the words are a thought, not dialogue."""
    text = chapter.text
    para = chapter.paragraphs[u.paragraph]
    before = text[max(para.start, u.segments[0].mark_start - _NARRATION_WINDOW) : u.segments[0].mark_start]
    clause = _last_sentence(before)
    cue = _UNSPOKEN_BEFORE_RE.search(clause[-120:]) if clause else None
    if cue and not _SPEECH_VERB_RE.search(cue.group(1)):
        return True  # (not "her look said plenty, but she only murmured:")
    first = u.segments[0]
    return text[first.start : first.end].endswith((",", "--", "—")) and bool(
        _UNSPOKEN_AFTER_RE.match(text, first.mark_end))


def _set_apart(chapter: Chapter, utterances: list[_Utterance]) -> dict[int, str]:
    """id(utterance) -> "written" or "thoughts" for quoted stretches that are not
    speech: quoted letters (`_letters`) and words never said aloud (`_unspoken`)."""
    out: dict[int, str] = {}
    for k in _letters(chapter, utterances):
        out[id(utterances[k])] = "written"
    for u in utterances:
        if id(u) not in out and _unspoken(chapter, u):
            out[id(u)] = "thoughts"
    return out


def _utterances(chapter: Chapter) -> list[_Utterance]:
    """Every quoted utterance of `chapter` as segments, in reading order."""
    text = chapter.text
    scan = _scan_single if dialogue_marks(text) == "single" else _scan_double
    groups: list[_Utterance] = []
    continuing: _Utterance | None = None  # a quotation still open at the last paragraph end
    for p_index, para in enumerate(chapter.paragraphs):
        segments = scan(text[para.start : para.end], para.start)
        segments = _drop_terms(text, para.start, segments)
        current: _Utterance | None = None
        if continuing is not None and segments and not text[para.start : segments[0].mark_start].strip():
            current = continuing  # the paragraph opens with a mark: the speech goes on
            current.last_paragraph = p_index
        continuing = None
        joins = _joins(text, segments)
        for k, seg in enumerate(segments):
            if current is not None and (k == 0 or joins[k - 1]):
                current.segments.append(seg)
                continue
            current = _Utterance(p_index, p_index, [seg])
            groups.append(current)
        if current is not None and not current.segments[-1].closed:
            continuing = current
    return groups


def find_quotations(chapter: Chapter) -> list[Quotation]:
    """Every quoted utterance in `chapter`, in reading order (speaker not yet known),
    except quoted letters and words never said aloud (see `_set_apart`), which
    `find_passages` returns as `written` and `thoughts`.
    Ids are `Q{chapter}-{n}`; the pipeline renumbers them work-wide."""
    text = chapter.text
    utterances = _utterances(chapter)
    set_apart = _set_apart(chapter, utterances)
    quotations: list[Quotation] = []
    for u in utterances:
        if id(u) in set_apart:
            continue
        spans = u.spans
        if not spans:
            continue  # "" — an empty pair of marks
        quotations.append(
            Quotation(
                id=f"Q{chapter.index}-{len(quotations) + 1}",
                chapter=chapter.index,
                spans=spans,
                text=" ".join(text[s:e] for s, e in spans),
                paragraph=u.paragraph,
            )
        )
    return quotations


def split_continued(work: Work, quotations: list[Quotation]) -> list[Quotation]:
    """`quotations` with each speech continued over several paragraphs given as one
    quotation per paragraph, every later part linked to the part before it by
    `continues` (ids "Q1-4", "Q1-4.2", "Q1-4.3", ...); speaker, addressees, kind,
    confidence and cue are the whole speech's.

    `find_quotations` keeps a continued speech whole so that the speakers layer sees
    it as one turn of the conversation; the pipeline splits it after attribution.
    Per paragraph is how readers cite such a speech and how PDNC annotates it: on
    the DEV novels 40 continued speeches cover 261 paragraphs, and the gold
    annotation joins two of those paragraphs into one quotation 8 times."""
    chapters = {c.index: c for c in work.chapters}
    starts_of = {c.index: [p.start for p in c.paragraphs] for c in work.chapters}
    out: list[Quotation] = []
    for q in quotations:
        starts = starts_of[q.chapter]
        parts: list[tuple[int, list[tuple[int, int]]]] = []  # (paragraph, its spans)
        for span in q.spans:
            paragraph = bisect.bisect_right(starts, span[0]) - 1
            if not parts or parts[-1][0] != paragraph:
                parts.append((paragraph, []))
            parts[-1][1].append(span)
        if len(parts) < 2:
            out.append(q)
            continue
        text = chapters[q.chapter].text
        previous = None
        for k, (paragraph, spans) in enumerate(parts, 1):
            part_id = q.id if k == 1 else f"{q.id}.{k}"
            out.append(replace(
                q, id=part_id, spans=tuple(spans), text=" ".join(text[s:e] for s, e in spans),
                paragraph=paragraph, continues=previous))
            previous = part_id
    return out


# -- thoughts and written passages ------------------------------------------------------

_WORD_RE = re.compile(r"[^\W_]+(?:['’][^\W_]+)*")
_SENTENCE_END = (".", "?", "!", "…", "—", "–")


def is_thought(text: str) -> bool:
    """Whether an italic stretch reads as internal speech or a remembered phrase
    rather than emphasis or a title.

    Rule: at least three words, or ending like a sentence (. ? ! … or a dash,
    closing marks aside) — so *Really?* and *I can't do this* are thoughts, *did*
    in "I *did* it" is emphasis. Three or more words that are all capitalised and
    end without punctuation (*The Daily Prophet*) read as a title, not a thought."""
    stripped = text.strip().rstrip("\"'”’*_ ")
    words = _WORD_RE.findall(stripped)
    if not words:
        return False
    if stripped.endswith(_SENTENCE_END):
        return True
    if len(words) < 3:
        return False
    is_title = all(w[0].isupper() or w.lower() in _TITLE_SMALL_WORDS for w in words)
    return not is_title


_TITLE_SMALL_WORDS = {"a", "an", "and", "the", "of", "in", "on", "to", "for", "at", "by", "or", "with"}


def find_passages(chapter: Chapter) -> tuple[list[Passage], list[Passage]]:
    """(thoughts, written) for `chapter`, each in reading order.

    thoughts: italic stretches that pass `is_thought` and do not overlap a
    quotation (marks included) — emphasis inside speech stays speech. Italic runs
    separated only by spaces or punctuation are joined first (markup often splits
    one thought in two). Also quoted words that narration says were never said
    aloud (`_unspoken`), one passage per span.
    written: one passage per blockquoted paragraph (a letter, a text message), and
    one per span of a quoted letter, note or telegram (`_letters`) outside a
    blockquote."""
    text = chapter.text
    utterances = _utterances(chapter)
    set_apart = _set_apart(chapter, utterances)
    quoted = [(seg.mark_start, seg.mark_end) for u in utterances for seg in u.segments]

    italic: list[list[int]] = []
    for style in chapter.styles:
        if style.style != "italic":
            continue
        if italic and style.start <= italic[-1][1] + 2 and not text[italic[-1][1] : style.start].strip(" ,.;:!?—–-"):
            italic[-1][1] = max(italic[-1][1], style.end)
        else:
            italic.append([style.start, style.end])

    thoughts: list[tuple[int, int]] = []
    for start, end in italic:
        start, end = _trim(text, start, end)
        if end <= start or not is_thought(text[start:end]):
            continue
        if any(q_start < end and start < q_end for q_start, q_end in quoted):
            continue
        thoughts.append((start, end))

    written: list[tuple[int, int]] = []
    for style in chapter.styles:
        if style.style != "blockquote":
            continue
        start, end = _trim(text, style.start, style.end)
        if end > start:
            written.append((start, end))
    blockquoted = list(written)

    for u in utterances:
        kind = set_apart.get(id(u))
        for start, end in u.spans if kind else ():
            if kind == "thoughts":
                thoughts.append((start, end))
            elif not any(b_start <= start and end <= b_end for b_start, b_end in blockquoted):
                written.append((start, end))
    return _passages("T", chapter, thoughts), _passages("W", chapter, written)


def _passages(prefix: str, chapter: Chapter, spans: list[tuple[int, int]]) -> list[Passage]:
    return [
        Passage(f"{prefix}{chapter.index}-{n}", chapter.index, start, end, chapter.text[start:end])
        for n, (start, end) in enumerate(sorted(spans), 1)
    ]


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end
