"""Ingest throughput: MB/s of AO3 HTML and EPUB read on one core.

Builds a large AO3 download (and its EPUB) from the bundled example work by
repeating its chapters, then times `read_bytes` over it. Prints a Markdown row
for BENCHMARKS.md.  Usage: python bench/ingest_bench.py [--repeat 60]
"""

from __future__ import annotations

import argparse
import io
import os
import re
import sys
import time
import zipfile
from pathlib import Path

from ficlens import read_bytes

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "src" / "ficlens" / "examples" / "lighthouse.html"


def big_ao3_html(repeat: int) -> bytes:
    """The example work with its chapters repeated `repeat` times (renumbered)."""
    html = EXAMPLE.read_text("utf-8")
    start = html.index('<div id="chapters"')
    end = html.index('<div id="afterword"')
    chapters_block = html[start:end]
    inner_start = chapters_block.index(">") + 1
    inner_end = chapters_block.rindex("</div>")
    inner = chapters_block[inner_start:inner_end]
    body = "".join(inner for _ in range(repeat))
    return (html[:start] + chapters_block[:inner_start] + body + "</div>\n" + html[end:]).encode("utf-8")


def epub_of(html: bytes) -> bytes:
    """A pre-2019-layout AO3 EPUB holding the same chapters, one file per chapter."""
    text = html.decode("utf-8")
    chunks = re.split(r'(?=<div class="meta group">)', text[text.index('<div id="chapters"'):])
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr(zipfile.ZipInfo("mimetype"), "application/epub+zip")
        zf.writestr("META-INF/container.xml", '<?xml version="1.0"?><container version="1.0" xmlns="urn:oasis:names:tc:opendocument:xmlns:container"><rootfiles><rootfile full-path="OEBPS/content.opf" media-type="application/oebps-package+xml"/></rootfiles></container>')
        manifest, spine = [], []
        preface = text[: text.index('<div id="chapters"')] + "</body></html>"
        zf.writestr("OEBPS/preface.xhtml", preface)
        manifest.append('<item id="preface" href="preface.xhtml" media-type="application/xhtml+xml"/>')
        spine.append('<itemref idref="preface"/>')
        for i, chunk in enumerate(chunks[1:], 1):
            zf.writestr(f"OEBPS/chapter{i}_1.xhtml", f'<html xmlns="http://www.w3.org/1999/xhtml"><body><div id="chapters" class="userstuff">{chunk}</div></body></html>')
            manifest.append(f'<item id="c{i}" href="chapter{i}_1.xhtml" media-type="application/xhtml+xml"/>')
            spine.append(f'<itemref idref="c{i}"/>')
        zf.writestr("OEBPS/content.opf", '<?xml version="1.0"?><package xmlns="http://www.idpf.org/2007/opf" version="2.0"><metadata xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:title>Bench</dc:title><dc:identifier>https://archiveofourown.org/works/1</dc:identifier></metadata>'
                    f'<manifest>{"".join(manifest)}</manifest><spine>{"".join(spine)}</spine></package>')
    return buf.getvalue()


def throughput(data: bytes, name: str, rounds: int) -> tuple[float, float]:
    """Best-of-`rounds` MB/s by CPU time (what one core does, whatever else the
    machine runs) and by wall-clock time."""
    read_bytes(data, name)  # warm-up
    best_cpu = best_wall = float("inf")
    for _ in range(rounds):
        wall0, cpu0 = time.perf_counter(), time.process_time()
        read_bytes(data, name)
        best_cpu = min(best_cpu, time.process_time() - cpu0)
        best_wall = min(best_wall, time.perf_counter() - wall0)
    return len(data) / best_cpu / 1e6, len(data) / best_wall / 1e6


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=60, help="chapter repetitions (default 60)")
    parser.add_argument("--rounds", type=int, default=15)
    args = parser.parse_args()
    html = big_ao3_html(args.repeat)
    epub = epub_of(html)
    html_cpu, html_wall = throughput(html, "bench.html", args.rounds)
    epub_cpu, epub_wall = throughput(epub, "bench.epub", args.rounds)
    load = " / ".join(f"{x:.2f}" for x in os.getloadavg())
    print(f"load average {load}; MB/s by CPU time (one core) and by wall clock, best of {args.rounds}")
    print("| input | size | MB/s (CPU time) | MB/s (wall) |")
    print("|---|---|---|---|")
    print(f"| AO3 download HTML | {len(html) / 1e6:.1f} MB | {html_cpu:.1f} | {html_wall:.1f} |")
    print(f"| AO3 EPUB (pre-2019 layout, deflated; MB of compressed EPUB) | {len(epub) / 1e6:.1f} MB | {epub_cpu:.1f} | {epub_wall:.1f} |")
    sys.exit(0 if html_cpu >= 20 else 1)


if __name__ == "__main__":
    main()
