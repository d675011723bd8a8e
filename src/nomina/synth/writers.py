"""Streaming, deterministic writers for the source files and the truth table.

Rows are buffered per source in chunks and each chunk is shuffled before it is written, so
a file's row order does not follow the order persons were drawn in (real lists are not
sorted by person), while memory stays bounded. The XLSX container is rewritten with fixed
timestamps so the same seed gives the same bytes.
"""

from __future__ import annotations

import csv
import io
import json
import random
import zipfile
from datetime import date, datetime
from pathlib import Path
from typing import IO

from openpyxl import Workbook

from .specs import SourceSpec

CHUNK = 4096
_FIXED_ZIP_TIME = (2025, 11, 15, 0, 0, 0)


class SourceWriter:
    """One source file; `add` buffers a row with its true person, `close` flushes all."""

    def __init__(
        self, spec: SourceSpec, out_dir: Path, truth: csv.writer, rng: random.Random
    ) -> None:  # type: ignore[valid-type]
        self.spec = spec
        self.path = out_dir / f"{spec.name}.{spec.ext}"
        self.truth = truth
        self.rng = rng
        self.buffer: list[tuple[str, object]] = []
        self.rows = 0
        self._csv: csv.writer | None = None  # type: ignore[valid-type]
        self._fh: IO[str] | None = None
        self._wb: Workbook | None = None
        if spec.ext == "csv":
            self._fh = open(self.path, "w", encoding=spec.encoding, errors="replace", newline="")  # noqa: SIM115
            self._csv = csv.writer(self._fh, delimiter=spec.delimiter, lineterminator="\r\n")
            self._csv.writerow(spec.headers)
        elif spec.ext == "jsonl":
            self._fh = open(self.path, "w", encoding=spec.encoding, newline="\n")  # noqa: SIM115
        else:
            self._wb = Workbook(write_only=True)
            self._ws = self._wb.create_sheet(spec.sheet)
            self._ws.append(spec.headers)

    def add(self, pid: str, row: object) -> None:
        self.buffer.append((pid, row))
        if len(self.buffer) >= CHUNK:
            self.flush()

    def flush(self) -> None:
        self.rng.shuffle(self.buffer)
        # Row numbers as a person sees them: CSV/XLSX header is row 1; JSONL line numbers.
        first = self.rows + (1 if self.spec.ext == "jsonl" else 2)
        for k, (pid, row) in enumerate(self.buffer):
            if self._csv is not None:
                self._csv.writerow(row)  # type: ignore[arg-type]
            elif self._fh is not None:
                self._fh.write(json.dumps(row, ensure_ascii=False) + "\n")
            else:
                self._ws.append(row)  # type: ignore[arg-type]
            self.truth.writerow((self.spec.name, first + k, pid))
        self.rows += len(self.buffer)
        self.buffer.clear()

    def close(self) -> None:
        self.flush()
        if self._fh is not None:
            self._fh.close()
        if self._wb is not None:
            self._wb.properties.creator = "nomina synth"
            self._wb.save(self.path)
            _normalise_xlsx(self.path)


def _normalise_xlsx(path: Path) -> None:
    """Rewrite the XLSX zip with fixed entry times and document properties."""
    with zipfile.ZipFile(path) as src:
        entries = [(info.filename, src.read(info.filename)) for info in src.infolist()]
    buf = io.BytesIO()
    stamp = datetime(*_FIXED_ZIP_TIME).strftime("%Y-%m-%dT%H:%M:%SZ").encode()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as dst:
        for name, data in entries:
            if name == "docProps/core.xml":
                data = _fix_times(data, stamp)
            info = zipfile.ZipInfo(name, date_time=_FIXED_ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            dst.writestr(info, data)
    path.write_bytes(buf.getvalue())


def _fix_times(xml: bytes, stamp: bytes) -> bytes:
    for tag in (b"dcterms:created", b"dcterms:modified"):
        start = xml.find(b"<" + tag)
        if start < 0:
            continue
        open_end = xml.find(b">", start) + 1
        close = xml.find(b"</" + tag, open_end)
        xml = xml[:open_end] + stamp + xml[close:]
    return xml


def iso(d: date | None) -> str:
    return d.isoformat() if d else ""
