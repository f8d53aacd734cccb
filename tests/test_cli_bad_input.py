"""Bad input: one clear line on stderr naming the file, exit code 2, no traceback."""

from __future__ import annotations

import subprocess
import sys
import zipfile

import pytest

from conftest import FIXTURES

BAD = FIXTURES / "bad"


def run_ficlens(*args):
    return subprocess.run([sys.executable, "-m", "ficlens", *map(str, args)],
                          capture_output=True, text=True, timeout=120)


def assert_clean_error(result, path, problem: str):
    assert result.returncode == 2, result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert "Traceback" not in result.stderr
    assert str(path) in lines[0]
    assert problem in lines[0]


@pytest.mark.parametrize(
    "name, problem",
    [
        ("empty.html", "file is empty"),
        ("whitespace_only.txt", "file is empty"),
        ("junk.bin", "binary data"),
        ("not_a_fan_work.html", "not a fan work"),
        ("truncated.html", "not a fan work"),
    ],
)
def test_bad_files_give_one_line_and_exit_2(name, problem):
    path = BAD / name
    for command in ("info", "text", "analyze"):
        assert_clean_error(run_ficlens(command, path), path, problem)


def test_missing_file(tmp_path):
    path = tmp_path / "nope.html"
    assert_clean_error(run_ficlens("info", path), path, "no such file")


def test_directory(tmp_path):
    assert_clean_error(run_ficlens("analyze", tmp_path), tmp_path, "is a directory")


def test_broken_epub(tmp_path):
    path = tmp_path / "broken.epub"
    path.write_bytes(b"PK\x03\x04" + b"\x00" * 40 + b"cut short")
    result = run_ficlens("info", path)
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert str(path) in result.stderr and len(result.stderr.strip().splitlines()) == 1


def test_encrypted_epub(tmp_path):
    path = tmp_path / "locked.epub"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("mimetype", "application/epub+zip")
        zf.writestr("META-INF/container.xml", "<container/>")
    data = bytearray(path.read_bytes())
    # set the "encrypted" general-purpose flag on every local and central header
    for sig, flag_at in ((b"PK\x03\x04", 6), (b"PK\x01\x02", 8)):
        start = 0
        while (i := data.find(sig, start)) >= 0:
            data[i + flag_at] |= 0x01
            start = i + 4
    path.write_bytes(bytes(data))
    result = run_ficlens("info", path)
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert "encrypt" in result.stderr.lower()




def test_help_lists_every_command(cli):
    result = cli("--help")
    assert result.exit_code == 0
    for command in ("info", "text", "analyze"):
        assert command in result.output


def test_deeply_nested_html_is_refused_quickly(tmp_path):
    path = tmp_path / "deep.html"
    path.write_text('<div class="userstuff">' + "<div>" * 100_000 + "x" + "</div>" * 100_000 + "</div>")
    result = run_ficlens("info", path)
    assert_clean_error(result, path, "nests elements too deeply")


def test_many_unclosed_paragraphs_still_read(tmp_path):
    from ficlens import read_work

    path = tmp_path / "unclosed.html"
    body = "".join(f"<p>Line {i} of the story" for i in range(20_000))
    path.write_text('<div class="userstuff module" role="article"><h3 class="landmark heading" id="work">Chapter Text</h3>'
                    + body + "</div>")
    work = read_work(path)
    assert len(work.chapters[0].paragraphs) == 20_000
    assert work.chapters[0].paragraph_texts()[-1] == "Line 19999 of the story"
