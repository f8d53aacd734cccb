"""Named hostile files (tests/hostile_files.py): each gives its correct result or a
clean error, within its time and memory bound.

The cases run one after another in one spawned worker process, so that each read's
peak memory is measured on its own and a hang cannot take the test run with it.
Bounds are about ten times what bench/hostile_bench.py measures, for a loaded
machine; the measured figures are in BENCHMARKS.md.
"""

from __future__ import annotations

import multiprocessing

import pytest

from hostile_files import CASES, run_case


@pytest.fixture(scope="module")
def worker():
    pool = multiprocessing.get_context("spawn").Pool(1)
    yield pool
    pool.terminate()  # also ends a case that hung past its bound
    pool.join()


@pytest.mark.parametrize("name", list(CASES))
def test_hostile_file(name, worker):
    case = CASES[name]
    try:
        # model loading and building the file are outside the measured bound
        result = worker.apply_async(run_case, (name,)).get(timeout=case.seconds + 120)
    except multiprocessing.TimeoutError:
        pytest.fail(f"{name}: still running after {case.seconds + 120:.0f}s")
    if case.refused:
        assert result.outcome.startswith("refused: ") and case.refused in result.outcome, result.outcome
    else:
        assert result.outcome == "read", result.outcome
        assert result.problem is None, result.problem
    assert result.seconds < case.seconds, f"{result.seconds:.1f}s, bound {case.seconds}s"
    assert result.megabytes < case.megabytes, f"{result.megabytes:.0f} MB, bound {case.megabytes} MB"
