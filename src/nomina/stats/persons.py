"""The persons behind a figure, for internal review: id, a name, country, status.

Names are personal data: the read is audited (one entry per listing).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from nomina.settings import current_actor
from nomina.stats.snapshot import Snapshot
from nomina.store import Store
from nomina.store.audit import append_audit
from nomina.store.dialect import in_chunks
from nomina.store.schema import person_records, record_fields


def describe_persons(
    store: Store, snapshot: Snapshot, ids: list[int], *, figure: str, actor: str | None = None
) -> list[dict[str, Any]]:
    """Rows person_id, name (its first record's, as written), country, status, certainty."""
    facts = snapshot.persons.set_index("row_id").loc[ids, ["country", "status", "certainty"]]
    names: dict[int, str] = {}
    with store.engine.begin() as connection:
        for chunk in in_chunks(ids, size=5_000):
            query = (
                select(
                    person_records.c.person_id,
                    record_fields.c.full_name,
                    record_fields.c.family_name,
                    record_fields.c.given_name,
                )
                .join(record_fields, record_fields.c.record_id == person_records.c.record_id)
                .where(person_records.c.person_id.in_(chunk))
                .order_by(person_records.c.record_id)
            )
            for person_id, full, family, given in connection.execute(query):
                name = full or " ".join(part for part in (family, given) if part)
                if name and person_id not in names:
                    names[person_id] = name
        append_audit(
            connection,
            actor=actor or current_actor(),
            action="read figure persons",
            object_type="figure",
            object_id=figure,
            detail={"persons": len(ids)},
        )
    return [
        {
            "person_id": person_id,
            "name": names.get(person_id),
            "country": _plain(facts.at[person_id, "country"]),
            "status": _plain(facts.at[person_id, "status"]),
            "certainty": facts.at[person_id, "certainty"],
        }
        for person_id in ids
    ]


def _plain(value: Any) -> Any:
    return None if value is None or value != value else value  # NaN → None
