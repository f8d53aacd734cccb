"""When the story happens: dates and time expressions, normalised where possible.

`find_times(work, parses)` takes spaCy's DATE and TIME entities from the one parse
pass and adds what the small model misses ("that night", "the next morning", "two
days later", "four years after the war", "Tuesday afternoon"), found by the
patterns below over each chapter's text. Overlapping finds are merged into one
expression, so "Four years" (spaCy) and "four years after the war" (pattern) are
one span.

Each expression gets a `kind` and, where the text allows, a `value`:

- `date`: "June 2nd" -> "--06-02", "June" -> "--06", "2 June 1998" -> "1998-06-02"
  (a year only when the text gives one);
- `weekday`: "on Wednesday", "Wednesday morning" -> "Wednesday";
- `relative`: "two days later" -> "+P2D", "three weeks ago" -> "-P3W", "the next
  morning" -> "+P1D", "hours later" -> "+PTXH" (X: a count the text does not give);
- `time_of_day`: "that night" -> "night", "at dawn" -> "dawn";
- `time`: clock times, "half past eleven" -> "11:30" (12-hour, am/pm unknown),
  "11 pm" -> "T23:00", "noon" -> "T12:00";
- `duration`: "ten years" -> "P10Y";
- `season`: "every spring" -> "spring";
- otherwise spaCy's label in lower case ("date"/"time") with no value.
"""

from __future__ import annotations

import re
from typing import Iterable

from ..model import TimeExpression, Work

MONTHS = ("january", "february", "march", "april", "may", "june", "july", "august",
          "september", "october", "november", "december")
WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
PARTS_OF_DAY = ("morning", "afternoon", "evening", "night", "dawn", "dusk", "daybreak", "sunrise",
                "sunset", "twilight", "nightfall", "midday", "noon", "midnight", "lunchtime", "bedtime")
SEASONS = ("spring", "summer", "autumn", "fall", "winter")

_NUMBER_WORDS = {
    "a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14,
    "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19, "twenty": 20,
    "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "hundred": 100, "a couple of": 2,
    "couple of": 2,
}
_VAGUE_COUNTS = ("a few", "few", "several", "some", "many", "countless")
_ORDINAL_WORDS = {
    "first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6, "seventh": 7,
    "eighth": 8, "ninth": 9, "tenth": 10, "eleventh": 11, "twelfth": 12, "thirteenth": 13,
    "fourteenth": 14, "fifteenth": 15, "sixteenth": 16, "seventeenth": 17, "eighteenth": 18,
    "nineteenth": 19, "twentieth": 20, "twenty-first": 21, "twenty-second": 22,
    "twenty-third": 23, "twenty-fourth": 24, "twenty-fifth": 25, "twenty-sixth": 26,
    "twenty-seventh": 27, "twenty-eighth": 28, "twenty-ninth": 29, "thirtieth": 30,
    "thirty-first": 31,
}
# ISO 8601 duration designators; time units go after "T".
_UNITS = {"second": "S", "minute": "M", "hour": "H", "day": "D", "night": "D", "week": "W",
          "month": "M", "year": "Y", "decade": "10Y", "century": "100Y"}
_TIME_UNITS = {"second", "minute", "hour"}

# -- patterns ------------------------------------------------------------------------------
# Spaces inside an expression never cross a line or paragraph break.
_S = r"[^\S\n]+"
_COUNT = (r"(?:\d+|a\ couple\ of|couple\ of|a\ few|few|several|some|many|an?|one|two|three|four|five|six"
          r"|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|fifteen|sixteen|seventeen|eighteen"
          r"|nineteen|twenty|thirty|forty|fifty|sixty|a\ hundred|hundreds\ of)")
_UNIT = r"(?:seconds?|minutes?|hours?|days?|nights?|weeks?|months?|years?|decades?|centur(?:y|ies))"
_PART = "|".join(PARTS_OF_DAY)
_MONTH = r"(?:January|February|March|April|May|June|July|August|September|October|November|December)"
_WEEKDAY = r"(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)s?"
_DAY_NUMBER = r"(?:[0-3]?\d(?:st|nd|rd|th)?)"
_ORDINAL = "|".join(sorted(_ORDINAL_WORDS, key=len, reverse=True))

