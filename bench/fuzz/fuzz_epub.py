"""Fuzz the EPUB readers behind a valid zip: one member of a fixture EPUB
(container.xml, the OPF, the NCX or a content document) is replaced by the fuzzed
bytes, and the archive is zipped again with correct CRCs.

Input layout: byte 0 picks the fixture, byte 1 the member, the rest is its content.
`python fuzz_epub.py --seeds DIR` writes one seed per member of every fixture."""

from __future__ import annotations

import sys

from _harness import check, fuzz
from epub_builder import epub_from_members, fixture_members

FIXTURES = ("ao3_calibre", "ao3_calibre_nopreface", "ao3_legacy", "fanficfare_ao3", "fanficfare_table")
MEMBERS = {name: fixture_members(name) for name in FIXTURES}


def one_input(data: bytes) -> None:
    if len(data) < 2:
        return
    fixture = FIXTURES[data[0] % len(FIXTURES)]
    members = dict(MEMBERS[fixture])
    names = [n for n in members if n != "mimetype"]
    members[names[data[1] % len(names)]] = data[2:]
    check(epub_from_members(members), f"{fixture}.epub")


def write_seeds(folder: str) -> None:
    from pathlib import Path

    out = Path(folder)
    out.mkdir(parents=True, exist_ok=True)
    for f, fixture in enumerate(FIXTURES):
        names = [n for n in MEMBERS[fixture] if n != "mimetype"]
        for m, name in enumerate(names):
            (out / f"{fixture}-{m}").write_bytes(bytes([f, m]) + MEMBERS[fixture][name])


if __name__ == "__main__":
    if sys.argv[1:2] == ["--seeds"]:
        write_seeds(sys.argv[2])
    else:
        fuzz(one_input)
