"""Evaluation on LitBank's quotation layer (Bamman et al.; CC BY 4.0).

The data: for each of ~100 works, the first ~2,000 tokens, tokenised one sentence a
line with tokens split by spaces (`quotations/tsv/<work>_brat.txt`), and
`<work>_brat.ann` rows `QUOTE id start_sent start_tok end_sent end_tok text` (one
contiguous quoted stretch, marks included, end token inclusive) and
`ATTRIB id Speaker_ID`, the speaker being a coreference entity of
`coref/tsv/<work>_brat.ann` (`MENTION id s_sent s_tok e_sent e_tok text TYPE PROP|NOM|PRON`,
`COREF mention_id Entity_ID`).

How the text is rebuilt (the files carry tokens and sentences, no layout):
* tokens are re-spaced as they were written before tokenisation — no space before
  , . ; : ! ? ) and closing marks or after ( and opening marks, contractions ('s,
  n't) joined to their word; a straight mark is an opening one when the same mark
  was last a closing one (parity over the excerpt). Quote detection on
  "‘ and what is the use of a book , ’" would measure tokenisation, not ficlens;
* paragraphs: a sentence that starts with an opening quote mark while no quotation
  is open starts a new paragraph (dialogue turns are paragraphs of their own);
  other sentences run on in the same paragraph, so a quotation spanning sentences
  stays in one paragraph. Every gold token keeps its character offset;
* that text goes through the plain-text reader (`read_with_offsets`) and the full
  pipeline, exactly as `ficlens analyze` would run on it; predicted chapter offsets
  map back through the reader's offset maps.
* Not handled: dash-introduced dialogue ("— Come up, Kinch!": Ulysses, A Portrait of
  the Artist) and italic speech (Gulliver's Travels) — ficlens detects quote marks.

Scoring: LitBank's unit is one contiguous quoted stretch ("I was out," and "for a
walk." are two QUOTEs), so each predicted span (not each multi-span utterance) is a
unit for detection: gold QUOTEs and predicted spans are matched one-to-one in
reading order by overlap. A gold QUOTE's speaker is correct when its paired span's
utterance has a speaker whose names (name + aliases) share the most distinct
strings with the gold entity's proper-name and nominal mention texts (the
`map_characters` rule; PRON mentions are not names).
"""

from __future__ import annotations

import time
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Sequence

from ..errors import InputError
from .matching import NovelScore, ScoredQuote, combine, map_characters, score_quotes
from .pdnc import predicted_quotes, progress_bar, ratio, report_console

# How tokens were written before tokenisation: these attach to the token before them...
_GLUE_LEFT = {",", ".", ";", ":", "!", "?", ")", "]", "”", "’", "''", "...", "…"}
_CONTRACTION_PREFIXES = ("'", "’")  # 's n't 're 'll 've 'd 'm
# ...and these to the token after them.
_GLUE_RIGHT = {"(", "[", "“", "‘", "``"}
_QUOTE_OPENERS = {"“", "‘", "``", '"', "'"}


@dataclass(slots=True)
class LitBankWork:
    name: str
    text: str  # rebuilt, see module docstring
    quotes: list[ScoredQuote]
    entity_names: dict[str, set[str]]  # coref entity id -> PROP/NOM mention texts


def work_names(root: Path) -> list[str]:
    folder = _quotation_folder(root)
    names = sorted(p.name[: -len(".ann")] for p in folder.glob("*_brat.ann"))
    if not names:
        raise InputError("no LitBank quotation files (*_brat.ann) found", folder)
    return names


def _quotation_folder(root: Path) -> Path:
    for candidate in (root / "quotations" / "tsv", root / "tsv", root):
        if candidate.is_dir() and any(candidate.glob("*_brat.ann")):
            return candidate
    raise InputError("no LitBank data here (expected quotations/tsv/*_brat.ann)", root)


def _read_lines(path: Path) -> list[str]:
    try:
        return path.read_text(encoding="utf-8").split("\n")
    except OSError as exc:
        raise InputError(f"cannot read: {exc.strerror or exc}", path) from exc