_PATTERNS = [
    # "two days later", "four years after the war", "three weeks ago", "moments later"
    rf"(?i:\b{_COUNT}(?:{_S}more)?{_S}{_UNIT}{_S}(?:later|afterwards?|after{_S}(?:the|that|his|her|their|our){_S}[a-z]+"
    rf"|before{_S}(?:the|that|his|her|their|our){_S}[a-z]+|earlier|ago|before|previously|on)\b)",
    rf"(?i:\b(?:a{_S}moment|moments|minutes|hours|days|weeks|months|years|decades){_S}"
    rf"(?:later|afterwards?|earlier|ago|passed)\b)",
    # "the next morning", "the following week", "the day after", "the previous night"
    rf"(?i:\b(?:the{_S})?(?:next|following|previous|preceding){_S}(?:day|week|month|year|{_PART})\b)",
    rf"(?i:\bthe{_S}(?:day|night|week|morning|evening){_S}(?:after|before)(?:{_S}(?:next|that|tomorrow|yesterday))?\b)",
    rf"(?i:\b(?:later{_S})?(?:that|this|last|tomorrow|yesterday){_S}(?:{_PART})\b)",
    rf"(?i:\b(?:yesterday|tomorrow|today|tonight)\b)",
    rf"(?i:\b(?:last|next){_S}(?:week|month|year|summer|winter|spring|autumn)\b)",
    rf"(?i:\b(?:at|by|before|after|until|till){_S}(?:dawn|dusk|daybreak|sunrise|sunset|nightfall|midnight|noon|midday|twilight)\b)",
    rf"(?i:\b(?:that|this|last|every|each|next|the{_S}following){_S}(?:spring|summer|autumn|fall|winter)\b)",
    # "Wednesday", "Tuesday afternoon", "last Friday"
    rf"\b(?:(?i:last|next|that|this){_S})?{_WEEKDAY}(?:{_S}(?i:{_PART}))?\b",
    # "June 2nd", "June 2nd, 1998", "2 June", "the second of June"
    rf"\b{_MONTH}{_S}{_DAY_NUMBER}\b(?:,?{_S}\d{{4}}\b)?",
    rf"\b{_DAY_NUMBER}{_S}(?:of{_S})?{_MONTH}\b(?:,?{_S}\d{{4}}\b)?",
    rf"(?i:\bthe{_S}(?:{_ORDINAL}|{_DAY_NUMBER}){_S}of){_S}{_MONTH}\b(?:,?{_S}\d{{4}}\b)?",
    rf"\b(?:January|February|April|June|July|August|September|October|November|December)(?:{_S}\d{{4}})?\b",
    # clock times
    rf"(?i:\b(?:half|(?:a{_S})?quarter){_S}(?:past|to){_S}(?:\d{{1,2}}|one|two|three|four|five|six|seven|eight"
    rf"|nine|ten|eleven|twelve)\b)",
    rf"(?i:\b(?:\d{{1,2}}|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve){_S}o['’]clock\b)",
    rf"(?i:\b\d{{1,2}}(?::\d{{2}})?{_S}?(?:a\.m\.|p\.m\.|am|pm)(?![a-z]))",
    rf"(?i:\b\d{{1,2}}:\d{{2}}\b)",
]
_PATTERN = re.compile("|".join(f"(?:{p})" for p in _PATTERNS))

_SPACY_LABELS = ("DATE", "TIME")


