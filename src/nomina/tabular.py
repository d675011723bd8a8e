"""Tables out: CSV, XLSX and JSON, with spreadsheet formula injection neutralised.

Values are stored verbatim (a source may really contain `=cmd|' /C calc'!A0`), but a
spreadsheet must never execute them: any text that a spreadsheet would read as a
formula gets a leading apostrophe on export (OWASP "CSV injection" guidance).
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import re
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import IO, Any

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\n", "\uff1d", "\uff0b", "\uff0d", "\uff20")
_PLAIN_NUMBER = re.compile(r"^[+-]?\d+(?:[.,]\d+)?$")


def neutralise_formula(value: Any) -> Any:
    """Text that a spreadsheet would evaluate, made inert; everything else unchanged."""
    if (
        isinstance(value, str)
        and value.startswith(_FORMULA_START)
        and not _PLAIN_NUMBER.match(value)
    ):
        return "'" + value
    return value


def _plain(value: Any) -> Any:
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    return value


def write_csv(rows: Iterable[dict[str, Any]], columns: Sequence[str], stream: IO[str]) -> None:
    writer = csv.writer(stream)
    writer.writerow([neutralise_formula(name) for name in columns])
    for row in rows:
        writer.writerow([neutralise_formula(_plain(row.get(name))) for name in columns])


def write_xlsx(rows: Iterable[dict[str, Any]], columns: Sequence[str], path: Path) -> None:
    import openpyxl  # slow import, only when asked

    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet("nomina")
    sheet.append([neutralise_formula(name) for name in columns])
    for row in rows:
        sheet.append([neutralise_formula(_plain(row.get(name))) for name in columns])
    book.save(path)


def write_json(rows: Iterable[dict[str, Any]], stream: IO[str]) -> None:
    # JSON is data, not a spreadsheet: values stay verbatim.
    json.dump(
        [{k: _plain(v) for k, v in row.items()} for row in rows],
        stream,
        ensure_ascii=False,
        indent=2,
    )
    stream.write("\n")
