"""What figures count: every person's facts and its sources, as two data frames.

- `load_snapshot(store)`: now, from the materialised figure cells (persons counted by
  the facts figures select on: a few thousand rows for a million persons), or per person
  from person_timelines. The tables are rebuilt first if a resolution ran since.
- `snapshot_from_events(store, as_of)`: derived afresh from records and events through
  `nomina.timeline.register` (what was known as of `as_of`; see there). It reads every
  record and derives every timeline, so it costs what a timeline build costs (about
  half a minute at a million records) rather than a second.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import pandas as pd
from sqlalchemy import select

from nomina.collector import gc_paused
from nomina.store import Store
from nomina.store.schema import sources
from nomina.timeline.build import ensure_timeline
from nomina.timeline.dates import utc_naive
from nomina.timeline.register import iter_register

FACTS = ("certainty", "status", "contested", "country", "first_contracted",
         "recruitment_channel", "event_kinds")  # fmt: skip
PERSON_FRAME = ("row_id", "weight", *FACTS)
SOURCE_FRAME = ("row_id", "weight", "certainty", "source_id")


@dataclass
class Snapshot:
    """Rows a figure selects from. Per person (`per_person`): one row per person, `row_id`
    its id, `weight` 1. Otherwise cells: one row per combination of facts, `weight` the
    persons in it. Figures add weights, so both give the same numbers."""

    persons: pd.DataFrame  # PERSON_FRAME
    person_sources: pd.DataFrame  # SOURCE_FRAME: the sources naming the persons
    source_labels: dict[int, str]  # source id → its title (with its date if titles repeat)
    as_of: dt.datetime | None  # what it reflects: the moment asked, or the latest landing
    per_person: bool
    cache: dict = field(default_factory=dict)  # selections several figures share


def load_snapshot(store: Store, *, per_person: bool = False) -> Snapshot:
    """The register now, from the materialised tables: figure cells (fast), or
    `per_person` person_timelines and person_sources (to list the persons behind)."""
    build = ensure_timeline(store)
    facts = ", ".join(FACTS)
    if per_person:
        queries = (
            f"SELECT person_id, 1, {facts} FROM person_timelines",  # noqa: S608 - our names
            "SELECT s.person_id, 1, t.certainty, s.source_id FROM person_sources s "
            "JOIN person_timelines t ON t.person_id = s.person_id",
        )
    else:
        queries = (
            f"SELECT id, persons, {facts} FROM figure_cells",  # noqa: S608 - our names
            "SELECT source_id, persons, certainty, source_id FROM figure_source_cells",
        )
    with store.engine.connect() as connection:
        cursor = connection.connection.driver_connection.cursor()
        try:
            cursor.execute(queries[0])
            people = pd.DataFrame.from_records(cursor.fetchall(), columns=PERSON_FRAME)
            cursor.execute(queries[1])
            named = pd.DataFrame.from_records(cursor.fetchall(), columns=SOURCE_FRAME)
        finally:
            cursor.close()
        labels = _source_labels(connection)
    if not per_person:  # a source cell's row_id must be unique: number them
        named["row_id"] = range(len(named))
    as_of = utc_naive(build["as_of"]) if build["as_of"] is not None else None
    return Snapshot(people, named, labels, as_of, per_person)


def snapshot_from_events(store: Store, as_of: dt.datetime | None = None) -> Snapshot:
    """The register as known at `as_of` (None: now), per person, from records and events."""
    rows: list[tuple] = []
    named: list[tuple] = []
    with gc_paused():  # a million small rows and no cycles (see gc_paused)
        for chunk in iter_register(store, as_of=as_of):
            certainty = {}
            for summary in chunk.persons:
                row = summary.row()
                certainty[row[0]] = row[1]
                rows.append((row[0], 1, row[1], row[2], row[6], row[7], row[8], row[10], row[13]))
            named.extend((p, 1, certainty[p], source) for p, source, _ in chunk.person_sources)
    with store.engine.connect() as connection:
        labels = _source_labels(connection)
    return Snapshot(
        pd.DataFrame.from_records(rows, columns=PERSON_FRAME),
        pd.DataFrame.from_records(named, columns=SOURCE_FRAME),
        labels,
        utc_naive(as_of) if as_of is not None else None,
        True,
    )


def _source_labels(connection) -> dict[int, str]:
    found = connection.execute(select(sources.c.id, sources.c.title, sources.c.received)).all()
    repeated = {title for title in (row.title for row in found) if
                sum(1 for other in found if other.title == title) > 1}  # fmt: skip
    return {
        row.id: f"{row.title} ({row.received})" if row.title in repeated else row.title
        for row in found
    }
