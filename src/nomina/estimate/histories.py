"""Capture histories from the register: which lists saw each (non-retired) person.

A list is a source (`--lists source`) or a source kind (`--lists kind`: every contract
list together, every casualty report together, ...), because many small sources make
a sparse table. Persons can be restricted to certainty levels and split into strata:
by country (the citizenship most of a person's records give, the rule of the headline
figures in nomina.stats.headline) or by period (the year of the person's earliest
`contracted` event). A person with no country, or no contract date, is in stratum
`unknown`.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence

from sqlalchemy import select
from sqlalchemy.engine import Connection

from nomina.estimate.table import CaptureTable, table_from_patterns
from nomina.store import Store
from nomina.store.schema import (
    person_records,
    persons,
    record_events,
    record_fields,
    records,
    sources,
)

LIST_KINDS = ("source", "kind")
STRATA = ("country", "period")
CERTAINTY_LEVELS = ("confirmed", "probable", "possible")
UNKNOWN = "unknown"


def majority_citizenship(pairs: Iterable[tuple[int, str | None]]) -> dict[int, str]:
    """Each person's country: the citizenship most of its records give (ties: first seen).

    The same rule as the headline figures (nomina.stats.headline); records without a
    citizenship do not vote, and a person none of whose records gives one has none.
    """
    votes: dict[int, Counter[str]] = defaultdict(Counter)
    for person_id, citizenship in pairs:
        if citizenship is not None:
            votes[person_id][citizenship] += 1
    return {person_id: counts.most_common(1)[0][0] for person_id, counts in votes.items()}


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


def _strata(connection: Connection, chosen_ids, by: str) -> dict[int, str]:
    if by == "country":
        return majority_citizenship(
            connection.execute(
                select(person_records.c.person_id, record_fields.c.citizenship)
                .join(record_fields, record_fields.c.record_id == person_records.c.record_id)
                .where(person_records.c.person_id.in_(chosen_ids))
                .order_by(person_records.c.record_id)
            )
        )
    earliest: dict[int, str] = {}
    for person_id, date in connection.execute(
        select(person_records.c.person_id, record_events.c.date)
        .join(record_events, record_events.c.record_id == person_records.c.record_id)
        .where(
            person_records.c.person_id.in_(chosen_ids),
            record_events.c.kind == "contracted",
            record_events.c.date.is_not(None),
        )
    ):
        # Dates are ISO prefixes (year, year-month or full): the year is the first four.
        year = date[:4]
        if year.isdigit() and (person_id not in earliest or year < earliest[person_id]):
            earliest[person_id] = year
    return earliest
