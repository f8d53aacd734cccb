"""`build_corpus`: analyse every work under some sources into a DuckDB file.

The coordinator (this process) lists the sources, reads each item's bytes, and
names the work by the SHA-256 of those bytes. Works already stored are skipped, so
an interrupted build resumes where it stopped; so are works that failed before
(unless `retry_failed`) and repeats of a work seen earlier in the same run. The
rest go to the workers (`pool.run_local` or `pool.run_dask`), and every result is
written here, by the database's only writer: whole works, a batch per transaction.
"""

from __future__ import annotations

import hashlib
import itertools
import os
import time
from dataclasses import dataclass, field
from typing import Iterable, Iterator, Literal

from ..errors import FiclensError
from .pool import run_dask, run_local
from .sources import find_items
from .store import Writer, connect, stored_ids
from .worker import Task, TaskResult

DEFAULT_TIMEOUT = 1800.0  # seconds per work: a million-word work takes a few minutes

Outcome = Literal["stored", "failed", "skipped"]


def default_workers() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)


@dataclass(frozen=True)
class BuildOptions:
    workers: int = field(default_factory=default_workers)
    scheduler: str | None = None  # tcp://host:port of a Dask scheduler; None = local processes
    timeout: float = DEFAULT_TIMEOUT
    retry_failed: bool = False
    model: str | None = None  # spaCy model for local workers (default: ficlens's)


@dataclass
class Failure:
    path: str
    error: str
    when: str  # "this run" or the time an earlier run recorded it


@dataclass
class BuildSummary:
    total: int = 0  # items found under the sources
    stored: int = 0
    failed: int = 0
    skipped: int = 0
    ignored: list[str] = field(default_factory=list)  # files of no work format
    words: int = 0  # words of the works stored in this run
    seconds: float = 0.0
    worker_cpu: float = 0.0  # CPU seconds the workers spent on the works stored (benchmarks)
    failures: list[Failure] = field(default_factory=list)  # this run's and earlier runs' for these sources

    @property
    def ok(self) -> bool:
        return not self.failures


class BuildProgress:
    """What a build reports as it goes; the CLI's display overrides these."""

    def start(self, total: int, ignored: int) -> None:
        pass

    def advance(self, path: str, outcome: Outcome, words: int = 0, note: str | None = None) -> None:
        pass

    def finish(self, summary: BuildSummary) -> None:
        pass


def build_corpus(sources: Iterable[str | os.PathLike], db: str | os.PathLike,
                 options: BuildOptions | None = None, progress: BuildProgress | None = None) -> BuildSummary:
    """Analyse every work under `sources` into the database `db` (created if new)."""
    options = options or BuildOptions()
    progress = progress or BuildProgress()
    if options.timeout <= 0:
        raise FiclensError("--timeout must be a positive number of seconds")
    listing = find_items(sources)
    summary = BuildSummary(total=len(listing.items), ignored=listing.ignored)
    started = time.monotonic()
    # What earlier runs left, read up front: the writer then lets go of the file every
    # few seconds (readers can query the database during the build).
    with connect(db) as con:
        stored, failed_before = stored_ids(con)
        earlier_failures = _earlier_failures(con)
    writer = Writer(db)
    progress.start(summary.total, len(listing.ignored))
    first_path: dict[str, str] = {}  # work id -> first path handing it out in this run

    def tasks() -> Iterator[Task]:
        for index, item in enumerate(listing.items):
            try:
                data = item.read()
            except FiclensError as exc:
                writer.store_failure(None, item.path, exc.message, 0.0)
                _count(summary, progress, item.path, "failed", note=exc.message)
                summary.failures.append(Failure(item.path, exc.message, "this run"))
                continue
            work_id = hashlib.sha256(data).hexdigest()
            if work_id in stored:
                _count(summary, progress, item.path, "skipped", note="already stored")
            elif work_id in first_path:
                _count(summary, progress, item.path, "skipped", note=f"same content as {first_path[work_id]}")
            elif work_id in failed_before and not options.retry_failed:
                summary.failures.extend(earlier_failures.get(work_id, []))
                _count(summary, progress, item.path, "skipped", note="failed in an earlier run")
            else:
                first_path[work_id] = item.path
                yield Task(index, work_id, item.path, data, options.timeout)

    todo = tasks()
    first = next(todo, None)  # nothing new (a finished build re-run): start no workers
    todo = itertools.chain([first], todo) if first is not None else iter(())
    if first is None:
        results: Iterator[TaskResult | None] = iter(())
    elif options.scheduler:
        results = run_dask(todo, options.scheduler)
    else:
        results = run_local(todo, options.workers, options.model)
    batch = _Batch(writer, summary, progress)
    try:
        for result in results:
            if result is None:  # the pool is waiting on its workers
                batch.flush_if_due()
            elif result.rows is None:
                batch.flush()
                writer.store_failure(result.work_id, result.path, result.error or "failed", result.seconds)
                summary.failures.append(Failure(result.path, result.error or "failed", "this run"))
                _count(summary, progress, result.path, "failed", note=result.error)
            else:
                batch.add(result)
        batch.flush()
    finally:
        if hasattr(results, "close"):
            results.close()  # stops the workers now, also on Ctrl-C
        writer.close()
    summary.seconds = time.monotonic() - started
    progress.finish(summary)
    return summary


class _Batch:
    """Finished works waiting to be written: flushed in one transaction every
    `FLUSH_WORKS` works or `FLUSH_SECONDS`, whichever comes first. A work is reported
    stored only once its transaction has committed."""

    FLUSH_WORKS = 64
    FLUSH_SECONDS = 1.0

    def __init__(self, writer: Writer, summary: BuildSummary, progress: BuildProgress):
        self.writer, self.summary, self.progress = writer, summary, progress
        self.results: list[TaskResult] = []
        self.since = 0.0

    def add(self, result: TaskResult) -> None:
        if not self.results:
            self.since = time.monotonic()
        self.results.append(result)
        self.flush_if_due()

    def flush_if_due(self) -> None:
        if self.results and (len(self.results) >= self.FLUSH_WORKS
                             or time.monotonic() - self.since >= self.FLUSH_SECONDS):
            self.flush()
        self.writer.release_if_held()  # also while waiting on the workers

    def flush(self) -> None:
        if not self.results:
            return
        self.writer.store_works([(r.work_id, r.rows) for r in self.results])
        for r in self.results:
            self.summary.words += r.words
            self.summary.worker_cpu += r.cpu
            _count(self.summary, self.progress, r.path, "stored", words=r.words)
        self.results = []


def _count(summary: BuildSummary, progress: BuildProgress, path: str, outcome: Outcome,
           words: int = 0, note: str | None = None) -> None:
    setattr(summary, outcome, getattr(summary, outcome) + 1)
    progress.advance(path, outcome, words, note)


def _earlier_failures(con) -> dict[str, list[Failure]]:
    """Failures recorded by earlier runs, by work id."""
    out: dict[str, list[Failure]] = {}
    rows = con.execute("SELECT work_id, path, error, failed FROM failures WHERE work_id IS NOT NULL "
                       "ORDER BY path").fetchall()
    for work_id, path, error, failed in rows:
        out.setdefault(work_id, []).append(Failure(path, error, f"{failed:%Y-%m-%d %H:%M:%S} UTC"))
    return out
