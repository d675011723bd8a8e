"""One person as a reviewer sees it: its records side by side, certainty reasons, lineage.

Reading a person is reading personal data, so every read is audited. `record_details`
(records with provenance, fields and events) is shared with the review queue.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from sqlalchemy import Connection, or_, select

from nomina.settings import current_actor
from nomina.store import Store
from nomina.store.audit import append_audit
from nomina.store.dialect import in_chunks, take_write_lock
from nomina.store.schema import (
    batches,
    person_lineage,
    person_records,
    persons,
    record_events,
    record_fields,
    records,
    sources,
)

PERSON_RECORD_COLUMNS = (
    "record_id", "source", "reliability", "file", "row", "full_name", "family_name", "given_name",
    "patronymic", "birth_date", "citizenship", "document_number", "service_number", "military_unit", "events",
)  # fmt: skip


def describe_person(
    store: Store, person_id: int, *, actor: str | None = None
) -> dict[str, Any] | None:
    """The person, or None when no such id was ever given."""
    with store.engine.begin() as connection:
        take_write_lock(connection)  # before the reads: see take_write_lock
        person = (
            connection.execute(select(persons).where(persons.c.id == person_id)).mappings().first()
        )
        if person is None:
            return None
        record_ids = connection.execute(
            select(person_records.c.record_id).where(person_records.c.person_id == person_id)
        ).scalars()
        rows = record_details(connection, record_ids)
        lineage = (
            connection.execute(
                select(person_lineage)
                .where(
                    or_(
                        person_lineage.c.person_id == person_id,
                        person_lineage.c.other_ids.contains(str(person_id)),
                    )
                )
                .order_by(person_lineage.c.id)
            )
            .mappings()
            .all()
        )
        append_audit(
            connection,
            actor=actor or current_actor(),
            action="read person",
            object_type="person",
            object_id=str(person_id),
        )
    # other_ids is JSON text; the SQL filter is coarse ("12" is in "[123]"), this is exact.
    lineage = [
        e for e in lineage if e["person_id"] == person_id or person_id in json.loads(e["other_ids"])
    ]
    return {
        "id": person["id"],
        "certainty": person["certainty"],
        "reasons": json.loads(person["certainty_reasons"]),
        "retired": bool(person["retired"]),
        "records": rows,
        "lineage": [
            {
                "run": e["run_id"],
                "kind": e["kind"],
                "person_id": e["person_id"],
                "other_ids": json.loads(e["other_ids"]),
                "records": e["records"],
            }
            for e in lineage
        ],
    }


def record_details(connection: Connection, record_ids: Iterable[int]) -> list[dict[str, Any]]:
    """Records by id, each as PERSON_RECORD_COLUMNS: source, file, row, fields, events.

    Shows personal data: the caller audits the read, in the same transaction.
    """
    rows: list[dict[str, Any]] = []
    for chunk in in_chunks(list(record_ids), size=500):
        rows.extend(_details_of(connection, chunk))
    return rows


def _details_of(connection: Connection, ids: list[int]) -> list[dict[str, Any]]:
    rows = (
        connection.execute(
            select(
                records.c.id.label("record_id"),
                sources.c.title.label("source"),
                sources.c.reliability,
                batches.c.file_name.label("file"),
                records.c.row_number.label("row"),
                record_fields,
            )
            .join(record_fields, record_fields.c.record_id == records.c.id)
            .join(sources, sources.c.id == records.c.source_id)
            .join(batches, batches.c.id == records.c.batch_id)
            .where(records.c.id.in_(ids))
            .order_by(records.c.id)
        )
        .mappings()
        .all()
    )
    events: dict[int, list[str]] = {}
    for event in connection.execute(
        select(record_events).where(record_events.c.record_id.in_(ids)).order_by(record_events.c.id)
    ).mappings():
        events.setdefault(event["record_id"], []).append(
            f"{event['kind']} {event['date'] or '(no date)'}"
        )
    return [
        {
            **{name: row.get(name) for name in PERSON_RECORD_COLUMNS if name != "events"},
            "events": "; ".join(events.get(row["record_id"], [])),
        }
        for row in rows
    ]
