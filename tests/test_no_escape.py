"""ficlens never opens a network connection, never writes outside the output path
it was given, and never follows a link out of an archive — checked on hostile
works full of remote references (images, stylesheets, scripts, frames, external
DTDs and entities, remote manifest items).

In process: every output format and command runs through the CLI with Python's
sockets blocked (`no_network` in conftest.py) and every file opened for writing
recorded by an audit hook. In a subprocess, when strace is installed (CI installs
it): the same for what the C libraries (lxml, lexbor, DuckDB) and the corpus
workers do, seen as system calls.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from epub_builder import build_epub, fixture_members
from ficlens import analyze, read_bytes
from ficlens.cli import main
from hostile_files import ao3_download

REMOTE = "http://127.0.0.1:9"  # the discard port: nothing listens, a connection would just fail
REMOTE_MARKUP = (
    f'<p>The tide came in over the causeway. <img src="{REMOTE}/tracker.png" alt="gull"/></p>'
    f'<link rel="stylesheet" href="{REMOTE}/s.css"/><script src="{REMOTE}/x.js"></script>'
    f'<iframe src="{REMOTE}/frame"></iframe><object data="{REMOTE}/o.swf"></object>'
    f'<p style="background: url({REMOTE}/bg.png)">“Who’s there?” Maggie asked. '
    f'<a href="{REMOTE}/users/x">Bram</a> said nothing.</p>'
)


def hostile_html() -> bytes:
    html = ao3_download([REMOTE_MARKUP, "<p>He looked at the window.</p>"])
    return html.replace("<!DOCTYPE html>", f'<!DOCTYPE html SYSTEM "{REMOTE}/html.dtd">').encode()


def hostile_epub() -> bytes:
    """The legacy AO3 EPUB fixture pointing everywhere but inside itself: an external
    DTD on the OPF, a stylesheet PI, remote and out-of-archive manifest items in the
    spine, remote images in a chapter."""
    members = fixture_members("ao3_legacy")
    opf = members["OEBPS/content.opf"].decode()
    opf = opf.replace("?>", f'?><?xml-stylesheet href="{REMOTE}/x.xsl"?><!DOCTYPE package SYSTEM "{REMOTE}/opf.dtd">', 1)
    opf = opf.replace("</manifest>", f'<item id="far" href="{REMOTE}/c.xhtml" media-type="application/xhtml+xml"/>'
                      '<item id="up" href="../../../etc/passwd" media-type="application/xhtml+xml"/></manifest>')
    opf = re.sub(r"(<spine[^>]*>)", r'\1<itemref idref="far"/><itemref idref="up"/>', opf)
    chapter = members["OEBPS/chapter1_1.xhtml"].decode().replace(
        "<p>The roof", f'<p><img src="{REMOTE}/i.png" alt="roof"/><img src="file:///etc/passwd"/>The roof')
    assert "far" in opf and "i.png" in chapter
    return build_epub("ao3_legacy", {"OEBPS/content.opf": opf, "OEBPS/chapter1_1.xhtml": chapter})


def test_hostile_works_read_with_their_remote_references_left_alone(no_network):
    work = read_bytes(hostile_html(), "remote.html")
    assert work.chapters[0].paragraph_texts()[0] == "The tide came in over the causeway. [gull]"
    book = read_bytes(hostile_epub(), "remote.epub")
    assert book.chapters[0].text.startswith("[roof]The roof of the counting house")
    assert len(book.chapters) == 2  # the remote and the ../../../etc/passwd items were not followed
    assert not any("root:" in c.text for c in book.chapters)
    analyze(work)


# -- every command, in process -----------------------------------------------------------
_writes: list[str] | None = None


def _audit(event: str, args: tuple) -> None:
    """Record every path opened for writing (or created, moved, removed) while watching."""
    if _writes is None:
        return
    if event == "open":
        path, mode, flags = args
        writing = any(c in mode for c in "wax+") if isinstance(mode, str) else bool(
            flags & (os.O_WRONLY | os.O_RDWR | os.O_CREAT))
        if writing and not isinstance(path, int):
            _writes.append(os.fsdecode(path))
    elif event in ("os.mkdir", "os.rename", "os.remove", "os.rmdir", "shutil.rmtree", "os.symlink", "os.link"):
        _writes.append(os.fsdecode(args[0]))


sys.addaudithook(_audit)  # hooks cannot be removed; this one only records while `_writes` is a list


COMMANDS = [  # (arguments after the input file, what is written)
    (["analyze", "-o", "{out}/doc.json"], "doc.json"),
    (["analyze", "--format", "html", "-o", "{out}/report.html"], "report.html"),
    (["analyze", "--format", "md", "-o", "{out}/story.md"], "story.md"),
    (["analyze", "--format", "tsv", "-o", "{out}/tsv"], "tsv"),
    (["analyze", "--format", "csv", "-o", "{out}/csv"], "csv"),
    (["analyze", "--format", "parquet", "-o", "{out}/parquet"], "parquet"),
    (["analyze", "--format", "epub", "-o", "{out}/clean.epub"], "clean.epub"),
    (["report", "-o", "{out}/r.html"], "r.html"),
    (["network", "--format", "graphml", "-o", "{out}/net.graphml"], "net.graphml"),
]


@pytest.mark.parametrize("source", ["html", "epub"])
def test_every_command_writes_only_its_output_and_never_connects(source, tmp_path, monkeypatch, no_network):
    global _writes
    work = tmp_path / f"remote.{source}"
    work.write_bytes(hostile_html() if source == "html" else hostile_epub())
    out, cwd, home = tmp_path / "out", tmp_path / "cwd", tmp_path / "home"
    for folder in (cwd, home):
        folder.mkdir()
    monkeypatch.chdir(cwd)
    monkeypatch.setenv("HOME", str(home))
    runner = CliRunner()
    for arguments, written in COMMANDS:
        command = [arguments[0], str(work)] + [a.format(out=out) for a in arguments[1:]]
        _writes = []
        try:
            result = runner.invoke(main, command, catch_exceptions=False)
        finally:
            recorded, _writes = _writes, None
        assert result.exit_code == 0, (command, result.output)
        target = out / written
        assert target.exists(), command
        assert any(Path(p).resolve().is_relative_to(target.resolve()) for p in recorded), "audit hook saw no write"
        strays = [p for p in recorded if not Path(p).resolve().is_relative_to(target.resolve())]
        # the parent folder of the output is created when missing: that is the output path too
        strays = [p for p in strays if Path(p).resolve() != out.resolve()]
        assert not strays, f"{command[0]} wrote outside {target}: {strays}"
    assert not any(cwd.iterdir()) and not any(home.iterdir())
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(["cwd", "home", "out", work.name])


# -- the whole process, seen by the kernel ------------------------------------------------------
STRACE = shutil.which("strace")


def _strace_can_trace() -> bool:
    """strace is installed and allowed to trace here (a container may forbid ptrace)."""
    if STRACE is None:
        return False
    probe = subprocess.run([STRACE, "-f", "-o", os.devnull, "true"], capture_output=True, timeout=60)
    return probe.returncode == 0

_WRITE_FLAGS = re.compile(r"O_WRONLY|O_RDWR|O_CREAT")
_CALL = re.compile(r'^(?P<call>openat|open|creat|mkdir|mkdirat|rename|renameat2?|unlink|unlinkat|symlink|link|connect|sendto|sendmsg)'
                   r'\((?P<args>.*)\)\s+=')


def _traced(command: list[str], tmp_path: Path, env: dict) -> list[tuple[str, str]]:
    """Run `command` under strace (following every process); return (call, arguments)
    of each system call that writes to the file system or connects a socket."""
    logs = tmp_path / "strace"
    logs.mkdir()
    result = subprocess.run(
        [STRACE, "-ff", "-qq", "-s", "512", "-o", str(logs / "trace"), "-e",
         "trace=openat,open,creat,mkdir,mkdirat,rename,renameat,renameat2,unlink,unlinkat,symlink,link,"
         "connect,sendto,sendmsg", *command],
        capture_output=True, text=True, timeout=600, env=env, cwd=env["HOME"])
    assert result.returncode == 0, result.stderr[-2000:]
    calls = []
    for log in logs.iterdir():
        for line in log.read_text(errors="replace").splitlines():
            m = _CALL.match(line)
            if m:
                calls.append((m.group("call"), m.group("args")))
    shutil.rmtree(logs)
    return calls


def _first_path(args: str) -> str:
    m = re.search(r'"((?:[^"\\]|\\.)*)"', args)
    return m.group(1) if m else ""


def check_calls(calls: list[tuple[str, str]], allowed: list[Path]) -> int:
    """No connection to an internet address; every write inside `allowed`, except
    the Python runtime's own private temporaries (multiprocessing's socket folder and
    anonymous files, created 0600/0700 under the temp dir and removed at once)."""
    temp = os.path.realpath(os.environ.get("TMPDIR", "/tmp"))
    created_temps, removed = set(), set()
    inside = 0
    for call, args in calls:
        if call in ("connect", "sendto", "sendmsg"):
            assert "AF_INET" not in args, f"network: {call}({args})"
            continue
        if call in ("openat", "open") and not _WRITE_FLAGS.search(args):
            continue
        path = _first_path(args)
        if not path or path.startswith("/dev/") or path.startswith("pymp-") or path.startswith("listener-"):
            continue  # /dev/null, /dev/shm semaphores; names relative to the pymp folder
        real = os.path.realpath(path)
        if any(Path(real).is_relative_to(a) for a in allowed):
            inside += 1
            continue
        if os.path.dirname(real) == temp or os.path.dirname(os.path.dirname(real)) == temp:
            (removed if call.startswith(("unlink", "rmdir")) else created_temps).add(real)
            continue
        raise AssertionError(f"wrote outside the output path: {call}({args})")
    left = {p for p in created_temps - removed if os.path.exists(p) and not os.path.basename(p).startswith("pymp-")}
    assert not left, f"temporary files left behind: {left}"
    return inside


@pytest.mark.skipif(not _strace_can_trace(), reason="strace not installed or not allowed to trace (CI installs it)")
def test_analyze_and_corpus_build_seen_by_the_kernel(tmp_path):
    sources, out, home = tmp_path / "works", tmp_path / "out", tmp_path / "home"
    for folder in (sources, home):
        folder.mkdir()
    (sources / "remote.html").write_bytes(hostile_html())
    (sources / "remote.epub").write_bytes(hostile_epub())
    env = dict(os.environ, HOME=str(home), PYTHONDONTWRITEBYTECODE="1")
    ficlens = [sys.executable, "-m", "ficlens"]

    report = out / "report.html"
    calls = _traced(ficlens + ["analyze", str(sources / "remote.epub"), "--format", "html", "-o", str(report)],
                    tmp_path, env)
    assert check_calls(calls, [out]) >= 1 and report.exists()  # the trace saw the output written

    db = out / "corpus.duckdb"
    calls = _traced(ficlens + ["corpus", "build", str(sources), "--db", str(db), "--workers", "1"], tmp_path, env)
    assert check_calls(calls, [out]) >= 1 and db.exists() and not any(home.iterdir())
