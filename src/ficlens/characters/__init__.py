"""Who is in the story: characters, their names, gender, and every mention.

`build_characters(work, parses, quotations)` reads the spaCy Docs of the one
parse pass (`ficlens.text.nlp.parse_chapters`) and the quotations
(`ficlens.dialogue.quotes`), and returns a `CharacterLayer`:

- `characters`: `model.Character`s, ids "C1", "C2", ... by number of mentions;
  `name` is the AO3 tag name when one matches, else the fullest name used;
  `aliases` every surface form seen (except a bare surname several characters
  bear: "Weston" would claim Mrs. Weston is the family); `gender` from pronouns, titles and names.
- `mentions`: every name mention, every he/she/him/her/his/hers (resolved where
  the evidence allows), and first/second person pronouns (`first_person` in
  narration is the narrator; inside quotations they are left to the speaker layer).
- `narrator`: the id of a first-person narrator, else None.
- lookups: `resolve_name`, `candidates_for_name`, `character_for_mention`,
  `mentions_in`, `mentions_before`, `gender_of`.

How each stage works is documented in its module: `scan`, `discover`, `gender`,
`cluster`, `narrator`, `mentions`, and `build` for the order.
"""

from __future__ import annotations

from .build import build_characters
from .layer import CharacterLayer

__all__ = ["CharacterLayer", "build_characters"]
