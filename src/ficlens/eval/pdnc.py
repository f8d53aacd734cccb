"""Evaluation on the Project Dialogism Novel Corpus (PDNC).

Protocol (../shared/eval/README.md): each novel's `novel_text.txt` is read by the
plain-text reader exactly as `ficlens analyze novel_text.txt` would read it, the
full pipeline (`ficlens.pipeline.analyze`) runs on it, and predicted quotation spans
(chapter offsets) are mapped back to offsets in `novel_text.txt` through the
reader's offset maps. Gold and predicted quotations are then paired one-to-one in
reading order (`matching.match_quotations`); a gold quotation is correct when it is
paired and the predicted speaker maps to the gold speaker (`matching.map_characters`).

`--gold-characters` hands the gold alias sets to the pipeline as its character
inventory (`analyze(work, gold_characters=[(name, aliases), ...])`): a different,
easier setting, reported separately.

TEST novels are for reporting only: never tune on them or look at their errors.
"""

from __future__ import annotations

import ast
import csv
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator, Sequence

from ..errors import InputError
from .matching import (
    QUOTE_TYPES,
    NovelScore,
    ScoredQuote,
    bcubed,
    combine,
    map_characters,
    normalize_name,
    score_quotes,
)

TEST_NOVELS = (
    "TheSunAlsoRises", "HardTimes", "HowardsEnd", "OliverTwist", "WinnieThePooh",
    "ThePictureOfDorianGray", "TheGambler",
)
SPLITS = ("dev", "test", "all")

csv.field_size_limit(10**8)  # quotation cells can hold whole letters


@dataclass(frozen=True, slots=True)
class GoldCharacter:
    id: str
    name: str
    aliases: frozenset[str]
    gender: str | None = None
    category: str | None = None

    @property
    def names(self) -> set[str]:
        return {self.name, *self.aliases}


@dataclass(slots=True)
class GoldNovel:
    name: str
    folder: Path
    text: str
    quotes: list[ScoredQuote]
    characters: list[GoldCharacter]


# -- reading the corpus ------------------------------------------------------------------------


def novel_folders(root: str | Path, split: str = "dev", novels: Sequence[str] | None = None) -> list[Path]:
    """The novel folders under `root` (the corpus folder, its `data/`, or one novel's
    folder) for `split`, optionally only the named `novels`, sorted by name."""
    root = Path(root)
    if split not in SPLITS:
        raise InputError(f"unknown split {split!r} (expected one of {', '.join(SPLITS)})", root)
    if (root / "novel_text.txt").is_file():
        candidates = [root]
    else:
        data = root / "data" if (root / "data").is_dir() else root
        if not data.is_dir():
            raise InputError("no PDNC data here (expected a folder with data/<Novel>/novel_text.txt)", root)
        candidates = sorted(p for p in data.iterdir() if (p / "novel_text.txt").is_file())
        if not candidates:
            raise InputError("no PDNC novels found (no */novel_text.txt)", data)
    if novels:
        wanted = {n.strip() for n in novels if n.strip()}
        known = {p.name for p in candidates}
        unknown = sorted(wanted - known)
        if unknown:
            raise InputError(f"unknown novel(s): {', '.join(unknown)}", root)
        return [p for p in candidates if p.name in wanted]
    if split == "dev":
        return [p for p in candidates if p.name not in TEST_NOVELS]
    if split == "test":
        return [p for p in candidates if p.name in TEST_NOVELS]
    return candidates


def _literal(cell: str, path: Path) -> Any:
    try:
        return ast.literal_eval(cell)
    except (ValueError, SyntaxError) as exc:
        raise InputError(f"bad list cell {cell[:40]!r}", path) from exc


