"""Finding persons: by name across scripts (`search_persons`), or by facts alone.

A name is found by the keys resolution already stored for every record (`record_keys`,
made by `features.name_features`: skeletons of each name unit's plausible
romanisations, name symbols, consonant keys), never by a LIKE on the written name: so
"Ким Чен Ын", "김정은" and "Kim Jong Un" meet. The keys are copied into an indexed table
(`search_keys`, kept up to date by `refresh_search_index`, which costs two counts when
nothing changed), so a search intersects keys in SQL:

1. the query is parsed into units (`nomina.names.name_parts`), each with its
   `unit_keys` and consonant keys;
2. candidate records share keys with at least two of the query's units (all of them
   when it has fewer than two);
3. each candidate is scored with `compare_names` against its record's name; a person
   scores its best record, and persons scoring `min_score` or more are returned, best
   first.

Filters narrow the persons: country (the citizenship most of its records give, from the
timeline), status, certainty, a source that holds one of its records, and `countries`
(the liaison scope: a record of one of these citizenships). Reading names is reading
personal data: every search is audited.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection
from dataclasses import dataclass, field
from typing import Any

import orjson
from sqlalchemy import Connection, Select, func, select

from nomina.names import compare_names, name_parts, parse_name, unit_consonants, unit_keys
from nomina.resolve.features import NAME_KEYS_VERSION
from nomina.settings import current_actor
from nomina.store import Store
from nomina.store.audit import append_audit
from nomina.store.dialect import bulk_insert, in_chunks, take_write_lock
from nomina.store.schema import (
    person_records,
    person_timelines,
    persons,
    record_fields,
    record_keys,
    records,
    search_keys,
    search_records,
    sources,
)

DEFAULT_MIN_SCORE = 0.6
PERSON_COLUMNS = ("person_id", "name", "certainty", "status", "country", "records", "score")


@dataclass
class SearchPage:
    total: int  # persons matching, over all pages
    persons: list[dict[str, Any]] = field(default_factory=list)


# --- the index -------------------------------------------------------------------------


def _record_search_keys(stored: str) -> set[str]:
    keys = orjson.loads(stored)
    found = set(keys.get("name_keys") or ())
    for name in ("family_consonants", "given_consonants"):
        found.update("c:" + key for key in keys.get(name) or ())
    return found


def refresh_search_index(store: Store) -> int:
    """Index the name keys of records not yet indexed (or indexed from keys of older name
    rules); returns how many records were (re)indexed."""
    current = record_keys.c.version == NAME_KEYS_VERSION
    with store.engine.connect() as connection:
        keyed = connection.execute(select(func.count()).where(current)).scalar()
        indexed = connection.execute(select(func.count()).select_from(search_records)).scalar()
        indexed_now = connection.execute(
            select(func.count()).where(search_records.c.version == NAME_KEYS_VERSION)
        ).scalar()
    if keyed == indexed == indexed_now:
        return 0
    with store.engine.begin() as connection:
        take_write_lock(connection)
        stale = list(
            connection.execute(
                select(search_records.c.record_id).where(
                    search_records.c.version != NAME_KEYS_VERSION
                )
            ).scalars()
        )
        for chunk in in_chunks(stale):
            connection.execute(search_keys.delete().where(search_keys.c.record_id.in_(chunk)))
            connection.execute(search_records.delete().where(search_records.c.record_id.in_(chunk)))
        todo = connection.execute(
            select(record_keys.c.record_id, record_keys.c.name_keys).where(
                current, record_keys.c.record_id.not_in(select(search_records.c.record_id))
            )
        ).all()
        key_rows = [
            (key, record_id)
            for record_id, stored in todo
            for key in sorted(_record_search_keys(stored))
            if len(key) <= 128
        ]
        bulk_insert(connection, search_keys, ("key", "record_id"), key_rows)
        bulk_insert(
            connection,
            search_records,
            ("record_id", "version"),
            [(record_id, NAME_KEYS_VERSION) for record_id, _ in todo],
        )
    return len(todo)


# --- searching -------------------------------------------------------------------------


def query_units(query: str) -> list[frozenset[str]]:
    """The keys of each unit of a searched name (units with no key, initials, left out)."""
    parts = name_parts(parse_name(query))
    units = []
    for unit in parts.family + parts.given + parts.patronymic:
        keys = set(unit_keys(unit)) | {"c:" + key for key in unit_consonants(unit)}
        if keys:
            units.append(frozenset(keys))
    return units


def _candidate_records(connection: Connection, units: list[frozenset[str]]) -> set[int]:
    needed = min(len(units), 2)
    hits: Counter[int] = Counter()
    for keys in units:
        found = connection.execute(
            select(search_keys.c.record_id).where(search_keys.c.key.in_(sorted(keys))).distinct()
        ).scalars()
        hits.update(found)
    return {record_id for record_id, count in hits.items() if count >= needed}


def _person_filter(
    query: Select,
    *,
    country: str | None,
    status: str | None,
    certainty: str | None,
    source_id: int | None,
    countries: Collection[str] | None,
) -> Select:
    if country is not None:
        query = query.where(person_timelines.c.country == country)
    if status is not None:
        query = query.where(person_timelines.c.status == status)
    if certainty is not None:
        query = query.where(persons.c.certainty == certainty)
    if source_id is not None:
        query = query.where(
            persons.c.id.in_(
                select(person_records.c.person_id)
                .join(records, records.c.id == person_records.c.record_id)
                .where(records.c.source_id == source_id)
            )
        )
    if countries is not None:
        query = query.where(
            persons.c.id.in_(
                select(person_records.c.person_id)
                .join(record_fields, record_fields.c.record_id == person_records.c.record_id)
                .where(record_fields.c.citizenship.in_(sorted(countries)))
            )
        )
    return query


def _persons_query() -> Select:
    return (
        select(
            persons.c.id.label("person_id"),
            persons.c.certainty,
            persons.c.records,
            person_timelines.c.status,
            person_timelines.c.country,
        )
        .outerjoin(person_timelines, person_timelines.c.person_id == persons.c.id)
        .where(persons.c.retired == 0)
    )


def _names_of(connection: Connection, record_ids: Collection[int]) -> dict[int, dict[str, Any]]:
    found: dict[int, dict[str, Any]] = {}
    for chunk in in_chunks(record_ids, size=5_000):
        query = (
            select(
                record_fields.c.record_id,
                record_fields.c.full_name,
                record_fields.c.given_name,
                record_fields.c.family_name,
                record_fields.c.patronymic,
                record_fields.c.citizenship,
                person_records.c.person_id,
                sources.c.title.label("source"),
            )
            .join(person_records, person_records.c.record_id == record_fields.c.record_id)
            .join(records, records.c.id == record_fields.c.record_id)
            .join(sources, sources.c.id == records.c.source_id)
            .where(record_fields.c.record_id.in_(chunk))
        )
        for row in connection.execute(query).mappings():
            found[row["record_id"]] = dict(row)
    return found


def _written(fields: dict[str, Any]) -> str:
    parts = (fields.get("family_name"), fields.get("given_name"), fields.get("patronymic"))
    return fields.get("full_name") or " ".join(part for part in parts if part)


def search_persons(
    store: Store,
    query: str | None = None,
    *,
    country: str | None = None,
    status: str | None = None,
    certainty: str | None = None,
    source_id: int | None = None,
    countries: Collection[str] | None = None,
    min_score: float = DEFAULT_MIN_SCORE,
    limit: int = 50,
    offset: int = 0,
    actor: str | None = None,
) -> SearchPage:
    """Current persons whose names match `query` (across scripts), best first; without
    a query, every current person passing the filters, by id. Audited."""
    if limit < 1 or offset < 0:
        raise ValueError("limit must be at least 1 and offset at least 0")
    filters = dict(
        country=country, status=status, certainty=certainty, source_id=source_id,
        countries=countries,
    )  # fmt: skip
    text = (query or "").strip()
    if text:
        units = query_units(text)
        if not units:
            raise ValueError(f"q: no name to search for in {query!r}")
        refresh_search_index(store)
    with store.engine.begin() as connection:
        if text:
            page = _by_name(connection, text, units, filters, min_score, limit, offset)
        else:
            page = _by_facts(connection, filters, limit, offset)
        append_audit(
            connection,
            actor=actor or current_actor(),
            action="search",
            object_type="persons",
            object_id=None,
            detail={
                "query": text or None,
                **{name: value for name, value in filters.items() if name != "countries"},
                "scope": sorted(countries) if countries is not None else None,
                "persons": [row["person_id"] for row in page.persons],
            },
        )
    return page


def _by_name(
    connection: Connection,
    text: str,
    units: list[frozenset[str]],
    filters: dict[str, Any],
    min_score: float,
    limit: int,
    offset: int,
) -> SearchPage:
    candidates = _candidate_records(connection, units)
    names = _names_of(connection, candidates)
    wanted = parse_name(text)
    best: dict[int, tuple[float, dict[str, Any]]] = {}
    matched: dict[int, list[dict[str, Any]]] = {}
    for record_id, fields in names.items():
        parsed = parse_name(
            fields["full_name"],
            given=fields["given_name"],
            family=fields["family_name"],
            patronymic=fields["patronymic"],
            citizenship=fields["citizenship"],
        )
        score = compare_names(wanted, parsed)
        if score < min_score:
            continue
        person_id = fields["person_id"]
        matched.setdefault(person_id, []).append(
            {"record_id": record_id, "name": _written(fields), "source": fields["source"],
             "score": round(score, 4)}
        )  # fmt: skip
        if person_id not in best or score > best[person_id][0]:
            best[person_id] = (score, fields)
    facts: dict[int, dict[str, Any]] = {}
    for chunk in in_chunks(best, size=5_000):
        query = _person_filter(_persons_query().where(persons.c.id.in_(chunk)), **filters)
        facts.update({row["person_id"]: dict(row) for row in connection.execute(query).mappings()})
    order = sorted(facts, key=lambda person_id: (-best[person_id][0], person_id))
    rows = []
    for person_id in order[offset : offset + limit]:
        score, fields = best[person_id]
        rows.append(
            {
                **facts[person_id],
                "name": _written(fields),
                "score": round(score, 4),
                "matched_records": sorted(matched[person_id], key=lambda r: -r["score"]),
            }
        )
    return SearchPage(total=len(order), persons=rows)


def _by_facts(
    connection: Connection, filters: dict[str, Any], limit: int, offset: int
) -> SearchPage:
    selected = _person_filter(_persons_query(), **filters)
    total = connection.execute(select(func.count()).select_from(selected.subquery())).scalar()
    rows = [
        dict(row)
        for row in connection.execute(
            selected.order_by(persons.c.id).limit(limit).offset(offset)
        ).mappings()
    ]
    first_names_of = first_names(connection, [row["person_id"] for row in rows])
    for row in rows:
        row["name"] = first_names_of.get(row["person_id"])
        row["score"] = None
    return SearchPage(total=total or 0, persons=rows)


def first_names(connection: Connection, person_ids: Collection[int]) -> dict[int, str]:
    """Each person's name as its first record writes it."""
    found: dict[int, str] = {}
    for chunk in in_chunks(person_ids, size=5_000):
        query = (
            select(
                person_records.c.person_id,
                record_fields.c.full_name,
                record_fields.c.given_name,
                record_fields.c.family_name,
                record_fields.c.patronymic,
            )
            .join(record_fields, record_fields.c.record_id == person_records.c.record_id)
            .where(person_records.c.person_id.in_(chunk))
            .order_by(person_records.c.record_id)
        )
        for row in connection.execute(query).mappings():
            name = _written(dict(row))
            if name and row["person_id"] not in found:
                found[row["person_id"]] = name
    return found


__all__ = [
    "DEFAULT_MIN_SCORE",
    "PERSON_COLUMNS",
    "SearchPage",
    "first_names",
    "query_units",
    "refresh_search_index",
    "search_persons",
]
