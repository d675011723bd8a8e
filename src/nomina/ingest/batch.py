"""One file, one batch: every row stored verbatim, or quarantined, in one transaction.

A batch lands whole or not at all: an error, or a killed process, leaves the store
exactly as it was. Re-ingesting a file already stored (same SHA-256) adds nothing.
"""

from __future__ import annotations

import datetime as dt
import difflib
import hashlib
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Table, func, select

from nomina.ingest.config import SourceConfig
from nomina.ingest.errors import IngestError
from nomina.ingest.readers import RawRow, Reader, open_reader, to_verbatim_json
from nomina.ingest.rows import FIELD_COLUMNS, ParsedRow, Problem, RowParser
from nomina.settings import current_actor
from nomina.store import Store
from nomina.store.audit import append_audit
from nomina.store.dialect import bulk_insert, take_write_lock
from nomina.store.schema import (
    batches,
    quarantine,
    quarantine_problems,
    record_events,
    record_fields,
    records,
    set_aside_values,
    sources,
)

FLUSH_ROWS = 5_000
Progress = Callable[[int, int], None]


@dataclass
class BatchResult:
    """What one ingest did; `duplicate_of` is set when the file was already stored."""

    path: Path
    file_sha256: str
    batch_id: int | None = None
    source_id: int | None = None
    duplicate_of: int | None = None
    file_format: str | None = None
    encoding: str | None = None
    delimiter: str | None = None
    rows_read: int = 0
    records_added: int = 0
    rows_quarantined: int = 0
    values_set_aside: int = 0  # cells of kept rows that did not parse (`on_error: blank`)
    blank_rows: int = 0
    seconds: float = 0.0


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    try:
        with path.open("rb") as handle:
            while chunk := handle.read(1 << 20):
                digest.update(chunk)
    except OSError as error:
        raise IngestError(path, f"cannot read file: {error.strerror or error}") from None
    return digest.hexdigest()


def find_batch_by_hash(connection: Connection, sha256: str) -> int | None:
    return connection.execute(select(batches.c.id).where(batches.c.file_sha256 == sha256)).scalar()


def ingest_file(
    store: Store,
    path: Path,
    config: SourceConfig,
    *,
    actor: str | None = None,
    progress: Progress | None = None,
) -> BatchResult:
    """Ingest `path` described by `config` as one atomic batch."""
    started = time.perf_counter()
    result = BatchResult(path=path, file_sha256=file_sha256(path))
    with store.engine.connect() as connection:
        result.duplicate_of = find_batch_by_hash(connection, result.file_sha256)
    if result.duplicate_of is not None:
        return result
    reader = open_reader(
        path,
        encoding=config.file.encoding,
        delimiter=config.file.delimiter,
        sheet=config.file.sheet,
    )
    try:
        _check_columns(path, reader, config)
        result.file_format, result.encoding, result.delimiter = (
            reader.format,
            reader.encoding,
            reader.delimiter,
        )
        with store.engine.begin() as connection:
            _write_batch(connection, reader, config, result, actor or current_actor(), progress)
    finally:
        reader.close()
    result.seconds = time.perf_counter() - started
    return result


def _check_columns(path: Path, reader: Reader, config: SourceConfig) -> None:
    """Mapped columns must be in the header (JSON Lines is checked after reading)."""
    if reader.format == "jsonl":
        return
    missing = [c for c, m in config.columns.items() if c not in reader.headers and not m.optional]
    if missing:
        raise IngestError(path, _missing_columns_message(missing, reader.headers, config))


def _missing_columns_message(missing: list[str], headers: list[str], config: SourceConfig) -> str:
    hints = []
    for column in missing:
        close = difflib.get_close_matches(column, headers, n=1, cutoff=0.6)
        hint = f" (did you mean '{close[0]}'?)" if close else ""
        hints.append(f"'{column}' → {config.columns[column].field}{hint}")
    return (
        f"column(s) named in {config.path.name} not found in the file: {'; '.join(hints)}. "
        f"The file has: {', '.join(headers) or '(no columns)'}. "
        "Fix the header or the YAML, or mark the column `optional: true`."
    )


def _next_id(connection: Connection, column: Any) -> int:
    return (connection.execute(select(func.max(column))).scalar() or 0) + 1


def _find_or_add_source(connection: Connection, config: SourceConfig, now: dt.datetime) -> int:
    described = config.source
    found = connection.execute(
        select(sources.c.id).where(
            sources.c.title == described.title,
            sources.c.kind == described.kind,
            sources.c.received == described.received,
        )
    ).scalar()
    if found is not None:
        return found
    inserted = connection.execute(
        sources.insert().values(
            title=described.title,
            kind=described.kind,
            organisation=described.organisation,
            reliability=described.reliability,
            received=described.received,
            created_at=now,
        )
    )
    return inserted.inserted_primary_key[0]


_COLUMNS: dict[Table, tuple[str, ...]] = {
    records: ("id", "batch_id", "source_id", "row_number", "raw"),
    record_fields: ("record_id", *FIELD_COLUMNS),
    record_events: ("id", "record_id", "kind", "date", "date_precision", "reported_date"),
    quarantine: ("id", "batch_id", "row_number", "raw"),
    quarantine_problems: ("id", "quarantine_id", "field", "column_name", "value", "reason"),
    set_aside_values: ("id", "record_id", "field", "column_name", "value", "reason"),
}


