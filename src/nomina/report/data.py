"""What the report reads besides the figures: persons by status (from the same snapshot
the figures count), and the recording lag of events (from the stored events).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter

from sqlalchemy import func, select

from nomina.stats.snapshot import load_snapshot, snapshot_from_events
from nomina.store import Store
from nomina.store.schema import batches, person_records, persons, record_events, records
from nomina.timeline.dates import utc_naive
from nomina.timeline.rules import KIND_BIT, KIND_ORDER

NO_EVENT = "(no event)"


class EmptyRegister(ValueError):
    """No person in the register: resolution has not run (or found no one)."""


def count_persons(store: Store) -> int:
    """Current (not retired) persons."""
    with store.engine.connect() as connection:
        return connection.execute(
            select(func.count()).select_from(persons).where(persons.c.retired == 0)
        ).scalar_one()


def persons_by_status(
    store: Store, as_of: dt.datetime | None = None
) -> tuple[dict[str, int], dict[str, int]]:
    """Persons known with certainty by current status, and by the events ever on their
    timeline (not set aside by a contradiction), in the order of a service."""
    snapshot = load_snapshot(store) if as_of is None else snapshot_from_events(store, as_of)
    people = snapshot.persons
    confirmed = people[people["certainty"] == "confirmed"]
    statuses = confirmed["status"].fillna(NO_EVENT)
    by_status = confirmed["weight"].groupby(statuses).sum()
    order = [*KIND_ORDER, NO_EVENT]
    current = {kind: int(by_status.get(kind, 0)) for kind in order if kind in by_status.index}
    kinds = confirmed["event_kinds"].astype("int64")
    ever = {
        kind: int(confirmed.loc[(kinds & KIND_BIT[kind]) != 0, "weight"].sum())
        for kind in KIND_ORDER
    }
    return current, {kind: n for kind, n in ever.items() if n}


def recording_lags(store: Store, as_of: dt.datetime | None = None) -> Counter[int]:
    """Days from an event to the day its source reported it (reported − event date), for
    events dated to the day in records of current persons: lag → events.

    As of a moment: events of batches landed by then and reported by that day.
    """
    lag = Counter()
    query = (
        select(record_events.c.date, record_events.c.reported_date, func.count())
        .join(records, records.c.id == record_events.c.record_id)
        .join(person_records, person_records.c.record_id == records.c.id)
        .join(persons, persons.c.id == person_records.c.person_id)
        .where(persons.c.retired == 0, record_events.c.date_precision == "day")
        .group_by(record_events.c.date, record_events.c.reported_date)
    )
    with store.engine.connect() as connection:
        if as_of is not None:
            moment = utc_naive(as_of)
            landed = [
                batch_id
                for batch_id, finished in connection.execute(
                    select(batches.c.id, batches.c.finished_at)
                )
                if finished is not None and utc_naive(finished) <= moment
            ]
            query = query.where(
                records.c.batch_id.in_(landed), record_events.c.reported_date <= moment.date()
            )
        for date, reported, events in connection.execute(query):
            try:
                day = dt.date.fromisoformat(str(date)[:10])
            except ValueError:
                continue  # not a day: precision said day, the text disagrees; not counted
            if isinstance(reported, str):
                reported = dt.date.fromisoformat(reported[:10])
            lag[(reported - day).days] += int(events)
    return lag
