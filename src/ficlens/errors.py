"""Every error ficlens raises on purpose.

The library raises these; the CLI turns them into one line on stderr and exit code 2.
Anything else escaping the library is a bug in ficlens, not in the user's file.
"""

from __future__ import annotations

from pathlib import Path


class FiclensError(Exception):
    """Base class: a problem the user can act on, with the file it concerns."""

    def __init__(self, message: str, path: str | Path | None = None):
        self.path = str(path) if path is not None else None
        self.message = message
        super().__init__(f"{self.path}: {message}" if self.path else message)


class InputError(FiclensError):
    """The input cannot be opened: missing, a directory, empty, unreadable."""


class FormatError(FiclensError):
    """The input was opened but is not a fan work ficlens can read (or is corrupt)."""


class UnsafeInputError(FiclensError):
    """The input tries something hostile: XML entities, a zip bomb, a path escaping an archive."""


class EvalDataError(FiclensError):
    """Evaluation data (PDNC, LitBank) is missing or not laid out as expected."""


class UnknownNameError(FiclensError):
    """A character name given on the command line is not in the work (or is ambiguous)."""
