"""Readers: every file form of a fan work in, one `Work` out.

`read_work(path)` opens a file, works out its format and hands it to one reader
module. Each reader only reads: it never analyses text. HTML readers expose
`matches(tree)` and `read(tree, path)`; they are tried most specific first.
"""

from __future__ import annotations

import dataclasses
import os
from pathlib import Path

from ..errors import FormatError, InputError
from ..model import Work
from . import ao3_fragment, ao3_html, ao3_workpage, fanficfare_html, plaintext
from .decode import CONTROL_RE, decode_bytes, drop_controls, looks_binary, stream_safe
from .html_text import parse_html
from .xmlsafe import check_nesting

__all__ = ["read_work", "read_bytes", "MAX_INPUT_BYTES", "FORMATS"]

# A bound on what one file may be. The largest AO3 works are ~5 MB of HTML.
MAX_INPUT_BYTES = 256 * 1024 * 1024

HTML_READERS = (fanficfare_html, ao3_html, ao3_workpage, ao3_fragment)
FORMATS = ("ao3-html", "ao3-workpage", "ao3-fragment", "ao3-epub", "fanficfare-epub",
           "fanficfare-html", "epub", "plaintext", "markdown")


def read_work(path: str | os.PathLike) -> Work:
    """Read one fan work from `path`, detecting its format."""
    path = Path(path)
    if not path.exists():
        raise InputError("no such file", path)
    if path.is_dir():
        raise InputError("is a directory, not a file (corpus commands take folders)", path)
    try:
        size = path.stat().st_size
        if size > MAX_INPUT_BYTES:
            raise InputError(f"file is {size // 2**20} MB, over the {MAX_INPUT_BYTES // 2**20} MB limit", path)
        data = path.read_bytes()
    except OSError as exc:
        raise InputError(f"cannot read file: {exc.strerror or exc}", path) from exc
    return read_bytes(data, path)


def read_bytes(data: bytes, path: str | os.PathLike = "<bytes>") -> Work:
    """Read one fan work from its bytes; `path` names it in errors and in `source`."""
    return _without_controls(_read(data, str(path)))


def _read(data: bytes, path: str) -> Work:
    if not data.strip():
        raise FormatError("file is empty", path)
    if data[:4] == b"PK\x03\x04" or path.lower().endswith(".epub"):
        from . import epub  # zip handling is only imported when needed

        return epub.read(data, path)
    if looks_binary(data):
        raise FormatError("binary data, not a fan work (expected HTML, EPUB, text or Markdown)", path)
    text, _encoding = decode_bytes(data, path)
    if _looks_like_html(text, path):
        check_nesting(text, "the HTML", path, html=True)  # lexbor slows quadratically on deep nesting
        tree = parse_html(text)
        for reader in HTML_READERS:
            if reader.matches(tree):
                return reader.read(tree, path)
        raise FormatError(
            "HTML page is not a fan work ficlens knows (no AO3 download, work page, chapter "
            "text or FanFicFare markup found)", path
        )
    markdown = path.lower().endswith((".md", ".markdown"))
    return plaintext.read(drop_controls(stream_safe(text)), path, markdown=markdown)


def _without_controls(work: Work) -> Work:
    """The work with control characters gone from every label: metadata, chapter titles,
    summaries and notes. (Chapter text is cleaned as it is built, before offsets exist;
    labels come from many places, so they are cleaned here, once, for every reader.)"""

    def clean(value, name: str = ""):
        if isinstance(value, str):
            return value if name == "path" else drop_controls(value)
        if isinstance(value, tuple):
            return tuple(clean(v) for v in value)
        if dataclasses.is_dataclass(value):
            return dataclasses.replace(value, **{f.name: clean(getattr(value, f.name), f.name)
                                                 for f in dataclasses.fields(value)})
        return value

    labels = ("title", "summary", "notes", "end_notes")
    chapters = tuple(
        dataclasses.replace(c, **{k: clean(getattr(c, k)) for k in labels})
        if any(getattr(c, k) and CONTROL_RE.search(getattr(c, k)) for k in labels) else c
        for c in work.chapters
    )
    return Work(clean(work.meta), chapters)


def _looks_like_html(text: str, path: str) -> bool:
    if path.lower().endswith((".html", ".htm", ".xhtml")):
        return True
    head = text[:2048].lstrip().lower()
    return head.startswith(("<!doctype html", "<html", "<?xml", "<div", "<head", "<body", "<meta"))
