"""Bytes to text: UTF-8 (with or without BOM), UTF-16 with BOM, else cp1252.

Fan works come from Word, old Windows editors and web pages; cp1252 is what
"not UTF-8" almost always means for them. A file pasted together from both (UTF-8
with a few stray cp1252 bytes) reads each part in its own encoding. NUL bytes are
dropped (they carry no text and break parsers).
"""

from __future__ import annotations

import codecs
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
    return text.replace("\x00", "") if "\x00" in text else text


def looks_binary(data: bytes) -> bool:
    """Heuristic for junk: many control bytes in the first 4 KB."""
    head = data[:4096]
    if not head:
        return False
    controls = sum(1 for b in head if b < 32 and b not in (9, 10, 12, 13))
    return controls / len(head) > 0.10
