"""`ficlens corpus build` throughput with 1 and 2 workers against analysing the same
works one by one in one process, in the same run.

Generates a corpus (never committed): the PDNC novels cut at paragraph breaks into
plain-text works of about --words-per-work words, written under --out. Then times

  1. per-work analysis: one process, model loaded once, each file read and run
     through `ficlens.analyze` (what `ficlens analyze` does per file, without the
     process start-up) — the baseline;
  2. `build_corpus` with 1 worker into a new database;
  3. `build_corpus` with 2 workers into another new database.

Builds are timed from the call to its return: worker start-up and model loading,
hashing, and every database write are included. Prints works/minute and words/second
for each, the overhead of a 1-worker build over the baseline (target <= 10%) and the
speed-up of 2 workers over 1 (target >= 1.7x); exits 1 when a target is missed.

Wall-clock figures need a quiet machine: with other processes busy, the workers get
less than their cores. CPU seconds are printed too — the baseline's, and a build's
coordinator plus the workers' per-work CPU (worker start-up not included) — as a
load-independent measure of the overhead, not of the speed-up.

    python bench/corpus_bench.py [--max-works N] [--words-per-work W]
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import sys
import time
from pathlib import Path

DEFAULT_PDNC = Path(__file__).resolve().parent.parent.parent / "shared/eval/pdnc/data"


def cut_novels(pdnc: Path, out: Path, words_per_work: int, max_works: int | None) -> list[Path]:
    """Write the novels as works of about `words_per_work` words, cut between paragraphs."""
    if out.exists():
        shutil.rmtree(out)
    out.mkdir(parents=True)
    files: list[Path] = []
    for novel in sorted(p for p in pdnc.iterdir() if (p / "novel_text.txt").exists()):
        paragraphs = [p for p in (novel / "novel_text.txt").read_text("utf-8").split("\n\n") if p.strip()]
        piece: list[str] = []
        words = 0
        for paragraph in paragraphs:
            piece.append(paragraph)
            words += len(paragraph.split())
            if words >= words_per_work:
                files.append(_write(out, novel.name, len(files), piece))
                piece, words = [], 0
        if piece:
            files.append(_write(out, novel.name, len(files), piece))
    if max_works is not None and len(files) > max_works:
        # An even sample across the novels, not the first few novels only.
        step = len(files) / max_works
        keep = {files[int(i * step)] for i in range(max_works)}
        for path in files:
            if path not in keep:
                path.unlink()
        files = sorted(keep)
    return files


def _write(out: Path, novel: str, number: int, paragraphs: list[str]) -> Path:
    path = out / f"{novel}_{number:05d}.txt"
    path.write_text("\n\n".join(paragraphs) + "\n", encoding="utf-8")
    return path


def cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pdnc", type=Path, default=DEFAULT_PDNC, help="PDNC data folder (novel folders)")
    parser.add_argument("--out", type=Path, default=Path("/tmp/ficlens-corpus-bench"))
    parser.add_argument("--words-per-work", type=int, default=800)
    parser.add_argument("--max-works", type=int, default=None)
    args = parser.parse_args()

    from ficlens import analyze, read_work
    from ficlens.corpus.build import BuildOptions, build_corpus
    from ficlens.text.nlp import load_nlp

    works_dir = args.out / "works"
    files = cut_novels(args.pdnc, works_dir, args.words_per_work, args.max_works)
    print(f"corpus: {len(files):,} works in {works_dir} (~{args.words_per_work} words each); "
          f"load average {os.getloadavg()[0]:.2f}", flush=True)

    load_nlp()("warm up")  # model loading is not per-work analysis time
    words = 0
    cpu0, t0 = cpu_seconds(), time.perf_counter()
    for path in files:
        work = read_work(path)
        analyze(work)
        words += work.word_count
    baseline, baseline_cpu = time.perf_counter() - t0, cpu_seconds() - cpu0
    print(f"per-work analyze, 1 process: {baseline:8.1f} s  CPU {baseline_cpu:.1f} s  "
          f"load {os.getloadavg()[0]:.2f}", flush=True)

    results, cpus = {}, {}
    for workers in (1, 2):
        db = args.out / f"corpus-{workers}.duckdb"
        db.unlink(missing_ok=True)
        cpu0, t0 = cpu_seconds(), time.perf_counter()
        summary = build_corpus([works_dir], db, BuildOptions(workers=workers))
        seconds, coordinator_cpu = time.perf_counter() - t0, cpu_seconds() - cpu0
        if summary.stored != len(files) or summary.words != words:
            sys.exit(f"build with {workers} worker(s) stored {summary.stored} works, {summary.words} words; "
                     f"expected {len(files)}, {words}")
        results[workers] = seconds
        cpus[workers] = coordinator_cpu + summary.worker_cpu
        print(f"corpus build, {workers} worker(s):  {seconds:8.1f} s  CPU {cpus[workers]:.1f} s (coordinator "
              f"{coordinator_cpu:.1f} s, workers {summary.worker_cpu:.1f} s)  load {os.getloadavg()[0]:.2f}", flush=True)

    print()
    print(f"{'':28} {'seconds':>9} {'works/min':>10} {'words/s':>9} {'CPU s':>8}")
    for label, seconds, cpu in (("per-work analyze (baseline)", baseline, baseline_cpu),
                                ("corpus build, 1 worker", results[1], cpus[1]),
                                ("corpus build, 2 workers", results[2], cpus[2])):
        print(f"{label:28} {seconds:9.1f} {len(files) / seconds * 60:10.0f} {words / seconds:9.0f} {cpu:8.1f}")
    overhead = results[1] / baseline - 1
    speedup = results[1] / results[2]
    print(f"\n{len(files):,} works, {words:,} words")
    print(f"overhead of a 1-worker build over per-work analysis: {overhead:+.1%} wall clock (target <= 10%), "
          f"{cpus[1] / baseline_cpu - 1:+.1%} in CPU seconds (2 workers: {cpus[2] / baseline_cpu - 1:+.1%})")
    print(f"speed-up, 2 workers over 1: {speedup:.2f}x (target >= 1.7x); "
          f"2 workers over the baseline: {baseline / results[2]:.2f}x")
    print(f"load average at the end: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    sys.exit(0 if overhead <= 0.10 and speedup >= 1.7 else 1)


if __name__ == "__main__":
    main()
