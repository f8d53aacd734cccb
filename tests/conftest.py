"""Shared test helpers: fixture paths and running the CLI."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

FIXTURES = Path(__file__).parent / "fixtures"
ROOT = Path(__file__).parent.parent
EXAMPLE_WORK = ROOT / "src" / "ficlens" / "examples" / "lighthouse.html"
EVAL_DIR = ROOT.parent / "shared" / "eval"

# Readable single-file fixtures of every format (EPUB sources are folders built into
# zips by tests/epub_builder.py; hostile and broken files live under fixtures/bad).
READABLE_SUFFIXES = {".html", ".htm", ".txt", ".md", ".xhtml"}


def readable_fixture_files() -> list[Path]:
    files = [
        p for p in FIXTURES.rglob("*")
        if p.is_file() and p.suffix in READABLE_SUFFIXES
        and not ({"bad", "epub"} & set(p.relative_to(FIXTURES).parts))
    ]
    if EXAMPLE_WORK.exists():
        files.append(EXAMPLE_WORK)
    return sorted(files)


@pytest.fixture
def cli():
    from ficlens.cli import main

    runner = CliRunner()

    def run(*args: str):
        return runner.invoke(main, [str(a) for a in args], catch_exceptions=False)

    return run


@pytest.fixture(scope="session")
def example_analysis():
    """The bundled example run through every layer once for the export and report tests."""
    from ficlens.ingest import read_work
    from ficlens.pipeline import run_layers

    return run_layers(read_work(EXAMPLE_WORK))


@pytest.fixture
def no_network(monkeypatch):
    """Block every way Python code opens a connection or looks up a name; the test
    fails if anything even tried (even when the caller swallowed the error)."""
    import socket

    attempts: list[str] = []

    def blocked(name):
        def refuse(*args, **kwargs):
            attempts.append(f"{name}{args[1:] if name.startswith('socket.') else args}")
            raise OSError(f"network access blocked by the test suite ({name})")
        return refuse

    for method in ("connect", "connect_ex", "sendto", "sendmsg"):
        monkeypatch.setattr(socket.socket, method, blocked(f"socket.{method}"))
    for function in ("create_connection", "getaddrinfo", "gethostbyname", "gethostbyname_ex", "gethostbyaddr"):
        monkeypatch.setattr(socket, function, blocked(function))
    yield attempts
    assert not attempts, f"ficlens tried to reach the network: {attempts}"
