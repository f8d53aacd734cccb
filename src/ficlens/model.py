"""The one data model: a `Work` of `Chapter`s, each owning its text.

Everything below a chapter is a span of end-exclusive character offsets into
`Chapter.text`, like spaCy's `Doc`/`Span`: the text of a paragraph is always
`chapter.text[p.start:p.end]`. Readers (ingest/) build these objects; analysis
layers read them and add their own span lists; nothing rewrites the text.

Chapter text is the story only: paragraphs joined by a blank line ("\\n\\n"),
`<br>` line breaks inside a paragraph kept as "\\n". Scene-break markers
("* * *", `<hr>`) are not in the text; a `SceneBreak` records where one stood.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Literal

PARAGRAPH_SEPARATOR = "\n\n"

Style = Literal["italic", "bold", "underline", "strike", "blockquote", "center"]
RelationshipKind = Literal["romantic", "platonic", "other"]


@dataclass(frozen=True, slots=True)
class Paragraph:
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class StyleSpan:
    """A styled stretch of text: italic/bold/... from the markup, `blockquote` for
    set-apart passages (letters, text messages), `center` for centred lines."""

    start: int
    end: int
    style: Style


@dataclass(frozen=True, slots=True)
class SceneBreak:
    """A scene break before the paragraph starting at `offset`; `marker` is what the
    file used ("<hr>", "* * *", "~~~")."""

    offset: int
    marker: str


@dataclass(frozen=True, slots=True)
class Chapter:
    index: int  # 1-based position in the work
    title: str | None
    text: str
    paragraphs: tuple[Paragraph, ...]
    styles: tuple[StyleSpan, ...] = ()
    scene_breaks: tuple[SceneBreak, ...] = ()
    summary: str | None = None
    notes: str | None = None
    end_notes: str | None = None

    def paragraph_texts(self) -> list[str]:
        return [self.text[p.start : p.end] for p in self.paragraphs]


@dataclass(frozen=True, slots=True)
class Author:
    """A byline entry: AO3 shows `pseud (login)` when they differ."""

    name: str
    login: str | None = None


@dataclass(frozen=True, slots=True)
class Relationship:
    """An AO3 relationship tag split into members: `A/B` romantic, `A & B` platonic."""

    tag: str
    members: tuple[str, ...]
    kind: RelationshipKind


@dataclass(frozen=True, slots=True)
class SeriesEntry:
    title: str
    part: int | None = None
    url: str | None = None


@dataclass(frozen=True, slots=True)
class ChapterCount:
    posted: int | None
    total: int | None  # None when the author has not set it ("3/?")


@dataclass(frozen=True, slots=True)
class Source:
    """Where the work came from and how it was read."""

    format: str  # reader name, e.g. "ao3-html", "ao3-epub", "plaintext"
    url: str | None = None
    path: str | None = None
    extraction: str | None = None  # which route the reader took, e.g. "preface", "opf-fallback"


@dataclass(frozen=True, slots=True)
class WorkMeta:
    title: str | None = None
    authors: tuple[Author, ...] = ()
    rating: str | None = None
    warnings: tuple[str, ...] = ()
    categories: tuple[str, ...] = ()
    fandoms: tuple[str, ...] = ()
    relationships: tuple[Relationship, ...] = ()
    characters: tuple[str, ...] = ()
    freeform: tuple[str, ...] = ()
    language: str | None = None
    series: tuple[SeriesEntry, ...] = ()
    collections: tuple[str, ...] = ()
    published: str | None = None  # YYYY-MM-DD
    updated: str | None = None  # last update (AO3 "Updated:" or "Completed:" date)
    completed: bool | None = None  # None when the file does not say
    words: int | None = None  # as the site states it
    chapters: ChapterCount = field(default_factory=lambda: ChapterCount(None, None))
    kudos: int | None = None  # engagement: only work pages carry it; None = not in file
    hits: int | None = None
    comments: int | None = None
    bookmarks: int | None = None
    summary: str | None = None
    notes: str | None = None
    end_notes: str | None = None
    source: Source = field(default_factory=lambda: Source("unknown"))


@dataclass(frozen=True, slots=True)
class Work:
    meta: WorkMeta
    chapters: tuple[Chapter, ...]

    @property
    def word_count(self) -> int:
        """Words in the story text as ficlens read it (not the site's figure)."""
        return sum(len(c.text.split()) for c in self.chapters)


def to_dict(obj) -> dict:
    """Plain-dict form of any model object, tuples as lists (for JSON)."""
    return asdict(obj)


# --- Annotation layers (added by analysis, never by readers) --------------------
# Every annotation names its chapter (1-based `Chapter.index`) and carries
# end-exclusive character offsets into that chapter's text.

QuoteKind = Literal["explicit", "anaphoric", "implicit"]
MentionKind = Literal["name", "pronoun", "description", "first_person", "second_person"]


@dataclass(frozen=True, slots=True)
class Span:
    chapter: int
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class Quotation:
    """One utterance: one or more spans of quoted text (the marks themselves are
    outside the spans), e.g. two spans for "I was out," he said, "for a walk."
    `paragraph` is the index (0-based) of the chapter paragraph it starts in.
    A speech running over several paragraphs is one quotation per paragraph, each
    later part naming the part before it in `continues`."""

    id: str
    chapter: int
    spans: tuple[tuple[int, int], ...]
    text: str
    paragraph: int
    speaker: str | None = None  # character id
    addressees: tuple[str, ...] = ()
    kind: QuoteKind | None = None
    confidence: float = 0.0
    cue: Span | None = None  # the mention that licensed the attribution
    continues: str | None = None  # id of the previous part of a speech continued over paragraphs


@dataclass(frozen=True, slots=True)
class Passage:
    """A set-apart passage that is not spoken dialogue: an italic thought, or a
    letter/text message in a blockquote (`written`)."""

    id: str
    chapter: int
    start: int
    end: int
    text: str
    character: str | None = None  # thinker / writer when known


@dataclass(frozen=True, slots=True)
class Mention:
    chapter: int
    start: int
    end: int
    text: str
    kind: MentionKind
    character: str | None  # character id, None when unresolved


@dataclass(frozen=True, slots=True)
class Character:
    id: str
    name: str
    aliases: tuple[str, ...]
    gender: Literal["he", "she", "they", "unknown"] = "unknown"
    mentions: int = 0
    quotes: int = 0
    tagged: bool = False  # named in the work's AO3 character/relationship tags


# --- Narrative layers (issue 4): where and when the story moves -----------------

SceneBoundary = Literal["chapter", "break", "time_shift", "place_shift"]
PlaceKind = Literal["GPE", "LOC", "FAC"]  # spaCy's labels; FAC covers shops, streets, buildings


@dataclass(frozen=True, slots=True)
class TimeExpression:
    """A date or time expression ("June 2nd", "on Wednesday", "two days later").
    `value` is normalised where it can be computed without inventing a year:
    ISO-like partial dates ("--06-02"), weekdays ("Wednesday"), relative offsets
    ("+P2D"), parts of day ("night"); None when it cannot."""

    id: str
    chapter: int
    start: int
    end: int
    text: str
    kind: str  # e.g. "date", "weekday", "relative", "time_of_day", "duration"
    value: str | None = None


@dataclass(frozen=True, slots=True)
class Place:
    """A location named in the story, with every mention of it. Never a character."""

    id: str
    name: str
    kind: PlaceKind
    mentions: tuple[Span, ...] = ()
    scenes: tuple[str, ...] = ()  # scene ids it appears in


@dataclass(frozen=True, slots=True)
class Scene:
    """A stretch of one chapter between boundaries. `boundary` says what opened it."""

    id: str
    chapter: int
    start: int
    end: int
    boundary: SceneBoundary
    characters: tuple[str, ...] = ()  # character ids present (mentioned or speaking)
    place: str | None = None  # main place id
    time: str | None = None  # id of the time expression that sets the scene
