"""Reading stored records back: verbatim row, provenance and parsed fields."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from sqlalchemy import select

from nomina.ingest.rows import FIELD_COLUMNS
from nomina.store import Store
from nomina.store.schema import batches, record_fields, records, sources

RECORD_COLUMNS = ("record_id", "source", "file", "row", *FIELD_COLUMNS, "raw")


def iter_records(store: Store, *, source_id: int | None = None) -> Iterator[dict[str, Any]]:
    """Every record in id order, streamed (the register may hold millions)."""
    query = (
        select(
            records.c.id.label("record_id"),
            sources.c.title.label("source"),
            batches.c.file_name.label("file"),
            records.c.row_number.label("row"),
            *(record_fields.c[name] for name in FIELD_COLUMNS),
            records.c.raw,
        )
        .join(batches, batches.c.id == records.c.batch_id)
        .join(sources, sources.c.id == records.c.source_id)
        .join(record_fields, record_fields.c.record_id == records.c.id)
        .order_by(records.c.id)
    )
    if source_id is not None:
        query = query.where(records.c.source_id == source_id)
    with store.engine.connect() as connection:
        result = connection.execution_options(stream_results=True, yield_per=5_000).execute(query)
        for row in result.mappings():
            yield dict(row)
