"""What figures count: every person's facts and its sources, as two data frames.

- `load_snapshot(store)`: now, from the materialised timeline tables (a second at a
  million records). The tables are rebuilt first if a resolution ran since they were.
- `snapshot_from_events(store, as_of)`: derived afresh from records and events through
  `nomina.timeline.register` (what was known as of `as_of`; see there). It reads every
  record and derives every timeline, so it costs what a timeline build costs (about
  half a minute at a million records) rather than a second.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pandas as pd
from sqlalchemy import select

from nomina.store import Store
from nomina.store.schema import sources
from nomina.timeline.build import ensure_timeline
from nomina.timeline.dates import utc_naive
from nomina.timeline.register import iter_register

PERSON_FRAME = ("person_id", "certainty", "status", "contested", "country", "first_contracted",
                "first_contracted_precision", "recruitment_channel", "event_kinds")  # fmt: skip


@dataclass
class Snapshot:
    persons: pd.DataFrame  # one row per person, columns PERSON_FRAME
    person_sources: pd.DataFrame  # person_id, source_id: the sources naming each person
    source_labels: dict[int, str]  # source id → its title (with its date if titles repeat)
    as_of: dt.datetime | None  # what it reflects: the moment asked, or the latest landing


def load_snapshot(store: Store) -> Snapshot:
    """The register now, from person_timelines and person_sources."""
    build = ensure_timeline(store)
    columns = ", ".join(PERSON_FRAME)
    with store.engine.connect() as connection:
        driver = connection.connection.driver_connection
        cursor = driver.cursor()
        try:
            cursor.execute(f"SELECT {columns} FROM person_timelines")  # noqa: S608 - our names
            people = pd.DataFrame.from_records(cursor.fetchall(), columns=PERSON_FRAME)
            cursor.execute("SELECT person_id, source_id FROM person_sources")
            named = pd.DataFrame.from_records(cursor.fetchall(), columns=["person_id", "source_id"])
        finally:
            cursor.close()
        labels = _source_labels(connection)
    as_of = utc_naive(build["as_of"]) if build["as_of"] is not None else None
    return Snapshot(people, named, labels, as_of)


def snapshot_from_events(store: Store, as_of: dt.datetime | None = None) -> Snapshot:
    """The register as known at `as_of` (None: now), derived from records and events."""
    rows: list[tuple] = []
    named: list[tuple[int, int]] = []
    for chunk in iter_register(store, as_of=as_of):
        for summary in chunk.persons:
            row = summary.row()
            rows.append((row[0], row[1], row[2], row[6], row[7], row[8], row[9], row[10], row[13]))
        named.extend((person_id, source_id) for person_id, source_id, _ in chunk.person_sources)
    with store.engine.connect() as connection:
        labels = _source_labels(connection)
    return Snapshot(
        pd.DataFrame.from_records(rows, columns=PERSON_FRAME),
        pd.DataFrame.from_records(named, columns=["person_id", "source_id"]),
        labels,
        utc_naive(as_of) if as_of is not None else None,
    )


def _source_labels(connection) -> dict[int, str]:
    found = connection.execute(select(sources.c.id, sources.c.title, sources.c.received)).all()
    repeated = {title for title in (row.title for row in found) if
                sum(1 for other in found if other.title == title) > 1}  # fmt: skip
    return {
        row.id: f"{row.title} ({row.received})" if row.title in repeated else row.title
        for row in found
    }