def rebuild_text(sentences: list[list[str]]) -> tuple[str, dict[tuple[int, int], tuple[int, int]]]:
    """The text of tokenised sentences, and each token's (start, end) offset in it,
    keyed by (sentence, token). See the module docstring for spacing and paragraphs."""
    pieces: list[str] = []
    offsets: dict[tuple[int, int], tuple[int, int]] = {}
    length = 0
    open_straight = {'"': False, "'": False}  # straight marks alternate open/close
    inside = False  # some quotation open at this point (for paragraph breaks)
    glue_next = False
    for s_index, tokens in enumerate(sentences):
        if not tokens:
            continue
        for t_index, token in enumerate(tokens):
            straight_opens = token in open_straight and not open_straight[token]
            if pieces:
                opens_quote = token in _QUOTE_OPENERS and (token not in open_straight or straight_opens)
                if t_index == 0 and not inside and opens_quote:
                    separator = "\n\n"  # a quotation opening a sentence opens a paragraph
                elif glue_next or _glues_left(token, open_straight):
                    separator = ""
                else:
                    separator = " "
                pieces.append(separator)
                length += len(separator)
            offsets[(s_index, t_index)] = (length, length + len(token))
            pieces.append(token)
            length += len(token)
            glue_next = token in _GLUE_RIGHT or straight_opens
            if token in open_straight:
                open_straight[token] = not open_straight[token]
            inside = _quote_state(token, inside)
    return "".join(pieces), offsets


def _glues_left(token: str, open_straight: dict[str, bool]) -> bool:
    if token in _GLUE_LEFT:
        return True
    if token in open_straight:
        return open_straight[token]  # a closing straight mark
    return token.startswith(_CONTRACTION_PREFIXES) and len(token) > 1 and token[1:].isalpha() or token.lower() == "n't"


def _quote_state(token: str, inside: bool) -> bool:
    for ch in token:
        if ch in "“‘":
            inside = True
        elif ch in "”’" and len(token) == 1:
            inside = False
        elif ch == '"':
            inside = not inside
    return inside


def load_work(root: Path, name: str) -> LitBankWork:
    folder = _quotation_folder(root)
    ann_path = folder / f"{name}.ann"
    sentences = [line.split(" ") if line else [] for line in _read_lines(folder / f"{name}.txt")]
    text, offsets = rebuild_text(sentences)

    quote_spans: dict[str, tuple[int, int]] = {}
    speakers: dict[str, str] = {}
    for line in _read_lines(ann_path):
        parts = line.split("\t")
        if parts[0] == "QUOTE" and len(parts) >= 6:
            qid, ss, st, es, et = parts[1], *map(int, parts[2:6])
            try:
                quote_spans[qid] = (offsets[(ss, st)][0], offsets[(es, et)][1])
            except KeyError as exc:
                raise InputError(f"quotation {qid} points outside the text", ann_path) from exc
        elif parts[0] == "ATTRIB" and len(parts) >= 3:
            speakers[parts[1]] = parts[2]
    quotes = [
        ScoredQuote(spans=(span,), speaker=speakers.get(qid), quote_type="Quote", text="")
        for qid, span in sorted(quote_spans.items(), key=lambda kv: kv[1])
    ]
    return LitBankWork(name, text, quotes, _entity_names(root, name))


def _entity_names(root: Path, name: str) -> dict[str, set[str]]:
    """Coref entity id -> the texts of its proper-name and nominal mentions."""
    path = root / "coref" / "tsv" / f"{name}.ann"
    if not path.is_file():
        return {}
    mention_text: dict[str, tuple[str, str]] = {}
    entity_of: dict[str, str] = {}
    for line in _read_lines(path):
        parts = line.split("\t")
        if parts[0] == "MENTION" and len(parts) >= 9:
            mention_text[parts[1]] = (parts[6], parts[8])
        elif parts[0] == "COREF" and len(parts) >= 3:
            entity_of[parts[1]] = parts[2]
    names: dict[str, set[str]] = defaultdict(set)
    for mention, entity in entity_of.items():
        text, kind = mention_text.get(mention, ("", "PRON"))
        if kind in ("PROP", "NOM") and text:
            names[entity].add(_detokenize(text))
    return dict(names)


