"""The work's AO3 tags held against its text: who is tagged, who is actually there.

Readers complain about tag stuffing (a character tagged who appears once, a ship
tagged whose members never meet); this layer answers with counts from the other
layers:

- characters: every Characters tag (disambiguator dropped: "Ambrose Fenwick
  (Gullhaven Tales)") with the character it names, that character's resolved
  mentions and attributed lines, and `absent` when it has neither.
- prominent_untagged: characters named in no character or relationship tag who
  carry at least `PROMINENT_SHARE` of all resolved character mentions or of all
  attributed lines, and at least `PROMINENT_MIN_MENTIONS` mentions (so a tiny
  work's passer-by is not "prominent"). Only checked when the work has tags.
- relationships: every Relationships tag with its members' characters and, for
  each pair of members, their interaction weight and shared scenes (the
  interactions layer); `never_share_scene` when some pair of members is never
  present in one scene, null when a member is not a character ficlens tracks
  ("Reader", "Original Female Character").
"""

from __future__ import annotations

from dataclasses import dataclass, field
from itertools import combinations
from typing import Sequence

from ..characters.build import NARRATOR_NAME
from ..characters.layer import CharacterLayer
from ..characters.names import strip_disambiguator
from ..model import Quotation, WorkMeta
from .interactions import InteractionLayer

PROMINENT_SHARE = 0.10
PROMINENT_MIN_MENTIONS = 5


@dataclass(frozen=True, slots=True)
class TaggedCharacter:
    tag: str
    character: str | None  # character id, None when the tag names no one ficlens tracks
    mentions: int
    lines: int
    absent: bool


@dataclass(frozen=True, slots=True)
class UntaggedCharacter:
    character: str
    name: str
    mentions: int
    lines: int
    mention_share: float
    line_share: float


@dataclass(frozen=True, slots=True)
class MemberPair:
    a: str  # character ids
    b: str
    weight: int
    shared_scenes: int


@dataclass(frozen=True, slots=True)
class TaggedRelationship:
    tag: str
    kind: str  # romantic ("/"), platonic ("&")
    members: tuple[tuple[str, str | None], ...]  # (member as tagged, character id or None)
    pairs: tuple[MemberPair, ...]
    never_share_scene: bool | None


@dataclass(slots=True)
class TagCheck:
    characters: list[TaggedCharacter] = field(default_factory=list)
    prominent_untagged: list[UntaggedCharacter] = field(default_factory=list)
    relationships: list[TaggedRelationship] = field(default_factory=list)


def check_tags(meta: WorkMeta, people: CharacterLayer, quotations: Sequence[Quotation],
               interactions: InteractionLayer) -> TagCheck:
    lines: dict[str, int] = {}
    for q in quotations:
        if q.speaker:
            lines[q.speaker] = lines.get(q.speaker, 0) + 1
    by_id = {c.id: c for c in people.characters}

    def mentions_of(cid: str | None) -> int:
        return by_id[cid].mentions if cid in by_id else 0

    tagged = []
    for tag in meta.characters:
        cid = character_for_tag(people, tag)
        n_mentions, n_lines = mentions_of(cid), lines.get(cid, 0)
        tagged.append(TaggedCharacter(tag, cid, n_mentions, n_lines, absent=n_mentions == 0 and n_lines == 0))

    relationships = [_relationship(rel, people, interactions) for rel in meta.relationships]
    has_tags = bool(meta.characters or meta.relationships)
    return TagCheck(tagged, _prominent_untagged(people, lines) if has_tags else [], relationships)


def character_for_tag(people: CharacterLayer, tag: str) -> str | None:
    """The character an AO3 character tag (or relationship member) names."""
    name = strip_disambiguator(tag)
    for c in people.characters:
        if c.name.casefold() == name.casefold():
            return c.id
    return people.resolve_name(name) if name else None


def _relationship(rel, people: CharacterLayer, interactions: InteractionLayer) -> TaggedRelationship:
    members = tuple((member, character_for_tag(people, member)) for member in rel.members)
    ids = [cid for _, cid in members if cid is not None]
    pairs = []
    for x, y in combinations(dict.fromkeys(ids), 2):
        pair = interactions.pair(x, y)
        pairs.append(MemberPair(x, y, pair.weight if pair else 0, len(pair.together) if pair else 0))
    if len(ids) < len(members) or len(set(ids)) < 2:
        apart = None  # a member ficlens cannot follow in the text
    else:
        apart = any(p.shared_scenes == 0 for p in pairs)
    return TaggedRelationship(rel.tag, rel.kind, members, tuple(pairs), apart)


def _prominent_untagged(people: CharacterLayer, lines: dict[str, int]) -> list[UntaggedCharacter]:
    total_mentions = sum(c.mentions for c in people.characters) or 1
    total_lines = sum(lines.values()) or 1
    out = []
    for c in people.characters:
        if c.tagged or c.name == NARRATOR_NAME:  # an unnamed narrator has no name to tag
            continue
        mention_share = c.mentions / total_mentions
        line_share = lines.get(c.id, 0) / total_lines
        if c.mentions >= PROMINENT_MIN_MENTIONS and max(mention_share, line_share) >= PROMINENT_SHARE:
            out.append(UntaggedCharacter(c.id, c.name, c.mentions, lines.get(c.id, 0),
                                         round(mention_share, 4), round(line_share, 4)))
    return out
