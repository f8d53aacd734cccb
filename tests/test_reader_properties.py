"""Property: for any input, every reader returns a well-formed `Work` or raises a
`FiclensError` — never another exception, a hang or a blow-up in size.

Inputs: arbitrary bytes under every file name a reader is chosen by, and structured
mutations of our real fixtures (truncated, tags swapped, entity-laden, text nodes
replaced by hostile strings, EPUB members dropped, renamed, swapped or corrupted).
Example counts are modest so the suite stays fast; bench/fuzz/ runs the long,
coverage-guided version of the same property.
"""

from __future__ import annotations

import hashlib
import os
import re
import signal
import time
import zipfile
from pathlib import Path

from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from conftest import readable_fixture_files
from epub_builder import EPUB_FIXTURES, RawMember, deflated, fixture_members, raw_zip, stored
from ficlens.errors import FiclensError
from ficlens.ingest import read_bytes
from wellformed import check_work, text_size

# Reading a few KB takes milliseconds; the bound is generous for a loaded machine.
SECONDS_PER_INPUT = 5.0
HANG_SECONDS = 60
ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts"
# Mutations that duplicate stretches could double a document six times over; past this
# length an input only costs time (the named hostile files cover big inputs).
MAX_MUTATED_CHARS = 64 * 1024
# FICLENS_EXAMPLES=5000 turns the suite's quick check into a longer hunt.
EXAMPLES = int(os.environ.get("FICLENS_EXAMPLES", "150"))
# No "explain" phase: it traces every line executed, which slows a read tenfold.
PROPERTY = settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow],
                    phases=[Phase.explicit, Phase.reuse, Phase.generate, Phase.target, Phase.shrink])

HTML_FIXTURES = [p for p in readable_fixture_files() if p.suffix == ".html"]
TEXT_FIXTURES = [p for p in readable_fixture_files() if p.suffix in (".txt", ".md")]
EPUB_NAMES = sorted(p.name for p in EPUB_FIXTURES.iterdir())
FILE_NAMES = ["story.html", "story.xhtml", "story.txt", "story.md", "story.epub", "story", "STORY.HTM"]


class Hang(Exception):
    pass


def _hang(signum, frame):
    raise Hang()


def read_or_refuse(data: bytes, name: str):
    """The property itself: a well-formed Work no bigger than its input allows, or a
    FiclensError naming the file; in either case quickly. A read still running after
    `HANG_SECONDS` is stopped and fails the test (with the input saved under
    test-artifacts/) instead of hanging the suite."""
    started = time.process_time()  # CPU time: a busy machine must not fail the bound
    previous = signal.signal(signal.SIGALRM, _hang)
    signal.alarm(HANG_SECONDS)
    try:
        work = read_bytes(data, name)
    except FiclensError as error:
        assert error.path == name and error.message
        work = None
    except Hang:
        ARTIFACTS.mkdir(exist_ok=True)
        saved = ARTIFACTS / f"hang-{hashlib.sha256(data).hexdigest()[:12]}-{name}"
        saved.write_bytes(data)
        raise AssertionError(f"reading {len(data):,} bytes as {name} ran over {HANG_SECONDS} s (saved as {saved})")
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)
    elapsed = time.process_time() - started
    assert elapsed < SECONDS_PER_INPUT, f"{elapsed:.1f}s on {len(data)} bytes"
    if work is not None:
        check_work(work)
        # No amplification: every character comes from the file (an <img alt> adds
        # two brackets, a few labels are rebuilt), zips aside, which are bounded.
        if not name.endswith(".epub") and data[:4] != b"PK\x03\x04":
            assert text_size(work) <= 3 * len(data) + 200
    return work


# -- arbitrary bytes ------------------------------------------------------------------
@PROPERTY
@given(st.binary(max_size=4096), st.sampled_from(FILE_NAMES))
def test_any_bytes(data, name):
    read_or_refuse(data, name)


@PROPERTY
@given(st.text(max_size=2000), st.sampled_from(FILE_NAMES), st.sampled_from(["utf-8", "utf-16", "utf-8-sig"]))
def test_any_text_in_any_encoding(text, name, codec):
    read_or_refuse(text.encode(codec, errors="surrogatepass"), name)


# -- structured mutations of real fixtures ----------------------------------------------
HOSTILE_STRINGS = [
    "9" * 5000, "1e999", "nan", "-1", "\u00b2", "\u0663", "", " ", "\x00" * 8, "\r\n" * 4, "\u202e",
    "\u0645\u0631\u062d\u0628\u0627 \u05e9\u05dc\u05d5\u05dd", "e" + "\u0301" * 300, "\U0001F469\u200d\U0001F469\u200d\U0001F467",
    "&amp;", "&#0;", "&#x110000;", "&#xD800;", "&nbsp;", "&lol;", "&#1114111;", "&#99999999999;",
    "<![CDATA[x]]>", "<!--", "-->", "<", ">", "</p>", "<p>", "<br>", "<hr>", "</div></div></div>",
    "Chapter 9999999999999", "Part 99999999999999 of", "Words: 1,2,3", "Chapters: ?/?", "Published: 2024-13-45",
    "<script>alert(1)</script>", "<img src=x onerror=alert(1) alt=\"\">", "../../etc/passwd", "%00", "\ufeff",
]


