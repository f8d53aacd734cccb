"""The corpus database: DuckDB tables, one per layer, keyed by the work's content hash.

Every row names its work by `work_id`, the SHA-256 (hex) of the file's bytes as
ficlens read them: the same file found twice (another folder, inside a zip) is one
work, and a re-run skips what is stored. Offsets (`start`, `end`) are characters in
the chapter's text (`chapters.text`), end-exclusive, as in the JSON document. Ids
of characters ("C1"), quotes ("Q1"), scenes, places are per work, as in the JSON.

Tables (the version is in `schema_version`; adding a table or column keeps the
version only when old databases stay readable, otherwise it is bumped and ficlens
refuses to write into a database of another version):

- `works`: one row per analysed work, all its metadata (tags are in `tags`).
- `tags`: (work_id, type, position, name); type is rating, warning, category,
  fandom, relationship, character or freeform; a relationship also has `members`
  and `kind` (romantic `A/B`, platonic `A & B`, other).
- `chapters`: text, title, notes, counts per chapter.
- `characters`: per work, as the characters layer found them; `quotes` is the
  lines attributed to them, `dialogue_share` their part of the work's attributed lines.
- `aliases`: every alias of every character, one row each.
- `quotes`: every quotation with its spans, speaker and addressees.
- `interactions`: character pairs (a, b: character ids) as the interactions layer
  weighs them: lines each way, mentions each way, `together` = scenes (or chapters,
  see `unit`) both are present in; `weight` is their sum.
- `scenes`, `places`, `times`: the narrative layers, with the JSON's ids; empty
  when a layer did not run.
- `failures`: files that could not be analysed (path, error, time); the run went on.
"""

from __future__ import annotations

SCHEMA_VERSION = 1

# (table name, column definitions). Order matters for inserts: rows are built in
# column order by `ficlens.corpus.rows`.
TABLES: dict[str, str] = {
    "schema_version": """
        version INTEGER NOT NULL,
        ficlens_version VARCHAR NOT NULL,
        created TIMESTAMP NOT NULL
    """,
    "works": """
        work_id VARCHAR PRIMARY KEY,
        path VARCHAR NOT NULL,
        format VARCHAR NOT NULL,
        extraction VARCHAR,
        url VARCHAR,
        title VARCHAR,
        authors STRUCT(name VARCHAR, login VARCHAR)[],
        rating VARCHAR,
        language VARCHAR,
        published DATE,
        updated DATE,
        completed BOOLEAN,
        words_stated INTEGER,
        words INTEGER NOT NULL,
        chapters_posted INTEGER,
        chapters_total INTEGER,
        chapters INTEGER NOT NULL,
        kudos INTEGER,
        hits INTEGER,
        comments INTEGER,
        bookmarks INTEGER,
        series STRUCT(title VARCHAR, part INTEGER, url VARCHAR)[],
        collections VARCHAR[],
        summary VARCHAR,
        notes VARCHAR,
        end_notes VARCHAR,
        quotes INTEGER NOT NULL,
        seconds DOUBLE NOT NULL,
        analysed TIMESTAMP NOT NULL,
        ficlens_version VARCHAR NOT NULL
    """,
    "tags": """
        work_id VARCHAR NOT NULL,
        type VARCHAR NOT NULL,
        position INTEGER NOT NULL,
        name VARCHAR NOT NULL,
        members VARCHAR[],
        kind VARCHAR
    """,
    "chapters": """
        work_id VARCHAR NOT NULL,
        chapter INTEGER NOT NULL,
        title VARCHAR,
        words INTEGER NOT NULL,
        paragraphs INTEGER NOT NULL,
        scene_breaks INTEGER NOT NULL,
        summary VARCHAR,
        notes VARCHAR,
        end_notes VARCHAR,
        text VARCHAR NOT NULL
    """,
    "characters": """
        work_id VARCHAR NOT NULL,
        character_id VARCHAR NOT NULL,
        name VARCHAR NOT NULL,
        gender VARCHAR NOT NULL,
        mentions INTEGER NOT NULL,
        quotes INTEGER NOT NULL,
        dialogue_share DOUBLE NOT NULL,
        tagged BOOLEAN NOT NULL
    """,
    "aliases": """
        work_id VARCHAR NOT NULL,
        character_id VARCHAR NOT NULL,
        alias VARCHAR NOT NULL
    """,
    "quotes": """
        work_id VARCHAR NOT NULL,
        quote_id VARCHAR NOT NULL,
        chapter INTEGER NOT NULL,
        paragraph INTEGER NOT NULL,
        start INTEGER NOT NULL,
        "end" INTEGER NOT NULL,
        spans INTEGER[][] NOT NULL,
        text VARCHAR NOT NULL,
        words INTEGER NOT NULL,
        speaker VARCHAR,
        addressees VARCHAR[] NOT NULL,
        kind VARCHAR,
        confidence DOUBLE NOT NULL
    """,
    "interactions": """
        work_id VARCHAR NOT NULL,
        a VARCHAR NOT NULL,
        b VARCHAR NOT NULL,
        weight INTEGER NOT NULL,
        lines_a_to_b INTEGER NOT NULL,
        lines_b_to_a INTEGER NOT NULL,
        mentions_a_of_b INTEGER NOT NULL,
        mentions_b_of_a INTEGER NOT NULL,
        together INTEGER NOT NULL,
        unit VARCHAR NOT NULL
    """,
    "scenes": """
        work_id VARCHAR NOT NULL,
        scene_id VARCHAR NOT NULL,
        chapter INTEGER NOT NULL,
        start INTEGER NOT NULL,
        "end" INTEGER NOT NULL,
        boundary VARCHAR NOT NULL,
        characters VARCHAR[] NOT NULL,
        place VARCHAR,
        time VARCHAR
    """,
    "places": """
        work_id VARCHAR NOT NULL,
        place_id VARCHAR NOT NULL,
        name VARCHAR NOT NULL,
        kind VARCHAR NOT NULL,
        mentions INTEGER NOT NULL,
        scenes VARCHAR[] NOT NULL
    """,
    "times": """
        work_id VARCHAR NOT NULL,
        time_id VARCHAR NOT NULL,
        chapter INTEGER NOT NULL,
        start INTEGER NOT NULL,
        "end" INTEGER NOT NULL,
        text VARCHAR NOT NULL,
        kind VARCHAR NOT NULL,
        value VARCHAR
    """,
    "failures": """
        work_id VARCHAR,
        path VARCHAR NOT NULL,
        error VARCHAR NOT NULL,
        failed TIMESTAMP NOT NULL,
        seconds DOUBLE NOT NULL
    """,
}

# The tables holding one work's analysis, written together in one transaction.
WORK_TABLES = ("works", "tags", "chapters", "characters", "aliases", "quotes",
               "interactions", "scenes", "places", "times")
# Every table a user sees (export, report), in a readable order.
DATA_TABLES = (*WORK_TABLES, "failures")


def column_names(table: str) -> list[str]:
    """The column names of `table`, in order, as declared above."""
    names = []
    for line in TABLES[table].strip().splitlines():
        name = line.strip().split()[0]
        names.append(name.strip('"'))
    return names


def create_statements() -> list[str]:
    return [f"CREATE TABLE IF NOT EXISTS {name} ({columns.strip().rstrip(',')})"
            for name, columns in TABLES.items()]
