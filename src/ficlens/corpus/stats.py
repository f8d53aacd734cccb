"""The statistics fan-studies people ask of a corpus, as tables (`corpus_stats`).

Each `StatTable` is one SQL query over the corpus database, so every figure can be
reproduced with `ficlens corpus query`: the queries are in `STAT_QUERIES`. The
`ficlens corpus stats` command prints them; `ficlens corpus report` charts them.

Conventions: counts are numbers of works (a work counts once per tag however
often it repeats it); relationship pairs are unordered, and a poly ship `A/B/C`
counts for each of its pairs A–B, A–C, B–C (`via_poly` says how many works named
the pair only through a ship of three or more); tag co-occurrence counts works
holding both tags, with lift = P(both) / (P(a) · P(b)); dialogue share is the part
of all attributed quotation words spoken by characters of that inferred gender.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Any

from .store import CorpusDBError, error_line, connect

# Tag types whose pairs are counted for co-occurrence: the descriptive tags, not
# the fixed AO3 choices (rating, warnings, categories), which every work has.
COOCCURRENCE_TYPES = ("fandom", "relationship", "character", "freeform")
MIN_PAIR_WORKS = 2  # a pair seen in one work has a lift that means nothing


@dataclass
class StatTable:
    name: str
    title: str
    columns: list[str]
    rows: list[tuple[Any, ...]]
    chart: tuple[str, str] | None = None  # (label column, value column) for a bar chart


def _by_tag(tag_type: str, label: str) -> str:
    return f"""
        SELECT name AS {label}, count(DISTINCT work_id) AS works FROM tags
        WHERE type = '{tag_type}' GROUP BY name ORDER BY works DESC, {label} LIMIT $top"""


def _pairs(kind: str, joiner: str) -> str:
    return f"""
        WITH pairs AS (
            SELECT work_id, list_sort([members[i], members[j]]) AS pair, len(members) > 2 AS poly
            FROM tags, range(1, len(members) + 1) AS a(i), range(1, len(members) + 1) AS b(j)
            WHERE type = 'relationship' AND kind = '{kind}' AND i < j)
        SELECT array_to_string(pair, '{joiner}') AS pair, count(DISTINCT work_id) AS works,
               count(DISTINCT work_id) - count(DISTINCT work_id) FILTER (WHERE NOT poly) AS via_poly
        FROM pairs GROUP BY pair ORDER BY works DESC, pair LIMIT $top"""


# name -> (title, SQL with $top for the row limit, chart columns)
STAT_QUERIES: dict[str, tuple[str, str, tuple[str, str] | None]] = {
    "overview": ("Corpus", """
        SELECT (SELECT count(*) FROM works) AS works,
               (SELECT coalesce(sum(words), 0) FROM works) AS words,
               (SELECT count(*) FROM chapters) AS chapters,
               (SELECT count(*) FROM quotes) AS quotes,
               (SELECT count(*) FROM characters) AS characters,
               (SELECT count(*) FROM failures) AS failures""", None),
    "rating": ("Works by rating", """
        SELECT coalesce(rating, '(none)') AS rating, count(*) AS works FROM works
        GROUP BY ALL ORDER BY works DESC, rating""", ("rating", "works")),
    "warning": ("Works by archive warning", _by_tag("warning", "warning"), ("warning", "works")),
    "category": ("Works by category", _by_tag("category", "category"), ("category", "works")),
    "language": ("Works by language", """
        SELECT coalesce(language, '(not stated)') AS language, count(*) AS works FROM works
        GROUP BY ALL ORDER BY works DESC, language""", ("language", "works")),
    "year": ("Works by year published", """
        SELECT coalesce(CAST(year(published) AS VARCHAR), '(unknown)') AS year, count(*) AS works
        FROM works GROUP BY ALL ORDER BY year""", ("year", "works")),
    "fandoms": ("Top fandoms", _by_tag("fandom", "fandom"), ("fandom", "works")),
    "romantic": ("Top romantic pairings (poly ships expanded to pairs)", _pairs("romantic", "/"), ("pair", "works")),
    "platonic": ("Top platonic pairings (poly ships expanded to pairs)", _pairs("platonic", " & "), ("pair", "works")),
    "characters": ("Characters: how often tagged against how prominent in the text", """
        WITH tagged AS (
            SELECT name, count(DISTINCT work_id) AS tagged_works FROM tags
            WHERE type = 'character' GROUP BY name),
        found AS (
            SELECT c.name, count(DISTINCT c.work_id) AS works_in_text, sum(c.mentions) AS mentions,
                   sum(c.quotes) AS lines, avg(c.dialogue_share) AS share
            FROM characters c JOIN tags t
              ON t.work_id = c.work_id AND t.type = 'character' AND t.name = c.name
            WHERE c.tagged GROUP BY c.name)
        SELECT tagged.name AS character, tagged_works, coalesce(works_in_text, 0) AS works_in_text,
               coalesce(mentions, 0) AS mentions, coalesce(lines, 0) AS lines,
               round(coalesce(share, 0), 3) AS dialogue_share
        FROM tagged LEFT JOIN found USING (name)
        ORDER BY tagged_works DESC, mentions DESC, character LIMIT $top""", ("character", "tagged_works")),
    "cooccurrence": ("Tags that go together (pairs in at least %d works, with lift)" % MIN_PAIR_WORKS, f"""
        WITH t AS (
            SELECT DISTINCT work_id, type, name FROM tags
            WHERE type IN ({", ".join(f"'{t}'" for t in COOCCURRENCE_TYPES)})),
        n AS (SELECT type, name, count(*) AS works FROM t GROUP BY ALL),
        total AS (SELECT count(*) AS works FROM works),
        pairs AS (
            SELECT a.type AS type_a, a.name AS name_a, b.type AS type_b, b.name AS name_b, count(*) AS works
            FROM t a JOIN t b ON a.work_id = b.work_id AND (a.type, a.name) < (b.type, b.name)
            GROUP BY ALL HAVING count(*) >= {MIN_PAIR_WORKS})
        SELECT p.name_a || ' (' || p.type_a || ')' AS tag_a, p.name_b || ' (' || p.type_b || ')' AS tag_b,
               p.works, round(p.works * total.works / (na.works * nb.works), 2) AS lift
        FROM pairs p CROSS JOIN total
        JOIN n na ON na.type = p.type_a AND na.name = p.name_a
        JOIN n nb ON nb.type = p.type_b AND nb.name = p.name_b
        ORDER BY p.works DESC, lift DESC, tag_a, tag_b LIMIT $top""", None),
    "gender": ("Dialogue share by inferred character gender", """
        WITH spoken AS (
            SELECT c.gender, count(*) AS lines, sum(q.words) AS words
            FROM quotes q JOIN characters c ON c.work_id = q.work_id AND c.character_id = q.speaker
            GROUP BY c.gender),
        people AS (SELECT gender, count(*) AS characters FROM characters GROUP BY gender)
        SELECT gender, characters, coalesce(lines, 0) AS lines, coalesce(words, 0) AS words,
               round(coalesce(words, 0) / nullif(sum(words) OVER (), 0), 3) AS share
        FROM people LEFT JOIN spoken USING (gender)
        ORDER BY words DESC, gender""", ("gender", "share")),
}


def corpus_stats(db: str | os.PathLike, top: int = 20, names: list[str] | None = None) -> list[StatTable]:
    """Every statistic (or those in `names`), each limited to `top` rows where ranked."""
    import duckdb

    unknown = [n for n in names or [] if n not in STAT_QUERIES]
    if unknown:
        raise CorpusDBError(f"unknown statistic {', '.join(unknown)}; choose from {', '.join(STAT_QUERIES)}")
    con = connect(db, read_only=True)
    tables = []
    try:
        for name, (title, sql, chart) in STAT_QUERIES.items():
            if names and name not in names:
                continue
            cursor = con.execute(sql.replace("$top", str(int(top))))
            tables.append(StatTable(name, title, [d[0] for d in cursor.description], cursor.fetchall(), chart))
    except duckdb.Error as exc:
        raise CorpusDBError(f"statistics query failed: {error_line(exc)}", db) from exc
    finally:
        con.close()
    return tables
