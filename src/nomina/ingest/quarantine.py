"""Reading the quarantine: rows that did not parse, with file, row, field and reason."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from nomina.store import Store
from nomina.store.schema import batches, quarantine, quarantine_problems, records, set_aside_values

QUARANTINE_COLUMNS = ("batch", "file", "row", "field", "column", "value", "reason")


def list_quarantine(
    store: Store,
    *,
    batch_id: int | None = None,
    limit: int | None = None,
    set_aside: bool = False,
) -> list[dict[str, Any]]:
    """One entry per problem, in file and row order: the rows quarantined, or with
    `set_aside` the values left out of rows kept (columns configured `on_error: blank`)."""
    if set_aside:
        return _list_set_aside(store, batch_id, limit)
    query = (
        select(
            batches.c.id.label("batch"),
            batches.c.file_name.label("file"),
            quarantine.c.row_number.label("row"),
            quarantine_problems.c.field,
            quarantine_problems.c.column_name.label("column"),
            quarantine_problems.c.value,
            quarantine_problems.c.reason,
        )
        .join(quarantine, quarantine.c.batch_id == batches.c.id)
        .join(quarantine_problems, quarantine_problems.c.quarantine_id == quarantine.c.id)
        .order_by(batches.c.id, quarantine.c.row_number, quarantine_problems.c.id)
    )
    if batch_id is not None:
        query = query.where(batches.c.id == batch_id)
    if limit is not None:
        query = query.limit(limit)
    with store.engine.connect() as connection:
        return [dict(row) for row in connection.execute(query).mappings()]


def _list_set_aside(store: Store, batch_id: int | None, limit: int | None) -> list[dict[str, Any]]:
    query = (
        select(
            batches.c.id.label("batch"),
            batches.c.file_name.label("file"),
            records.c.row_number.label("row"),
            set_aside_values.c.field,
            set_aside_values.c.column_name.label("column"),
            set_aside_values.c.value,
            set_aside_values.c.reason,
        )
        .join(records, records.c.batch_id == batches.c.id)
        .join(set_aside_values, set_aside_values.c.record_id == records.c.id)
        .order_by(batches.c.id, records.c.row_number, set_aside_values.c.id)
    )
    if batch_id is not None:
        query = query.where(batches.c.id == batch_id)
    if limit is not None:
        query = query.limit(limit)
    with store.engine.connect() as connection:
        return [dict(row) for row in connection.execute(query).mappings()]
