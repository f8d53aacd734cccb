"""Metadata as a readable terminal table (rich)."""

from __future__ import annotations

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from ..model import Work


def work_info_rows(work: Work) -> list[tuple[str, str]]:
    m = work.meta
    rows: list[tuple[str, str]] = [
        ("Title", m.title or "(untitled)"),
        ("Authors", ", ".join(f"{a.name} ({a.login})" if a.login and a.login != a.name else a.name
                              for a in m.authors)),
        ("Rating", m.rating or ""),
        ("Warnings", ", ".join(m.warnings)),
        ("Categories", ", ".join(m.categories)),
        ("Fandoms", ", ".join(m.fandoms)),
        ("Relationships", ", ".join(f"{r.tag} [{r.kind}]" for r in m.relationships)),
        ("Characters", ", ".join(m.characters)),
        ("Additional Tags", ", ".join(m.freeform)),
        ("Language", m.language or ""),
        ("Series", ", ".join(f"Part {s.part} of {s.title}" if s.part else s.title for s in m.series)),
        ("Collections", ", ".join(m.collections)),
        ("Published", m.published or ""),
        ("Updated", m.updated or ""),
        ("Status", {True: "Completed", False: "In progress", None: ""}[m.completed]),
        ("Words", f"{m.words:,}" if m.words is not None else ""),
        ("Chapters", _chapters(work)),
        ("Kudos / Hits / Comments / Bookmarks",
         " / ".join("" if v is None else f"{v:,}" for v in (m.kudos, m.hits, m.comments, m.bookmarks))
         if m.kudos is not None or m.hits is not None else ""),
        ("Source", f"{m.source.format}" + (f" ({m.source.url})" if m.source.url else "")),
    ]
    return [(k, v) for k, v in rows if v]


def _chapters(work: Work) -> str:
    c = work.meta.chapters
    stated = f"{c.posted}/{c.total if c.total is not None else '?'}" if c.posted is not None else ""
    read = f"{len(work.chapters)} read, {work.word_count:,} words of text"
    return f"{stated} ({read})" if stated else read


def print_work_info(work: Work, console: Console | None = None) -> None:
    console = console or Console()
    table = Table(show_header=False, box=None, pad_edge=False)
    table.add_column(style="bold cyan", no_wrap=True)
    table.add_column(overflow="fold")
    for key, value in work_info_rows(work):
        table.add_row(key, escape(value))  # text from the file is never rich markup
    console.print(table)
    if len(work.chapters) > 1:
        chapters = Table("#", "Chapter", "Paragraphs", "Words", box=None)
        for ch in work.chapters:
            chapters.add_row(str(ch.index), escape(ch.title or ""), str(len(ch.paragraphs)), f"{len(ch.text.split()):,}")
        console.print(chapters)


def print_characters(doc: dict, console: Console | None = None) -> None:
    """The characters of an analysed work, most mentioned first."""
    console = console or Console()
    total_lines = sum(c["quotes"] for c in doc.get("characters", [])) or 1
    table = Table("Character", "Aliases", "Gender", "Mentions", "Lines", "Dialogue share", box=None)
    for c in sorted(doc.get("characters", []), key=lambda c: (-c["mentions"] - c["quotes"], c["name"])):
        aliases = ", ".join(a for a in c["aliases"] if a != c["name"])
        table.add_row(escape(c["name"]) + (" *" if c["tagged"] else ""), escape(aliases), c["gender"], str(c["mentions"]),
                      str(c["quotes"]), f"{c['quotes'] / total_lines:.0%}")
    console.print(table)
    if any(c["tagged"] for c in doc.get("characters", [])):
        console.print("* named in the work's AO3 tags", style="dim")


def scene_rows(doc: dict, opening_words: int = 6) -> list[tuple[str, ...]]:
    """One row per scene: chapter, scene id, span, opening words, boundary, place,
    time ("text = value"), characters present — names, not ids."""
    chapters = {c["index"]: c["text"] for c in doc.get("chapters", [])}
    names = {c["id"]: c["name"] for c in doc.get("characters", [])}
    places = {p["id"]: p["name"] for p in doc.get("places", [])}
    times = {t["id"]: t for t in doc.get("times", [])}
    rows = []
    for s in doc.get("scenes", []):
        words = chapters.get(s["chapter"], "")[s["start"]:s["end"]].split()
        opening = " ".join(words[:opening_words]) + (" …" if len(words) > opening_words else "")
        time = times.get(s["time"]) if s["time"] else None
        time_text = "" if time is None else time["text"] + (f" = {time['value']}" if time["value"] and time["value"] != time["text"] else "")
        rows.append((str(s["chapter"]), s["id"], f"{s['start']}–{s['end']}", opening, s["boundary"],
                     places.get(s["place"], "") if s["place"] else "", time_text,
                     ", ".join(names.get(c, c) for c in s["characters"])))
    return rows


def print_scenes(doc: dict, console: Console | None = None) -> None:
    """The scenes of an analysed work, in reading order."""
    console = console or Console()
    table = Table("Ch", "Scene", "Span", "Opens", "Boundary", "Place", "Time", "Characters", box=None)
    for row in scene_rows(doc):
        table.add_row(*(escape(cell) for cell in row))
    console.print(table)