def load_characters(path: Path) -> list[GoldCharacter]:
    with open(path, encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    return [
        GoldCharacter(
            id=row["Character ID"].strip(),
            name=row["Main Name"].strip(),
            aliases=frozenset(a.strip() for a in _literal(row["Aliases"], path) if a.strip()),
            gender=row.get("Gender") or None,
            category=row.get("Category") or None,
        )
        for row in rows
    ]


def speaker_resolver(characters: Iterable[GoldCharacter]) -> Callable[[str], str | None]:
    """Gold `speaker` cell -> gold character id. The cell holds a main name or an alias:
    a main name wins, then an alias that only one character has."""
    by_main: dict[str, str] = {}
    by_alias: dict[str, set[str]] = {}
    for c in characters:
        by_main.setdefault(normalize_name(c.name), c.id)
        for name in c.names:
            by_alias.setdefault(normalize_name(name), set()).add(c.id)

    def resolve(speaker: str) -> str | None:
        key = normalize_name(speaker)
        if key in by_main:
            return by_main[key]
        ids = by_alias.get(key, set())
        return next(iter(ids)) if len(ids) == 1 else None

    return resolve


def load_novel(folder: str | Path) -> GoldNovel:
    folder = Path(folder)
    text_path = folder / "novel_text.txt"
    try:
        # newline="" keeps the file's characters exactly as the gold offsets count them
        with open(text_path, encoding="utf-8", newline="") as handle:
            text = handle.read()
    except OSError as exc:
        raise InputError(f"cannot read novel text: {exc.strerror or exc}", text_path) from exc
    characters = load_characters(folder / "character_info.csv")
    resolve = speaker_resolver(characters)
    quotes_path = folder / "quotation_info.csv"
    with open(quotes_path, encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    quotes = [
        ScoredQuote(
            spans=tuple((int(s), int(e)) for s, e in _literal(row["quoteByteSpans"], quotes_path)),
            speaker=resolve(row["speaker"]),
            quote_type=row["quoteType"].strip() or None,
            text=row["quoteText"],
        )
        for row in rows
    ]
    return GoldNovel(folder.name, folder, text, [q for q in quotes if q.spans], characters)


# -- running the pipeline --------------------------------------------------------------------------


def analyze_novel(novel: GoldNovel, gold_characters: bool = False) -> tuple[dict, list]:
    """The ficlens document for the novel, exactly as `ficlens analyze` builds it (the
    spaCy model is cached per process, so it loads once for all novels), and the
    reader's per-chapter offset maps."""
    from ..ingest.plaintext import read_with_offsets
    from ..pipeline import analyze

    work, maps = read_with_offsets(novel.text, str(novel.folder / "novel_text.txt"))
    options: dict[str, Any] = {}
    if gold_characters:
        options["gold_characters"] = [(c.name, sorted(c.aliases)) for c in novel.characters]
    return analyze(work, **options), maps


def predicted_quotes(doc: dict, maps: Sequence, per_span: bool = False) -> list[ScoredQuote]:
    """The document's quotations with spans mapped to source-file offsets. With
    `per_span`, every span is its own unit carrying its utterance's speaker (LitBank
    counts each quoted stretch as one quotation)."""
    by_chapter = {m.chapter_index: m for m in maps}
    out = []
    for q in doc.get("quotes", []):
        offsets = by_chapter.get(q["chapter"])
        if offsets is None:
            continue
        spans = tuple(
            (offsets.to_source(s), offsets.to_source(e - 1) + 1) for s, e in q["spans"] if e > s
        )
        if per_span:
            out.extend(ScoredQuote(spans=(span,), speaker=q.get("speaker")) for span in spans)
        elif spans:
            out.append(ScoredQuote(spans=spans, speaker=q.get("speaker"), text=q.get("text", "")))
    return out


def score_document(novel: GoldNovel, doc: dict, maps: Sequence) -> NovelScore:
    predicted_characters = {
        c["id"]: [c["name"], *c.get("aliases", [])] for c in doc.get("characters", []) or []
    }
    gold_names = {c.id: c.names for c in novel.characters}
    mapping = map_characters(predicted_characters, gold_names)
    score = score_quotes(novel.name, novel.quotes, predicted_quotes(doc, maps), mapping)
    score.clustering, score.name_coverage = bcubed(predicted_characters.values(), gold_names.values())
    score.characters_predicted = len(predicted_characters)
    score.characters_gold = len(novel.characters)
    return score


@dataclass(slots=True)
class Report:
    corpus: str
    split: str
    gold_characters: bool
    novels: list[NovelScore] = field(default_factory=list)
    seconds: dict[str, float] = field(default_factory=dict)

    @property
    def overall(self) -> NovelScore:
        return combine(self.novels)

    @property
    def setting(self) -> str:
        return "gold character list" if self.gold_characters else "end-to-end"

    def to_dict(self) -> dict:
        return {
            "corpus": self.corpus,
            "split": self.split,
            "setting": self.setting,
            "novels": [dict(s.to_dict(), seconds=round(self.seconds.get(s.name, 0.0), 1)) for s in self.novels],
            "overall": self.overall.to_dict(),
        }


def evaluate(
    root: str | Path,
    split: str = "dev",
    novels: Sequence[str] | None = None,
    gold_characters: bool = False,
    progress: bool = False,
) -> Report:
    """Score every selected novel; `progress` shows a rich progress bar on stderr."""
    folders = novel_folders(root, split, novels)
    report = Report("PDNC", "custom" if novels else split, gold_characters)
    with progress_bar(progress, len(folders)) as advance:
        for folder in folders:
            advance(folder.name)
            started = time.perf_counter()
            novel = load_novel(folder)
            doc, maps = analyze_novel(novel, gold_characters)
            report.novels.append(score_document(novel, doc, maps))
            report.seconds[novel.name] = time.perf_counter() - started
    return report


@contextmanager
def progress_bar(enabled: bool, total: int) -> Iterator[Callable[[str], None]]:
    """A rich progress bar on stderr over `total` items; yields `start(name)`, called as
    each item begins (a no-op when disabled)."""
    if not enabled:
        yield lambda _name: None
        return
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    with Progress(
        TextColumn("{task.description:<28}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
        console=Console(stderr=True), transient=True,
    ) as bar:
        task = bar.add_task("", total=total)
        started = False

        def start(name: str) -> None:
            nonlocal started
            if started:
                bar.advance(task)
            started = True
            bar.update(task, description=name)

        yield start


# -- printing -----------------------------------------------------------------------------------------


def ratio(value: float | None) -> str:
    return "–" if value is None else f"{value:.3f}"


def report_console():
    """A console for report tables: at least 150 columns when output is not a terminal
    (files, pipes), so the table never wraps."""
    from rich.console import Console

    console = Console()
    if not console.is_terminal:
        console = Console(width=max(console.width, 150))
    return console


def print_report(report: Report, console=None) -> None:
    """Per-novel and overall figures as a rich table."""
    from rich.console import Console
    from rich.table import Table

    console = console or report_console()
    table = Table(title=f"{report.corpus} {report.split} — {report.setting}", title_justify="left")
    table.add_column("novel", no_wrap=True)
    for heading in ("gold", "pred", "quote P", "quote R", "speaker", *(t.lower() for t in QUOTE_TYPES),
                    "B³ P", "B³ R", "B³ F1", "chars"):
        table.add_column(heading, justify="right", no_wrap=True)
    rows = list(report.novels)
    if len(rows) > 1:
        rows.append(report.overall)
    for i, s in enumerate(rows):
        if i == len(report.novels) and i:
            table.add_section()
        c = s.clustering
        table.add_row(
            s.name, str(s.gold_quotes), str(s.pred_quotes), ratio(s.precision), ratio(s.recall),
            ratio(s.accuracy), *(ratio(s.type_accuracy(t)) for t in QUOTE_TYPES),
            ratio(c.precision if c else None), ratio(c.recall if c else None), ratio(c.f1 if c else None),
            f"{s.characters_predicted}/{s.characters_gold}",
        )
    console.print(table)
    console.print(
        "quote P/R: one-to-one matching in reading order. speaker: accuracy over all gold "
        "quotations, missed ones wrong; explicit/anaphoric/implicit: the same per gold quote "
        "type. B³: predicted name clusters vs gold alias sets over the names both contain. "
        "chars: predicted/gold.",
        style="dim",
    )
