"""One person's timeline, read from its records' events (for `nomina timeline ID`)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, select

from nomina.store.schema import person_records, record_events, records, sources, timeline_flags
from nomina.timeline.rules import Timeline, TimelineEvent, derive_timeline


def person_timeline(connection: Connection, person_id: int) -> Timeline:
    """The person's events, ordered, with status and contradictions (derived afresh)."""
    query = (
        select(
            record_events.c.id,
            record_events.c.record_id,
            records.c.source_id,
            record_events.c.kind,
            record_events.c.date,
            record_events.c.date_precision,
            record_events.c.reported_date,
            sources.c.reliability,
        )
        .join(person_records, person_records.c.record_id == record_events.c.record_id)
        .join(records, records.c.id == record_events.c.record_id)
        .join(sources, sources.c.id == records.c.source_id)
        .where(person_records.c.person_id == person_id)
    )
    return derive_timeline(
        [
            TimelineEvent.of(e, r, s, kind, date, precision, str(reported), grade)
            for e, r, s, kind, date, precision, reported, grade in connection.execute(query)
        ]
    )


def timeline_rows(connection: Connection, timeline: Timeline) -> list[dict[str, Any]]:
    """The ordered events as rows for a table: what, when, where from, whether it counts."""
    titles = dict(connection.execute(select(sources.c.id, sources.c.title)).all())
    status_id = timeline.status_event.event_id if timeline.status_event else None
    return [
        {
            "date": event.date or "",
            "precision": event.precision or "",
            "kind": event.kind,
            "reported": event.reported,
            "record_id": event.record_id,
            "source": titles.get(event.source_id, ""),
            "reliability": event.reliability,
            "note": (
                "set aside"
                if event.event_id in timeline.set_aside
                else "status"
                if event.event_id == status_id
                else ""
            ),
        }
        for event in timeline.events
    ]


TIMELINE_COLUMNS = ("date", "precision", "kind", "reported", "record_id", "source", "reliability",
                    "note")  # fmt: skip
FLAG_LIST_COLUMNS = ("person_id", "kind", "record_id", "other_record_id", "detail")


def list_flags(
    connection: Connection, *, kind: str | None = None, limit: int | None = None
) -> list[dict[str, Any]]:
    """The contradictions of the last build, for review: by person, then as found."""
    query = select(*(timeline_flags.c[name] for name in FLAG_LIST_COLUMNS)).order_by(
        timeline_flags.c.person_id, timeline_flags.c.id
    )
    if kind is not None:
        query = query.where(timeline_flags.c.kind == kind)
    if limit is not None:
        query = query.limit(limit)
    return [dict(row) for row in connection.execute(query).mappings()]
