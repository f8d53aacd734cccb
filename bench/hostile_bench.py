"""Hostile files: time and peak memory of each named case in tests/hostile_files.py.

Each case runs `--rounds` times, each in a fresh spawned process (so one case's
memory never carries into the next); the table gives the median time, the largest
growth of peak RSS over the process's RSS before the read (model loading and
building the file excluded), and the bound tests/test_hostile_files.py asserts.
Prints a Markdown table for BENCHMARKS.md, with the load average.

    flock /tmp/ficlens-bench.lock .venv/bin/python bench/hostile_bench.py --rounds 3
    flock /tmp/ficlens-bench.lock .venv/bin/python bench/hostile_bench.py --rounds 1 --model --only analysed
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import statistics
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

from hostile_files import CASES, run_case  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--only", default="", help="run the cases whose name contains this")
    parser.add_argument("--model", action="store_true",
                        help="analyse every analysed case with the shipped spaCy model (the test suite "
                             "uses a tokenizer-only pipeline for the 5,000-chapter work)")
    args = parser.parse_args()
    context = multiprocessing.get_context("spawn")
    print(f"load average before: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    print("| case | input | outcome | time (median) | bound | peak memory growth (max) | bound |")
    print("|---|---:|---|---:|---:|---:|---:|")
    for name, case in CASES.items():
        if args.only not in name:
            continue
        results = []
        for _ in range(args.rounds):
            with context.Pool(1) as pool:
                results.append(pool.apply(run_case, (name, "model" if args.model else None)))
        outcome = results[0].outcome
        outcome = "read" if outcome == "read" else ("refused" if outcome.startswith("refused") else outcome[:60])
        if any(r.problem for r in results):
            outcome += " (check failed)"
        seconds = statistics.median(r.seconds for r in results)
        megabytes = max(r.megabytes for r in results)
        size = results[0].input_bytes
        size_text = f"{size / 2**20:.1f} MB" if size >= 2**20 else f"{size / 1024:.0f} KB"
        print(f"| {name} | {size_text} | {outcome} | {seconds:.3f} s | {case.seconds:g} s | "
              f"{megabytes:.1f} MB | {case.megabytes:g} MB |", flush=True)
    print(f"load average after: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()
