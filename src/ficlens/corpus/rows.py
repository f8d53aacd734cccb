"""One analysed work as table rows: `work_rows(work_id, path, analysis, seconds)`.

Rows are built where the work was analysed (a local worker or a Dask worker), as
plain columns (`{column: [values]}`) that pickle small and load into DuckDB in one
Arrow insert each. Quotation ids and line counts come from the same
`layers_document` that `ficlens analyze` writes, so the database and the JSON
document always agree.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from .. import __version__
from ..export.document import layers_document
from ..model import Work
from .schema import WORK_TABLES, column_names

Columns = dict[str, list[Any]]
TableRows = dict[str, Columns]

# AO3 tag types as the `tags.type` column names them, with the metadata field holding them.
TAG_FIELDS = (("warning", "warnings"), ("category", "categories"), ("fandom", "fandoms"),
              ("character", "characters"), ("freeform", "freeform"))


class _Table:
    """Collects rows for one table, column by column, in the schema's column order."""

    def __init__(self, name: str):
        self.columns: Columns = {column: [] for column in column_names(name)}

    def add(self, **values: Any) -> None:
        if values.keys() != self.columns.keys():
            raise ValueError(f"row columns {sorted(values)} differ from the table's {sorted(self.columns)}")
        for column, value in values.items():
            self.columns[column].append(value)


def _date(value: str | None) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value) if value else None
    except ValueError:  # a reader passed on a date it could not normalise
        return None


def work_rows(work_id: str, path: str, analysis, seconds: float) -> TableRows:
    """Every table's rows for one analysed work (`analysis` is a `pipeline.Analysis`)."""
    work: Work = analysis.work
    layers = layers_document(analysis)
    tables = {name: _Table(name) for name in WORK_TABLES}
    _add_work(tables["works"], work_id, path, work, len(layers["quotes"]), seconds)
    _add_tags(tables["tags"], work_id, work)
    for chapter in work.chapters:
        tables["chapters"].add(
            work_id=work_id, chapter=chapter.index, title=chapter.title,
            words=len(chapter.text.split()), paragraphs=len(chapter.paragraphs),
            scene_breaks=len(chapter.scene_breaks), summary=chapter.summary,
            notes=chapter.notes, end_notes=chapter.end_notes, text=chapter.text,
        )
    _add_characters(tables, work_id, layers)
    for q in layers["quotes"]:
        tables["quotes"].add(
            work_id=work_id, quote_id=q["id"], chapter=q["chapter"], paragraph=q["paragraph"],
            start=q["spans"][0][0], end=q["spans"][-1][1], spans=q["spans"], text=q["text"],
            words=len(q["text"].split()), speaker=q["speaker"], addressees=q["addressees"],
            kind=q["kind"], confidence=q["confidence"],
        )
    _add_narrative(tables, work_id, analysis)
    return {name: table.columns for name, table in tables.items()}


def _add_work(table: _Table, work_id: str, path: str, work: Work, quotes: int, seconds: float) -> None:
    m = work.meta
    table.add(
        work_id=work_id, path=path, format=m.source.format, extraction=m.source.extraction,
        url=m.source.url, title=m.title,
        authors=[{"name": a.name, "login": a.login} for a in m.authors],
        rating=m.rating, language=m.language,
        published=_date(m.published), updated=_date(m.updated), completed=m.completed,
        words_stated=m.words, words=work.word_count,
        chapters_posted=m.chapters.posted, chapters_total=m.chapters.total, chapters=len(work.chapters),
        kudos=m.kudos, hits=m.hits, comments=m.comments, bookmarks=m.bookmarks,
        series=[{"title": s.title, "part": s.part, "url": s.url} for s in m.series],
        collections=list(m.collections), summary=m.summary, notes=m.notes, end_notes=m.end_notes,
        quotes=quotes, seconds=round(seconds, 3),
        analysed=dt.datetime.now(dt.timezone.utc).replace(tzinfo=None, microsecond=0),
        ficlens_version=__version__,
    )


def _add_tags(table: _Table, work_id: str, work: Work) -> None:
    m = work.meta
    if m.rating:
        table.add(work_id=work_id, type="rating", position=1, name=m.rating, members=None, kind=None)
    for tag_type, field in TAG_FIELDS[:3]:
        for position, name in enumerate(getattr(m, field), 1):
            table.add(work_id=work_id, type=tag_type, position=position, name=name, members=None, kind=None)
    for position, rel in enumerate(m.relationships, 1):
        table.add(work_id=work_id, type="relationship", position=position, name=rel.tag,
                  members=list(rel.members), kind=rel.kind)
    for tag_type, field in TAG_FIELDS[3:]:
        for position, name in enumerate(getattr(m, field), 1):
            table.add(work_id=work_id, type=tag_type, position=position, name=name, members=None, kind=None)


def _add_characters(tables: dict[str, _Table], work_id: str, layers: dict[str, Any]) -> None:
    characters = layers.get("characters", [])
    attributed = sum(c["quotes"] for c in characters)
    for c in characters:
        tables["characters"].add(
            work_id=work_id, character_id=c["id"], name=c["name"], gender=c["gender"],
            mentions=c["mentions"], quotes=c["quotes"],
            dialogue_share=round(c["quotes"] / attributed, 4) if attributed else 0.0,
            tagged=c["tagged"],
        )
        for alias in c["aliases"]:
            tables["aliases"].add(work_id=work_id, character_id=c["id"], alias=alias)


def _add_narrative(tables: dict[str, _Table], work_id: str, analysis) -> None:
    """Interactions, scenes, places and times from the objects the narrative layers
    leave on the Analysis (nothing when a layer did not run)."""
    if analysis.interactions is not None:
        unit = analysis.interactions.unit
        for p in analysis.interactions.pairs:
            tables["interactions"].add(
                work_id=work_id, a=p.a, b=p.b, weight=p.weight,
                lines_a_to_b=p.lines_a_to_b, lines_b_to_a=p.lines_b_to_a,
                mentions_a_of_b=p.mentions_a_of_b, mentions_b_of_a=p.mentions_b_of_a,
                together=len(p.together), unit=unit)
    for s in analysis.scenes:
        tables["scenes"].add(work_id=work_id, scene_id=s.id, chapter=s.chapter, start=s.start, end=s.end,
                             boundary=s.boundary, characters=list(s.characters), place=s.place, time=s.time)
    for p in analysis.places:
        tables["places"].add(work_id=work_id, place_id=p.id, name=p.name, kind=p.kind,
                             mentions=len(p.mentions), scenes=list(p.scenes))
    for t in analysis.times:
        tables["times"].add(work_id=work_id, time_id=t.id, chapter=t.chapter, start=t.start, end=t.end,
                            text=t.text, kind=t.kind, value=t.value)
