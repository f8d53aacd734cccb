"""One character's profile as a readable terminal page (`ficlens profile`).

`find_character` picks the character a user means from the analysed document:
the name or any alias (any case, AO3 disambiguator optional), the character id,
or else one word of exactly one character's name ("Blackwood").
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from ..characters.names import strip_disambiguator
from ..errors import UnknownNameError

SNIPPET_CONTEXT = 40  # characters of text shown either side of an appearance


def _key(name: str) -> str:
    return " ".join(strip_disambiguator(name).replace("’", "'").casefold().split())


def find_character(doc: dict[str, Any], name: str, path: str | Path | None = None) -> dict[str, Any]:
    """The document's character entry for `name`; UnknownNameError when none or several match."""
    characters = doc.get("characters", [])
    wanted = _key(name)
    matches = [c for c in characters if wanted in {_key(n) for n in (c["name"], *c["aliases"])} or c["id"] == name]
    if not matches:
        matches = [c for c in characters if wanted and wanted in _key(c["name"]).split()]
    if len(matches) == 1:
        return matches[0]
    if matches:
        raise UnknownNameError(f"{name!r} may be any of {', '.join(c['name'] for c in matches)}: give the full name", path)
    known = ", ".join(c["name"] for c in characters) or "none found"
    raise UnknownNameError(f"no character named {name!r} (characters: {known})", path)


def profile_rows(doc: dict[str, Any], character: dict[str, Any]) -> list[tuple[str, str]]:
    """(label, value) rows of one character's profile, empty rows left out."""
    cid = character["id"]
    profile = next((p for p in doc.get("profiles", []) if p["character"] == cid), None)
    interactions = doc.get("interactions") or {"pairs": [], "network": []}
    names = {c["id"]: c["name"] for c in doc.get("characters", [])}
    rows = [
        ("Also called", ", ".join(a for a in character["aliases"] if a != character["name"])),
        ("Gender", character["gender"]),
        ("Mentions", str(character["mentions"])),
    ]
    if profile is not None:
        d = profile["dialogue"]
        rows += [
            ("Dialogue", f"{d['lines']} lines ({d['share']:.0%} of all attributed), {d['words']} words" if d["lines"] else ""),
            ("First appears", _where(doc, profile["first_appearance"])),
            ("Last appears", _where(doc, profile["last_appearance"])),
            ("Does", _counts(profile["actions"])),
            ("Is done to", _counts(profile["acted_on"])),
            ("Described as", _counts(profile["descriptions"])),
            ("Has", _counts(profile["possessions"])),
        ]
    node = next((n for n in interactions["network"] if n["character"] == cid), None)
    if node is not None:
        rows.append(("Network", f"degree {node['degree']}, weighted degree {node['weighted_degree']}, "
                                f"betweenness {node['betweenness']:g}"))
    partners = [(p["b"] if p["a"] == cid else p["a"], p["weight"]) for p in interactions["pairs"] if cid in (p["a"], p["b"])]
    rows.append(("Interacts with", ", ".join(f"{names.get(other, other)} ({weight})" for other, weight in partners)))
    return [(label, value) for label, value in rows if value]


def print_profile(doc: dict[str, Any], character: dict[str, Any], console: Console | None = None) -> None:
    console = console or Console()
    tagged = " [dim](tagged)[/dim]" if character["tagged"] else ""
    console.print(f"[bold]{escape(character['name'])}[/bold] [dim]{character['id']}[/dim]{tagged}")
    table = Table(show_header=False, box=None, pad_edge=False)
    table.add_column(style="bold cyan", no_wrap=True)
    table.add_column(overflow="fold")
    for label, value in profile_rows(doc, character):
        table.add_row(label, escape(value))  # text from the file is never rich markup
    console.print(table)


def _counts(items: list[dict[str, Any]], most: int = 12) -> str:
    shown = [f"{i['text']} ×{i['count']}" if i["count"] > 1 else i["text"] for i in items[:most]]
    return ", ".join(shown) + (f" (+{len(items) - most} more)" if len(items) > most else "")


def _where(doc: dict[str, Any], span: dict[str, int] | None) -> str:
    """'chapter 1: "…text around the span…"'."""
    if span is None:
        return ""
    text = doc["chapters"][span["chapter"] - 1]["text"]
    start, end = max(0, span["start"] - SNIPPET_CONTEXT), min(len(text), span["end"] + SNIPPET_CONTEXT)
    snippet = " ".join(text[start:end].split())
    return f'chapter {span["chapter"]}: "{"…" if start else ""}{snippet}{"…" if end < len(text) else ""}"'
