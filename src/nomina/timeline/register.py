"""Every person's timeline and facts, read from records and events a chunk of persons at
a time: what `build_timeline` materialises and what figures as of a past date compute.

Per person (`PersonSummary`): its certainty; status, status date and whether it is
contested (`rules`); its country, the citizenship most of its records give (ties: the
code first in alphabetical order); its first contract date (the earliest counted
`contracted` event); its recruitment channel (the one most of its records give, same
tie rule); how many records and events it has; and when the register first knew it
(the earliest landing, `batches.finished_at`, of its records). Per person and source:
how many of its records the source holds.

**As of a moment D** (`as_of`): persons are today's clusters restricted to the records
whose batch landed by D; a person none of whose records had landed is left out. Of
those records' events, only those reported by D (`reported_date` ≤ D) and dated by D
(the date's first possible day ≤ D; an undated event only by its report) count. A
person who had fewer records then than now has its certainty assessed again, by the
same policy, over the records known then and the reviewers' `same` judgements made by
D. Today's clusters are used because the register keeps no past clustering: a person
split or merged since D is counted as it is clustered now.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from sqlalchemy import Connection, and_, func, select

from nomina.collector import gc_paused
from nomina.store import Store
from nomina.store.dialect import in_chunks
from nomina.store.schema import (
    batches,
    judgements,
    person_records,
    persons,
    record_events,
    record_fields,
    records,
    sources,
)
from nomina.timeline.dates import utc_naive
from nomina.timeline.rules import Flag, Timeline, TimelineEvent, derive_timeline

PERSON_CHUNK = 50_000  # person ids read per query

# Columns of `PersonSummary.row()`, in the order of the person_timelines table.
PERSON_COLUMNS = (
    "person_id", "certainty", "status", "status_date", "status_precision", "status_record_id",
    "contested", "country", "first_contracted", "first_contracted_precision",
    "recruitment_channel", "records", "events", "event_kinds", "first_known",
)  # fmt: skip


@dataclass(slots=True)
class PersonSummary:
    person_id: int
    certainty: str
    timeline: Timeline
    country: str | None
    recruitment_channel: str | None
    records: int
    events: int
    first_known: dt.datetime  # naive UTC
    record_ids: set[int] | None = None  # kept only as of a past moment (to reassess)

    def row(self) -> tuple:
        status = self.timeline.status_event
        contract = self.timeline.first("contracted")
        return (
            self.person_id,
            self.certainty,
            self.timeline.status,
            status.date if status else None,
            status.precision if status else None,
            status.record_id if status else None,
            int(self.timeline.contested),
            self.country,
            contract.date if contract else None,
            contract.precision if contract else None,
            self.recruitment_channel,
            self.records,
            self.events,
            self.timeline.kinds,
            self.first_known,
        )


@dataclass
class RegisterChunk:
    """What one chunk of persons gives: summaries, (person, source, records), flags."""

    persons: list[PersonSummary] = field(default_factory=list)
    person_sources: list[tuple[int, int, int]] = field(default_factory=list)
    flags: list[tuple[int, Flag]] = field(default_factory=list)


def iter_register(
    store: Store,
    *,
    as_of: dt.datetime | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> Iterator[RegisterChunk]:
    """Every current (not retired) person with records, a chunk of person ids at a time."""
    with store.engine.connect() as connection:
        grades = dict(connection.execute(select(sources.c.id, sources.c.reliability)).all())
        landed = {
            batch_id: utc_naive(moment)
            for batch_id, moment in connection.execute(select(batches.c.id, batches.c.finished_at))
        }
        low, high = connection.execute(
            select(func.min(persons.c.id), func.max(persons.c.id)).where(persons.c.retired == 0)
        ).one()
        if low is None:
            return
        known_batches = None
        day = None
        if as_of is not None:
            moment = utc_naive(as_of)
            known_batches = {b for b, at in landed.items() if at <= moment}
            day = moment.date().isoformat()
        reassess = _Reassessment(connection, as_of) if as_of is not None else None
        for start in range(low, high + 1, PERSON_CHUNK):
            stop = min(start + PERSON_CHUNK - 1, high)
            with gc_paused():
                chunk = _read_chunk(connection, start, stop, grades, landed, known_batches, day)
            if reassess is not None:
                reassess.apply(chunk)
            yield chunk
            if progress:
                progress(stop - low + 1, high - low + 1)


def _read_chunk(
    connection: Connection,
    start: int,
    stop: int,
    grades: dict[int, str],
    landed: dict[int, dt.datetime],
    known_batches: set[int] | None,
    day: str | None,
) -> RegisterChunk:
    certainty = dict(
        connection.execute(
            select(persons.c.id, persons.c.certainty).where(
                persons.c.retired == 0, persons.c.id.between(start, stop)
            )
        ).all()
    )
    query = (
        select(
            person_records.c.person_id,
            person_records.c.record_id,
            records.c.source_id,
            records.c.batch_id,
            record_fields.c.citizenship,
            record_fields.c.recruitment_channel,
            record_events.c.id,
            record_events.c.kind,
            record_events.c.date,
            record_events.c.date_precision,
            record_events.c.reported_date,
        )
        .join(records, records.c.id == person_records.c.record_id)
        .join(record_fields, record_fields.c.record_id == person_records.c.record_id)
        .outerjoin(record_events, record_events.c.record_id == person_records.c.record_id)
        .where(person_records.c.person_id.between(start, stop))
    )
    if known_batches is not None and not known_batches:
        return RegisterChunk()
    people: dict[int, _Gathered] = {}
    for row in _raw_rows(connection, query):
        person_id, record_id, source_id, batch_id = row[0], row[1], row[2], row[3]
        if known_batches is not None and batch_id not in known_batches:
            # Filtered here, not in SQL: `batch_id IN (...)` makes SQLite walk every
            # record by batch for each chunk of persons (a million rows per chunk).
            continue
        gathered = people.get(person_id)
        if gathered is None:
            gathered = people[person_id] = _Gathered()
        if record_id not in gathered.record_ids:
            gathered.record_ids.add(record_id)
            gathered.sources[source_id] = gathered.sources.get(source_id, 0) + 1
            if row[4]:
                gathered.countries.append(row[4])
            if row[5]:
                gathered.channels.append(row[5])
            moment = landed[batch_id]
            if gathered.first_known is None or moment < gathered.first_known:
                gathered.first_known = moment
        if row[6] is None:
            continue
        reported = str(row[10])
        if day is not None and (reported > day or (row[8] or "") > day):
            continue  # reported, or (by its first possible day) dated, after D
        gathered.events.append(
            TimelineEvent.of(
                row[6], record_id, source_id, row[7], row[8], row[9], reported, grades[source_id]
            )  # fmt: skip
        )
    chunk = RegisterChunk()
    for person_id in sorted(people):
        if person_id not in certainty:
            continue  # a retired id still holding records: not a person of the register
        gathered = people[person_id]
        timeline = derive_timeline(gathered.events)
        chunk.persons.append(
            PersonSummary(
                person_id,
                certainty[person_id],
                timeline,
                _most(gathered.countries),
                _most(gathered.channels),
                len(gathered.record_ids),
                len(gathered.events),
                gathered.first_known,
                gathered.record_ids if day is not None else None,
            )
        )
        chunk.person_sources.extend(
            (person_id, source_id, count) for source_id, count in sorted(gathered.sources.items())
        )
        chunk.flags.extend((person_id, flag) for flag in timeline.flags)
    return chunk


class _Gathered:
    __slots__ = ("channels", "countries", "events", "first_known", "record_ids", "sources")

    def __init__(self) -> None:
        self.record_ids: set[int] = set()
        self.sources: dict[int, int] = {}
        self.countries: list[str] = []
        self.channels: list[str] = []
        self.events: list[TimelineEvent] = []
        self.first_known: dt.datetime | None = None


def _raw_rows(connection: Connection, query) -> list[tuple]:
    """All rows of a query as the driver gives them (no per-row SQLAlchemy processing:
    a third of a build's time). Parameters are our own integers, rendered inline."""
    sql = str(query.compile(dialect=connection.dialect, compile_kwargs={"literal_binds": True}))
    cursor = connection.connection.driver_connection.cursor()
    try:
        cursor.execute(sql)
        return cursor.fetchall()
    finally:
        cursor.close()


def _most(values: list[str]) -> str | None:
    """The value most records give; ties: the first in alphabetical order."""
    if not values:
        return None
    if len(values) == 1 or len(set(values)) == 1:
        return values[0]
    counts = Counter(values)
    return min(counts.items(), key=lambda item: (-item[1], item[0]))[0]


class _Reassessment:
    """Certainty again, as of D, for persons who had fewer records then than now."""

    def __init__(self, connection: Connection, as_of: dt.datetime) -> None:
        self.connection = connection
        self.source_info = {row.id: row for row in connection.execute(select(sources))}
        latest: dict[tuple[int, int], str] = {}
        query = (
            select(judgements.c.left_record_id, judgements.c.right_record_id, judgements.c.verdict)
            .where(judgements.c.judged_at <= as_of)
            .order_by(judgements.c.id)
        )
        for left, right, verdict in connection.execute(query):
            latest[(min(left, right), max(left, right))] = verdict
        self.same = [pair for pair, verdict in latest.items() if verdict == "same"]

    def apply(self, chunk: RegisterChunk) -> None:
        ids = [summary.person_id for summary in chunk.persons]
        if not ids:
            return
        today = dict(
            self.connection.execute(
                select(persons.c.id, persons.c.records).where(
                    and_(persons.c.id >= min(ids), persons.c.id <= max(ids))
                )
            ).all()
        )
        shrunk = [s for s in chunk.persons if s.records < today.get(s.person_id, 0)]
        if not shrunk:
            return
        from nomina.names import compare_names
        from nomina.resolve.certainty import assess_certainty, load_policy
        from nomina.resolve.run import NAMES_AGREE

        evidence = self._evidence([r for s in shrunk for r in s.record_ids or ()])
        policy = load_policy(None)
        for summary in shrunk:
            known = summary.record_ids or set()
            same = sum(1 for left, right in self.same if left in known and right in known)
            level, _reasons = assess_certainty(
                [evidence[record_id] for record_id in sorted(known)],
                same_judgements=same,
                names_agree=lambda a, b: compare_names(a, b) >= NAMES_AGREE,
                policy=policy,
            )
            summary.certainty = level

    def _evidence(self, record_ids: list[int]) -> dict[int, object]:
        from nomina.resolve.certainty import RecordEvidence

        evidence = {}
        for ids in in_chunks(record_ids):
            query = (
                select(record_fields, records.c.source_id)
                .join(records, records.c.id == record_fields.c.record_id)
                .where(record_fields.c.record_id.in_(ids))
            )
            for row in self.connection.execute(query).mappings():
                source = self.source_info[row["source_id"]]
                name = row["full_name"] or " ".join(
                    part
                    for part in (row["family_name"], row["given_name"], row["patronymic"])
                    if part
                )
                evidence[row["record_id"]] = RecordEvidence(
                    record_id=row["record_id"],
                    source_id=row["source_id"],
                    organisation=source.organisation,
                    source_title=source.title,
                    has_document=bool(row["document_number"]),
                    has_service_number=bool(row["service_number"]),
                    full_name=name or None,
                    birth_date=row["birth_date"],
                    birth_precision=row["birth_date_precision"],
                    citizenship=row["citizenship"],
                )
        return evidence


def flag_row(person_id: int, flag: Flag) -> tuple:
    """A flag as a row of timeline_flags (without its id)."""
    return (
        person_id,
        flag.kind,
        flag.event.record_id,
        flag.other.record_id if flag.other else None,
        flag.detail,
    )


__all__ = [
    "PERSON_COLUMNS",
    "PersonSummary",
    "RegisterChunk",
    "flag_row",
    "iter_register",
]