def _swap_tags(text: str, a: int, b: int) -> str:
    parts = re.split(r"(<[^<>]*>)", text)
    tags = len(parts) // 2
    if tags >= 2:
        i, j = 2 * (a % tags) + 1, 2 * (b % tags) + 1
        parts[i], parts[j] = parts[j], parts[i]
    return "".join(parts)


def _replace_text_node(text: str, at: int, new: str) -> str:
    parts = re.split(r"(<[^<>]*>)", text)  # text at even positions, tags at odd
    parts[2 * (at % ((len(parts) + 1) // 2))] = new
    return "".join(parts)


def _mutation():
    """One edit of a document's text, as a function text -> text."""
    where = st.floats(0, 1)
    return st.one_of(
        where.map(lambda f: lambda t: t[: int(len(t) * f)]),  # truncated
        st.tuples(where, where).map(lambda ab: lambda t: t[: int(len(t) * min(ab))] + t[int(len(t) * max(ab)):]),
        st.tuples(st.integers(0, 10**6), st.integers(0, 10**6)).map(lambda ab: lambda t: _swap_tags(t, *ab)),
        st.tuples(st.integers(0, 10**6), st.sampled_from(HOSTILE_STRINGS)).map(
            lambda a: lambda t: _replace_text_node(t, *a)),
        st.tuples(where, st.sampled_from(HOSTILE_STRINGS)).map(
            lambda a: lambda t: t[: int(len(t) * a[0])] + a[1] + t[int(len(t) * a[0]):]),
        st.tuples(where, where).map(  # a stretch duplicated (doubled chapters, repeated tags)
            lambda ab: lambda t: t[: int(len(t) * max(ab))] + t[int(len(t) * min(ab)): int(len(t) * max(ab))]
            + t[int(len(t) * max(ab)):]),
    )


def mutated(text: str, edits) -> str:
    for edit in edits:
        text = edit(text)[:MAX_MUTATED_CHARS]
    return text


@PROPERTY
@given(st.sampled_from(HTML_FIXTURES), st.lists(_mutation(), min_size=1, max_size=6))
def test_mutated_html_fixtures(path, edits):
    read_or_refuse(mutated(path.read_text("utf-8"), edits).encode("utf-8", "surrogatepass"), path.name)


@PROPERTY
@given(st.sampled_from(TEXT_FIXTURES), st.lists(_mutation(), min_size=1, max_size=6),
       st.sampled_from(["utf-8", "cp1252", "utf-16"]))
def test_mutated_text_fixtures(path, edits, codec):
    data = mutated(path.read_text("utf-8"), edits).encode(codec, errors="replace")
    read_or_refuse(data, path.name)


# -- EPUBs: real packages with odd members ----------------------------------------------
ODD_NAMES = ["", "/", "a//b.xhtml", "OEBPS/", "META-INF/container.xml", "mimetype", "x" * 300,
             "caf\u00e9.xhtml", "CONTENT.OPF", "toc.ncx", "OEBPS/../OEBPS/x.xhtml", "a b.xhtml", "%2e%2e/x"]


@st.composite
def odd_epubs(draw) -> bytes:
    members = dict(fixture_members(draw(st.sampled_from(EPUB_NAMES))))
    names = sorted(members)
    for _ in range(draw(st.integers(1, 4))):
        name = draw(st.sampled_from(names))
        action = draw(st.sampled_from(["drop", "rename", "swap", "mutate", "empty", "junk", "duplicate"]))
        if name not in members:
            continue
        if action == "drop":
            members.pop(name)
        elif action == "rename":
            members[draw(st.sampled_from(ODD_NAMES + names))] = members.pop(name)
        elif action == "swap":
            other = draw(st.sampled_from(names))
            if other in members:
                members[name], members[other] = members[other], members[name]
        elif action == "mutate":
            text = members[name].decode("utf-8", "replace")
            members[name] = mutated(text, draw(st.lists(_mutation(), min_size=1, max_size=3))).encode(
                "utf-8", "surrogatepass")
        elif action == "empty":
            members[name] = b""
        elif action == "junk":
            members[name] = draw(st.binary(max_size=512))
        elif action == "duplicate":
            members[name + "\x00dup"] = members[name]  # written under the same name below
    raw: list[RawMember] = []
    for name, data in members.items():
        name = name.split("\x00", 1)[0]
        raw.append(stored(name, data) if draw(st.booleans()) else deflated(name, data))
    return raw_zip(raw)


@PROPERTY
@given(odd_epubs())
def test_epubs_with_odd_members(data):
    read_or_refuse(data, "odd.epub")


@settings(PROPERTY, max_examples=max(EXAMPLES // 3, 20))
@given(st.sampled_from(EPUB_NAMES), st.floats(0, 1), st.binary(min_size=1, max_size=64))
def test_epubs_with_corrupt_bytes(name, where, junk):
    from epub_builder import build_epub

    data = bytearray(build_epub(name))
    at = int(len(data) * where)
    data[at: at + len(junk)] = junk
    read_or_refuse(bytes(data), f"{name}.epub")


def test_duplicate_member_names_are_read_without_error():
    # zipfile keeps the last of two members with one name; the reader must not care.
    members = [stored(n, d) for n, d in fixture_members("ao3_legacy").items()]
    members.append(stored("OEBPS/content.opf", b"<not xml"))
    assert len([m for m in members if m.name == "OEBPS/content.opf"]) == 2
    read_or_refuse(raw_zip(members), "dup.epub")
    assert zipfile.ZipFile  # the archive above is what zipfile itself would accept
