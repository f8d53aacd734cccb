"""The exports against the analysis they start from, in the same run.

Reads one full novel (default: a PDNC DEV novel; any file ficlens reads works), runs
the analysis once, then times each `--format` writer on that analysis (json, html,
md, tsv, csv, parquet, epub), each as a ratio to the analysis time, with the size
of what it wrote. Writing should cost little next to analysing.

    python bench/export_bench.py [FILE]
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from pathlib import Path

DEFAULT = Path(__file__).resolve().parent.parent.parent / "shared/eval/pdnc/data/PrideAndPrejudice/novel_text.txt"


def size(paths) -> int:
    return sum(os.path.getsize(p) for p in paths)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("file", nargs="?", default=str(DEFAULT))
    args = parser.parse_args()

    from ficlens import read_work
    from ficlens.export.writers import FOLDER_FORMATS, FORMATS, export
    from ficlens.pipeline import run_layers
    from ficlens.text.nlp import load_nlp

    work = read_work(args.file)
    load_nlp()("warm up")  # model loading is not analysis time
    t0 = time.perf_counter()
    analysis = run_layers(work)
    analysis_seconds = time.perf_counter() - t0
    print(f"file: {Path(args.file).name}  words: {work.word_count:,}  chapters: {len(work.chapters)}  "
          f"quotations: {len(analysis.quotations):,}")
    print(f"analysis (all layers): {analysis_seconds:6.1f} s")
    with tempfile.TemporaryDirectory() as tmp:
        for fmt in FORMATS:
            out = Path(tmp) / (fmt if fmt in FOLDER_FORMATS else f"out.{fmt}")
            t0 = time.perf_counter()
            written = export(analysis, fmt, out, book_id="novel")
            seconds = time.perf_counter() - t0
            print(f"--format {fmt:8s} {seconds:6.2f} s  {seconds / analysis_seconds:6.3f} of the analysis  "
                  f"{size(written) / 2**20:6.1f} MB")


if __name__ == "__main__":
    main()
