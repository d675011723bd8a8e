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

from nomina.collector import gc_paused
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
from nomina.timeline.register import (
    PERSON_COLUMNS,
    RegisterChunk,
    flag_row,
    iter_register,
)

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
    with gc_paused(), store.engine.begin() as connection:
        take_write_lock(connection)
        run_id = connection.execute(select(func.max(resolution_runs.c.id))).scalar()
        as_of = connection.execute(select(func.max(batches.c.finished_at))).scalar()
        for table in (timeline_flags, person_sources, person_timelines, figure_cells,
                      figure_source_cells):  # fmt: skip
            connection.execute(table.delete())
        writer = _Writer(connection)
        for chunk in iter_register(store, progress=progress):
            writer.write(chunk)
        writer.write_cells()
        seconds = time.perf_counter() - started
        build_id = _record_build(
            connection, run_id, as_of, writer.persons, writer.events, writer.flags, seconds
        )
    return TimelineBuild(
        build_id, run_id, writer.persons, writer.events, writer.flags, writer.contested, seconds
    )


class _Writer:
    """Writes chunks of the register as they come, and counts the figure cells."""

    def __init__(self, connection: Connection) -> None:
        self.connection = connection
        self.sqlite = is_sqlite(connection)
        self.persons = self.events = self.flags = self.contested = 0
        self.cells: Counter[tuple] = Counter()
        self.source_cells: Counter[tuple[str, int]] = Counter()
        self.moments: dict[dt.datetime, str] = {}  # first_known → its stored text

    def write(self, chunk: RegisterChunk) -> None:
        rows = [summary.row() for summary in chunk.persons]
        for row in rows:
            self.cells[cell_of(row)] += 1
        certainty = {summary.person_id: summary.certainty for summary in chunk.persons}
        for person_id, source_id, _ in chunk.person_sources:
            self.source_cells[(certainty[person_id], source_id)] += 1
        bulk_insert(
            self.connection,
            person_timelines,
            PERSON_COLUMNS,
            [(*row[:-1], self._moment(row[-1])) for row in rows],
        )
        bulk_insert(
            self.connection, person_sources, ("person_id", "source_id", "records"),
            chunk.person_sources,
        )  # fmt: skip
        bulk_insert(
            self.connection,
            timeline_flags,
            FLAG_COLUMNS,
            [(self.flags + n + 1, *flag_row(p, f)) for n, (p, f) in enumerate(chunk.flags)],
        )
        self.persons += len(chunk.persons)
        self.events += sum(summary.events for summary in chunk.persons)
        self.flags += len(chunk.flags)
        self.contested += sum(summary.timeline.contested for summary in chunk.persons)

    def write_cells(self) -> None:
        ordered = sorted(self.cells.items(), key=str)
        bulk_insert(
            self.connection,
            figure_cells,
            ("id", *CELL_COLUMNS, "persons"),
            [(n + 1, *key, count) for n, (key, count) in enumerate(ordered)],
        )
        bulk_insert(
            self.connection,
            figure_source_cells,
            ("certainty", "source_id", "persons"),
            [(*key, count) for key, count in sorted(self.source_cells.items())],
        )

    def _moment(self, moment: dt.datetime) -> str:
        """bulk_insert wants moments as text: SQLAlchemy's SQLite form, or UTC for COPY.
        A register has a few landings and a million persons: format each landing once."""
        text = self.moments.get(moment)
        if text is None:
            text = moment.strftime("%Y-%m-%d %H:%M:%S.%f") + ("" if self.sqlite else "+00:00")
            self.moments[moment] = text
        return text


# What figures select on, in figure_cells; the first contract to the month (or year).
CELL_COLUMNS = ("certainty", "status", "contested", "country", "first_contracted",
                "recruitment_channel", "event_kinds")  # fmt: skip


def cell_of(row: tuple) -> tuple:
    """A person_timelines row (PERSON_COLUMNS) as its figure cell (CELL_COLUMNS)."""
    contract = row[8]
    if contract is not None:
        contract = contract[:4] if row[9] == "year" else contract[:7]
    return (row[1], row[2], row[6], row[7], contract, row[10], row[13])


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
