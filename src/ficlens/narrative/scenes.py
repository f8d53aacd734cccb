"""Scenes: each chapter split at its breaks and at strong shifts of time or place.

`find_scenes(work, times, places, characters, quotations)` walks each chapter's
paragraphs and opens a new scene:

- `chapter`: at the start of every chapter;
- `break`: at every explicit scene break the reader recorded (`Chapter.scene_breaks`:
  `<hr>`, "* * *", ornaments, "~~~");
- `time_shift`: at a narration paragraph that opens with a time jump — "Two days
  later, ...", "The next morning ...", "On Wednesday, ...", "That night, ..." (a
  relative, date, weekday or clock expression, or a part of day with "that"/"later");
- `place_shift`: at a narration paragraph whose first sentence names a place the
  scene has not been in, together with characters by name none of whom the scene has
  had so far ("In the back room of the Leaky Cauldron, Neville was ..." after a
  scene with Draco in Knockturn Alley). A new place with the same people ("he
  stopped outside Borgin's") stays in the scene.

Each scene lists the characters present — every resolved mention in it (names,
pronouns, the first-person narrator) and every quotation speaker — in order of first
appearance; its main place (the place named most often in its narration, the first
named on a tie); and the time expression that sets it (the first one in narration in
its first two paragraphs that has a normalised value and is not a mere duration). `places_with_scenes` fills
each `Place.scenes` from the scenes its mentions fall in.
"""

from __future__ import annotations

import bisect
import re
from collections import Counter, defaultdict
from dataclasses import replace
from typing import Iterable, Sequence

from ..model import Chapter, Place, Quotation, Scene, TimeExpression, Work

# What may stand before a time expression that opens a paragraph: "On Wednesday",
# "Later that evening", "By the next morning", "And then, two days later".
_LEAD_IN = re.compile(r"^(?:(?:on|by|at|in|until|till|early|late|later|and|but|then|so|it\s+was)\b[\s,]*)*$", re.I)
_JUMP_KINDS = frozenset({"relative", "date", "weekday", "time"})
_PART_OF_DAY_JUMP = re.compile(r"^(?:that|later|the\s+next|the\s+following|early|late|by)\b", re.I)
_QUOTE_OPENERS = "\"“‘'«„"
_FIRST_SENTENCE = re.compile(r"[.!?](?:[\"'”’)]*)\s")
_SCENE_TIME_PARAGRAPHS = 2  # a scene's time is set in its first paragraphs, not its last


def find_scenes(
    work: Work,
    times: Sequence[TimeExpression],
    places: Sequence[Place],
    characters,
    quotations: Sequence[Quotation],
) -> list[Scene]:
    """Every scene of `work`, in reading order, ids "S1", "S2", ..."""
    times_by_chapter = _by_chapter(times, key=lambda t: t.chapter)
    quotes_by_chapter = _by_chapter(quotations, key=lambda q: q.chapter)
    place_mentions: dict[int, list[tuple[int, int, str]]] = defaultdict(list)
    for place in places:
        for m in place.mentions:
            place_mentions[m.chapter].append((m.start, m.end, place.id))
    scenes: list[Scene] = []
    for chapter in work.chapters:
        if not chapter.paragraphs:
            continue
        context = _ChapterContext(
            chapter,
            times_by_chapter.get(chapter.index, []),
            sorted(place_mentions.get(chapter.index, [])),
            characters,
            quotes_by_chapter.get(chapter.index, []),
        )
        scenes.extend(context.scenes(first_id=len(scenes) + 1))
    return scenes


def places_with_scenes(places: Sequence[Place], scenes: Sequence[Scene]) -> list[Place]:
    """`places` with `scenes` filled: the ids of the scenes each is mentioned in."""
    starts: dict[int, list[int]] = defaultdict(list)
    by_chapter: dict[int, list[Scene]] = defaultdict(list)
    for scene in scenes:
        starts[scene.chapter].append(scene.start)
        by_chapter[scene.chapter].append(scene)
    out = []
    for place in places:
        ids: list[str] = []
        for m in place.mentions:
            i = bisect.bisect_right(starts.get(m.chapter, []), m.start) - 1
            if i >= 0:
                scene = by_chapter[m.chapter][i]
                if m.start < scene.end and scene.id not in ids:
                    ids.append(scene.id)
        out.append(replace(place, scenes=tuple(ids)))
    return out


def _by_chapter(items: Iterable, key) -> dict[int, list]:
    grouped: dict[int, list] = defaultdict(list)
    for item in items:
        grouped[key(item)].append(item)
    return grouped


