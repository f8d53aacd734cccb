"""Build EPUB zips for tests: from a fixture folder (tests/fixtures/epub/<name>/),
or member by member, including hostile archives no zip library would write
(lying sizes, encryption flags, names that escape the archive)."""

from __future__ import annotations

import io
import struct
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path

EPUB_FIXTURES = Path(__file__).parent / "fixtures" / "epub"


def epub_from_members(members: dict[str, bytes | str]) -> bytes:
    """An EPUB zip: `mimetype` first and stored, the rest deflated, in the given order."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as zf:
        mimetype = members.get("mimetype", "application/epub+zip")
        zf.writestr(zipfile.ZipInfo("mimetype"), mimetype, compress_type=zipfile.ZIP_STORED)
        for name, data in members.items():
            if name != "mimetype":
                zf.writestr(name, data, compress_type=zipfile.ZIP_DEFLATED)
    return buffer.getvalue()


def fixture_members(name: str) -> dict[str, bytes]:
    """The files of a fixture folder, keyed by their path inside the EPUB."""
    root = EPUB_FIXTURES / name
    members = {"mimetype": (root / "mimetype").read_bytes()} if (root / "mimetype").exists() else {}
    for path in sorted(root.rglob("*")):
        if path.is_file() and path.name != "mimetype" and not path.name.startswith("."):
            members[path.relative_to(root).as_posix()] = path.read_bytes()
    return members


def build_epub(name: str, replace: dict[str, bytes | str | None] | None = None) -> bytes:
    """Zip a fixture folder; `replace` swaps members' content (None drops one)."""
    members: dict[str, bytes | str] = dict(fixture_members(name))
    for member, data in (replace or {}).items():
        if data is None:
            members.pop(member, None)
        else:
            members[member] = data
    return epub_from_members(members)


def write_epub(name: str, dest: Path, replace: dict[str, bytes | str | None] | None = None) -> Path:
    dest.write_bytes(build_epub(name, replace))
    return dest


# -- hand-made zips ----------------------------------------------------------------
@dataclass
class RawMember:
    """One member written byte by byte. `payload` is what is stored (already
    compressed when method is deflate); the declared sizes, CRC and flags default
    to the truth but can lie."""

    name: str
    payload: bytes
    method: int = zipfile.ZIP_STORED
    file_size: int | None = None  # declared uncompressed size
    crc: int | None = None
    flags: int = 0
    unix_mode: int = 0  # e.g. stat.S_IFLNK | 0o777 for a symbolic link


def stored(name: str, data: bytes | str, **kw) -> RawMember:
    data = data.encode() if isinstance(data, str) else data
    return RawMember(name, data, zipfile.ZIP_STORED, len(data), zlib.crc32(data), **kw)


def deflated(name: str, data: bytes | str, **kw) -> RawMember:
    data = data.encode() if isinstance(data, str) else data
    packer = zlib.compressobj(9, zlib.DEFLATED, -15)
    payload = packer.compress(data) + packer.flush()
    return RawMember(name, payload, zipfile.ZIP_DEFLATED, len(data), zlib.crc32(data), **kw)


def deflated_zeros(name: str, size: int) -> RawMember:
    """`size` zero bytes deflated (about 1000:1), built without compressing them
    all: after a full flush the compressor forgets its history, so every further
    megabyte compresses to the same bytes."""
    block = 1 << 20
    packer = zlib.compressobj(9, zlib.DEFLATED, -15)
    first = packer.compress(bytes(block)) + packer.flush(zlib.Z_FULL_FLUSH)
    repeat = packer.compress(bytes(block)) + packer.flush(zlib.Z_FULL_FLUSH)
    whole, rest = divmod(size, block)
    payload = first + repeat * (whole - 1) + packer.compress(bytes(rest)) + packer.flush()
    crc = 0
    zeros = bytes(block)
    for _ in range(whole):
        crc = zlib.crc32(zeros, crc)
    crc = zlib.crc32(bytes(rest), crc)
    return RawMember(name, payload, zipfile.ZIP_DEFLATED, size, crc)


def raw_zip(members: list[RawMember]) -> bytes:
    """A zip archive written by hand (local headers, central directory, end record)."""
    out = io.BytesIO()
    central = []
    for m in members:
        name = m.name.encode("utf-8")
        size = len(m.payload) if m.file_size is None else m.file_size
        crc = zlib.crc32(m.payload) if m.crc is None else m.crc
        offset = out.tell()
        out.write(struct.pack("<IHHHHHIIIHH", 0x04034B50, 20, m.flags, m.method, 0, 0x21,
                              crc, len(m.payload), size, len(name), 0))
        out.write(name)
        out.write(m.payload)
        made_by = 0x0314 if m.unix_mode else 20  # Unix (3) keeps its mode in the high word
        central.append(struct.pack("<IHHHHHHIIIHHHHHII", 0x02014B50, made_by, 20, m.flags, m.method, 0, 0x21,
                                   crc, len(m.payload), size, len(name), 0, 0, 0, 0, m.unix_mode << 16, offset)
                       + name)
    start = out.tell()
    for record in central:
        out.write(record)
    count = min(len(members), 0xFFFF)  # a 16-bit field; readers walk the directory anyway
    out.write(struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, count, count, out.tell() - start, start, 0))
    return out.getvalue()
