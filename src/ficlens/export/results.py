"""Rows of a corpus query or statistic as a terminal table, CSV or JSON."""

from __future__ import annotations

import csv
import datetime as dt
import decimal
import io
import json
from typing import Any, Sequence

from rich.console import Console
from rich.markup import escape
from rich.table import Table


def _plain(value: Any) -> Any:
    """A JSON-friendly form of a DuckDB value (dates, decimals, structs, lists)."""
    if isinstance(value, (dt.date, dt.datetime, dt.time)):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return float(value)
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    return value


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:.3f}".rstrip("0").rstrip(".") if value % 1 else f"{value:.0f}"
    if isinstance(value, (list, tuple, dict)):
        return json.dumps(_plain(value), ensure_ascii=False)
    if isinstance(value, (dt.date, dt.datetime, decimal.Decimal)):
        return str(_plain(value))
    return str(value)


def render_csv(columns: Sequence[str], rows: Sequence[Sequence[Any]]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(columns)
    for row in rows:
        writer.writerow([_cell(v) for v in row])
    return out.getvalue()


def render_json(columns: Sequence[str], rows: Sequence[Sequence[Any]]) -> str:
    return json.dumps([{c: _plain(v) for c, v in zip(columns, row)} for row in rows],
                      ensure_ascii=False, indent=2)


def print_table(columns: Sequence[str], rows: Sequence[Sequence[Any]], title: str | None = None,
                console: Console | None = None) -> None:
    console = console or Console()
    table = Table(*[escape(c) for c in columns], title=title, title_justify="left")
    for row in rows:
        table.add_row(*[escape(_cell(v)) for v in row])  # text from works is never rich markup
    console.print(table)


def print_stat_tables(tables, console: Console | None = None) -> None:
    """The tables of `ficlens.corpus.stats.corpus_stats`, one after another."""
    console = console or Console()
    for stat in tables:
        print_table(stat.columns, stat.rows, title=stat.title, console=console)
        if not stat.rows:
            console.print("  (none)")


def stat_tables_json(tables) -> str:
    return json.dumps({t.name: {"title": t.title, "rows": [{c: _plain(v) for c, v in zip(t.columns, r)}
                                                          for r in t.rows]} for t in tables},
                      ensure_ascii=False, indent=2)
