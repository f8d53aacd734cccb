"""Bytes to text: UTF-8 (with or without BOM), UTF-16 with BOM, else cp1252.

Fan works come from Word, old Windows editors and web pages; cp1252 is what
"not UTF-8" almost always means for them. A file pasted together from both (UTF-8
with a few stray cp1252 bytes) reads each part in its own encoding. NUL bytes are
dropped (they carry no text and break parsers); readers drop the other control
characters (`drop_controls`: a terminal would obey them). `stream_safe` keeps runs of
combining marks short enough to normalise; it runs where text is normalised (`nfc`,
used by the chapter builder after HTML entities are resolved) and on plain text
before reading.
"""

from __future__ import annotations

import codecs
import functools
import re
import sys
import unicodedata
from pathlib import Path

from ..errors import FormatError

_CP1252_UNDEFINED = {0x81, 0x8D, 0x8F, 0x90, 0x9D}


def decode_bytes(data: bytes, path: str | Path | None = None) -> tuple[str, str]:
    """Return (text, encoding name)."""
    if data.startswith(b"\xef\xbb\xbf"):
        return _clean(data[3:].decode("utf-8", errors="replace")), "utf-8-sig"
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return _clean(data.decode("utf-16")), "utf-16"
        except UnicodeDecodeError as exc:
            raise FormatError(f"declares UTF-16 but is not valid UTF-16 ({exc.reason})", path) from exc
    try:
        return _clean(data.decode("utf-8")), "utf-8"
    except UnicodeDecodeError:
        pass
    # Mostly UTF-8 with a few stray bytes (a file pasted together from two sources)
    # stays UTF-8, the stray bytes read as cp1252; otherwise it is a Windows code page.
    text = data.decode("utf-8", errors="replace")
    if text.count("\ufffd") * 200 < len(text) and any(ord(c) > 0x7F and c != "\ufffd" for c in text):
        return _clean(data.decode("utf-8", errors=_CP1252_FALLBACK)), "utf-8 (stray bytes read as cp1252)"
    return _clean(data.decode("cp1252", errors="replace")), "cp1252"


def _cp1252_fallback(error: UnicodeDecodeError) -> tuple[str, int]:
    """Decode error handler: the bytes UTF-8 rejected, read as cp1252 (U+FFFD for
    the five bytes cp1252 leaves undefined)."""
    bad = error.object[error.start:error.end]
    return bad.decode("cp1252", errors="replace"), error.end


_CP1252_FALLBACK = "ficlens-cp1252-fallback"
codecs.register_error(_CP1252_FALLBACK, _cp1252_fallback)


def _clean(text: str) -> str:
    # Only NULs here: control characters are dropped where text is built (the chapter
    # builder, per text node) or read (plain text, EPUB members), so an HTML file is not
    # scanned twice (a whole-document scan cost ~10% of AO3 HTML ingest).
    return text.replace("\x00", "") if "\x00" in text else text


# C0 controls other than tab and line breaks, DEL, and C1 controls. They carry no text,
# and printed to a terminal (`ficlens text`, `info`) ESC and CSI sequences would clear
# the screen, retitle the window or write the clipboard. A C1 character in Unicode text
# is a cp1252 byte decoded twice, so it becomes what cp1252 meant (U+0092 -> ’).
CONTROL_RE = re.compile(r"[\x00-\x08\x0e-\x1f\x7f-\x9f]")
_CONTROLS = {c: None for c in [*range(0x00, 0x09), *range(0x0E, 0x20), 0x7F]}
_CONTROLS.update({c: bytes([c]).decode("cp1252") for c in range(0x80, 0xA0) if c not in _CP1252_UNDEFINED})
_CONTROLS.update({c: None for c in _CP1252_UNDEFINED})


def drop_controls(text: str) -> str:
    """`text` without control characters (C1 ones read as cp1252); tab, line feed,
    carriage return, form feed and vertical tab stay (whitespace, collapsed later)."""
    return text.translate(_CONTROLS) if CONTROL_RE.search(text) else text


# Unicode's Stream-Safe Text Format (UAX #15): at most 30 combining marks in a row,
# a longer run getting U+034F COMBINING GRAPHEME JOINER (invisible) after every 30.
# NFC normalisation sorts each run of marks in quadratic time: without this, one
# letter carrying 40,000 marks ("Zalgo" text, 80 KB) takes 25 s, and 1 MB hours.
MAX_COMBINING_RUN = 30
_GRAPHEME_JOINER = "\u034f"
# Every combining mark lies above U+02FF: text without a long run of such characters
# (nearly all text) is passed by one C-speed scan.
# (A fixed count, not "31 or more": the regex engine scans twice as fast.)
_MAYBE_LONG_RUN_RE = re.compile(rf"[^\x00-\u02ff]{{{MAX_COMBINING_RUN + 1}}}")


@functools.cache
def _long_combining_run_re() -> re.Pattern:
    """Runs of over 30 characters of non-zero canonical combining class (built once,
    on first need: it takes a scan of all of Unicode, ~0.2 s)."""
    marks = [c for c in range(0x300, sys.maxunicode + 1) if unicodedata.combining(chr(c))]
    ranges: list[list[int]] = []
    for c in marks:
        if ranges and ranges[-1][1] == c - 1:
            ranges[-1][1] = c
        else:
            ranges.append([c, c])
    char_class = "".join(f"{re.escape(chr(a))}-{re.escape(chr(b))}" for a, b in ranges)
    return re.compile(f"[{char_class}]{{{MAX_COMBINING_RUN + 1},}}")


def stream_safe(text: str) -> str:
    """`text` with a grapheme joiner after every 30 combining marks in a row."""
    if text.isascii() or not _MAYBE_LONG_RUN_RE.search(text):
        return text

    def split_run(m: re.Match) -> str:
        run = m.group(0)
        return _GRAPHEME_JOINER.join(run[i : i + MAX_COMBINING_RUN] for i in range(0, len(run), MAX_COMBINING_RUN))

    return _long_combining_run_re().sub(split_run, text)


def looks_binary(data: bytes) -> bool:
    """Heuristic for junk: many control bytes in the first 4 KB."""
    head = data[:4096]
    if not head:
        return False
    controls = sum(1 for b in head if b < 32 and b not in (9, 10, 12, 13))
    return controls / len(head) > 0.10


def nfc(text: str) -> str:
    """`text` in Unicode NFC, in linear time whatever it holds. Nearly all text passes
    the C-speed checks untouched; marks out of canonical order (which NFC sorts in
    quadratic time) fail `is_normalized` at once and are made stream-safe first."""
    if text.isascii() or unicodedata.is_normalized("NFC", text):
        return text
    return unicodedata.normalize("NFC", stream_safe(text))