def find_times(work: Work, parses: Iterable) -> list[TimeExpression]:
    """Every date and time expression of `work`, in reading order, ids "TX1", "TX2", ..."""
    found: list[TimeExpression] = []
    for chapter_parse in parses:
        chapter = chapter_parse.chapter
        spans = [(m.start() + _leading_length(m.group()), m.end(), None) for m in _PATTERN.finditer(chapter.text)]
        for offset, doc in chapter_parse.docs:
            for ent in doc.ents:
                if ent.label_ in _SPACY_LABELS:
                    start, end = _trim(chapter.text, offset + ent.start_char, offset + ent.end_char)
                    if end > start:
                        spans.append((start, end, ent.label_))
        for start, end, label in _merge(spans):
            text = chapter.text[start:end]
            kind, value = normalise(text)
            if kind is None:
                if label is None or not _worth_keeping(text):
                    continue
                kind = label.lower()
            found.append(TimeExpression(id="", chapter=chapter.index, start=start, end=end, text=text,
                                        kind=kind, value=value))
    return [TimeExpression(f"TX{i}", t.chapter, t.start, t.end, t.text, t.kind, t.value)
            for i, t in enumerate(found, 1)]


def _leading_length(text: str) -> int:
    """Length of a leading preposition the span leaves out ("at dawn" -> "dawn")."""
    m = _LEADING.match(text)
    return m.end() if m else 0


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    """spaCy's entity without a trailing possessive or punctuation ("yesterday's")."""
    piece = text[start:end]
    for suffix in ("'s", "’s"):
        if piece.endswith(suffix):
            end -= len(suffix)
            piece = piece[: -len(suffix)]
    stripped = re.sub(r"(?:\s+(?:on|at|of|in|and|to))+$", "", piece.rstrip(" ,.;:!?-—–\"'”’"))
    return start, start + len(stripped)


def _merge(spans: list[tuple[int, int, str | None]]) -> list[tuple[int, int, str | None]]:
    """Overlapping spans as one (their union); the spaCy label is kept when any had one."""
    merged: list[list] = []
    for start, end, label in sorted(spans, key=lambda s: (s[0], -s[1])):
        if merged and start < merged[-1][1]:
            last = merged[-1]
            last[1] = max(last[1], end)
            last[2] = last[2] or label
        else:
            merged.append([start, end, label])
    return [tuple(m) for m in merged]


def _worth_keeping(text: str) -> bool:
    """spaCy DATE/TIME entities that normalise to nothing are kept when they hold a
    time word ("the autumn of his life", "Christmas Eve"); bare numbers ("one",
    "1990s"?) and ages ("sixty years old") say nothing about the story's time."""
    lower = text.lower()
    if re.fullmatch(r"[\d\s,.]+", lower) or "old" in lower.split() or "age" in lower.split():
        return False
    return any(ch.isalpha() for ch in lower)


# -- normalisation --------------------------------------------------------------------------

_LEADING = re.compile(r"^(?:on|at|by|in|until|till|before|after|during|since|from|for|around|about)\s+", re.I)


def normalise(text: str) -> tuple[str | None, str | None]:
    """(kind, value) for one expression's text; (None, None) when it is not one this
    module can read."""
    t = " ".join(text.replace("’", "'").split())
    t = _LEADING.sub("", t)
    lower = t.lower()
    for reader in (_relative, _calendar_date, _weekday, _clock, _part_of_day, _duration, _season):
        result = reader(t, lower)
        if result is not None:
            return result
    return None, None


def _count(word: str) -> str | None:
    """"two" -> "2", "a few" -> "X", "12" -> "12"; None when not a count."""
    word = word.strip().lower()
    if word.isdigit():
        return str(int(word))
    if word in _VAGUE_COUNTS or word.startswith(("hundreds", "moment")):
        return "X"
    if word == "a hundred":
        return "100"
    n = _NUMBER_WORDS.get(word)
    if n is None and "-" in word:  # "twenty-two"
        tens, _, units = word.partition("-")
        if _NUMBER_WORDS.get(tens, 0) >= 20 and 1 <= _NUMBER_WORDS.get(units, 0) <= 9:
            n = _NUMBER_WORDS[tens] + _NUMBER_WORDS[units]
    return None if n is None else str(n)


def _iso_duration(count: str, unit: str) -> str:
    unit = unit.lower().rstrip("s")
    unit = "century" if unit.startswith("centur") else unit
    designator = _UNITS[unit]
    if designator.endswith("0Y") and count.isdigit():  # decades, centuries
        return f"P{int(count) * int(designator[:-1])}Y"
    if designator.endswith("0Y"):
        return f"P{count}{designator}"
    return f"PT{count}{designator}" if unit in _TIME_UNITS else f"P{count}{designator}"


