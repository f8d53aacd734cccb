"""ficlens: fan fiction in, structured narrative data out.

Public API:
    read_work(path) -> Work          read any supported file (format detected)
    analyze(work) -> dict            run the analysis layers, return the JSON document
    Work, Chapter, Paragraph, ...    the data model (ficlens.model)
    FiclensError and subclasses      every error raised on purpose (ficlens.errors)
"""

__version__ = "0.1.0"

from .errors import FiclensError, FormatError, InputError, UnsafeInputError  # noqa: E402
from .ingest import read_bytes, read_work  # noqa: E402
from .model import Chapter, Paragraph, SceneBreak, StyleSpan, Work, WorkMeta  # noqa: E402
from .pipeline import analyze  # noqa: E402

__all__ = [
    "__version__", "read_work", "read_bytes", "analyze",
    "Work", "WorkMeta", "Chapter", "Paragraph", "StyleSpan", "SceneBreak",
    "FiclensError", "FormatError", "InputError", "UnsafeInputError",
]
