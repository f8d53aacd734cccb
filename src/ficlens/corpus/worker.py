"""The work a corpus build hands out: analyse one file's bytes, return table rows.

`analyse_task(task)` is the whole of it, and the same function runs in a local
worker process or on a Dask worker. Each process loads the spaCy model once
(`load_nlp` is cached per process; `init_worker` loads it up front so the first
work is not charged for it). Every outcome is a plain picklable `TaskResult`:
nothing a worker raises ends the build.

The per-work time limit is enforced inside the worker by `time_limit`: a timer
thread raises `WorkTimeout` in the analysing thread (CPython checks for it between
bytecodes, so within one spaCy batch). It works in a Dask worker's thread pool,
where signals cannot. Code stuck inside one C call never sees it; the local pool
therefore also kills a worker that overruns the limit by a grace period.
"""

from __future__ import annotations

import ctypes
import threading
import time
import traceback
from dataclasses import dataclass
from typing import Any

from ..errors import FiclensError


@dataclass(frozen=True)
class Task:
    index: int  # position in the build's item list
    work_id: str
    path: str
    data: bytes
    timeout: float


@dataclass(frozen=True)
class TaskResult:
    index: int
    work_id: str
    path: str
    seconds: float
    words: int = 0
    rows: dict[str, dict[str, list[Any]]] | None = None  # None when it failed
    error: str | None = None
    cpu: float = 0.0  # CPU seconds the worker process spent on it (for benchmarks)


class WorkTimeout(Exception):
    """The analysis of one work ran past the build's per-work time limit."""


class time_limit:
    """Raise `WorkTimeout` in the current thread once `seconds` have passed."""

    def __init__(self, seconds: float):
        self.seconds = seconds
        self._thread_id = threading.get_ident()
        self._lock = threading.Lock()
        self._done = False
        self._fired = False
        self._timer = threading.Timer(seconds, self._fire)
        self._timer.daemon = True

    def _fire(self) -> None:
        with self._lock:
            if not self._done:
                self._fired = True
                ctypes.pythonapi.PyThreadState_SetAsyncExc(
                    ctypes.c_ulong(self._thread_id), ctypes.py_object(WorkTimeout))

    def __enter__(self) -> time_limit:
        self._timer.start()
        return self

    def __exit__(self, exc_type, exc, tb) -> bool:
        self._timer.cancel()
        with self._lock:
            self._done = True
            fired = self._fired
        if fired:
            # The exception may still be pending (not yet delivered): clear it so it
            # cannot surface later, outside this block.
            ctypes.pythonapi.PyThreadState_SetAsyncExc(ctypes.c_ulong(self._thread_id), None)
            if exc_type is None or issubclass(exc_type, WorkTimeout):
                raise WorkTimeout(f"analysis took longer than the {self.seconds:g} s limit per work")
        return False


_model: str | None = None  # the model `init_worker` loaded; analyse_task uses the same


def init_worker(model: str | None = None) -> None:
    """Load the spaCy model once in this process, before the first work arrives."""
    global _model
    from ..text.nlp import DEFAULT_MODEL, load_nlp

    _model = model or DEFAULT_MODEL
    # A whole (tiny) analysis, not just the model: the layers import their modules on
    # first use (networkx, ...), and a time limit firing inside an import would leave a
    # half-imported module that breaks every later work in this process.
    from ..ingest import read_bytes
    from ..pipeline import run_layers

    run_layers(read_bytes(b'Warm up.\n\n"Hello, Ann," said Tom.\n', "warm-up.txt"), nlp=load_nlp(_model))


def analyse_task(task: Task) -> TaskResult:
    """Read and analyse one work; never raises (failures come back as `error`)."""
    from ..ingest import read_bytes
    from ..pipeline import run_layers
    from ..text.nlp import load_nlp
    from .rows import work_rows

    started, cpu_started = time.perf_counter(), time.process_time()
    try:
        with time_limit(task.timeout):
            work = read_bytes(task.data, task.path)
            analysis = run_layers(work, nlp=load_nlp(_model) if _model else load_nlp())  # BuildOptions.model
            seconds = time.perf_counter() - started
            rows = work_rows(task.work_id, task.path, analysis, seconds)
        return TaskResult(task.index, task.work_id, task.path, seconds, work.word_count, rows,
                          cpu=time.process_time() - cpu_started)
    except FiclensError as exc:
        error = exc.message
    except WorkTimeout as exc:
        error = str(exc)
    except MemoryError:
        error = "out of memory while analysing this work"
    except Exception as exc:  # a bug in ficlens on this input: recorded, the build goes on
        frame = traceback.extract_tb(exc.__traceback__)[-1]
        error = f"internal error: {type(exc).__name__}: {exc} (at {frame.filename.rsplit('/', 1)[-1]}:{frame.lineno})"
    return TaskResult(task.index, task.work_id, task.path, time.perf_counter() - started, error=error)
