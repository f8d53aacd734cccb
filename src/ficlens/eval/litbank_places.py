"""Place detection measured on LitBank's entity layer (Bamman et al.; CC BY 4.0).

Gold: `entities/brat/<work>_brat.ann` rows `T<n>\\t<TYPE> <start> <end>\\t<text>` with
character offsets into `<work>_brat.txt` (one sentence a line, tokens split by single
spaces — the same text as the quotation layer's). The FAC, GPE and LOC spans are the
places; they include common nouns ("the streets", "the kitchen") as well as names
("London", "Lincoln 's Inn Hall", "the Hudson"). ficlens finds named places only, so
the headline figures are against the **named** gold spans — those holding a
capitalised word after any leading determiner ("the Hudson" yes, "the streets" and
"The house" no); recall against all FAC/GPE/LOC spans is reported beside them.

Running: each work's text is rebuilt and read exactly as for the quotation
evaluation (`litbank.rebuild_text`, `litbank.analyze_work`: the plain-text reader
and the full `analyze` pipeline), and every predicted place mention is mapped back to
the rebuilt text. Nested gold spans ("the north of England" and "England") are
separate units.

Scoring: gold and predicted spans are paired one-to-one in reading order.
`exact`: the same span, a leading "the" on either side aside ("Hudson" = "the
Hudson"); `overlap`: the spans share at least one character. Precision is over
predicted mentions, recall over gold spans.
"""

from __future__ import annotations

import bisect
import re
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Sequence

from ..errors import InputError
from .litbank import LitBankWork, _read_lines, analyze_work, rebuild_text, select_works
from .pdnc import progress_bar, ratio, report_console

PLACE_TYPES = ("FAC", "GPE", "LOC")
_DETERMINERS = frozenset("the a an this that these those his her their its my our your".split())


@dataclass(frozen=True, slots=True)
class GoldPlace:
    start: int  # offsets in the rebuilt text
    end: int
    kind: str
    text: str
    named: bool


def entity_folder(root: Path) -> Path:
    for candidate in (root / "entities" / "brat", root / "brat", root):
        if candidate.is_dir() and any(candidate.glob("*_brat.ann")):
            return candidate
    raise InputError("no LitBank entity data here (expected entities/brat/*_brat.ann)", root)


def work_names(root: Path) -> list[str]:
    return sorted(p.name[: -len(".ann")] for p in entity_folder(root).glob("*_brat.ann"))


def is_named(tokens: Sequence[str]) -> bool:
    """A name, not a description: a capitalised word once leading determiners are set aside."""
    i = 0
    while i < len(tokens) and tokens[i].lower() in _DETERMINERS:
        i += 1
    return any(t[:1].isupper() for t in tokens[i:])


def load_gold_places(root: Path, name: str) -> tuple[str, list[GoldPlace]]:
    """The rebuilt text of `name` and its gold place spans in that text."""
    folder = entity_folder(root)
    lines = _read_lines(folder / f"{name}.txt")
    sentences = [line.split(" ") if line else [] for line in lines]
    text, offsets = rebuild_text(sentences)
    # brat offsets count characters of the tokenised file: each token's start there.
    token_starts: list[int] = []
    token_keys: list[tuple[int, int]] = []
    position = 0
    for s_index, tokens in enumerate(sentences):
        for t_index, token in enumerate(tokens):
            token_starts.append(position)
            token_keys.append((s_index, t_index))
            position += len(token) + 1  # the space or the newline after it
        if not tokens:
            position += 1

    def token_at(offset: int) -> tuple[int, int]:
        # The token holding `offset` (a few gold spans stop mid-token: "a desolate coas").
        return token_keys[max(bisect.bisect_right(token_starts, offset) - 1, 0)]

    gold: list[GoldPlace] = []
    ann_path = folder / f"{name}.ann"
    for line in _read_lines(ann_path):
        parts = line.split("\t")
        if len(parts) < 3 or not parts[0].startswith("T"):
            continue
        kind, *ranges = re.split(r"[ ;]", parts[1])
        if kind not in PLACE_TYPES or len(ranges) < 2 or not token_keys:
            continue
        start, end = offsets[token_at(int(ranges[0]))][0], offsets[token_at(int(ranges[-1]) - 1)][1]
        gold.append(GoldPlace(start, end, kind, text[start:end], is_named(parts[2].split(" "))))
    gold.sort(key=lambda g: (g.start, g.end))
    return text, gold


def predicted_places(doc: dict, maps: Sequence) -> list[tuple[int, int]]:
    """Every place mention of an analysed document, as offsets in the source text."""
    by_chapter = {m.chapter_index: m for m in maps}
    spans = []
    for place in doc.get("places", []):
        for m in place["mentions"]:
            offsets = by_chapter.get(m["chapter"])
            if offsets is not None and m["end"] > m["start"]:
                spans.append(offsets.span_to_source(m["start"], m["end"]))
    return sorted(spans)


