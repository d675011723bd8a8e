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
    # Both lists are (row, problem) tables: a row of a batch, and its problems.
    rows, problems, link = (
        (records, set_aside_values, set_aside_values.c.record_id)
        if set_aside
        else (quarantine, quarantine_problems, quarantine_problems.c.quarantine_id)
    )
    query = (
        select(
            batches.c.id.label("batch"),
            batches.c.file_name.label("file"),
            rows.c.row_number.label("row"),
            problems.c.field,
            problems.c.column_name.label("column"),
            problems.c.value,
            problems.c.reason,
        )
        .join(rows, rows.c.batch_id == batches.c.id)
        .join(problems, link == rows.c.id)
        .order_by(batches.c.id, rows.c.row_number, problems.c.id)
    )
    if batch_id is not None:
        query = query.where(batches.c.id == batch_id)
    if limit is not None:
        query = query.limit(limit)
    with store.engine.connect() as connection:
        return [dict(row) for row in connection.execute(query).mappings()]
