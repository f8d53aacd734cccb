"""Reading a corpus database: SQL queries and Parquet export.

Queries run on a read-only connection: `ficlens corpus query` can look at anything
but change nothing (a build is the only writer).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .schema import DATA_TABLES
from .store import CorpusDBError, error_line, connect


@dataclass
class QueryResult:
    columns: list[str]
    rows: list[tuple[Any, ...]]


def run_query(db: str | os.PathLike, sql: str) -> QueryResult:
    import duckdb

    con = connect(db, read_only=True)
    try:
        cursor = con.execute(sql)
        if cursor.description is None:  # a statement with no result set
            return QueryResult([], [])
        return QueryResult([d[0] for d in cursor.description], cursor.fetchall())
    except duckdb.Error as exc:
        raise CorpusDBError(f"query failed: {error_line(exc)}", db) from exc
    finally:
        con.close()


def export_parquet(db: str | os.PathLike, directory: str | os.PathLike) -> list[Path]:
    """Write every table as `DIR/<table>.parquet` (one file per table)."""
    import duckdb

    directory = Path(directory)
    try:
        directory.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise CorpusDBError(f"cannot create the output folder: {exc.strerror or exc}", directory) from exc
    con = connect(db, read_only=True)
    written = []
    try:
        for table in ("schema_version", *DATA_TABLES):
            target = directory / f"{table}.parquet"
            # The path is ours (a table name under the user's folder); quotes doubled for SQL.
            literal = str(target).replace("'", "''")
            con.execute(f"COPY (SELECT * FROM {table}) TO '{literal}' (FORMAT PARQUET)")
            written.append(target)
    except duckdb.Error as exc:
        raise CorpusDBError(f"export failed: {error_line(exc)}", db) from exc
    finally:
        con.close()
    return written
