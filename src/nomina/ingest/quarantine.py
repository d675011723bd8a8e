"""Reading the quarantine: rows that did not parse, with file, row, field and reason."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from nomina.store import Store
from nomina.store.schema import batches, quarantine, quarantine_problems

QUARANTINE_COLUMNS = ("batch", "file", "row", "field", "column", "value", "reason")


def list_quarantine(
    store: Store, *, batch_id: int | None = None, limit: int | None = None
) -> list[dict[str, Any]]:
    """One entry per problem, in file and row order."""
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
