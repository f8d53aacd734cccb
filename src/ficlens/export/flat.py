"""Quotations and characters as two flat tables, for spreadsheets and dataframes.

`write_csv(doc, folder)` writes `quotes.csv` and `characters.csv` (UTF-8 with a
byte-order mark so spreadsheet programs detect the encoding; list cells joined
with "; "). `write_parquet(doc, folder)` writes `quotes.parquet` and
`characters.parquet` with typed columns, lists kept as lists.
"""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

from ..errors import FiclensError
from .rows import CHARACTER_COLUMNS, LIST_COLUMNS, QUOTE_COLUMNS, character_rows, quote_rows

LIST_SEPARATOR = "; "


def _tables(doc: dict[str, Any]) -> dict[str, tuple[tuple[str, ...], list[dict[str, Any]]]]:
    return {"quotes": (QUOTE_COLUMNS, quote_rows(doc)), "characters": (CHARACTER_COLUMNS, character_rows(doc))}


def output_folder(folder: Path) -> Path:
    """Create `folder` (a table export writes several files) or say why not."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise FiclensError(f"cannot create the output folder: {exc.strerror or exc}", folder) from exc
    if not folder.is_dir():
        raise FiclensError("is a file; this format writes a folder of tables (give -o DIR)", folder)
    return folder


def write_csv(doc: dict[str, Any], folder: Path) -> list[Path]:
    folder = output_folder(folder)
    written = []
    for name, (columns, rows) in _tables(doc).items():
        path = folder / f"{name}.csv"
        with open(path, "w", encoding="utf-8-sig", newline="") as out:
            writer = csv.DictWriter(out, fieldnames=columns)
            writer.writeheader()
            for row in rows:
                writer.writerow({k: LIST_SEPARATOR.join(v) if k in LIST_COLUMNS else v for k, v in row.items()})
        written.append(path)
    return written


def _parquet_schema(name: str):
    import pyarrow as pa

    strings = pa.list_(pa.string())
    if name == "quotes":
        return pa.schema([
            ("id", pa.string()), ("chapter", pa.int32()), ("paragraph", pa.int32()),
            ("start", pa.int64()), ("end", pa.int64()), ("speaker_id", pa.string()), ("speaker", pa.string()),
            ("addressee_ids", strings), ("addressees", strings), ("kind", pa.string()),
            ("confidence", pa.float64()), ("text", pa.string()),
        ])
    return pa.schema([
        ("id", pa.string()), ("name", pa.string()), ("aliases", strings), ("gender", pa.string()),
        ("mentions", pa.int64()), ("lines", pa.int64()), ("dialogue_share", pa.float64()), ("tagged", pa.bool_()),
    ])


def write_parquet(doc: dict[str, Any], folder: Path) -> list[Path]:
    import pyarrow as pa
    import pyarrow.parquet as pq

    folder = output_folder(folder)
    written = []
    for name, (_columns, rows) in _tables(doc).items():
        path = folder / f"{name}.parquet"
        pq.write_table(pa.Table.from_pylist(rows, schema=_parquet_schema(name)), path)
        written.append(path)
    return written