_AFTER = re.compile(rf"^(?P<count>.+?)(?: more)?(?: (?P<unit>{_UNIT}))? (?P<dir>later|afterwards?|after|on|passed)\b", re.I)
_BEFORE = re.compile(rf"^(?P<count>.+?)(?: (?P<unit>{_UNIT}))? (?P<dir>before|earlier|ago|previously)\b", re.I)
_NEXT = re.compile(rf"^(?:the )?(?P<dir>next|following|previous|preceding) (?P<unit>day|week|month|year|{_PART})$", re.I)
_DAY_AFTER = re.compile(r"^the (?P<unit>day|night|week|morning|evening) (?P<dir>after|before)\b", re.I)
_SIMPLE_RELATIVE = {"yesterday": "-P1D", "tomorrow": "+P1D", "today": "+P0D", "tonight": "+P0D",
                    "last week": "-P1W", "next week": "+P1W", "last month": "-P1M", "next month": "+P1M",
                    "last year": "-P1Y", "next year": "+P1Y"}


def _relative(t: str, lower: str) -> tuple[str, str | None] | None:
    if lower in _SIMPLE_RELATIVE:
        return "relative", _SIMPLE_RELATIVE[lower]
    for pattern, sign in ((_AFTER, "+"), (_BEFORE, "-")):
        m = pattern.match(lower)
        if m:
            unit = m.group("unit")
            count_word = m.group("count")
            if unit is None:  # "moments later", "minutes later" (count word is the unit)
                bare = count_word.split()[-1]
                if re.fullmatch(_UNIT, bare):
                    unit, count = bare, "X"
                elif bare.startswith("moment"):
                    return "relative", f"{sign}PTXM"
                else:
                    continue
            else:
                count = _count(count_word)
                if count is None:
                    continue
            return "relative", sign + _iso_duration(count, unit)
    m = _NEXT.match(lower)
    if m:
        sign = "+" if m.group("dir") in ("next", "following") else "-"
        unit = m.group("unit")
        return "relative", sign + ("P1D" if unit in PARTS_OF_DAY else _iso_duration("1", unit))
    m = _DAY_AFTER.match(lower)
    if m:
        sign = "+" if m.group("dir") == "after" else "-"
        unit = "day" if m.group("unit") in ("night", "morning", "evening") else m.group("unit")
        return "relative", sign + _iso_duration("1", unit)
    if re.match(rf"^(?:yesterday|tomorrow) (?:{_PART})$", lower):
        return "relative", "-P1D" if lower.startswith("y") else "+P1D"
    return None


def _month_number(word: str) -> int | None:
    word = word.lower()
    return MONTHS.index(word) + 1 if word in MONTHS else None


def _day_number(word: str) -> int | None:
    word = word.lower()
    if word in _ORDINAL_WORDS:
        return _ORDINAL_WORDS[word]
    m = re.fullmatch(r"([0-3]?\d)(?:st|nd|rd|th)?", word)
    if m and 1 <= int(m.group(1)) <= 31:
        return int(m.group(1))
    return None


def _calendar_date(t: str, lower: str) -> tuple[str, str | None] | None:
    words = re.findall(r"[A-Za-z]+(?:-[a-z]+)?|\d+(?:st|nd|rd|th)?", t)
    month = next((_month_number(w) for w in words if _month_number(w)), None)
    year = next((int(w) for w in words if w.isdigit() and len(w) == 4), None)
    if month is None:
        if year is not None and re.fullmatch(r"(?:the year )?\d{4}", lower):
            return "date", str(year)
        return None
    day = None
    for w in words:
        if _month_number(w) is None and not (w.isdigit() and len(w) == 4):
            day = _day_number(w)
            if day is not None:
                break
    if day is None and lower == "may":
        return None  # the verb
    prefix = f"{year:04d}" if year is not None else "-"
    if day is None:
        return "date", f"{prefix}-{month:02d}"
    return "date", f"{prefix}-{month:02d}-{day:02d}"


