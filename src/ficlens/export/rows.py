"""Quotations and characters of an analysed work as flat rows (one dict per row).

The CSV and Parquet exports write exactly these rows; lists (aliases, addressees)
stay lists here, and each writer decides how to store them.
"""

from __future__ import annotations

from typing import Any

QUOTE_COLUMNS = ("id", "chapter", "paragraph", "start", "end", "speaker_id", "speaker",
                 "addressee_ids", "addressees", "kind", "confidence", "text")
CHARACTER_COLUMNS = ("id", "name", "aliases", "gender", "mentions", "lines", "dialogue_share", "tagged")
LIST_COLUMNS = frozenset({"addressee_ids", "addressees", "aliases"})


def character_names(doc: dict[str, Any]) -> dict[str, str]:
    return {c["id"]: c["name"] for c in doc.get("characters", [])}


def dialogue_shares(doc: dict[str, Any]) -> dict[str, float]:
    """Each character's share of the attributed lines (0..1)."""
    total = sum(c["quotes"] for c in doc.get("characters", []))
    return {c["id"]: (c["quotes"] / total if total else 0.0) for c in doc.get("characters", [])}


def quote_rows(doc: dict[str, Any]) -> list[dict[str, Any]]:
    """One row per quotation; `start`/`end` run from its first span's start to its
    last span's end (character offsets in the chapter text)."""
    names = character_names(doc)
    return [
        {"id": q["id"], "chapter": q["chapter"], "paragraph": q["paragraph"],
         "start": q["spans"][0][0], "end": q["spans"][-1][1],
         "speaker_id": q["speaker"], "speaker": names.get(q["speaker"]) if q["speaker"] else None,
         "addressee_ids": list(q["addressees"]), "addressees": [names.get(a, a) for a in q["addressees"]],
         "kind": q["kind"], "confidence": q["confidence"], "text": q["text"]}
        for q in doc.get("quotes", [])
    ]


def character_rows(doc: dict[str, Any]) -> list[dict[str, Any]]:
    shares = dialogue_shares(doc)
    return [
        {"id": c["id"], "name": c["name"], "aliases": list(c["aliases"]), "gender": c["gender"],
         "mentions": c["mentions"], "lines": c["quotes"], "dialogue_share": round(shares[c["id"]], 4),
         "tagged": c["tagged"]}
        for c in doc.get("characters", [])
    ]
