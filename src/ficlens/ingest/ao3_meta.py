"""AO3 metadata conventions shared by every reader of AO3-derived files
(download HTML, work page, EPUB, FanFicFare): tag labels across versions,
relationship tags, the stats line, bylines and chapter headings.
See ../shared/formats/AO3.md for where each convention comes from.
"""

from __future__ import annotations

import re

from ..model import Author, ChapterCount, Relationship

# dt label (lower-cased, trailing colon removed) -> WorkMeta field. Labels are plural
# only since 2023-10; older files always use the singular.
LABEL_FIELDS = {
    "rating": "rating", "ratings": "rating",
    "archive warning": "warnings", "archive warnings": "warnings", "warning": "warnings", "warnings": "warnings",
    "category": "categories", "categories": "categories",
    "fandom": "fandoms", "fandoms": "fandoms",
    "relationship": "relationships", "relationships": "relationships",
    "character": "characters", "characters": "characters",
    "additional tags": "freeform", "additional tag": "freeform", "freeform": "freeform",
    "language": "language",
    "series": "series",
    "collection": "collections", "collections": "collections",
    "stats": "stats",
}


def field_for_label(label: str) -> str | None:
    return LABEL_FIELDS.get(label.strip().rstrip(":").strip().lower())


def parse_relationship(tag: str) -> Relationship:
    """`A/B` (and `A/B/C`) is romantic, `A & B` platonic (AO3's naming convention)."""
    tag = " ".join(tag.split())
    if "/" in tag:
        members = tuple(m.strip() for m in tag.split("/") if m.strip())
        return Relationship(tag, members, "romantic")
    if " & " in tag:
        members = tuple(m.strip() for m in tag.split(" & ") if m.strip())
        return Relationship(tag, members, "platonic")
    return Relationship(tag, (tag,), "other")


# No figure in a fan work (words, hits, a chapter or series part number) comes near
# a trillion. Longer digit runs are junk, and past 4,300 digits int() raises.
MAX_NUMBER_DIGITS = 12


def to_int(digits: str) -> int | None:
    """A run of decimal digits as an int; None for anything else or an absurd length."""
    return int(digits) if digits.isdecimal() and len(digits) <= MAX_NUMBER_DIGITS else None


def series_index(value: str | None) -> int | None:
    """Calibre's `calibre:series_index` ('2', '2.0') as a part number; None unless it is
    a positive number (it is free text in the OPF: 'nan', '1e999', '-1' all occur)."""
    m = re.fullmatch(r"\s*(\d+)(?:\.\d*)?\s*", value or "")
    part = to_int(m.group(1)) if m else None
    return part or None


def parse_count(text: str | None) -> int | None:
    """'1,234' / '1 234' / '1.234' -> 1234; None when there is no number."""
    if text is None:
        return None
    return to_int(re.sub(r"[,\s.\u00a0\u202f']", "", text))


_STAT_RE = re.compile(
    r"(Published|Updated|Completed|Words|Chapters|Comments|Kudos|Bookmarks|Hits):\s*"
    # dates and chapter fractions first: the number branch would take "2024" of a date
    r"([0-9]{4}-[0-9]{2}-[0-9]{2}|[0-9,]+/(?:[0-9,]+|\?)|[0-9][0-9,.\u00a0\u202f ]*[0-9]|[0-9?/]+)"
)


def parse_chapter_count(text: str) -> ChapterCount:
    """'3/?' -> posted 3, total None; '2/2' -> 2, 2."""
    posted, _, total = text.partition("/")
    return ChapterCount(parse_count(posted), parse_count(total) if total.strip() != "?" else None)


def parse_stats(text: str) -> dict:
    """Parse an AO3 stats line ("Published: 2015-01-10 Completed: 2020-11-05
    Words: 1,234 Chapters: 2/2") into WorkMeta fields. `completed` is True for a
    "Completed:" date or a full chapter count, False for "Updated:" or "n/?"."""
    found: dict[str, str] = {}
    for m in _STAT_RE.finditer(" ".join(text.split())):
        found.setdefault(m.group(1).lower(), m.group(2).strip())
    out: dict = {}
    if "published" in found:
        out["published"] = found["published"]
    if "completed" in found:
        out["updated"] = found["completed"]
        out["completed"] = True
    elif "updated" in found:
        out["updated"] = found["updated"]
        out["completed"] = False
    if "words" in found:
        out["words"] = parse_count(found["words"])
    if "chapters" in found:
        count = parse_chapter_count(found["chapters"])
        out["chapters"] = count
        if "completed" not in out:
            out["completed"] = count.total is not None and count.posted == count.total
    for key in ("comments", "kudos", "bookmarks", "hits"):
        if key in found:
            out[key] = parse_count(found[key])
    return out


_PSEUD_LOGIN_RE = re.compile(r"^(?P<pseud>.+?)\s*\((?P<login>[^()]+)\)$")
_ARCHIVED_RE = re.compile(r"^(?P<orig>.+?)\s*\[archived by (?P<archivist>.+)\]$")


def parse_author(text: str) -> Author:
    """'pseud (login)', 'login', 'Anonymous', 'orphan_account',
    'Orig Author [archived by pseud]' -> Author."""
    text = " ".join(text.split())
    m = _ARCHIVED_RE.match(text)
    if m:
        return Author(m.group("orig"), None)
    m = _PSEUD_LOGIN_RE.match(text)
    if m:
        return Author(m.group("pseud"), m.group("login"))
    if text == "Anonymous":
        return Author("Anonymous", None)
    return Author(text, text)


def login_from_url(url: str | None) -> str | None:
    m = re.search(r"/users/([^/]+)", url or "")
    return m.group(1) if m else None


_CHAPTER_HEADING_RE = re.compile(r"^\s*Chapter\s+(\d+)\s*(?::\s*(.*))?$", re.IGNORECASE | re.DOTALL)


def parse_chapter_heading(text: str) -> tuple[int | None, str | None]:
    """'Chapter 3: The Title' -> (3, 'The Title'); 'Chapter 3' -> (3, None);
    'The Title' (AO3 before 2025-10) -> (None, 'The Title')."""
    text = " ".join(text.split())
    m = _CHAPTER_HEADING_RE.match(text)
    if m:
        title = (m.group(2) or "").strip() or None
        return to_int(m.group(1)), title
    return None, text or None


def work_url(text: str | None) -> str | None:
    m = re.search(r"https?://(?:www\.)?archiveofourown\.org/works/\d+", text or "")
    return m.group(0) if m else None
