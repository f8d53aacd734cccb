"""Where tasks run: a local process pool, or a Dask cluster. Both take an iterator
of `Task`s and yield `TaskResult`s as they finish (in completion order), holding
only a bounded number of tasks in flight so a corpus of any size streams through.

The local pool is our own small one rather than `concurrent.futures`: it keeps
each worker's task in view so that a worker stuck past the time limit, or killed
by the system (out of memory), costs one failure row and a respawned worker, not
the run. Workers are started through the `forkserver` method (clean processes, not
forks of a coordinator holding DuckDB's threads) and load the model once each.
"""

from __future__ import annotations

import multiprocessing
import os
import threading
import time
from multiprocessing.connection import Connection, wait
from typing import Iterator

from .worker import Task, TaskResult, analyse_task, init_worker

# How long past the per-work limit a local worker may go before it is killed: the
# in-worker limit normally fires first; this catches code stuck inside C.
KILL_GRACE_SECONDS = 30.0
# While waiting on workers, both runners yield None at least this often, so the
# caller can write finished works without waiting for the next result.
TICK_SECONDS = 1.0


def _exit_with_coordinator(lifeline: Connection) -> None:
    """Stop this worker when the coordinator is gone (SIGKILLed, say), rather than
    analysing on for nobody: a daemon thread waits on a pipe only the coordinator
    holds open, and reads end-of-file the moment it dies."""

    def watch() -> None:
        try:
            lifeline.recv_bytes()
        except (EOFError, OSError):
            pass
        os._exit(0)

    threading.Thread(target=watch, daemon=True, name="ficlens-lifeline").start()


def _worker_main(conn: Connection, lifeline: Connection, model: str | None) -> None:
    _exit_with_coordinator(lifeline)
    init_worker(model)
    conn.send("ready")
    while True:
        try:
            task = conn.recv()
        except (EOFError, OSError):  # the coordinator is gone: stop, do not linger
            return
        if task is None:
            return
        try:
            conn.send(analyse_task(task))
        except (BrokenPipeError, OSError):
            return


class _Worker:
    def __init__(self, context, model: str | None):
        self.conn, child = context.Pipe()
        lifeline, self._lifeline = context.Pipe(duplex=False)  # we never write; the worker sees EOF when we die
        self.process = context.Process(target=_worker_main, args=(child, lifeline, model), daemon=True)
        self.process.start()
        child.close()
        lifeline.close()
        self.ready = False
        self.task: Task | None = None
        self.started = 0.0

    def give(self, task: Task) -> None:
        self.task, self.started = task, time.monotonic()
        self.conn.send(task)

    def kill(self) -> None:
        self.process.kill()
        self.process.join()
        self.conn.close()
        self._lifeline.close()


def run_local(tasks: Iterator[Task], workers: int, model: str | None = None) -> Iterator[TaskResult | None]:
    """Run `tasks` on `workers` local processes, one task per worker at a time."""
    context = multiprocessing.get_context("forkserver")
    # Imported once in the fork server, shared by every worker forked from it.
    context.set_forkserver_preload(["spacy", "ficlens.corpus.worker", "ficlens.pipeline", "ficlens.text.nlp"])
    pool = [_Worker(context, model) for _ in range(max(1, workers))]
    pending = iter(tasks)
    exhausted = False

    def feed(worker: _Worker) -> None:
        nonlocal exhausted
        task = None if exhausted else next(pending, None)
        if task is None:
            exhausted = True
            worker.task = None
        else:
            worker.give(task)

    try:
        while True:
            busy = [w for w in pool if w.task is not None or not w.ready]
            if exhausted and not busy:
                return
            deadline = min((w.started + w.task.timeout + KILL_GRACE_SECONDS for w in busy if w.task), default=None)
            timeout = TICK_SECONDS if deadline is None else min(TICK_SECONDS, max(0.0, deadline - time.monotonic()))
            ready = wait([w.conn for w in busy] + [w.process.sentinel for w in busy], timeout)
            if not ready:
                yield None  # a tick: the caller may write what it holds
            for index, worker in enumerate(list(pool)):
                if worker.conn in ready:
                    try:
                        message = worker.conn.recv()
                    except (EOFError, OSError):
                        message = None  # died while answering: handled below
                    if message == "ready":
                        worker.ready = True
                        feed(worker)
                        continue
                    if isinstance(message, TaskResult):
                        feed(worker)  # next work first, so the worker is not idle while we write
                        yield message
                        continue
                overdue = worker.task is not None and time.monotonic() > (
                    worker.started + worker.task.timeout + KILL_GRACE_SECONDS)
                died = worker.process.sentinel in ready or worker.conn in ready
                if overdue or died:
                    task = worker.task
                    worker.kill()
                    code = worker.process.exitcode
                    pool[index] = _Worker(context, model)
                    if task is not None:
                        reason = (f"analysis did not stop within {task.timeout:g} s (+{KILL_GRACE_SECONDS:g} s grace);"
                                  " worker killed" if overdue else
                                  f"worker process died while analysing this work (exit code {code})")
                        yield TaskResult(task.index, task.work_id, task.path,
                                         time.monotonic() - worker.started, error=reason)
                    elif not worker.ready:
                        raise RuntimeError(f"a corpus worker process failed to start (exit code {code})")
    finally:
        for worker in pool:
            if worker.process.is_alive():
                try:
                    worker.conn.send(None)
                except OSError:
                    pass
        for worker in pool:
            worker.process.join(timeout=5)
            if worker.process.is_alive():
                worker.kill()


def run_dask(tasks: Iterator[Task], scheduler: str) -> Iterator[TaskResult | None]:
    """Run `tasks` on the Dask cluster at `scheduler` (tcp://host:port). Results stream
    back as they complete; this process stays the only writer of the database."""
    from distributed import Client, as_completed

    from ..errors import FiclensError

    try:
        client = Client(scheduler, timeout="20s")
    except (OSError, TimeoutError) as exc:
        raise FiclensError(f"cannot connect to the Dask scheduler at {scheduler}: {exc}") from exc
    try:
        threads = sum(client.nthreads().values()) or 1
        window = 2 * threads  # enough queued to keep every worker thread busy
        running: dict = {}
        completed = as_completed()
        pending = iter(tasks)

        def submit() -> bool:
            task = next(pending, None)
            if task is None:
                return False
            future = client.submit(analyse_task, task, pure=False, key=f"ficlens-{task.work_id}-{task.index}")
            running[future.key] = task
            completed.add(future)
            return True

        for _ in range(window):
            if not submit():
                break
        last_tick = time.monotonic()
        while not completed.is_empty():
            if not completed.has_ready():
                time.sleep(0.02)
                if time.monotonic() - last_tick >= TICK_SECONDS:
                    last_tick = time.monotonic()
                    yield None
                continue
            for future in completed.next_batch(block=False):
                task = running.pop(future.key)
                try:
                    result = future.result()
                except Exception as exc:  # the worker died (KilledWorker) or the task was lost
                    result = TaskResult(task.index, task.work_id, task.path, 0.0,
                                        error=f"Dask task failed: {type(exc).__name__}: {exc}")
                future.release()
                submit()
                yield result
    finally:
        client.close()
