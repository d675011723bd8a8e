"""The audit log: append-only, each entry hash-chained to the one before.

Changing or deleting any past entry breaks the chain, which `verify_audit_chain` finds.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, select

from nomina.store.dialect import take_write_lock
from nomina.store.schema import audit_log

GENESIS_HASH = "0" * 64


def _canonical_time(moment: datetime) -> str:
    # SQLite hands datetimes back without a zone; hash the UTC wall time either way.
    if moment.tzinfo is not None:
        moment = moment.astimezone(UTC).replace(tzinfo=None)
    return moment.isoformat(timespec="microseconds")


def _entry_hash(prev_hash: str, entry: dict[str, Any]) -> str:
    payload = json.dumps(
        {**entry, "at": _canonical_time(entry["at"])}, sort_keys=True, ensure_ascii=False
    )
    return hashlib.sha256((prev_hash + payload).encode()).hexdigest()


def append_audit(
    connection: Connection,
    *,
    actor: str,
    action: str,
    object_type: str | None = None,
    object_id: str | None = None,
    detail: dict[str, Any] | None = None,
) -> None:
    """Append one entry inside the caller's transaction (it lands or not with the change)."""
    take_write_lock(connection)
    last = connection.execute(
        select(audit_log.c.hash).order_by(audit_log.c.id.desc()).limit(1)
    ).scalar()
    prev_hash = last or GENESIS_HASH
    entry = {
        "at": datetime.now(UTC),
        "actor": actor,
        "action": action,
        "object_type": object_type,
        "object_id": object_id,
        "detail": json.dumps(detail, sort_keys=True, ensure_ascii=False) if detail else None,
    }
    connection.execute(
        audit_log.insert().values(**entry, prev_hash=prev_hash, hash=_entry_hash(prev_hash, entry))
    )


@dataclass(frozen=True)
class ChainCheck:
    entries: int
    first_broken_id: int | None

    @property
    def intact(self) -> bool:
        return self.first_broken_id is None


def verify_audit_chain(connection: Connection) -> ChainCheck:
    """Recompute every hash in order; report the first entry that does not fit."""
    prev_hash = GENESIS_HASH
    count = 0
    fields = ("at", "actor", "action", "object_type", "object_id", "detail")
    rows = connection.execute(select(audit_log).order_by(audit_log.c.id))
    for row in rows.mappings():
        count += 1
        entry = {name: row[name] for name in fields}
        if row["prev_hash"] != prev_hash or row["hash"] != _entry_hash(prev_hash, entry):
            return ChainCheck(entries=count, first_broken_id=row["id"])
        prev_hash = row["hash"]
    return ChainCheck(entries=count, first_broken_id=None)
