"""What the register holds after ingest: sources, batches, records, quarantined rows."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select

from nomina.store import Store
from nomina.store.schema import batches, quarantine, records, sources

SOURCE_COLUMNS = (
    "id",
    "title",
    "kind",
    "organisation",
    "reliability",
    "received",
    "batches",
    "records",
    "quarantined",
)


def list_sources(store: Store) -> list[dict[str, Any]]:
    """Each source with its batch, record and quarantine counts."""
    per_source = (
        select(
            batches.c.source_id,
            func.count().label("batches"),
            func.sum(batches.c.records_added).label("records"),
            func.sum(batches.c.rows_quarantined).label("quarantined"),
        )
        .group_by(batches.c.source_id)
        .subquery()
    )
    query = (
        select(
            sources.c.id,
            sources.c.title,
            sources.c.kind,
            sources.c.organisation,
            sources.c.reliability,
            sources.c.received,
            func.coalesce(per_source.c.batches, 0).label("batches"),
            func.coalesce(per_source.c.records, 0).label("records"),
            func.coalesce(per_source.c.quarantined, 0).label("quarantined"),
        )
        .outerjoin(per_source, per_source.c.source_id == sources.c.id)
        .order_by(sources.c.id)
    )
    with store.engine.connect() as connection:
        return [dict(row) for row in connection.execute(query).mappings()]


def summarise_register(store: Store) -> dict[str, int]:
    """Counts for the one-line summary after ingest."""
    counted = {
        "sources": sources,
        "batches": batches,
        "records": records,
        "quarantined_rows": quarantine,
    }
    with store.engine.connect() as connection:
        return {
            name: connection.execute(select(func.count()).select_from(table)).scalar() or 0
            for name, table in counted.items()
        }
