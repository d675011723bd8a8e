"""A cheap marker of the register's state, for caches of what is drawn from it."""

from __future__ import annotations

from typing import Any

from nomina.store import Store
from nomina.store.dialect import latest_ids
from nomina.store.schema import batches, judgements, resolution_runs, timeline_builds


def register_state(store: Store) -> tuple[Any, ...]:
    """Changes whenever a figure, a chart or an estimate now can: a source lands, a
    resolution run, a timeline build, a judgement (index lookups only)."""
    columns = (batches.c.id, resolution_runs.c.id, timeline_builds.c.id, judgements.c.id)
    with store.engine.connect() as connection:
        return latest_ids(connection, columns)
