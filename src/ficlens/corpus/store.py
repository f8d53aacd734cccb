"""The corpus database file: opening it, and its one writer.

One process writes the DuckDB file while a build runs (DuckDB allows one writing
process); works are written whole, a batch of them per transaction (`store_works`),
so a build killed at any moment leaves each work either fully stored or absent, and
the next run picks up the absent ones.

DuckDB locks the file against every other process while a connection that may write
is open, readers included. So the writer lets go of the file at least every
`HOLD_SECONDS` (after a commit, or while it waits on its workers) and both sides wait
for the other's lock (up to `LOCK_WAIT_SECONDS`): `ficlens corpus query`, `stats` and
`export` work while a build runs, and see the works committed so far. (Closing after
every commit would cost a checkpoint each time: ~10x the writer's time per batch.)
"""

from __future__ import annotations

import datetime as dt
import os
import time
from pathlib import Path
from typing import Any

from .. import __version__
from ..errors import FiclensError
from .schema import SCHEMA_VERSION, WORK_TABLES, column_names, create_statements


class CorpusDBError(FiclensError):
    """The corpus database cannot be opened, is of another schema version, or a query failed."""


LOCK_WAIT_SECONDS = 60.0  # how long to wait for another process's lock on the file
HOLD_SECONDS = 2.0  # the longest the writer keeps the file locked while readers may wait


def connect(path: str | os.PathLike, read_only: bool = False, wait: float = LOCK_WAIT_SECONDS):
    """Open (or create, unless `read_only`) the database at `path`, schema checked;
    while another process holds the file (a build's transaction, a reader's query),
    retry for up to `wait` seconds."""
    import duckdb

    path = Path(path)
    if read_only and not path.exists():
        raise CorpusDBError("no such database (build one with `ficlens corpus build`)", path)
    deadline = time.monotonic() + wait
    pause = 0.01
    while True:
        try:
            con = duckdb.connect(str(path), read_only=read_only)
            break
        except duckdb.Error as exc:
            if "lock" in str(exc).lower() and time.monotonic() < deadline:
                time.sleep(pause)
                pause = min(pause * 2, 0.2)
                continue
            raise CorpusDBError(f"cannot open the database: {error_line(exc)}", path) from exc
    try:
        if read_only:
            _check_version(con, path)
        else:
            _create(con, path)
    except BaseException:
        con.close()
        raise
    return con


def error_line(exc: Exception) -> str:
    """The first line of a DuckDB error, for a one-line message."""
    return str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__


def _create(con, path: Path) -> None:
    import duckdb

    try:
        existing = {row[0] for row in con.execute(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = 'main'").fetchall()}
        if "schema_version" in existing:
            _check_version(con, path)
            return
        if existing:
            raise CorpusDBError("database holds other tables and no ficlens schema_version; "
                                "not a ficlens corpus (use a new file)", path)
        con.begin()
        for statement in create_statements():
            con.execute(statement)
        con.execute("INSERT INTO schema_version VALUES (?, ?, ?)",
                    [SCHEMA_VERSION, __version__, dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)])
        con.commit()
    except duckdb.Error as exc:
        raise CorpusDBError(f"cannot create the corpus tables: {error_line(exc)}", path) from exc


def _check_version(con, path: Path) -> None:
    import duckdb

    try:
        row = con.execute("SELECT max(version) FROM schema_version").fetchall()[0]
    except duckdb.Error as exc:
        raise CorpusDBError("not a ficlens corpus database (no schema_version table)", path) from exc
    if row is None or row[0] != SCHEMA_VERSION:
        raise CorpusDBError(f"corpus schema version {row[0] if row else None}; this ficlens reads "
                            f"version {SCHEMA_VERSION} (rebuild the corpus)", path)


def stored_ids(con) -> tuple[set[str], set[str]]:
    """The work ids already stored, and those recorded as failed."""
    works = {r[0] for r in con.execute("SELECT work_id FROM works").fetchall()}
    failed = {r[0] for r in con.execute("SELECT work_id FROM failures WHERE work_id IS NOT NULL").fetchall()}
    return works, failed


class Writer:
    """The single writer of a corpus database: the file is open only during each
    transaction (see the module's docstring), so readers can query between them."""

    def __init__(self, path: str | os.PathLike):
        self.path = path
        self._con = None
        self._opened = 0.0
        con = self._connection()
        # Arrow schemas taken from the tables themselves, so an empty list or an
        # all-NULL column still arrives with the declared type.
        self._schemas = {table: con.sql(f"SELECT * FROM {table} LIMIT 0").to_arrow_table().schema
                         for table in WORK_TABLES}

    def _connection(self):
        if self._con is None:
            self._con = connect(self.path)
            self._opened = time.monotonic()
        return self._con

    def release_if_held(self) -> None:
        """Let go of the file if it has been held `HOLD_SECONDS` (call between commits
        and while waiting): a reader waiting for it gets its turn."""
        if self._con is not None and time.monotonic() - self._opened >= HOLD_SECONDS:
            self.close()

    def close(self) -> None:
        if self._con is not None:
            self._con.close()
            self._con = None

    def store_works(self, works: list[tuple[str, dict[str, dict[str, list[Any]]]]]) -> None:
        """Write whole works, `(work_id, rows)` each, in one transaction: all of them
        or none. (One commit per batch rather than per work: a commit costs more than
        a small work's inserts.) Failure rows left by earlier runs for the same
        contents are removed in the same transaction."""
        if not works:
            return
        self._store_works(self._connection(), works)
        self.release_if_held()

    def _store_works(self, con, works) -> None:
        import pyarrow as pa

        con.begin()
        try:
            for table in WORK_TABLES:
                names = column_names(table)
                columns: dict[str, list[Any]] = {name: [] for name in names}
                for _work_id, rows in works:
                    for name, values in rows.get(table, {}).items():
                        columns[name].extend(values)
                if not columns[names[0]]:
                    continue
                con.register("ficlens_rows", pa.table(columns, schema=self._schemas[table]))
                try:
                    con.execute(f"INSERT INTO {table} SELECT * FROM ficlens_rows")
                finally:
                    con.unregister("ficlens_rows")
            con.execute("DELETE FROM failures WHERE list_contains(?, work_id)", [[w for w, _ in works]])
            con.commit()
        except BaseException:
            con.rollback()
            raise

    def store_failure(self, work_id: str | None, path: str, error: str, seconds: float) -> None:
        """Record (or replace) the failure of `path`; the build goes on."""
        now = dt.datetime.now(dt.timezone.utc).replace(tzinfo=None, microsecond=0)
        self._store_failure(self._connection(), now, work_id, path, error, seconds)
        self.release_if_held()

    @staticmethod
    def _store_failure(con, now, work_id: str | None, path: str, error: str, seconds: float) -> None:
        con.begin()
        try:
            if work_id is None:
                con.execute("DELETE FROM failures WHERE work_id IS NULL AND path = ?", [path])
            else:
                con.execute("DELETE FROM failures WHERE work_id = ? AND path = ?", [work_id, path])
            con.execute("INSERT INTO failures VALUES (?, ?, ?, ?, ?)", [work_id, path, error, now, round(seconds, 3)])
            con.commit()
        except BaseException:
            con.rollback()
            raise
