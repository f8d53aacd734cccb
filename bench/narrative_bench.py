"""What the narrative layers (issue 4) add to `ficlens analyze` time, in one run.

Reads one full novel (default: Pride and Prejudice from PDNC; any file ficlens reads
works), loads the spaCy model once, then times the whole of `ficlens.analyze` — the
layers and the JSON document — twice per round: without the narrative layers (the
pipeline's `LAYERS` up to `speakers`) and with every layer, alternating which goes
first from round to round so a drift in machine load falls on both. Each layer's own
time in the full runs is printed too. The target: the narrative layers add at most
25% (ratio full / without <= 1.25, from the best time of each).

    python bench/narrative_bench.py [FILE] [--rounds N]
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections import defaultdict
from pathlib import Path

DEFAULT = Path(__file__).resolve().parent.parent.parent / "shared/eval/pdnc/data/PrideAndPrejudice/novel_text.txt"
NARRATIVE = ("times", "places", "scenes", "interactions", "profiles", "tag_check")
TARGET = 1.25


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("file", nargs="?", default=str(DEFAULT))
    parser.add_argument("--rounds", type=int, default=2)
    args = parser.parse_args()

    from ficlens import read_work
    from ficlens.pipeline import LAYERS, analyze
    from ficlens.text.nlp import load_nlp

    names = [name for name, _ in LAYERS]
    present = [name for name in NARRATIVE if name in names]
    base = [(name, layer) for name, layer in LAYERS if name not in NARRATIVE]
    layer_seconds: dict[str, list[float]] = defaultdict(list)

    def timed(name, layer):
        def run(analysis):
            t0 = time.perf_counter()
            layer(analysis)
            layer_seconds[name].append(time.perf_counter() - t0)
        return run

    full = [(name, timed(name, layer)) for name, layer in LAYERS]
    work = read_work(args.file)
    load_nlp()("warm up")  # model loading is not analysis time for either side

    seconds: dict[str, list[float]] = {"without": [], "full": []}
    doc = None
    for round_number in range(args.rounds):
        order = [("without", base), ("full", full)]
        if round_number % 2:
            order.reverse()
        for label, layers in order:
            t0 = time.perf_counter()
            result = analyze(work, layers=layers)
            seconds[label].append(time.perf_counter() - t0)
            if label == "full":
                doc = result

    best_without, best_full = min(seconds["without"]), min(seconds["full"])
    load = os.getloadavg()
    print(f"file: {Path(args.file).name}  words: {work.word_count:,}  chapters: {len(work.chapters)}  "
          f"rounds: {args.rounds}  load average: {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}")
    print("analyze without narrative layers: " + ", ".join(f"{s:.1f}" for s in seconds["without"]) + " s")
    print("analyze with every layer:         " + ", ".join(f"{s:.1f}" for s in seconds["full"]) + " s")
    for name in names:
        runs = layer_seconds.get(name, [])
        if runs:
            mark = " (narrative)" if name in NARRATIVE else ""
            print(f"  {name:<13} {min(runs):7.2f} s{mark}")
    narrative_best = sum(min(layer_seconds[n]) for n in present if layer_seconds.get(n))
    ratio = best_full / best_without
    print(f"narrative layers present: {', '.join(present)}; their own time (best of each): {narrative_best:.2f} s")
    print(f"ratio with / without (best times): {ratio:.3f}  target <= {TARGET}  "
          f"(times {len(doc['times']):,}, places {len(doc['places']):,}, scenes {len(doc['scenes']):,})")
    sys.exit(0 if ratio <= TARGET else 1)


if __name__ == "__main__":
    main()
