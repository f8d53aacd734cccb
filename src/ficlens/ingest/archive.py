"""Safe read-only access to a zip archive (an EPUB) held in memory.

An EPUB is untrusted input. `SafeZip` never extracts anything to disk; it reads
members into memory, and refuses an archive up front when its directory looks
hostile: too many members, names that escape the archive (zip-slip), symbolic
links, encrypted members, declared sizes or compression ratios of a zip bomb. Reading a member
enforces the same bounds again as the bytes come out of the decompressor, so a
lying header cannot smuggle more data past them.
"""

from __future__ import annotations

import io
import re
import stat
import zipfile
import zlib
from dataclasses import dataclass
from typing import BinaryIO

from ..errors import FormatError, UnsafeInputError

__all__ = ["ZipLimits", "DEFAULT_LIMITS", "SafeZip"]


@dataclass(frozen=True, slots=True)
class ZipLimits:
    """Bounds on what one archive may unpack to. The largest real fan-work EPUBs
    are a few tens of MB; these leave a wide margin while stopping zip bombs."""

    max_members: int = 10_000
    max_total_bytes: int = 512 * 1024 * 1024  # all members read, uncompressed
    max_member_bytes: int = 256 * 1024 * 1024  # one member, uncompressed
    max_ratio: int = 100  # uncompressed / compressed ...
    ratio_floor_bytes: int = 1024 * 1024  # ... checked only on members larger than this


DEFAULT_LIMITS = ZipLimits()

_CHUNK = 64 * 1024
_CENTRAL_RECORD = b"PK\x01\x02"  # signature of a central-directory file header
_ENCRYPTED_FLAG = 0x1
_DRIVE_RE = re.compile(r"^[A-Za-z]:")


def _unsafe_name_reason(name: str) -> str | None:
    """Why a member name could escape the archive on extraction, or None."""
    if "\x00" in name:
        return "contains a NUL byte"
    if name.startswith(("/", "\\")) or _DRIVE_RE.match(name):
        return "is an absolute path"
    if ".." in re.split(r"[/\\]", name):
        return "climbs out of the archive with '..'"
    return None


class SafeZip:
    """A zip archive opened from bytes (an EPUB) or from an open binary file (a corpus
    archive too large to hold in memory), checked before any member is read."""

    def __init__(self, data: bytes | BinaryIO, path: str | None = None, limits: ZipLimits = DEFAULT_LIMITS):
        self.path = path
        self.limits = limits
        self._bytes_read = 0
        # Count central-directory records before zipfile builds an object for each:
        # a small file can declare millions of them. (A file is counted after, below.)
        if isinstance(data, bytes) and data.count(_CENTRAL_RECORD) > limits.max_members:
            raise UnsafeInputError(
                f"zip has more than {limits.max_members:,} members (the limit); refused", path
            )
        try:
            self._zip = zipfile.ZipFile(io.BytesIO(data) if isinstance(data, bytes) else data)
            infos = self._zip.infolist()
        except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, OSError, ValueError,
                NotImplementedError, RuntimeError) as exc:
            raise FormatError(f"not a valid EPUB/zip: {exc}", path) from exc
        self._check_directory(infos)
        self._infos = {info.filename: info for info in infos}
        self._by_lower = {name.lower(): name for name in self._infos}

    # -- directory checks, before anything is decompressed ------------------------
    def _check_directory(self, infos: list[zipfile.ZipInfo]) -> None:
        limits, path = self.limits, self.path
        if len(infos) > limits.max_members:
            raise UnsafeInputError(
                f"zip has {len(infos):,} members, over the limit of {limits.max_members:,}; refused", path
            )
        declared_total = 0
        for info in infos:
            name = info.filename
            reason = _unsafe_name_reason(name)
            if reason:
                raise UnsafeInputError(f"zip member name {name!r} {reason} (zip-slip); refused", path)
            if stat.S_ISLNK(info.external_attr >> 16):  # Unix mode bits in the high word
                # Never followed (nothing is extracted), but an EPUB has no use for one.
                raise UnsafeInputError(f"zip member {name!r} is a symbolic link; refused", path)
            if info.flag_bits & _ENCRYPTED_FLAG:
                raise FormatError(
                    f"zip member {name!r} is encrypted (password-protected); ficlens cannot read it", path
                )
            size, packed = info.file_size, info.compress_size
            if size > limits.max_member_bytes:
                raise UnsafeInputError(
                    f"zip member {name!r} unpacks to {size:,} bytes, over the "
                    f"{limits.max_member_bytes:,}-byte limit (zip bomb?); refused", path
                )
            if size > limits.ratio_floor_bytes and size > limits.max_ratio * max(packed, 1):
                raise UnsafeInputError(
                    f"zip member {name!r} compresses {size // max(packed, 1):,}:1, over the "
                    f"{limits.max_ratio}:1 limit (zip bomb); refused", path
                )
            declared_total += size
            if declared_total > limits.max_total_bytes:
                raise UnsafeInputError(
                    f"zip unpacks to more than {limits.max_total_bytes:,} bytes (zip bomb?); refused", path
                )

    # -- lookups -------------------------------------------------------------------
    def names(self) -> list[str]:
        return list(self._infos)

    def resolve(self, name: str) -> str | None:
        """The member's stored name: exact match first, then case-insensitive
        (EPUBs made on Windows disagree with their OPF about case)."""
        if name in self._infos:
            return name
        return self._by_lower.get(name.lower())

    def has(self, name: str) -> bool:
        return self.resolve(name) is not None

    # -- reading -------------------------------------------------------------------
    def read(self, name: str) -> bytes:
        """The member's bytes, read in chunks with every bound enforced as they come."""
        stored = self.resolve(name)
        if stored is None:
            raise FormatError(f"EPUB is missing {name!r}", self.path)
        info = self._infos[stored]
        limits, path = self.limits, self.path
        member_cap = min(limits.max_member_bytes, max(info.file_size, 0))
        ratio_cap = limits.max_ratio * max(info.compress_size, 1)
        chunks: list[bytes] = []
        got = 0
        try:
            with self._zip.open(info) as stream:
                while True:
                    chunk = stream.read(_CHUNK)
                    if not chunk:
                        break
                    got += len(chunk)
                    self._bytes_read += len(chunk)
                    if got > member_cap:
                        raise UnsafeInputError(
                            f"zip member {stored!r} unpacks to more than its declared "
                            f"{info.file_size:,} bytes; refused", path
                        )
                    if got > limits.ratio_floor_bytes and got > ratio_cap:
                        raise UnsafeInputError(
                            f"zip member {stored!r} compresses more than {limits.max_ratio}:1 (zip bomb); refused",
                            path,
                        )
                    if self._bytes_read > limits.max_total_bytes:
                        raise UnsafeInputError(
                            f"zip unpacks to more than {limits.max_total_bytes:,} bytes (zip bomb?); refused", path
                        )
                    chunks.append(chunk)
        except (zipfile.BadZipFile, zlib.error, EOFError, OSError, ValueError,
                NotImplementedError, RuntimeError) as exc:
            raise FormatError(f"zip member {stored!r} is corrupt: {exc}", path) from exc
        return b"".join(chunks)

    def close(self) -> None:
        self._zip.close()

    def __enter__(self) -> SafeZip:
        return self

    def __exit__(self, *exc_info) -> None:
        self.close()
