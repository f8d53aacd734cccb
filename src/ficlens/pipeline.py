"""The analysis pipeline: which layers run, in which order.

Each layer is a plain function `layer(work, doc) -> None` that reads the `Work`
(and the layers already in the document) and adds its own top-level list(s).
The order is declared here, once; `ficlens analyze` and `ficlens eval` both call
`analyze`, so evaluation measures exactly what users get.
"""

from __future__ import annotations

from typing import Any, Callable

from .export.document import work_document
from .model import Work

Layer = Callable[[Work, dict[str, Any]], None]

# Filled in as layers land (characters, mentions, quotes, ...), in dependency order.
LAYERS: list[tuple[str, Layer]] = []


def analyze(work: Work, layers: list[tuple[str, Layer]] | None = None) -> dict[str, Any]:
    """Run every layer over `work` and return the JSON-ready document."""
    doc = work_document(work)
    for _name, layer in LAYERS if layers is None else layers:
        layer(work, doc)
    return doc