def _weekday(t: str, lower: str) -> tuple[str, str | None] | None:
    for word in lower.replace(",", " ").split():
        day = word.rstrip("s") if word.rstrip("s") in WEEKDAYS else word
        if day in WEEKDAYS:
            return "weekday", day.capitalize()
    return None


_HOURS = {w: n for w, n in _NUMBER_WORDS.items() if 1 <= n <= 12 and w not in ("a", "an")}


def _hour(word: str) -> int | None:
    if word.isdigit():
        return int(word) if 0 <= int(word) <= 24 else None
    return _HOURS.get(word)


def _clock(t: str, lower: str) -> tuple[str, str | None] | None:
    if lower in ("noon", "midday"):
        return "time", "T12:00"
    if lower == "midnight":
        return "time", "T00:00"
    m = re.search(r"\b(half|(?:a )?quarter) (past|to) (\w+)", lower)
    if m:
        hour = _hour(m.group(3))
        if hour is None:
            return None
        minutes = 30 if m.group(1) == "half" else 15
        if m.group(2) == "to":
            hour, minutes = (hour - 1) % 12 or 12, 60 - minutes
        return "time", _clock_value(hour, minutes, lower)
    m = re.search(r"\b(\w+) (past|to) (\w+)\b", lower)  # "ten past six"
    if m and _hour(m.group(3)) is not None and _count(m.group(1)) not in (None, "X"):
        minutes, hour = int(_count(m.group(1))), _hour(m.group(3))
        if minutes < 60:
            if m.group(2) == "to":
                hour, minutes = (hour - 1) % 12 or 12, 60 - minutes
            return "time", _clock_value(hour, minutes, lower)
    m = re.search(r"\b(\w+) (?:in the (?:morning|afternoon|evening)|at night)\b", lower)  # "three in the morning"
    if m and _hour(m.group(1)) is not None:
        return "time", _clock_value(_hour(m.group(1)), 0, lower)
    m = re.search(r"\b(\w+) o'clock", lower)
    if m and _hour(m.group(1)) is not None:
        return "time", _clock_value(_hour(m.group(1)), 0, lower)
    m = re.search(r"\b(\d{1,2})(?::(\d{2}))? ?(a\.m\.|p\.m\.|am|pm)?(?![\w:])", lower)
    if m and (m.group(2) or m.group(3)):
        hour, minutes = int(m.group(1)), int(m.group(2) or 0)
        if hour <= 24 and minutes < 60:
            return "time", _clock_value(hour, minutes, lower)
    return None


def _clock_value(hour: int, minutes: int, lower: str) -> str:
    """"T23:30" when the text says which half of the day (pm, "at night", a 24-hour
    figure), else "11:30": a 12-hour reading, am or pm unknown."""
    pm = re.search(r"\b(?:p\.m\.|pm|evening|night|afternoon)", lower)
    am = re.search(r"\b(?:a\.m\.|am|morning)\b", lower)
    if hour > 12 or hour == 0:
        return f"T{hour % 24:02d}:{minutes:02d}"
    if pm:
        return f"T{hour % 12 + 12:02d}:{minutes:02d}"
    if am:
        return f"T{hour % 12:02d}:{minutes:02d}"
    return f"{hour:02d}:{minutes:02d}"


def _part_of_day(t: str, lower: str) -> tuple[str, str | None] | None:
    words = lower.split()
    for part in PARTS_OF_DAY:
        if part in words:
            if part in ("noon", "midday", "midnight"):
                return _clock(part, part)
            return "time_of_day", part
    return None


def _duration_expression(lower: str) -> str | None:
    m = re.fullmatch(rf"(?:for |nearly |almost |about |over |some )?(.+?) ({_UNIT})(?: long)?", lower)
    if not m:
        return None
    count = _count(m.group(1))
    return None if count is None else _iso_duration(count, m.group(2))


def _duration(t: str, lower: str) -> tuple[str, str | None] | None:
    value = _duration_expression(lower)
    return None if value is None else ("duration", value)


def _season(t: str, lower: str) -> tuple[str, str | None] | None:
    for season in SEASONS:
        if season in lower.split():
            return "season", "autumn" if season == "fall" else season
    return None