def _without_the(text: str, start: int, end: int) -> tuple[int, int]:
    return (start + 4, end) if text[start:start + 4].lower() == "the " else (start, end)


def pair_spans(gold: Sequence[tuple[int, int]], predicted: Sequence[tuple[int, int]], text: str,
               exact: bool) -> int:
    """How many gold spans pair one-to-one, in reading order, with a predicted span."""
    used: set[int] = set()
    matched = 0
    for g_start, g_end in gold:
        g_key = _without_the(text, g_start, g_end)
        for k, (p_start, p_end) in enumerate(predicted):
            if p_start >= g_end:
                break  # sorted by start: no later span can touch this gold one
            if k in used:
                continue
            if (_without_the(text, p_start, p_end) == g_key) if exact else p_end > g_start:
                used.add(k)
                matched += 1
                break
    return matched


@dataclass(slots=True)
class WorkScore:
    name: str
    gold_named: int = 0
    gold_all: int = 0
    predicted: int = 0
    exact_named: int = 0  # predicted spans paired exactly with named gold
    overlap_named: int = 0
    overlap_all: int = 0  # any gold span (names and descriptions) overlapped

    def add(self, other: "WorkScore") -> None:
        for name in ("gold_named", "gold_all", "predicted", "exact_named", "overlap_named", "overlap_all"):
            setattr(self, name, getattr(self, name) + getattr(other, name))

    @staticmethod
    def _div(a: int, b: int) -> float | None:
        return a / b if b else None

    def figures(self) -> dict[str, float | None]:
        return {
            "exact_precision": self._div(self.exact_named, self.predicted),
            "exact_recall": self._div(self.exact_named, self.gold_named),
            "overlap_precision": self._div(self.overlap_named, self.predicted),
            "overlap_recall": self._div(self.overlap_named, self.gold_named),
            "recall_all_places": self._div(self.overlap_all, self.gold_all),
        }


def score_work(name: str, text: str, gold: Sequence[GoldPlace], predicted: Sequence[tuple[int, int]]) -> WorkScore:
    named = [(g.start, g.end) for g in gold if g.named]
    everything = [(g.start, g.end) for g in gold]
    return WorkScore(
        name, gold_named=len(named), gold_all=len(everything), predicted=len(predicted),
        exact_named=pair_spans(named, predicted, text, exact=True),
        overlap_named=pair_spans(named, predicted, text, exact=False),
        overlap_all=pair_spans(everything, predicted, text, exact=False),
    )


@dataclass(slots=True)
class Report:
    works: list[WorkScore] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def overall(self) -> WorkScore:
        total = WorkScore("overall")
        for w in self.works:
            total.add(w)
        return total

    def to_dict(self) -> dict[str, Any]:
        def row(s: WorkScore) -> dict[str, Any]:
            figures = {k: None if v is None else round(v, 4) for k, v in s.figures().items()}
            return {"work": s.name, "gold_named": s.gold_named, "gold_all": s.gold_all, "predicted": s.predicted,
                    **figures}

        return {"corpus": "LitBank", "layer": "places", "works": [row(w) for w in self.works],
                "overall": row(self.overall), "seconds": round(self.seconds, 1)}


def evaluate(root: str | Path, works: Sequence[str] | None = None, progress: bool = False) -> Report:
    root = Path(root)
    names = select_works(work_names(root), works, root)
    report = Report()
    started = time.perf_counter()
    with progress_bar(progress, len(names)) as advance:
        for name in names:
            advance(name)
            text, gold = load_gold_places(root, name)
            doc, maps = analyze_work(LitBankWork(name, text, quotes=[], entity_names={}))
            report.works.append(score_work(name, text, gold, predicted_places(doc, maps)))
    report.seconds = time.perf_counter() - started
    return report


def print_report(report: Report, console=None) -> None:
    from rich.table import Table

    console = console or report_console()
    table = Table(title="LitBank places — named FAC/GPE/LOC spans", title_justify="left")
    table.add_column("work", no_wrap=True)
    for heading in ("gold named", "gold all", "predicted", "exact P", "exact R", "overlap P", "overlap R",
                    "R all"):
        table.add_column(heading, justify="right", no_wrap=True)
    for i, s in enumerate([*report.works, report.overall]):
        if i == len(report.works):
            table.add_section()
        f = s.figures()
        table.add_row(s.name, str(s.gold_named), str(s.gold_all), str(s.predicted),
                      ratio(f["exact_precision"]), ratio(f["exact_recall"]), ratio(f["overlap_precision"]),
                      ratio(f["overlap_recall"]), ratio(f["recall_all_places"]))
    console.print(table)
    console.print("Named: a capitalised word after any leading determiner. exact: same span (a leading "
                  "\"the\" aside); overlap: at least one character shared; pairs one-to-one in reading order. "
                  "R all: recall over every FAC/GPE/LOC span, descriptions included.", style="dim")
