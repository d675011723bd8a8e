"""Capture histories from the register: which lists saw each (non-retired) person.

A list is a source (`--lists source`) or a source kind (`--lists kind`: every contract
list together, every casualty report together, ...), because many small sources make
a sparse table. Persons can be restricted to certainty levels and split into strata:
by country, by period (the year of the person's first contract) or by quarter (of that
contract: `2025-Q3`; a contract dated to the year only is `2025 (quarter unknown)`), all
read from the person's timeline (nomina.timeline: the country is the citizenship most
of its records give, as in every figure). A person with no country, or no contract
date, is in stratum `unknown`.

Why quarters: sources record with a lag (weeks for contract lists, months for
casualty reports and open sources), so persons who enlisted shortly before the lists
were compiled are missed by every list at once, a dependence no model of one pooled
table can see; a stratum of its own keeps them from pulling the earlier periods down
(benchmarks/estimate.py measures it).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Sequence
from typing import Any

from sqlalchemy import select
from sqlalchemy.engine import Connection

from nomina.estimate.table import CaptureTable, table_from_patterns
from nomina.store import Store
from nomina.store.schema import person_records, person_timelines, persons, records, sources
from nomina.timeline import ensure_timeline

LIST_KINDS = ("source", "kind")
STRATA = ("country", "period", "quarter")
CERTAINTY_LEVELS = ("confirmed", "probable", "possible")
UNKNOWN = "unknown"


def capture_histories(
    store: Store,
    *,
    lists: str = "source",
    certainty: Sequence[str] | None = None,
    by: str | None = None,
) -> dict[str, CaptureTable]:
    """Capture tables from the register, one per stratum (`all` when not stratified)."""
    if lists not in LIST_KINDS:
        raise ValueError(f"lists must be one of {', '.join(LIST_KINDS)}, not {lists!r}")
    if by is not None and by not in STRATA:
        raise ValueError(f"strata must be one of {', '.join(STRATA)}, not {by!r}")
    levels = tuple(certainty or ())
    unknown = [level for level in levels if level not in CERTAINTY_LEVELS]
    if unknown:
        raise ValueError(
            f"unknown certainty {', '.join(unknown)}: use {', '.join(CERTAINTY_LEVELS)}"
        )
    chosen = select(persons.c.id).where(persons.c.retired == 0)
    if levels:
        chosen = chosen.where(persons.c.certainty.in_(levels))
    chosen_ids = chosen.scalar_subquery()
    if by:
        ensure_timeline(store)  # strata come from the materialised timelines
    with store.engine.connect() as connection:
        names = _list_names(connection, lists)
        seen: dict[int, set[str]] = defaultdict(set)
        for person_id, source_id in connection.execute(
            select(person_records.c.person_id, records.c.source_id)
            .join(records, records.c.id == person_records.c.record_id)
            .where(person_records.c.person_id.in_(chosen_ids))
        ):
            seen[person_id].add(names[source_id])
        stratum_of = _strata(connection, chosen_ids, by) if by else {}
    columns = sorted(set(names.values()))
    grouped: dict[str, list[tuple[int, ...]]] = defaultdict(list)
    for person_id, on in seen.items():
        pattern = tuple(int(name in on) for name in columns)
        grouped[stratum_of.get(person_id, UNKNOWN) if by else "all"].append(pattern)
    return {
        stratum: table_from_patterns(columns, patterns, [1] * len(patterns))
        for stratum, patterns in sorted(grouped.items())
    }


def _list_names(connection: Connection, lists: str) -> dict[int, str]:
    """Source id → list name: the source's title (with its id where titles repeat) or kind."""
    rows = connection.execute(select(sources.c.id, sources.c.title, sources.c.kind)).all()
    if lists == "kind":
        return {source_id: kind for source_id, _title, kind in rows}
    titles = Counter(title for _id, title, _kind in rows)
    return {
        source_id: title if titles[title] == 1 else f"{title} ({source_id})"
        for source_id, title, _kind in rows
    }


def _strata(connection: Connection, chosen_ids: Any, by: str) -> dict[int, str]:
    column = person_timelines.c.country if by == "country" else person_timelines.c.first_contracted
    found = connection.execute(
        select(person_timelines.c.person_id, column).where(
            person_timelines.c.person_id.in_(chosen_ids), column.is_not(None)
        )
    )
    if by == "country":
        return dict(found.all())
    # A contract date is an ISO prefix (year, year-month or full): the year is its first four.
    if by == "period":
        return {person: value[:4] for person, value in found}
    return {person: quarter(value) for person, value in found}


def quarter(date: str) -> str:
    """`2025-Q3` for an ISO date prefix with its month; `2025 (quarter unknown)` without."""
    if len(date) < 7:
        return f"{date[:4]} (quarter unknown)"
    return f"{date[:4]}-Q{(int(date[5:7]) - 1) // 3 + 1}"
