"""The HTML report: one self-contained page (inline CSS and JS, no network) that
shows a reader what ficlens found in a work.

`render_report(doc)` takes the JSON document of `ficlens analyze` and fills the
Jinja2 template `templates/report.html.j2` (autoescape on: every string from the
work is escaped by Jinja, never concatenated into markup here). The data the
page's script needs (quotation speakers, the network) is embedded as JSON by
`script_json`, which escapes `<`, `>`, `&` and U+2028/U+2029 so text such as
`</script>` cannot end the script element.

Sections: header (title, byline, tag chips, stats), characters (table and
profiles from the `profiles` layer), the `interactions` network as a graph,
dialogue share, per-chapter presence, the timeline (`scenes` and `times`),
`places`, `tag_check` findings, then the text chapter by chapter with each
quotation coloured by its speaker and each scene marked. Sections whose layer did
not run are left out; without `interactions` the network is built from the
dialogue (speaker → addressee and turn-taking), and the page says so.
"""

from __future__ import annotations

import json
import math
import re
from collections import Counter, defaultdict
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import PurePath
from typing import Any

from markupsafe import Markup

from .rows import dialogue_shares
from .segments import by_paragraph, segments, with_quote_marks

PALETTE_SIZE = 12  # distinct speaker colours; the CSS defines --p0 .. --p11 for both themes
NETWORK_MAX_NODES = 24
NETWORK_STRONGEST_PER_NODE = 3  # besides links >= NETWORK_MIN_SHARE of the heaviest, each node keeps its 3 strongest
NETWORK_MIN_SHARE = 0.15
PRESENCE_MAX_CHARACTERS = 16
TURN_WINDOW_PARAGRAPHS = 3  # fallback network: consecutive lines this close are an exchange
_SAFE_ID = re.compile(r"^[A-Za-z0-9_-]+$")
_JSON_ESCAPES = {"<": "\\u003c", ">": "\\u003e", "&": "\\u0026", "\u2028": "\\u2028", "\u2029": "\\u2029"}
INLINE_TAGS = {"italic": "em", "bold": "strong", "underline": "u", "strike": "s"}