class _BatchWriter:
    """Buffers rows as tuples and writes them in chunks, with ids assigned here (we hold
    the write lock)."""

    def __init__(self, connection: Connection, batch_id: int, source_id: int) -> None:
        self.connection = connection
        self.batch_id = batch_id
        self.source_id = source_id
        self.next_record = _next_id(connection, records.c.id)
        self.next_event = _next_id(connection, record_events.c.id)
        self.next_quarantine = _next_id(connection, quarantine.c.id)
        self.next_problem = _next_id(connection, quarantine_problems.c.id)
        self.next_set_aside = _next_id(connection, set_aside_values.c.id)
        # Insertion order matters: parents before children, for the foreign keys.
        self.buffers: dict[Table, list[tuple[Any, ...]]] = {table: [] for table in _COLUMNS}

    def add_record(self, row: RawRow, parsed: ParsedRow) -> None:
        record_id = self.next_record
        self.next_record += 1
        self.buffers[records].append(
            (record_id, self.batch_id, self.source_id, row.row_number, to_verbatim_json(row.cells))
        )
        self.buffers[record_fields].append((record_id, *parsed.fields.values()))
        reported = parsed.reported_date.isoformat()
        for kind, date in parsed.events:
            iso, precision = date if date else (None, None)
            self.buffers[record_events].append(
                (self.next_event, record_id, kind, iso, precision, reported)
            )
            self.next_event += 1
        for problem in parsed.set_aside:
            self.buffers[set_aside_values].append(
                (self.next_set_aside, record_id, *_problem_row(problem))
            )
            self.next_set_aside += 1

    def add_quarantined(self, row: RawRow, parsed: ParsedRow) -> None:
        quarantine_id = self.next_quarantine
        self.next_quarantine += 1
        self.buffers[quarantine].append(
            (quarantine_id, self.batch_id, row.row_number, to_verbatim_json(row.cells))
        )
        for problem in parsed.problems:
            self.buffers[quarantine_problems].append(
                (self.next_problem, quarantine_id, *_problem_row(problem))
            )
            self.next_problem += 1

    def flush(self) -> None:
        for table, rows in self.buffers.items():
            bulk_insert(self.connection, table, _COLUMNS[table], rows)
            rows.clear()

    def pending(self) -> int:
        return len(self.buffers[records]) + len(self.buffers[quarantine])


def _problem_row(problem: Problem) -> tuple[str | None, str | None, str | None, str]:
    # NUL cannot be stored in PostgreSQL text; the verbatim row keeps the original.
    value = problem.value.replace("\x00", "\\x00") if problem.value else None
    return problem.field, problem.column, value, problem.reason


def _write_batch(
    connection: Connection,
    reader: Reader,
    config: SourceConfig,
    result: BatchResult,
    actor: str,
    progress: Progress | None,
) -> None:
    take_write_lock(connection)
    if (earlier := find_batch_by_hash(connection, result.file_sha256)) is not None:
        result.duplicate_of = earlier  # another process stored it meanwhile
        return
    now = dt.datetime.now(dt.UTC)
    result.source_id = _find_or_add_source(connection, config, now)
    # The batch row goes first: on SQLite this first write takes the write lock.
    result.batch_id = connection.execute(
        batches.insert().values(
            source_id=result.source_id,
            file_name=result.path.name,
            file_sha256=result.file_sha256,
            file_size=reader.size,
            file_format=reader.format,
            encoding=reader.encoding,
            delimiter=reader.delimiter,
            config=config.text,
            rows_read=0,
            records_added=0,
            rows_quarantined=0,
            blank_rows=0,
            started_at=now,
            finished_at=now,
            ingested_by=actor,
        )
    ).inserted_primary_key[0]
    writer = _BatchWriter(connection, result.batch_id, result.source_id)
    parser = RowParser(
        config, set(reader.headers) if reader.format != "jsonl" else set(config.columns)
    )
    keys_seen: set[str] = set()
    for row in reader.rows():
        if reader.format == "jsonl":
            keys_seen.update(row.cells)
        if not row.problems and all(value in (None, "") for value in row.cells.values()):
            result.blank_rows += 1
            continue
        result.rows_read += 1
        parsed = parser.parse(row)
        if parsed.problems:
            writer.add_quarantined(row, parsed)
            result.rows_quarantined += 1
        else:
            writer.add_record(row, parsed)
            result.records_added += 1
            result.values_set_aside += len(parsed.set_aside)
        if writer.pending() >= FLUSH_ROWS:
            writer.flush()
            if progress:
                progress(reader.position(), reader.size)
    writer.flush()
    if reader.format == "jsonl":
        _check_keys_seen(result.path, config, keys_seen)
    if result.rows_read == 0:
        raise IngestError(result.path, "no data rows (header only?); nothing stored")
    connection.execute(
        batches.update()
        .where(batches.c.id == result.batch_id)
        .values(
            rows_read=result.rows_read,
            records_added=result.records_added,
            rows_quarantined=result.rows_quarantined,
            blank_rows=result.blank_rows,
            finished_at=dt.datetime.now(dt.UTC),
        )
    )
    append_audit(
        connection,
        actor=actor,
        action="ingest",
        object_type="batch",
        object_id=str(result.batch_id),
        detail={
            "file": result.path.name,
            "sha256": result.file_sha256,
            "source_id": result.source_id,
            "records": result.records_added,
            "quarantined": result.rows_quarantined,
            "values_set_aside": result.values_set_aside,
        },
    )
    if progress:
        progress(reader.size, reader.size)


def _check_keys_seen(path: Path, config: SourceConfig, keys_seen: set[str]) -> None:
    missing = [c for c, m in config.columns.items() if c not in keys_seen and not m.optional]
    if missing:
        raise IngestError(path, _missing_columns_message(missing, sorted(keys_seen), config))
