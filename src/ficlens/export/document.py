"""The JSON document: one object holding the work and every analysis layer.

Shape (versioned as `ficlens/1`, described by `ficlens/schema/ficlens-1.schema.json`):
`schema`, `work` (metadata), `chapters` (text, paragraphs, styles, scene breaks), then
one top-level list per analysis layer whose spans point at (`chapter`, `start`, `end`).
Adding layers keeps the version; renaming or removing anything bumps it.
"""

from __future__ import annotations

import json
from dataclasses import asdict
from importlib import resources
from typing import Any

from ..model import Chapter, Work

SCHEMA_ID = "ficlens/1"


def work_document(work: Work, layers: dict[str, list] | None = None) -> dict[str, Any]:
    """The JSON-ready document for `work`, with analysis `layers` added as top-level lists."""
    meta = asdict(work.meta)
    source = meta.pop("source")
    meta["source"] = source
    doc: dict[str, Any] = {
        "schema": SCHEMA_ID,
        "work": meta,
        "chapters": [_chapter(c) for c in work.chapters],
    }
    for name, items in (layers or {}).items():
        doc[name] = items
    return doc


def _chapter(chapter: Chapter) -> dict[str, Any]:
    return {
        "index": chapter.index,
        "title": chapter.title,
        "summary": chapter.summary,
        "notes": chapter.notes,
        "end_notes": chapter.end_notes,
        "text": chapter.text,
        "paragraphs": [{"start": p.start, "end": p.end} for p in chapter.paragraphs],
        "styles": [{"start": s.start, "end": s.end, "style": s.style} for s in chapter.styles],
        "scene_breaks": [{"offset": b.offset, "marker": b.marker} for b in chapter.scene_breaks],
    }


def dumps(doc: dict[str, Any], indent: int | None = 2) -> str:
    return json.dumps(doc, ensure_ascii=False, indent=indent)


def load_schema() -> dict[str, Any]:
    text = resources.files("ficlens").joinpath("schema/ficlens-1.schema.json").read_text("utf-8")
    return json.loads(text)


def validate(doc: dict[str, Any]) -> None:
    """Raise jsonschema.ValidationError when `doc` does not follow the schema."""
    import jsonschema

    jsonschema.validate(doc, load_schema())