class _ChapterContext:
    """One chapter's paragraphs with the layers' spans that fall in them."""

    def __init__(self, chapter: Chapter, times: list[TimeExpression], place_mentions: list[tuple[int, int, str]],
                 characters, quotations: list[Quotation]) -> None:
        self.chapter = chapter
        self.times = sorted(times, key=lambda t: t.start)
        self.time_starts = [t.start for t in self.times]
        self.place_mentions = place_mentions
        self.place_starts = [m[0] for m in place_mentions]
        self.characters = characters
        self.quote_spans = sorted((s, e, q.speaker) for q in quotations for s, e in q.spans)
        self.quote_starts = [s for s, _, _ in self.quote_spans]
        self.breaks = {b.offset for b in chapter.scene_breaks}

    # -- lookups over [start, end) -------------------------------------------------------

    def in_quotation(self, offset: int) -> bool:
        i = bisect.bisect_right(self.quote_starts, offset) - 1
        return i >= 0 and self.quote_spans[i][0] <= offset < self.quote_spans[i][1]

    def times_in(self, start: int, end: int) -> list[TimeExpression]:
        lo, hi = bisect.bisect_left(self.time_starts, start), bisect.bisect_left(self.time_starts, end)
        return self.times[lo:hi]

    def places_in(self, start: int, end: int) -> list[tuple[int, int, str]]:
        lo, hi = bisect.bisect_left(self.place_starts, start), bisect.bisect_left(self.place_starts, end)
        return self.place_mentions[lo:hi]

    def characters_in(self, start: int, end: int, names_only: bool = False) -> list[str]:
        """Character ids mentioned (or, unless `names_only`, speaking) in [start, end),
        in order of first appearance."""
        found: list[tuple[int, str]] = []
        if self.characters is not None:
            for m in self.characters.mentions_in(self.chapter.index, start, end):
                if m.character and (not names_only or m.kind == "name"):
                    found.append((m.start, m.character))
        if not names_only:
            lo, hi = bisect.bisect_left(self.quote_starts, start), bisect.bisect_left(self.quote_starts, end)
            found.extend((s, speaker) for s, _, speaker in self.quote_spans[lo:hi] if speaker)
        seen: dict[str, None] = {}
        for _, character in sorted(found):
            seen.setdefault(character, None)
        return list(seen)

    # -- boundaries ----------------------------------------------------------------------

    def opening_time_jump(self, start: int, end: int) -> bool:
        """The paragraph at [start, end) opens with a jump in time ("Two days later, ...")."""
        text = self.chapter.text
        if text[start:start + 1] in _QUOTE_OPENERS:
            return False
        for t in self.times_in(start, end):
            if not _LEAD_IN.match(text[start:t.start]):
                return False  # only the paragraph's opening words count
            if t.kind in _JUMP_KINDS and t.value != "+P0D":
                return True
            return t.kind == "time_of_day" and _PART_OF_DAY_JUMP.match(t.text) is not None
        return False

    def new_place_with_new_people(self, start: int, end: int, scene_places: set[str],
                                  scene_characters: set[str]) -> bool:
        """The paragraph's first sentence names a place the scene has not had, and the
        paragraph names characters, none of them in the scene so far."""
        text = self.chapter.text
        if text[start:start + 1] in _QUOTE_OPENERS:
            return False
        m = _FIRST_SENTENCE.search(text, start, end)
        first_end = m.end() if m else end
        new_place = any(pid not in scene_places and not self.in_quotation(s)
                        for s, _, pid in self.places_in(start, first_end))
        if not new_place:
            return False
        named = set(self.characters_in(start, end, names_only=True))
        return bool(named) and not (named & scene_characters)

    # -- scenes --------------------------------------------------------------------------

    def scenes(self, first_id: int) -> list[Scene]:
        paragraphs = self.chapter.paragraphs
        openings: list[tuple[int, str]] = [(0, "chapter")]  # (paragraph index, boundary)
        scene_places: set[str] = set()
        scene_characters: set[str] = set()
        for i, p in enumerate(paragraphs):
            if i > 0:
                boundary = None
                if p.start in self.breaks:
                    boundary = "break"
                elif self.opening_time_jump(p.start, p.end):
                    boundary = "time_shift"
                elif self.new_place_with_new_people(p.start, p.end, scene_places, scene_characters):
                    boundary = "place_shift"
                if boundary is not None:
                    openings.append((i, boundary))
                    scene_places, scene_characters = set(), set()
            scene_places.update(pid for _, _, pid in self.places_in(p.start, p.end))
            scene_characters.update(self.characters_in(p.start, p.end))
        out: list[Scene] = []
        for n, (first, boundary) in enumerate(openings):
            last = openings[n + 1][0] - 1 if n + 1 < len(openings) else len(paragraphs) - 1
            start, end = paragraphs[first].start, paragraphs[last].end
            setting_end = paragraphs[min(last, first + _SCENE_TIME_PARAGRAPHS - 1)].end
            out.append(Scene(
                id=f"S{first_id + n}", chapter=self.chapter.index, start=start, end=end, boundary=boundary,
                characters=tuple(self.characters_in(start, end)),
                place=self.main_place(start, end),
                time=self.setting_time(start, setting_end),
            ))
        return out

    def main_place(self, start: int, end: int) -> str | None:
        counts = Counter(pid for s, _, pid in self.places_in(start, end) if not self.in_quotation(s))
        if not counts:
            return None
        first = {}
        for s, _, pid in self.places_in(start, end):
            first.setdefault(pid, s)
        return max(counts, key=lambda pid: (counts[pid], -first[pid]))

    def setting_time(self, start: int, end: int) -> str | None:
        for t in self.times_in(start, end):
            if t.value is not None and t.kind != "duration" and not self.in_quotation(t.start):
                return t.id
        return None
