"""What every fuzz harness shares: ficlens instrumented for coverage, and the rule
that a reader may return a `Work` or raise `FiclensError` and nothing else.

Any other exception escapes to atheris, which saves the input as a crash artifact.
A hang (libFuzzer `-timeout`) or a blow-up in memory (`-rss_limit_mb`) is reported
the same way. See bench/fuzz/README.md.
"""

from __future__ import annotations

import sys
from pathlib import Path

import atheris

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tests"))  # epub_builder, shared with the test suite

# Instrument every reader module now: modules imported lazily later (ficlens imports
# the EPUB readers only when it meets a zip) would otherwise run uninstrumented.
with atheris.instrument_imports(include=["ficlens"]):
    from ficlens.errors import FiclensError
    from ficlens.ingest import (  # noqa: F401 - imported for instrumentation
        ao3_epub, ao3_fragment, ao3_html, ao3_meta, ao3_workpage, archive, builder, decode, epub,
        fanficfare_epub, fanficfare_html, html_text, plaintext, read_bytes, xmlsafe,
    )

__all__ = ["FiclensError", "read_bytes", "check", "fuzz", "ROOT"]


def check(data: bytes, name: str) -> None:
    """Read `data` as a file called `name`; a FiclensError is a correct answer."""
    try:
        work = read_bytes(data, name)
    except FiclensError:
        return
    for chapter in work.chapters:  # a Work must be well formed, not just returned
        for paragraph in chapter.paragraphs:
            if not 0 <= paragraph.start < paragraph.end <= len(chapter.text):
                raise AssertionError(f"paragraph {paragraph} outside chapter {chapter.index}")


def fuzz(test_one_input) -> None:
    atheris.Setup(sys.argv, test_one_input)
    atheris.Fuzz()
