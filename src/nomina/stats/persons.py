"""The persons behind a figure, for internal review: id, a name, country, status.

Names are personal data: the read is audited (one entry per listing).
"""

from __future__ import annotations

from typing import Any

from nomina.resolve.search import first_names
from nomina.settings import current_actor
from nomina.stats.snapshot import Snapshot
from nomina.store import Store
from nomina.store.audit import append_audit
from nomina.store.dialect import take_write_lock


def describe_persons(
    store: Store, snapshot: Snapshot, ids: list[int], *, figure: str, actor: str | None = None
) -> list[dict[str, Any]]:
    """Rows person_id, name (its first record's, as written), country, status, certainty."""
    facts = snapshot.persons.set_index("row_id").loc[ids, ["country", "status", "certainty"]]
    with store.engine.begin() as connection:
        take_write_lock(connection)  # before the reads: see take_write_lock
        names = first_names(connection, ids)
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
