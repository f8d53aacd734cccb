"""The live display of `ficlens corpus build` (rich), on standard error.

On a terminal: one progress line (done/failed/skipped of total, words per second,
ETA), with each failure printed above it as it happens. Elsewhere (a log file, a
pipe): one plain line per work, so a log says what happened to every file.
"""

from __future__ import annotations

import time

from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from .build import BuildProgress, BuildSummary, Outcome


class RichBuildProgress(BuildProgress):
    def __init__(self, console: Console | None = None):
        self.console = console or Console(stderr=True)
        self.live = self.console.is_terminal
        self.counts = {"stored": 0, "failed": 0, "skipped": 0}
        self.words = 0
        self.total = 0
        self.started = time.monotonic()
        self.progress = Progress(
            TextColumn("[bold]corpus build"),
            BarColumn(),
            TextColumn("{task.completed}/{task.total}"),
            TextColumn("[green]{task.fields[stored]} stored[/] [red]{task.fields[failed]} failed[/] "
                       "{task.fields[skipped]} skipped"),
            TextColumn("{task.fields[rate]}"),
            TextColumn("ETA {task.fields[eta]}"),
            TimeElapsedColumn(),
            console=self.console,
            transient=False,
        )
        self.task = None

    def start(self, total: int, ignored: int) -> None:
        self.total = total
        self.started = time.monotonic()
        if ignored:
            self.console.print(f"{ignored} file(s) of no work format ignored")
        if self.live:
            self.task = self.progress.add_task("build", total=total, stored=0, failed=0, skipped=0,
                                               rate="", eta="?")
            self.progress.start()
        else:
            self.console.print(f"{total} work file(s) found")

    def advance(self, path: str, outcome: Outcome, words: int = 0, note: str | None = None) -> None:
        self.counts[outcome] += 1
        self.words += words
        if self.live:
            if outcome == "failed":
                self.progress.console.print(f"[red]failed[/] {escape(path)}: {escape(note or '')}")
            self.progress.update(self.task, advance=1, **self.counts, rate=self._rate(), eta=self._eta())
        else:
            detail = f" ({words:,} words)" if outcome == "stored" else f": {note}" if note else ""
            self.console.print(f"{outcome} {escape(path)}{escape(detail)}", soft_wrap=True, highlight=False)

    def _rate(self) -> str:
        elapsed = time.monotonic() - self.started
        return f"{self.words / elapsed:,.0f} words/s" if elapsed > 0 and self.words else ""

    def _eta(self) -> str:
        done = sum(self.counts.values())
        elapsed = time.monotonic() - self.started
        if not done or elapsed <= 0:
            return "?"
        seconds = (self.total - done) * elapsed / done
        return time.strftime("%H:%M:%S", time.gmtime(seconds))

    def finish(self, summary: BuildSummary) -> None:
        if self.live:
            self.progress.stop()
        rate = f", {summary.words / summary.seconds:,.0f} words/s" if summary.seconds and summary.words else ""
        self.console.print(
            f"{summary.stored} stored, {summary.failed} failed, {summary.skipped} skipped of {summary.total} "
            f"in {summary.seconds:.1f} s{rate}", highlight=False)
        if summary.failures:
            table = Table("Path", "Error", "When", title="Failures", title_justify="left")
            for failure in summary.failures:
                table.add_row(escape(failure.path), escape(failure.error), failure.when)
            self.console.print(table)

    def stop(self) -> None:
        """End the live display early (Ctrl-C), leaving the terminal clean."""
        if self.live:
            self.progress.stop()
