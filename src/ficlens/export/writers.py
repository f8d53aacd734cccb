"""Every output format of `ficlens analyze --format`, in one table.

`export(analysis, fmt, output)` renders an analysed work as `fmt`. Text formats
(json, html, md) are returned as a string when `output` is None; the others
need `output`: a folder for the table formats (tsv, csv, parquet), a file for
epub. The CLI only parses options and calls this.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ..errors import FiclensError

TEXT_FORMATS = ("json", "html", "md")
FOLDER_FORMATS = ("tsv", "csv", "parquet")
FILE_FORMATS = ("epub",)
FORMATS = TEXT_FORMATS + FOLDER_FORMATS + FILE_FORMATS
FORMAT_HELP = {
    "json": "the ficlens JSON document (schema ficlens/1)",
    "html": "a self-contained HTML report",
    "md": "the story as Markdown with speakers annotated",
    "tsv": "BookNLP-style tables (.tokens, .entities, .quotes, .characters) in folder -o",
    "csv": "quotes.csv and characters.csv in folder -o",
    "parquet": "quotes.parquet and characters.parquet in folder -o",
    "epub": "a clean EPUB of the work at -o",
}


def check_output(fmt: str, output: Path | None) -> None:
    """Refuse a format/output combination that cannot work (called before the analysis
    runs, so a mistake costs no time)."""
    if fmt not in FORMATS:
        raise FiclensError(f"unknown format {fmt!r} (one of {', '.join(FORMATS)})")
    if output is None and fmt not in TEXT_FORMATS:
        kind = "a folder" if fmt in FOLDER_FORMATS else "a file"
        raise FiclensError(f"--format {fmt} writes {kind}: give it with -o")


def render_text_format(analysis, doc: dict[str, Any], fmt: str, compact: bool = False) -> str:
    from .document import dumps

    if fmt == "json":
        return dumps(doc, indent=None if compact else 2) + "\n"
    if fmt == "html":
        from .report import render_report

        return render_report(doc)
    if fmt == "md":
        from .markdown import render_markdown

        return render_markdown(analysis.work, doc)
    raise ValueError(f"not a text format: {fmt}")


def export(analysis, fmt: str, output: Path | None, compact: bool = False, book_id: str | None = None) -> str | list[Path]:
    """Render `analysis` as `fmt`: the text when `output` is None (text formats
    only), else the list of files written."""
    from ..pipeline import document

    check_output(fmt, output)
    doc = document(analysis)
    if fmt in TEXT_FORMATS:
        text = render_text_format(analysis, doc, fmt, compact)
        if output is None:
            return text
        return [write_text(output, text)]
    if fmt == "tsv":
        from .booknlp import write_tsv

        return write_tsv(doc, analysis.parses, output, book_id or _book_id(analysis))
    if fmt == "csv":
        from .flat import write_csv

        return write_csv(doc, output)
    if fmt == "parquet":
        from .flat import write_parquet

        return write_parquet(doc, output)
    from .epub import write_epub

    return [write_epub(analysis.work, output)]


def _book_id(analysis) -> str:
    path = analysis.work.meta.source.path
    return Path(path).stem if path else "work"


def write_text(path: Path, content: str) -> Path:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(content, encoding="utf-8")
    except OSError as exc:
        raise FiclensError(f"cannot write output: {exc.strerror or exc}", path) from exc
    return path
