"""Run every fuzz harness for a bounded time and report what it found.

    .venv/bin/pip install atheris          # once; not a project dependency
    .venv/bin/python bench/fuzz/run_fuzz.py --seconds 600
    .venv/bin/python bench/fuzz/run_fuzz.py --seconds 60 --only html,epub

Each harness gets a corpus folder seeded from the test fixtures (under --workdir,
kept between runs so a campaign can resume), runs under libFuzzer with a per-input
timeout and an RSS limit, and is restarted after a crash until its time is spent.
Crash, timeout and out-of-memory inputs are saved under WORKDIR/artifacts/; turn
each into a regression fixture in tests/fixtures/fuzz/ (see README.md there).
Prints one Markdown row per harness for BENCHMARKS.md.
"""

from __future__ import annotations

import argparse
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
FIXTURES = ROOT / "tests" / "fixtures"
sys.path.insert(0, str(ROOT / "tests"))

PER_INPUT_TIMEOUT = 10  # seconds: a reader taking longer on a small input hangs
RSS_LIMIT_MB = 3072
MAX_LEN = 64 * 1024


def html_seeds() -> list[Path]:
    files = [p for p in FIXTURES.rglob("*.html") if "epub" not in p.parts]
    return files + [ROOT / "src" / "ficlens" / "examples" / "lighthouse.html"]


def write_seeds(harness: str, corpus: Path) -> None:
    """Fill an empty corpus folder with the fixtures, in the harness's input layout."""
    if harness == "html":
        for path in html_seeds():
            shutil.copy(path, corpus / path.name)
    elif harness == "text":
        for path in list(FIXTURES.rglob("*.txt")) + list(FIXTURES.rglob("*.md")):
            if "bad" not in path.parts:
                flag = b"\x01" if path.suffix == ".md" else b"\x00"
                (corpus / path.name).write_bytes(flag + path.read_bytes())
    elif harness == "zip":
        from epub_builder import EPUB_FIXTURES, build_epub

        for folder in sorted(EPUB_FIXTURES.iterdir()):
            (corpus / f"{folder.name}.epub").write_bytes(build_epub(folder.name))
    elif harness == "epub":
        subprocess.run([sys.executable, str(HERE / "fuzz_epub.py"), "--seeds", str(corpus)], check=True,
                       capture_output=True)


HARNESSES = {  # name -> (script, dictionary)
    "html": ("fuzz_html.py", "html.dict"),
    "text": ("fuzz_text.py", "text.dict"),
    "zip": ("fuzz_zip.py", None),
    "epub": ("fuzz_epub.py", "xml.dict"),
}

_DONE_RE = re.compile(r"Done (\d+) runs in (\d+) second")
_COV_RE = re.compile(r"cov: (\d+) ft: (\d+) corp: (\d+)")


def run_harness(name: str, seconds: int, workdir: Path) -> dict:
    script, dictionary = HARNESSES[name]
    corpus = workdir / "corpus" / name
    artifacts = workdir / "artifacts" / name
    artifacts.mkdir(parents=True, exist_ok=True)
    if not corpus.exists() or not any(corpus.iterdir()):
        corpus.mkdir(parents=True, exist_ok=True)
        write_seeds(name, corpus)
    seeds = len(list(corpus.iterdir()))
    runs = restarts = 0
    cov = features = corpus_size = 0
    log = workdir / f"{name}.log"
    deadline = time.monotonic() + seconds
    with log.open("w") as out:
        while (left := int(deadline - time.monotonic())) > 0 and restarts < 50:
            command = [sys.executable, str(HERE / script), str(corpus), f"-max_total_time={left}",
                       f"-timeout={PER_INPUT_TIMEOUT}", f"-rss_limit_mb={RSS_LIMIT_MB}",
                       f"-max_len={MAX_LEN}", f"-artifact_prefix={artifacts}/", "-print_final_stats=1"]
            if dictionary:
                command.append(f"-dict={HERE / dictionary}")
            result = subprocess.run(command, capture_output=True, text=True, errors="replace")
            out.write(result.stderr)
            for m in _COV_RE.finditer(result.stderr):
                cov, features, corpus_size = map(int, m.groups())
            done = _DONE_RE.search(result.stderr)
            stat = re.search(r"stat::number_of_executed_units: (\d+)", result.stderr)
            runs += int(done.group(1)) if done else int(stat.group(1)) if stat else 0
            if done:  # time used up without a crash
                break
            restarts += 1
    found = sorted(p.name for p in artifacts.iterdir())
    return {"harness": name, "seconds": seconds, "runs": runs, "seeds": seeds, "corpus": corpus_size,
            "coverage": cov, "features": features, "restarts": restarts, "artifacts": found, "log": str(log)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=int, default=300, help="time per harness")
    parser.add_argument("--only", default=",".join(HARNESSES), help="comma-separated harness names")
    parser.add_argument("--workdir", type=Path, default=Path("/tmp/ficlens-fuzz"))
    args = parser.parse_args()
    print("| harness | seconds | inputs run | seed files | corpus at end | coverage (edges/features) | crash artifacts |")
    print("|---|---:|---:|---:|---:|---|---|")
    for name in args.only.split(","):
        r = run_harness(name.strip(), args.seconds, args.workdir)
        print(f"| {r['harness']} | {r['seconds']} | {r['runs']:,} | {r['seeds']} | {r['corpus']} | "
              f"{r['coverage']}/{r['features']} | {', '.join(r['artifacts']) or 'none'} |", flush=True)


if __name__ == "__main__":
    main()
