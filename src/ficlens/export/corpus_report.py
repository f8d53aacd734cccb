"""The corpus dashboard: one self-contained HTML page (inline CSS and SVG charts, no
script, no network) of the statistics `ficlens.corpus.stats.corpus_stats` computes.

Built on the single-work report's machinery (`export/report.py`): the same Jinja2
environment (autoescape on, so every tag and name from the works is escaped by the
template) and the same stylesheet, `static/report.css`, so both pages look alike.
`render_corpus_report(tables)` fills `templates/corpus_report.html.j2`. Each
statistic with a chart becomes a horizontal bar chart drawn as SVG rectangles whose
widths are computed here; every statistic is also shown as its table.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from markupsafe import Markup

from .report import template_environment, static_text  # the single-work report's environment and CSS
from .results import _cell

CHART_WIDTH = 420  # px for the longest bar
BAR_HEIGHT = 20
BAR_GAP = 6


@dataclass
class Bar:
    label: str
    value: float
    text: str  # the value as shown
    width: float  # px
    y: float


@dataclass
class Section:
    name: str
    title: str
    columns: list[str]
    rows: list[list[str]]
    bars: list[Bar]
    numeric: set[str]  # columns right-aligned as numbers

    @property
    def chart_height(self) -> float:
        return len(self.bars) * (BAR_HEIGHT + BAR_GAP)


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _bars(stat) -> list[Bar]:
    if not stat.chart or not stat.rows:
        return []
    label_col, value_col = (stat.columns.index(c) for c in stat.chart)
    values = [float(row[value_col] or 0) for row in stat.rows]
    top = max(values) or 1.0
    return [Bar(label=str(row[label_col]), value=value, text=_cell(row[value_col]),
                width=round(CHART_WIDTH * value / top, 1), y=i * (BAR_HEIGHT + BAR_GAP))
            for i, (row, value) in enumerate(zip(stat.rows, values))]


def render_corpus_report(tables, title: str = "corpus") -> str:
    """The dashboard HTML for the statistic tables of one corpus database."""
    overview = next((t for t in tables if t.name == "overview"), None)
    figures: dict[str, Any] = dict(zip(overview.columns, overview.rows[0])) if overview and overview.rows else {}
    sections = [Section(t.name, t.title, list(t.columns), [[_cell(v) for v in row] for row in t.rows], _bars(t),
                        {c for i, c in enumerate(t.columns) if t.rows and all(_is_number(r[i]) for r in t.rows)})
                for t in tables if t.name != "overview"]
    template = template_environment().get_template("corpus_report.html.j2")
    return template.render(
        title=title, figures=figures, sections=sections, bar_height=BAR_HEIGHT, chart_width=CHART_WIDTH,
        css=Markup(static_text("report.css")),
        generated=dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
    )