def script_json(data: Any) -> Markup:
    """JSON safe to place inside a `<script type="application/json">` element."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    return Markup(re.sub("[<>&\u2028\u2029]", lambda m: _JSON_ESCAPES[m.group()], text))


def _css_id(value: str) -> str:
    """Character and quotation ids go into class names and anchors; they are ficlens's
    own ("C3", "Q12"), and anything else is refused rather than escaped."""
    if not _SAFE_ID.match(value):
        raise ValueError(f"unexpected id in the document: {value!r}")
    return value


def _file_stem(path: str | None) -> str | None:
    """A work without a title (plain text) is named after its file."""
    return PurePath(path).stem if path else None


def _paragraphs(text: str | None) -> list[str]:
    return [p for p in (text or "").split("\n\n") if p.strip()]


# -- characters ---------------------------------------------------------------------
@dataclass
class CharacterView:
    id: str
    name: str
    aliases: list[str]
    gender: str
    mentions: int
    lines: int
    share: float  # of attributed lines, 0..1
    tagged: bool
    colour: int | None  # palette index, None = neutral
    first: tuple[int, int] | None = None  # (chapter, offset) of first appearance
    last: tuple[int, int] | None = None

    @property
    def prominence(self) -> int:
        return self.mentions + self.lines


def character_views(doc: dict[str, Any]) -> list[CharacterView]:
    """Characters most prominent first; the speakers get the palette colours in that order."""
    shares = dialogue_shares(doc)
    appearances: dict[str, list[tuple[int, int]]] = defaultdict(list)
    for m in doc.get("mentions", []):
        if m["character"]:
            appearances[m["character"]].append((m["chapter"], m["start"]))
    for q in doc.get("quotes", []):
        if q["speaker"]:
            appearances[q["speaker"]].append((q["chapter"], q["spans"][0][0]))
    views = [
        CharacterView(_css_id(c["id"]), c["name"], [a for a in c["aliases"] if a != c["name"]], c["gender"],
                      c["mentions"], c["quotes"], shares[c["id"]], c["tagged"], None,
                      min(appearances[c["id"]], default=None), max(appearances[c["id"]], default=None))
        for c in doc.get("characters", [])
    ]
    views.sort(key=lambda v: (-v.prominence, v.name))
    speakers = [v for v in views if v.lines]
    for rank, view in enumerate(speakers[:PALETTE_SIZE]):
        view.colour = rank
    return views


# -- the text -------------------------------------------------------------------------
@dataclass
class Segment:
    text: str
    quote: str | None = None  # quotation id
    speaker: str | None = None  # character id ("" = unattributed quotation)
    first_of_quote: bool = False  # the focusable piece of its quotation
    passage: str | None = None  # "thought" / "written"
    passage_id: str | None = None
    styles: tuple[str, ...] = ()  # HTML tags: em, strong, u, s
    link: str | None = None  # character id a name mention points at
    time: str | None = None  # time-expression id
    time_anchor: bool = False  # the first piece of its time expression (the timeline links here)


@dataclass
class ParagraphView:
    segments: list[Segment]
    scene_break: str | None  # the marker of a break before this paragraph
    block: str  # "", "blockquote", "center"
    scene: dict[str, Any] | None = None  # the scene (scenes layer) that opens here


def chapter_paragraphs(chapter: dict[str, Any], doc: dict[str, Any],
                       scene_starts: dict[tuple[int, int], dict[str, Any]] | None = None) -> list[ParagraphView]:
    """The chapter's paragraphs cut into segments, each knowing the quotation,
    thought, style, name link and time expression it belongs to; `scene_starts`
    maps (chapter, offset) to the scene opening there."""
    text, index = chapter["text"], chapter["index"]
    scene_starts = scene_starts or {}
    spans: list[tuple[int, int, tuple]] = []
    for q in doc.get("quotes", []):
        if q["chapter"] == index:
            for n, (s, e) in enumerate(q["spans"]):
                s, e = with_quote_marks(text, s, e)
                spans.append((s, e, ("quote", _css_id(q["id"]), _css_id(q["speaker"]) if q["speaker"] else "", n == 0)))
    for kind in ("thoughts", "written"):
        for p in doc.get(kind, []):
            if p["chapter"] == index:
                spans.append((p["start"], p["end"], ("passage", "thought" if kind == "thoughts" else "written", _css_id(p["id"]))))
    for s in chapter["styles"]:
        if s["style"] in INLINE_TAGS:
            spans.append((s["start"], s["end"], ("style", INLINE_TAGS[s["style"]])))
    for m in doc.get("mentions", []):
        if m["chapter"] == index and m["kind"] == "name" and m["character"]:
            spans.append((m["start"], m["end"], ("link", _css_id(m["character"]))))
    for t in doc.get("times") or []:
        if t["chapter"] == index and t.get("kind") in TIMELINE_KINDS:
            spans.append((t["start"], t["end"], ("time", _css_id(t["id"]))))
    starts = [p["start"] for p in chapter["paragraphs"]]
    per_paragraph = by_paragraph(starts, spans)
    breaks = {b["offset"]: b["marker"] for b in chapter["scene_breaks"]}
    blocks = [(s["start"], s["end"], s["style"]) for s in chapter["styles"] if s["style"] in ("blockquote", "center")]
    block_of = by_paragraph(starts, blocks)
    views = []
    anchored_times: set[str] = set()
    for i, p in enumerate(chapter["paragraphs"]):
        pieces = []
        for a, b, keys in segments(p["start"], p["end"], per_paragraph.get(i, ())):
            seg = Segment(text[a:b])
            styles = []
            for key in keys:
                if key[0] == "quote":
                    seg.quote, seg.speaker = key[1], key[2]
                    seg.first_of_quote = key[3] and not any(x.quote == key[1] and x.first_of_quote for x in pieces)
                elif key[0] == "passage":
                    seg.passage, seg.passage_id = key[1], key[2]
                elif key[0] == "style":
                    styles.append(key[1])
                elif key[0] == "link":
                    seg.link = key[1]
                elif key[0] == "time":
                    seg.time = key[1]
                    seg.time_anchor = key[1] not in anchored_times
                    anchored_times.add(key[1])
            seg.styles = tuple(styles)
            pieces.append(seg)
        block = next((style for _s, _e, style in block_of.get(i, ())), "")
        scene = scene_starts.get((index, p["start"])) or (scene_starts.get((index, 0)) if i == 0 else None)
        views.append(ParagraphView(pieces, breaks.get(p["start"]), block, scene))
    return views


def chapter_heading(chapter: dict[str, Any], total: int) -> str:
    if chapter["title"] and total > 1:
        return f"Chapter {chapter['index']}: {chapter['title']}"
    return chapter["title"] or f"Chapter {chapter['index']}"


# -- the network --------------------------------------------------------------------
def dialogue_network(doc: dict[str, Any]) -> Counter:
    """Fallback edges from the quotations alone: each speaker → addressee, plus each
    change of speaker between lines at most TURN_WINDOW_PARAGRAPHS paragraphs apart."""
    weights: Counter = Counter()
    previous = None
    for q in doc.get("quotes", []):
        if not q["speaker"]:
            continue
        for a in q["addressees"]:
            if a != q["speaker"]:
                weights[tuple(sorted((q["speaker"], a)))] += 1
        if (previous and previous["chapter"] == q["chapter"] and previous["speaker"] != q["speaker"]
                and q["paragraph"] - previous["paragraph"] <= TURN_WINDOW_PARAGRAPHS):
            weights[tuple(sorted((previous["speaker"], q["speaker"])))] += 1
        previous = q
    return weights


def network(doc: dict[str, Any], views: list[CharacterView]) -> dict[str, Any]:
    """Nodes (the most prominent characters) and weighted edges for the graph."""
    shown = [v for v in views if v.prominence][:NETWORK_MAX_NODES]
    ids = {v.id for v in shown}
    interactions = doc.get("interactions")
    if isinstance(interactions, dict) and interactions.get("pairs") is not None:
        source = "interactions"
        weights: Counter = Counter()
        for pair in interactions["pairs"]:
            if pair["a"] != pair["b"]:
                weights[tuple(sorted((pair["a"], pair["b"])))] += pair["weight"]
    else:
        source = "dialogue"
        weights = dialogue_network(doc)
    candidates = sorted(((w, a, b) for (a, b), w in weights.items() if a in ids and b in ids and w > 0), reverse=True)
    edges = _backbone(candidates)
    nodes = [{"id": v.id, "name": v.name, "size": v.prominence, "colour": v.colour, "lines": v.lines,
              "mentions": v.mentions} for v in shown]
    return {"nodes": nodes, "edges": edges, "source": source, "hidden": len(candidates) - len(edges)}


def _backbone(candidates: list[tuple[float, str, str]]) -> list[dict[str, Any]]:
    """The links worth drawing, heaviest first: in a long work nearly everyone shares
    a scene with everyone, and drawing every pair hides the structure. A link stays
    when it carries NETWORK_MIN_SHARE of the heaviest link's weight or is among the
    strongest NETWORK_STRONGEST_PER_NODE of either of its characters."""
    if not candidates:
        return []
    heaviest = candidates[0][0]
    kept_per_node: Counter = Counter()
    edges = []
    for w, a, b in candidates:
        if w >= NETWORK_MIN_SHARE * heaviest or min(kept_per_node[a], kept_per_node[b]) < NETWORK_STRONGEST_PER_NODE:
            edges.append({"a": a, "b": b, "w": round(w, 3)})
            kept_per_node[a] += 1
            kept_per_node[b] += 1
    return edges


# -- presence -----------------------------------------------------------------------
def presence(doc: dict[str, Any], views: list[CharacterView]) -> list[dict[str, Any]]:
    """Per character (most prominent first), per chapter: mentions + lines, and a
    0-5 level relative to the busiest cell (0 only when absent)."""
    counts: Counter = Counter()
    for m in doc.get("mentions", []):
        if m["character"]:
            counts[m["character"], m["chapter"]] += 1
    for q in doc.get("quotes", []):
        if q["speaker"]:
            counts[q["speaker"], q["chapter"]] += 1
    busiest = max(counts.values(), default=1)
    chapters = [c["index"] for c in doc["chapters"]]
    rows = []
    for v in [v for v in views if v.prominence][:PRESENCE_MAX_CHARACTERS]:
        cells = []
        for ch in chapters:
            n = counts[v.id, ch]
            # square-root scale: one crowded chapter should not wash every other cell out
            cells.append({"chapter": ch, "count": n, "level": 0 if n == 0 else max(1, math.ceil(5 * math.sqrt(n / busiest)))})
        rows.append({"character": v, "cells": cells})
    return rows


# -- issue 4's layers: profiles, tag_check, times, places -----------------------------
def _counted(items: list[dict[str, Any]] | None, limit: int = 12) -> str:
    """[{"text": "say", "count": 20}, ...] as "say ×20, look ×4, … (+n more)"."""
    items = items or []
    shown = ", ".join(f"{i['text']} ×{i['count']}" if i.get("count", 1) > 1 else str(i["text"]) for i in items[:limit])
    return shown + (f" (+{len(items) - limit} more)" if len(items) > limit else "")


def profile_rows(profile: dict[str, Any] | None, metrics: dict[str, Any] | None) -> list[tuple[str, str]]:
    """What the profiles layer says about one character, and its place in the network."""
    rows = []
    if profile:
        for key, label in (("actions", "Does"), ("acted_on", "Is done to"), ("descriptions", "Described as"),
                           ("possessions", "Has")):
            if profile.get(key):
                rows.append((label, _counted(profile[key])))
        dialogue = profile.get("dialogue") or {}
        if dialogue.get("words"):
            rows.append(("Words spoken", f"{dialogue['words']:,}"))
    if metrics:
        rows.append(("Network", f"degree {metrics.get('degree', 0)}, weighted degree {metrics.get('weighted_degree', 0)}, "
                                f"betweenness {metrics.get('betweenness', 0):.3g}"))
    return rows


def tag_check_view(doc: dict[str, Any], names: dict[str, str]) -> dict[str, Any] | None:
    """The tag_check layer with ids resolved to names and each finding stated."""
    check = doc.get("tag_check")
    if not isinstance(check, dict):
        return None
    characters = [
        {"tag": c["tag"], "character": c.get("character"), "mentions": c.get("mentions", 0), "lines": c.get("lines", 0),
         "absent": c.get("absent", False)}
        for c in check.get("characters", [])
    ]
    untagged = [{"character": u["character"], "name": u.get("name") or names.get(u["character"], u["character"]),
                 "mentions": u.get("mentions", 0), "lines": u.get("lines", 0)}
                for u in check.get("prominent_untagged", [])]
    relationships = []
    for r in check.get("relationships", []):
        pairs = r.get("pairs", [])
        relationships.append({
            "tag": r["tag"], "kind": r.get("kind", ""),
            "pairs": [f"{names.get(p['a'], p['a'])} & {names.get(p['b'], p['b'])}: weight {p.get('weight', 0)}, "
                      f"{p.get('shared_scenes', 0)} shared scene{'s' if p.get('shared_scenes', 0) != 1 else ''}"
                      for p in pairs],
            "untracked": [m.get("tag") for m in r.get("members", []) if not m.get("character")],
            "never_share_scene": r.get("never_share_scene"),
        })
    return {"characters": characters, "untagged": untagged, "relationships": relationships,
            "thresholds": check.get("thresholds") or {}}


# Time expressions that place an event (durations such as "six years" do not).
TIMELINE_KINDS = frozenset({"date", "weekday", "relative", "time", "time_of_day", "season"})


def timeline(doc: dict[str, Any]) -> list[dict[str, Any]]:
    """Per chapter, in reading order, the time expressions that place events."""
    by_chapter: dict[int, list] = defaultdict(list)
    for t in sorted(doc.get("times") or [], key=lambda t: (t["chapter"], t["start"])):
        if t.get("kind") in TIMELINE_KINDS:
            by_chapter[t["chapter"]].append({**t, "id": _css_id(t["id"])})
    titles = {c["index"]: chapter_heading(c, len(doc["chapters"])) for c in doc["chapters"]}
    return [{"chapter": ch, "heading": titles.get(ch, f"Chapter {ch}"), "times": times}
            for ch, times in sorted(by_chapter.items())]


SCENE_BOUNDARIES = {"chapter": "chapter opens", "break": "after a scene break", "time_shift": "time jump",
                    "place_shift": "change of place"}


def scene_views(doc: dict[str, Any], names: dict[str, str]) -> list[dict[str, Any]]:
    """The scenes layer in reading order: when (the scene's time expression), where,
    who, and what opened it."""
    times = {t["id"]: t for t in doc.get("times") or []}
    places = {p["id"]: p["name"] for p in doc.get("places") or []}
    views = []
    for n, scene in enumerate(sorted(doc.get("scenes") or [], key=lambda s: (s["chapter"], s["start"])), 1):
        time = times.get(scene.get("time"))
        views.append({
            "id": _css_id(scene["id"]), "number": n, "chapter": scene["chapter"], "start": scene["start"],
            "boundary": SCENE_BOUNDARIES.get(scene.get("boundary"), scene.get("boundary") or ""),
            "time": time["text"] if time else None, "time_value": time.get("value") if time else None,
            "time_id": _css_id(time["id"]) if time and time.get("kind") in TIMELINE_KINDS else None,
            "place": places.get(scene.get("place")),
            "characters": [{"id": c, "name": names[c]} for c in scene.get("characters", []) if c in names],
        })
    return views


def place_rows(doc: dict[str, Any]) -> list[dict[str, Any]]:
    places = sorted(doc.get("places") or [], key=lambda p: (-len(p.get("mentions", [])), p["name"]))
    return [{"name": p["name"], "kind": p.get("kind", ""), "mentions": len(p.get("mentions", [])),
             "chapters": sorted({m["chapter"] for m in p.get("mentions", [])}), "scenes": len(p.get("scenes", []))}
            for p in places]


# -- the whole page -------------------------------------------------------------------
def _chips(meta: dict[str, Any]) -> list[tuple[str, str, list[str]]]:
    groups = [
        ("Rating", "rating", [meta["rating"]] if meta.get("rating") else []),
        ("Warnings", "warning", meta.get("warnings", [])),
        ("Categories", "category", meta.get("categories", [])),
        ("Fandoms", "fandom", meta.get("fandoms", [])),
        ("Relationships", "relationship", [r["tag"] for r in meta.get("relationships", [])]),
        ("Characters", "character", meta.get("characters", [])),
        ("Tags", "freeform", meta.get("freeform", [])),
    ]
    return [g for g in groups if g[2]]


def _stats(doc: dict[str, Any], views: list[CharacterView]) -> list[tuple[str, str]]:
    meta = doc["work"]
    words = sum(len(c["text"].split()) for c in doc["chapters"])
    count = meta.get("chapters") or {}
    stated = f"{count.get('posted')}/{count.get('total') or '?'}" if count.get("posted") else str(len(doc["chapters"]))
    stats = [
        ("Words", f"{meta['words']:,}" if meta.get("words") else f"{words:,}"),
        ("Chapters", stated),
        ("Published", meta.get("published") or ""),
        ("Updated", meta.get("updated") or ""),
        ("Status", {True: "Complete", False: "In progress"}.get(meta.get("completed"), "")),
        ("Language", meta.get("language") or ""),
        ("Kudos", f"{meta['kudos']:,}" if meta.get("kudos") is not None else ""),
        ("Hits", f"{meta['hits']:,}" if meta.get("hits") is not None else ""),
        ("Characters found", str(sum(1 for v in views if v.prominence))),
        ("Quotations", f"{len(doc.get('quotes', [])):,}"),
        ("Attributed", f"{sum(1 for q in doc.get('quotes', []) if q['speaker']) / max(1, len(doc.get('quotes', []))):.0%}"),
    ]
    return [(k, v) for k, v in stats if v]


def report_context(doc: dict[str, Any]) -> dict[str, Any]:
    meta = doc["work"]
    views = character_views(doc)
    names = {v.id: v.name for v in views}
    total = len(doc["chapters"])
    scenes = scene_views(doc, names)
    scene_starts = {(v["chapter"], v["start"]): v for v in scenes}
    chapters = [
        {"index": c["index"], "heading": chapter_heading(c, total), "summary": _paragraphs(c.get("summary")),
         "notes": _paragraphs(c.get("notes")), "end_notes": _paragraphs(c.get("end_notes")),
         "paragraphs": chapter_paragraphs(c, doc, scene_starts)}
        for c in doc["chapters"]
    ]
    quotes = {q["id"]: {"s": q["speaker"] or "", "to": q["addressees"], "k": q["kind"] or "", "c": q["confidence"]}
              for q in doc.get("quotes", [])}
    passages = {p["id"]: {"k": kind, "s": p["character"] or ""}
                for kind in ("thoughts", "written") for p in doc.get(kind, [])}
    graph = network(doc, views)
    profile_of = {p["character"]: p for p in doc.get("profiles") or []}
    interactions = doc.get("interactions") or {}
    metrics_of = {m["character"]: m for m in interactions.get("network", [])} if isinstance(interactions, dict) else {}
    return {
        "meta": meta,
        "title": meta.get("title") or _file_stem((meta.get("source") or {}).get("path")) or "Untitled work",
        "authors": meta.get("authors", []),
        "series": meta.get("series", []),
        "summary": _paragraphs(meta.get("summary")),
        "notes": _paragraphs(meta.get("notes")),
        "end_notes": _paragraphs(meta.get("end_notes")),
        "chips": _chips(meta),
        "stats": _stats(doc, views),
        "characters": [v for v in views if v.prominence or v.tagged],
        "speakers": sorted([v for v in views if v.lines], key=lambda v: -v.lines),
        "names": names,
        "profiles": {v.id: profile_rows(profile_of.get(v.id), metrics_of.get(v.id)) for v in views},
        "chapters": chapters,
        "network": graph,
        "presence": presence(doc, views),
        "chapter_numbers": [c["index"] for c in doc["chapters"]],
        "timeline": timeline(doc),
        "scenes": scenes,
        "places": place_rows(doc),
        "tag_check": tag_check_view(doc, names),
        "turn_window": TURN_WINDOW_PARAGRAPHS,
        "palette_size": PALETTE_SIZE,
        "data": script_json({"quotes": quotes, "passages": passages, "names": names,
                             "colours": {v.id: v.colour for v in views if v.colour is not None},
                             "network": graph}),
        "css": Markup(static_text("report.css")),
        "js": Markup(static_text("report.js")),
    }


@lru_cache(maxsize=4)
def static_text(name: str) -> str:
    """A file from export/static/, checked not to hold a sequence that would close its element."""
    text = resources.files("ficlens.export").joinpath("static", name).read_text("utf-8")
    closer = "</style" if name.endswith(".css") else "</script"
    if closer in text.lower():
        raise ValueError(f"static/{name} contains {closer}")
    return text


@lru_cache(maxsize=1)
def template_environment():
    from jinja2 import Environment, PackageLoader, StrictUndefined

    return Environment(loader=PackageLoader("ficlens.export", "templates"), autoescape=True,
                       undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True)


def render_report(doc: dict[str, Any]) -> str:
    """The report page for an analysed work (the `ficlens analyze` JSON document)."""
    return template_environment().get_template("report.html.j2").render(**report_context(doc))
