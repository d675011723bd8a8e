"""Streaming readers for CSV, XLSX and JSON Lines. Memory does not grow with file size.

Each reader yields `RawRow`s: the row number a person sees when opening the file,
the cells by header, and any problem found while *reading* (bad bytes, NUL, a
ragged row, broken JSON), which sends the row to quarantine without stopping the
file. Problems that make the whole file unreadable raise `IngestError`.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO

import orjson
from charset_normalizer import from_bytes

from nomina.ingest.errors import IngestError

FORMATS = {".csv": "csv", ".tsv": "csv", ".xlsx": "xlsx", ".jsonl": "jsonl"}
SAMPLE_BYTES = 256 * 1024
# A cell larger than this is not a register value; the row goes to quarantine.
MAX_CELL_CHARS = 1_000_000
# The csv module refuses fields above its limit; allow big ones so we can report them.
csv.field_size_limit(64 * 1024 * 1024)

_BINARY_SIGNATURES = {
    b"PK\x03\x04": "a ZIP archive (an .xlsx saved under another name?)",
    b"%PDF": "a PDF document",
    b"\x7fELF": "a program",
    b"\xd0\xcf\x11\xe0": "an old Excel/Word (OLE2) file; save it as .xlsx or .csv",
    b"\x89PNG": "a PNG image",
    b"\xff\xd8\xff": "a JPEG image",
}


_ORJSON_OPTIONS = orjson.OPT_PASSTHROUGH_DATETIME | orjson.OPT_NON_STR_KEYS


@dataclass
class RawRow:
    row_number: int
    cells: dict[str, Any]
    problems: list[str] = field(default_factory=list)


def detect_format(path: Path) -> str:
    try:
        return FORMATS[path.suffix.lower()]
    except KeyError:
        known = ", ".join(sorted(FORMATS))
        raise IngestError(path, f"unknown file type '{path.suffix}' (known: {known})") from None


def unique_headers(values: list[Any]) -> list[str]:
    """Headers as text, trimmed, blanks named by position, repeats numbered."""
    headers: list[str] = []
    for position, value in enumerate(values, start=1):
        name = " ".join(str(value).replace("\ufeff", "").split()) if value is not None else ""
        name = name or f"column {position}"
        candidate, copy = name, 2
        while candidate in headers:
            candidate, copy = f"{name} ({copy})", copy + 1
        headers.append(candidate)
    return headers


def _check_not_binary(path: Path, sample: bytes) -> None:
    if not sample.strip(b" \t\r\n\xef\xbb\xbf"):
        raise IngestError(path, "file is empty")
    for signature, what in _BINARY_SIGNATURES.items():
        if sample.startswith(signature):
            raise IngestError(path, f"not a text file: it is {what}")
    nul = sample.count(b"\x00")
    # A stray NUL is a damaged row (quarantined); many are a binary or UTF-16 file.
    if nul > max(8, len(sample) // 1000):
        raise IngestError(
            path,
            f"not CSV text: {nul} NUL bytes in the first {len(sample)} bytes "
            f"(binary file, or UTF-16: save it as UTF-8)",
        )


def detect_encoding(sample: bytes) -> str:
    """UTF-8 (with or without BOM) when most non-ASCII lines are UTF-8, else CP1251 or KOI8-R."""
    if sample.startswith(b"\xef\xbb\xbf"):
        return "utf-8-sig"
    lines = [
        line
        for line in sample.splitlines()[:-1] or sample.splitlines()
        if max(line, default=0) > 127
    ]
    if not lines:
        return "utf-8"
    valid = sum(1 for line in lines if _is_utf8(line))
    if valid * 2 > len(lines):
        return "utf-8"
    best = from_bytes(sample, cp_isolation=["cp1251", "koi8_r"]).best()
    return {"koi8_r": "koi8-r"}.get(best.encoding, "cp1251") if best else "cp1251"


def _is_utf8(line: bytes) -> bool:
    try:
        line.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


class _DecodedLines:
    """Binary lines → text lines; remembers which physical lines had bad bytes or NUL."""

    def __init__(self, handle: BinaryIO, encoding: str) -> None:
        self.handle = handle
        self.encoding = encoding
        self.line_number = 0
        self.bad: dict[int, str] = {}

    def __iter__(self) -> Iterator[str]:
        for raw in self.handle:
            self.line_number += 1
            if self.line_number == 1 and self.encoding == "utf-8-sig":
                raw = raw.removeprefix(b"\xef\xbb\xbf")
            try:
                text = raw.decode(self.encoding)
            except UnicodeDecodeError as error:
                # Keep the bytes visible (\xNN) so nothing is lost from the raw row.
                text = raw.decode(self.encoding, errors="backslashreplace")
                self.bad[self.line_number] = (
                    f"bytes not valid in the file's encoding {self.encoding} "
                    f"at line {self.line_number}, byte {error.start} (mixed encodings?)"
                )
            if "\x00" in text:
                text = text.replace("\x00", "\\x00")
                self.bad[self.line_number] = f"NUL byte at line {self.line_number}"
            yield text

    def problems_up_to(self, line_number: int) -> list[str]:
        found = [self.bad.pop(n) for n in sorted(self.bad) if n <= line_number]
        return found


class CsvReader:
    format = "csv"

    def __init__(self, path: Path, *, encoding: str | None, delimiter: str | None) -> None:
        self.path = path
        self.size = path.stat().st_size
        with path.open("rb") as handle:
            sample = handle.read(SAMPLE_BYTES)
        _check_not_binary(path, sample)
        self.encoding = encoding or detect_encoding(sample)
        self.delimiter = delimiter or self._sniff_delimiter(sample)
        self._handle = path.open("rb")
        self._lines = _DecodedLines(self._handle, self.encoding)
        self._reader = csv.reader(iter(self._lines), delimiter=self.delimiter)
        try:
            header = next(self._reader)
        except StopIteration:
            raise IngestError(path, "file is empty") from None
        except csv.Error as error:
            raise IngestError(path, f"row 1 (header): {error}") from None
        self._header_problems = self._lines.problems_up_to(self._reader.line_num)
        if self._header_problems:
            raise IngestError(path, f"header: {self._header_problems[0]}")
        self.headers = unique_headers(header)

    def _sniff_delimiter(self, sample: bytes) -> str:
        text = sample.decode(self.encoding.replace("-sig", ""), errors="replace")
        head = "\n".join(text.splitlines()[:50])
        try:
            return csv.Sniffer().sniff(head, delimiters=",;\t|").delimiter
        except csv.Error:
            return ","

    def position(self) -> int:
        return self._handle.tell()

    def rows(self) -> Iterator[RawRow]:
        row_number = 1
        try:
            for values in self._reader:
                row_number += 1
                problems = self._lines.problems_up_to(self._reader.line_num)
                cells: dict[str, Any] = dict(zip(self.headers, values, strict=False))
                if len(values) > len(self.headers):
                    cells["(extra cells)"] = values[len(self.headers) :]
                    problems.append(
                        f"{len(values)} cells but the header has {len(self.headers)} "
                        f"(delimiter '{self.delimiter}' inside an unquoted cell?)"
                    )
                yield RawRow(row_number, cells, problems)
        except csv.Error as error:
            raise IngestError(
                self.path, f"row {row_number + 1}: cannot read CSV: {error}"
            ) from None
        finally:
            self._handle.close()

    def close(self) -> None:
        self._handle.close()


class XlsxReader:
    format = "xlsx"
    encoding = None
    delimiter = None

    def __init__(self, path: Path, *, sheet: str | None) -> None:
        import openpyxl  # slow import, only for spreadsheets

        self.path = path
        self.size = path.stat().st_size
        if self.size == 0:
            raise IngestError(path, "file is empty")
        try:
            self._book = openpyxl.load_workbook(path, read_only=True, data_only=True)
        except (zipfile.BadZipFile, KeyError, OSError, ValueError) as error:
            raise IngestError(path, f"not a readable XLSX workbook ({error})") from None
        if sheet is not None and sheet not in self._book.sheetnames:
            raise IngestError(
                path, f"no sheet '{sheet}' (sheets: {', '.join(self._book.sheetnames)})"
            )
        self._sheet = self._book[sheet] if sheet else self._book.worksheets[0]
        self._rows = self._sheet.iter_rows(values_only=True)
        self._total_rows = self._sheet.max_row or 0
        self._done = 0
        header = next(self._rows, None)
        if header is None or all(value is None for value in header):
            raise IngestError(path, "file is empty (no header row)")
        self.headers = unique_headers(list(header))

    def position(self) -> int:
        # openpyxl streams XML; report progress by row share of the file size.
        return int(self.size * self._done / self._total_rows) if self._total_rows else 0

    def rows(self) -> Iterator[RawRow]:
        try:
            for row_number, values in enumerate(self._rows, start=2):
                self._done = row_number
                yield RawRow(row_number, dict(zip(self.headers, values, strict=False)))
        finally:
            self._book.close()

    def close(self) -> None:
        self._book.close()


_LONE_SURROGATE = re.compile(r"\\u[dD][89a-fA-F][0-9a-fA-F]{2}")


def _has_lone_surrogate(text: str) -> bool:
    """A JSON escape of half a surrogate pair; no register value can hold one."""
    if not _LONE_SURROGATE.search(text):
        return False
    try:
        orjson.loads(text)
    except orjson.JSONDecodeError:
        return True
    return False


class JsonLinesReader:
    format = "jsonl"
    encoding = "utf-8"
    delimiter = None

    def __init__(self, path: Path) -> None:
        self.path = path
        self.size = path.stat().st_size
        with path.open("rb") as handle:
            sample = handle.read(SAMPLE_BYTES)
        _check_not_binary(path, sample)
        self._handle = path.open("rb")
        self._lines = _DecodedLines(self._handle, "utf-8-sig")
        self.headers: list[str] = []  # JSON Lines has no header; keys are seen as they come

    def position(self) -> int:
        return self._handle.tell()

    def rows(self) -> Iterator[RawRow]:
        try:
            for text in self._lines:
                line_number = self._lines.line_number
                problems = self._lines.problems_up_to(line_number)
                if not text.strip():
                    yield RawRow(line_number, {})
                    continue
                try:
                    value = json.loads(text)
                except json.JSONDecodeError as error:
                    problems.append(f"not valid JSON: {error.msg} at character {error.pos}")
                    value = {"(line)": text.rstrip("\r\n")}
                if not isinstance(value, dict):
                    problems.append(f"expected a JSON object, got {type(value).__name__}")
                    value = {"(line)": text.rstrip("\r\n")}
                elif _has_lone_surrogate(text):
                    problems.append("text escapes a lone UTF-16 surrogate (\\ud800–\\udfff)")
                    value = {"(line)": text.rstrip("\r\n")}
                yield RawRow(line_number, value, problems)
        finally:
            self._handle.close()

    def close(self) -> None:
        self._handle.close()


Reader = CsvReader | XlsxReader | JsonLinesReader


def open_reader(
    path: Path,
    *,
    encoding: str | None = None,
    delimiter: str | None = None,
    sheet: str | None = None,
) -> Reader:
    """The right streaming reader for `path`, by its extension."""
    kind = detect_format(path)
    if kind == "xlsx":
        return XlsxReader(path, sheet=sheet)
    if kind == "jsonl":
        return JsonLinesReader(path)
    return CsvReader(path, encoding=encoding, delimiter=delimiter)


def json_cell(value: Any) -> Any:
    """A cell as JSON can hold it (spreadsheet dates become ISO text)."""
    if isinstance(value, dt.datetime):
        return value.isoformat(sep=" ") if value.time() != dt.time() else value.date().isoformat()
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, bytes):
        return value.decode("utf-8", errors="backslashreplace")
    return value


def to_verbatim_json(cells: dict[str, Any]) -> str:
    """The row as stored: JSON with non-ASCII kept readable; NUL and controls escaped.

    orjson (several times faster than json here) writes compact UTF-8; spreadsheet
    dates go through json_cell so a midnight datetime stays a plain date.
    """
    try:
        return orjson.dumps(cells, default=json_cell, option=_ORJSON_OPTIONS).decode()
    except orjson.JSONEncodeError:
        # Integers beyond 64 bits, lone surrogates from JSON escapes: the standard
        # library copes, and ASCII escapes keep even a lone surrogate storable.
        return json.dumps(cells, ensure_ascii=True, default=json_cell, separators=(",", ":"))


__all__ = ["RawRow", "Reader", "open_reader", "to_verbatim_json"]
