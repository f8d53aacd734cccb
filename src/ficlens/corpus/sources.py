"""What a corpus build reads: files, folders (recursive) and zip archives, in any mix.

`find_items(sources)` lists every candidate work as a `SourceItem` whose bytes are
read only when the build gets to it, so listing a large corpus costs no memory. A
zip archive is a folder of works unless it is itself an EPUB (an EPUB is a zip with
a `mimetype` of `application/epub+zip`). Archives are read through the same
bounded `SafeZip` as EPUBs: every member's size and compression ratio is checked,
and members are read one at a time, never extracted to disk.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable

from ..errors import FiclensError, InputError
from ..ingest import MAX_INPUT_BYTES
from ..ingest.archive import SafeZip, ZipLimits

# The file names a build reads; anything else in a folder is counted as ignored.
WORK_SUFFIXES = (".html", ".htm", ".xhtml", ".epub", ".txt", ".md", ".markdown")
ARCHIVE_SUFFIXES = (".zip",)

# A corpus archive may hold a whole fandom: many members, but each member is still
# bounded like one input file, and so is its compression ratio (zip bombs).
CORPUS_ZIP_LIMITS = ZipLimits(
    max_members=2_000_000,
    max_total_bytes=2**42,  # 4 TiB: the per-member bounds are what protect memory
    max_member_bytes=MAX_INPUT_BYTES,
)


@dataclass(frozen=True)
class SourceItem:
    """One candidate work: `path` names it (`archive.zip!folder/work.html` for a
    member of an archive); `read()` returns its bytes or raises `FiclensError`."""

    path: str
    read: Callable[[], bytes] = field(compare=False, repr=False)


@dataclass
class SourceListing:
    items: list[SourceItem]
    ignored: list[str]  # files that are not a work format (images, .json, ...)


def find_items(sources: Iterable[str | os.PathLike]) -> SourceListing:
    """Every work under `sources`, in a stable order (sorted within each folder).
    A missing source is an error before anything runs: it is a typo, not a bad work."""
    listing = SourceListing([], [])
    for source in sources:
        path = Path(source)
        if not path.exists():
            raise InputError("no such file or folder", path)
        if path.is_dir():
            for file in sorted(_walk(path)):
                _add_file(listing, file)
        else:
            _add_file(listing, path)
    return listing


def _walk(folder: Path) -> Iterable[Path]:
    for root, dirs, files in os.walk(folder):
        dirs[:] = [d for d in dirs if not d.startswith(".")]  # .git, .cache, ...
        for name in files:
            if not name.startswith("."):
                yield Path(root) / name


def _add_file(listing: SourceListing, path: Path) -> None:
    suffix = path.suffix.lower()
    if suffix in ARCHIVE_SUFFIXES:
        listing.items.extend(_archive_items(path))
    elif suffix in WORK_SUFFIXES:
        listing.items.append(SourceItem(str(path), lambda p=path: _read_file(p)))
    else:
        listing.ignored.append(str(path))


def _read_file(path: Path) -> bytes:
    try:
        if path.stat().st_size > MAX_INPUT_BYTES:
            raise InputError(f"file is over the {MAX_INPUT_BYTES // 2**20} MB limit", path)
        return path.read_bytes()
    except OSError as exc:
        raise InputError(f"cannot read file: {exc.strerror or exc}", path) from exc


def _archive_items(path: Path) -> list[SourceItem]:
    """The works inside a zip archive, or the archive itself when it is an EPUB
    named .zip, or one item that fails with the archive's problem when it is corrupt
    or hostile (so the failure is recorded and the build goes on)."""
    archive = _Archive(path)
    try:
        if _is_epub(archive.zip()):
            return [SourceItem(str(path), lambda: _read_file(path))]
        names = sorted(n for n in archive.zip().names()
                       if not n.endswith("/") and n.lower().endswith(WORK_SUFFIXES)
                       and not any(part.startswith(".") or part == "__MACOSX" for part in n.split("/")))
    except FiclensError as exc:
        return [SourceItem(str(path), lambda exc=exc: _raise(exc))]
    return [SourceItem(f"{path}!{name}", lambda name=name: archive.read(name)) for name in names]


class _Archive:
    """A zip opened once, on first use, and kept open while its members are read
    one at a time (reopening would re-read the whole directory per member)."""

    def __init__(self, path: Path):
        self.path = path
        self._zip: SafeZip | None = None

    def zip(self) -> SafeZip:
        if self._zip is None:
            try:
                handle = self.path.open("rb")
            except OSError as exc:
                raise InputError(f"cannot read archive: {exc.strerror or exc}", self.path) from exc
            try:
                self._zip = SafeZip(handle, str(self.path), CORPUS_ZIP_LIMITS)
            except BaseException:
                handle.close()
                raise
        return self._zip

    def read(self, name: str) -> bytes:
        return self.zip().read(name)


def _is_epub(archive: SafeZip) -> bool:
    return archive.has("mimetype") and archive.read("mimetype").strip() == b"application/epub+zip"


def _raise(exc: Exception) -> bytes:
    raise exc
