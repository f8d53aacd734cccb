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


def work_document(work: Work) -> dict[str, Any]:
    """The JSON-ready document for `work`: metadata and chapters (layers are added
    by `layers_document`)."""
    return {
        "schema": SCHEMA_ID,
        "work": asdict(work.meta),
        "chapters": [_chapter(c) for c in work.chapters],
    }


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


def layers_document(analysis) -> dict[str, Any]:
    """The analysis layers of a `pipeline.Analysis` as top-level lists.

    Quotation ids are renumbered work-wide in reading order ("Q1", "Q2", ...), and
    each character's `quotes` count is taken from the attributed quotations."""
    out: dict[str, Any] = {}
    quotations = sorted(analysis.quotations, key=lambda q: (q.chapter, q.spans[0][0]))
    lines: dict[str, int] = {}
    for q in quotations:
        if q.speaker and not q.continues:  # a speech continued over paragraphs is one line
            lines[q.speaker] = lines.get(q.speaker, 0) + 1
    new_id = {q.id: f"Q{i}" for i, q in enumerate(quotations, 1)}
    if analysis.characters is not None:
        out["characters"] = [
            {"id": c.id, "name": c.name, "aliases": list(c.aliases), "gender": c.gender,
             "mentions": c.mentions, "quotes": lines.get(c.id, 0), "tagged": c.tagged}
            for c in analysis.characters.characters
        ]
        out["mentions"] = [
            {"chapter": m.chapter, "start": m.start, "end": m.end, "text": m.text,
             "kind": m.kind, "character": m.character}
            for m in sorted(analysis.characters.mentions, key=lambda m: (m.chapter, m.start))
        ]
    out["quotes"] = [
        {"id": f"Q{i}", "chapter": q.chapter, "paragraph": q.paragraph,
         "spans": [list(s) for s in q.spans], "text": q.text,
         "speaker": q.speaker, "addressees": list(q.addressees), "kind": q.kind,
         "confidence": round(q.confidence, 3),
         "cue": None if q.cue is None else {"chapter": q.cue.chapter, "start": q.cue.start, "end": q.cue.end},
         **({"continues": new_id[q.continues]} if q.continues else {})}
        for i, q in enumerate(quotations, 1)
    ]
    for name in ("thoughts", "written"):
        passages = sorted(getattr(analysis, name), key=lambda p: (p.chapter, p.start))
        out[name] = [
            {"id": f"{name[0].upper()}{i}", "chapter": p.chapter, "start": p.start, "end": p.end,
             "text": p.text, "character": p.character}
            for i, p in enumerate(passages, 1)
        ]
    out.update(narrative_document(analysis))
    out.update(_people_layers(analysis))
    return out


def narrative_document(analysis) -> dict[str, Any]:
    """The narrative layers (issue 4): `times`, `places` and `scenes`, ids as the
    layers gave them (scenes and places refer to each other and to times by id)."""
    out: dict[str, Any] = {}
    out["times"] = [
        {"id": t.id, "chapter": t.chapter, "start": t.start, "end": t.end, "text": t.text,
         "kind": t.kind, "value": t.value}
        for t in analysis.times
    ]
    out["places"] = [
        {"id": p.id, "name": p.name, "kind": p.kind,
         "mentions": [{"chapter": m.chapter, "start": m.start, "end": m.end} for m in p.mentions],
         "scenes": list(p.scenes)}
        for p in analysis.places
    ]
    out["scenes"] = [
        {"id": s.id, "chapter": s.chapter, "start": s.start, "end": s.end, "boundary": s.boundary,
         "characters": list(s.characters), "place": s.place, "time": s.time}
        for s in analysis.scenes
    ]
    return out


def _span(span) -> dict[str, int] | None:
    return None if span is None else {"chapter": span.chapter, "start": span.start, "end": span.end}


def _people_layers(analysis) -> dict[str, Any]:
    """`interactions`, `profiles` and `tag_check` (narrative/), where they ran."""
    out: dict[str, Any] = {}
    if analysis.interactions is not None:
        layer = analysis.interactions
        out["interactions"] = {
            "unit": layer.unit,
            "pairs": [
                {"a": p.a, "b": p.b, "weight": p.weight,
                 "lines_a_to_b": p.lines_a_to_b, "lines_b_to_a": p.lines_b_to_a,
                 "mentions_a_of_b": p.mentions_a_of_b, "mentions_b_of_a": p.mentions_b_of_a,
                 "together": [_span(s) for s in p.together]}
                for p in layer.pairs
            ],
            "network": [asdict(n) for n in layer.network],
        }
    if analysis.profiles is not None:
        out["profiles"] = [
            {**asdict(p), "first_appearance": _span(p.first_appearance), "last_appearance": _span(p.last_appearance)}
            for p in analysis.profiles
        ]
    if analysis.tag_check is not None:
        from ..narrative.tag_check import PROMINENT_MIN_MENTIONS, PROMINENT_SHARE

        check = analysis.tag_check
        out["tag_check"] = {
            "characters": [asdict(t) for t in check.characters],
            "prominent_untagged": [asdict(u) for u in check.prominent_untagged],
            "relationships": [
                {"tag": r.tag, "kind": r.kind,
                 "members": [{"tag": tag, "character": cid} for tag, cid in r.members],
                 "pairs": [asdict(p) for p in r.pairs], "never_share_scene": r.never_share_scene}
                for r in check.relationships
            ],
            "thresholds": {"prominent_share": PROMINENT_SHARE, "prominent_min_mentions": PROMINENT_MIN_MENTIONS},
        }
    return out


def dumps(doc: dict[str, Any], indent: int | None = 2) -> str:
    return json.dumps(doc, ensure_ascii=False, indent=indent)


def load_schema() -> dict[str, Any]:
    text = resources.files("ficlens").joinpath("schema/ficlens-1.schema.json").read_text("utf-8")
    return json.loads(text)


def validate(doc: dict[str, Any]) -> None:
    """Raise jsonschema.ValidationError when `doc` does not follow the schema."""
    import jsonschema

    jsonschema.validate(doc, load_schema())
