"""`CharacterLayer`: the characters layer's result, with lookups for later layers."""

from __future__ import annotations

import bisect
from dataclasses import dataclass, field
from typing import Iterable

from ..model import Character, Mention
from .names import normalise_alias, parse_name


@dataclass(slots=True)
class CharacterLayer:
    """Characters, every mention (names, resolved pronouns, first/second person),
    the narrator, and the lookups the speaker layer uses."""

    characters: list[Character]
    mentions: list[Mention]  # sorted by (chapter, start)
    narrator: str | None = None  # character id of a first-person narrator
    name_index: dict = field(default_factory=dict, repr=False)  # normalised alias -> {ids}
    key_index: dict = field(default_factory=dict, repr=False)  # name-form key -> [ids]
    _by_chapter: dict = field(default_factory=dict, repr=False)
    _starts: dict = field(default_factory=dict, repr=False)
    _by_id: dict = field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        for m in self.mentions:
            self._by_chapter.setdefault(m.chapter, []).append(m)
        for chapter, ms in self._by_chapter.items():
            self._starts[chapter] = [m.start for m in ms]
        self._by_id = {c.id: c for c in self.characters}

    def character(self, character_id: str | None) -> Character | None:
        return self._by_id.get(character_id) if character_id else None

    def gender_of(self, character_id: str | None) -> str:
        c = self.character(character_id)
        return c.gender if c else "unknown"

    def resolve_name(self, text: str) -> str | None:
        """The character a name string refers to ("Mr. Bennet", "Lizzy"), or None
        when unknown or ambiguous ("Bennet" with several Bennets)."""
        ids = self.candidates_for_name(text)
        return ids[0] if len(ids) == 1 else None

    def candidates_for_name(self, text: str) -> list[str]:
        """Every character a name string may refer to."""
        form = parse_name(text)
        if form is not None and form.key in self.key_index:
            return list(self.key_index[form.key])
        ids = self.name_index.get(normalise_alias(text))
        if ids:
            return sorted(ids)
        if form is not None and form.title is not None:  # "Captain Hastings" for "Hastings"
            bare = (None, form.core, form.article)
            if bare in self.key_index:
                return list(self.key_index[bare])
        return []

    def mentions_in(self, chapter: int, start: int = 0, end: int | None = None) -> list[Mention]:
        """Mentions of `chapter` starting in [start, end)."""
        ms = self._by_chapter.get(chapter, [])
        starts = self._starts.get(chapter, [])
        lo = bisect.bisect_left(starts, start)
        hi = len(ms) if end is None else bisect.bisect_left(starts, end)
        return ms[lo:hi]

    def character_for_mention(self, chapter: int, start: int, end: int) -> str | None:
        """The character of the mention covering [start, end) (None if none)."""
        ms = self._by_chapter.get(chapter, [])
        i = bisect.bisect_right(self._starts.get(chapter, []), start) - 1
        for j in (i, i + 1):
            if 0 <= j < len(ms) and ms[j].start <= start and end <= ms[j].end:
                return ms[j].character
        return None

    def mentions_before(
        self,
        chapter: int,
        offset: int,
        gender: str | None = None,
        kinds: Iterable[str] = ("name", "pronoun"),
        limit: int = 10,
    ) -> list[Mention]:
        """Up to `limit` resolved mentions ending before `offset`, nearest first,
        optionally only of characters with `gender`."""
        kinds = set(kinds)
        ms = self._by_chapter.get(chapter, [])
        i = bisect.bisect_left(self._starts.get(chapter, []), offset) - 1
        out: list[Mention] = []
        while i >= 0 and len(out) < limit:
            m = ms[i]
            if m.end <= offset and m.character and m.kind in kinds:
                if gender is None or self.gender_of(m.character) == gender:
                    out.append(m)
            i -= 1
        return out
