"""Materialise every person's timeline: person_timelines, timeline_flags, person_sources.

The tables are rebuilt whole, in one transaction, after each resolution: figures read
them instead of re-deriving a million timelines. `timeline_builds` says when, from which
resolution run, and up to which landing.
"""

from __future__ import annotations

import datetime as dt
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import Connection, func, insert, select

from nomina.store import Store
from nomina.store.dialect import bulk_insert, is_sqlite, take_write_lock
from nomina.store.schema import (
    batches,
    figure_cells,
    figure_source_cells,
    person_sources,
    person_timelines,
    resolution_runs,
    timeline_builds,
    timeline_flags,
)
from nomina.timeline.register import PERSON_COLUMNS, flag_row, iter_register

FLAG_COLUMNS = ("id", "person_id", "kind", "record_id", "other_record_id", "detail")


@dataclass(frozen=True)
class TimelineBuild:
    build_id: int
    run_id: int | None
    persons: int
    events: int
    flags: int
    contested: int
    seconds: float


def build_timeline(
    store: Store, progress: Callable[[int, int], None] | None = None
) -> TimelineBuild:
    """Rebuild the timeline tables from the register's persons, records and events.

    `progress(done, total)` counts person ids. Persons are read and derived a chunk at a
    time; every chunk is written as it comes, and the whole rebuild commits at once.
    """
    started = time.perf_counter()
    persons = events = flags = contested = 0
    with store.engine.begin() as connection:
        take_write_lock(connection)
        sqlite = is_sqlite(connection)
        run_id = connection.execute(select(func.max(resolution_runs.c.id))).scalar()
        as_of = connection.execute(select(func.max(batches.c.finished_at))).scalar()
        for table in (timeline_flags, person_sources, person_timelines, figure_cells,
                      figure_source_cells):  # fmt: skip
            connection.execute(table.delete())
        cells: Counter[tuple] = Counter()
        source_cells: Counter[tuple[str, int]] = Counter()
        for chunk in iter_register(store, progress=progress):
            rows = [summary.row() for summary in chunk.persons]
            for row in rows:
                cells[cell_of(row)] += 1
            certainty = {summary.person_id: summary.certainty for summary in chunk.persons}
            for person_id, source_id, _ in chunk.person_sources:
                source_cells[(certainty[person_id], source_id)] += 1
            bulk_insert(
                connection,
                person_timelines,
                PERSON_COLUMNS,
                [_storable(row, sqlite) for row in rows],
            )
            bulk_insert(
                connection, person_sources, ("person_id", "source_id", "records"),
                chunk.person_sources,
            )  # fmt: skip
            bulk_insert(
                connection,
                timeline_flags,
                FLAG_COLUMNS,
                [(flags + n + 1, *flag_row(p, f)) for n, (p, f) in enumerate(chunk.flags)],
            )
            persons += len(chunk.persons)
            events += sum(summary.events for summary in chunk.persons)
            flags += len(chunk.flags)
            contested += sum(summary.timeline.contested for summary in chunk.persons)
        bulk_insert(
            connection,
            figure_cells,
            ("id", *CELL_COLUMNS, "persons"),
            [(n + 1, *key, count) for n, (key, count) in enumerate(sorted(cells.items(), key=str))],
        )
        bulk_insert(
            connection,
            figure_source_cells,
            ("certainty", "source_id", "persons"),
            [(*key, count) for key, count in sorted(source_cells.items())],
        )
        seconds = time.perf_counter() - started
        build_id = _record_build(connection, run_id, as_of, persons, events, flags, seconds)
    return TimelineBuild(build_id, run_id, persons, events, flags, contested, seconds)


# What figures select on, in figure_cells; the first contract to the month (or year).
CELL_COLUMNS = ("certainty", "status", "contested", "country", "first_contracted",
                "recruitment_channel", "event_kinds")  # fmt: skip


def cell_of(row: tuple) -> tuple:
    """A person_timelines row (PERSON_COLUMNS) as its figure cell (CELL_COLUMNS)."""
    contract = row[8]
    if contract is not None:
        contract = contract[:4] if row[9] == "year" else contract[:7]
    return (row[1], row[2], row[6], row[7], contract, row[10], row[13])


def _storable(row: tuple, sqlite: bool) -> tuple:
    # bulk_insert wants moments as text: SQLAlchemy's SQLite form, or UTC for COPY.
    # first_known (naive UTC) is the last column.
    moment = row[-1].strftime("%Y-%m-%d %H:%M:%S.%f")
    return (*row[:-1], moment if sqlite else moment + "+00:00")


def _record_build(
    connection: Connection,
    run_id: int | None,
    as_of: dt.datetime | None,
    persons: int,
    events: int,
    flags: int,
    seconds: float,
) -> int:
    return connection.execute(
        insert(timeline_builds).values(
            built_at=dt.datetime.now(dt.UTC),
            run_id=run_id,
            as_of=as_of,
            persons=persons,
            events=events,
            flags=flags,
            seconds=seconds,
        )
    ).inserted_primary_key[0]


def latest_build(connection: Connection) -> dict | None:
    """The last build (built_at, run_id, as_of, …), or None before the first."""
    row = (
        connection.execute(select(timeline_builds).order_by(timeline_builds.c.id.desc()).limit(1))
        .mappings()
        .first()
    )
    return dict(row) if row else None


def timeline_is_stale(connection: Connection) -> bool:
    """True when no build exists or a resolution run finished after the last one."""
    build = latest_build(connection)
    if build is None:
        return True
    run_id = connection.execute(select(func.max(resolution_runs.c.id))).scalar()
    return run_id is not None and run_id != build["run_id"]


def ensure_timeline(store: Store) -> dict:
    """The last build, rebuilding first when it is missing or older than the last run."""
    with store.engine.connect() as connection:
        stale = timeline_is_stale(connection)
    if stale:
        build_timeline(store)
    with store.engine.connect() as connection:
        build = latest_build(connection)
    assert build is not None
    return build