def _detokenize(text: str) -> str:
    """'Mr . Bennet' -> 'Mr. Bennet', "Lincoln 's" -> "Lincoln's" (mention texts are tokenised)."""
    return (text.replace(" .", ".").replace(" 's", "'s").replace(" ’s", "’s").replace(" ,", ","))


# -- running and scoring ----------------------------------------------------------------------------


def analyze_work(work_data: LitBankWork) -> tuple[dict, list]:
    from ..ingest.plaintext import read_with_offsets
    from ..pipeline import analyze

    work, maps = read_with_offsets(work_data.text, f"{work_data.name}.txt")
    return analyze(work), maps


def score_document(work_data: LitBankWork, doc: dict, maps: Sequence) -> NovelScore:
    predicted_characters = {c["id"]: [c["name"], *c.get("aliases", [])] for c in doc.get("characters", []) or []}
    mapping = map_characters(predicted_characters, work_data.entity_names)
    score = score_quotes(work_data.name, work_data.quotes, predicted_quotes(doc, maps, per_span=True), mapping)
    score.characters_predicted = len(predicted_characters)
    score.characters_gold = len({q.speaker for q in work_data.quotes if q.speaker})
    return score


@dataclass(slots=True)
class Report:
    works: list[NovelScore] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def overall(self) -> NovelScore:
        return combine(self.works)

    def to_dict(self) -> dict[str, Any]:
        def row(s: NovelScore) -> dict[str, Any]:
            return {
                "work": s.name, "gold_quotes": s.gold_quotes, "predicted_spans": s.pred_quotes,
                "matched": s.matched, "quote_precision": round(s.precision, 4),
                "quote_recall": round(s.recall, 4), "speaker_accuracy": round(s.accuracy, 4),
                "speaker_correct": s.correct,
            }

        return {"corpus": "LitBank", "works": [row(s) for s in self.works], "overall": row(self.overall),
                "seconds": round(self.seconds, 1)}


def select_works(names: list[str], works: Sequence[str] | None, root: Path) -> list[str]:
    """`names` narrowed to `works` (all when None); an unknown name is an error."""
    if not works:
        return names
    unknown = sorted(set(works) - set(names))
    if unknown:
        raise InputError(f"unknown work(s): {', '.join(unknown)}", root)
    return [n for n in names if n in set(works)]


def evaluate(root: str | Path, works: Sequence[str] | None = None, progress: bool = False) -> Report:
    root = Path(root)
    names = select_works(work_names(root), works, root)
    report = Report()
    started = time.perf_counter()
    with progress_bar(progress, len(names)) as advance:
        for name in names:
            advance(name)
            work_data = load_work(root, name)
            if not work_data.quotes:
                continue
            doc, maps = analyze_work(work_data)
            report.works.append(score_document(work_data, doc, maps))
    report.seconds = time.perf_counter() - started
    return report


def print_report(report: Report, console=None) -> None:
    from rich.table import Table

    console = console or report_console()
    table = Table(title="LitBank quotations — end-to-end", title_justify="left")
    table.add_column("work", no_wrap=True)
    for heading in ("gold", "pred spans", "quote P", "quote R", "speaker"):
        table.add_column(heading, justify="right", no_wrap=True)
    for i, s in enumerate([*report.works, report.overall]):
        if i == len(report.works):
            table.add_section()
        table.add_row(s.name, str(s.gold_quotes), str(s.pred_quotes), ratio(s.precision), ratio(s.recall),
                      ratio(s.accuracy))
    console.print(table)
    console.print("Units: contiguous quoted stretches (LitBank QUOTE rows vs predicted spans), matched "
                  "one-to-one in reading order.", style="dim")
