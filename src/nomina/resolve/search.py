"""Finding persons: by name across scripts (`search_persons`), or by facts alone.

A name is found by the keys resolution already stored for every record (`record_keys`,
made by `features.name_features`: skeletons of each name unit's plausible
romanisations, name symbols, consonant keys), never by a LIKE on the written name: so
"Ким Чен Ын", "김정은" and "Kim Jong Un" meet. The keys are copied into an indexed table
(`search_keys`, kept up to date by `refresh_search_index`, which costs one small query
when nothing changed), so a search intersects keys in SQL:

1. the query is parsed into units (`nomina.names.name_parts`), each with its
   `unit_keys` and consonant keys;
2. candidate records share keys with at least two of the query's units (all of them
   when it has fewer than two), belong to a current person, and pass the filters; SQL
   counts them and ranks them by how well their keys alone promise to agree: more of
   the query's units met, more of them by a full key (not a consonant key only), a
   written name with as many words as the query has units (the name as asked: "Kim"
   first for "Kim"), then, as `compare_names` scores, more words for a one-unit query
   ("Kim Jong Un" 0.79 before "Kim Chol" 0.77) and fewer for a longer one, then record
   id (without filters the index alone first keeps the `PRESELECTED` candidates meeting
   most units, by record id, before names are read);
3. the best-ranked candidates, at most `SCORED_RECORDS` (or `SCORED_PER_RESULT` per
   result up to the page asked for, if more), are scored with `compare_names` against
   their record's name; a person scores its best record, and persons scoring
   `min_score` or more are returned, best first.

Every candidate is scored when there are no more than that: the result is then exactly
what scoring every candidate gives. A common name alone ("Kim", "Ali", "Thapa") can have
tens of thousands of candidates at a million records, and scoring them all took seconds;
beyond the cap the page holds the best matches among the best-ranked candidates, and
`SearchPage.exact` is False: `total` counts the persons found among those scored, a
lower bound (`candidates` says how many records shared the keys). The ranking follows
the score closely but not exactly (docs/benchmarks.md measures how often the first page
is the one scoring everything gives).

The scored candidates of the last `RECENT_SEARCHES` searches are kept in memory, by
query, filters and a marker of the register's state (`_register_marker`: the largest id
of each table whose change can change an answer): the next page of a search, or a
common name asked again, is then a slice of what was scored. Every search is still
audited.

Filters narrow the persons: country (the citizenship most of its records give, from the
timeline), status, certainty, a source that holds one of its records, and `countries`
(the liaison scope: a record of one of these citizenships). Reading names is reading
personal data: every search is audited.
"""

from __future__ import annotations

import itertools
import threading
import weakref
from collections import OrderedDict
from collections.abc import Collection
from dataclasses import dataclass, field
from typing import Any

import orjson
from sqlalchemy import Connection, Engine, Select, case, func, literal, select, union_all

from nomina.names import compare_names, name_parts, parse_name, unit_consonants, unit_keys
from nomina.resolve.features import NAME_KEYS_VERSION
from nomina.settings import current_actor
from nomina.store import Store
from nomina.store.audit import append_audit
from nomina.store.dialect import bulk_insert, in_chunks, is_sqlite, latest_ids, take_write_lock
from nomina.store.schema import (
    batches,
    person_records,
    person_timelines,
    persons,
    record_fields,
    record_keys,
    records,
    resolution_runs,
    search_keys,
    search_records,
    sources,
    timeline_builds,
)

DEFAULT_MIN_SCORE = 0.6
PERSON_COLUMNS = ("person_id", "name", "certainty", "status", "country", "records", "score")
# Candidate records scored for one page: at least SCORED_RECORDS, and SCORED_PER_RESULT
# per person up to the end of the page asked for. Scoring costs about 30 µs a record.
SCORED_RECORDS = 200
SCORED_PER_RESULT = 4
# Without filters, the index alone first narrows the commonest names' candidates to this
# many (or twice the records scored, if more), before their names and persons are read.
PRESELECTED = 1_000
# Records indexed at once from which PostgreSQL's statistics of the index are refreshed.
ANALYZE_FROM = 10_000


@dataclass
class SearchPage:
    total: int  # persons matching, over all pages (a lower bound when not `exact`)
    persons: list[dict[str, Any]] = field(default_factory=list)
    # False when more records shared the name's keys than were scored (a common name):
    # `persons` are the best among the best-ranked candidates, `total` those found there.
    exact: bool = True
    candidates: int | None = None  # records sharing the name's keys, filters passed


# --- the index -------------------------------------------------------------------------


def _record_search_keys(stored: str) -> set[str]:
    keys = orjson.loads(stored)
    found = set(keys.get("name_keys") or ())
    for name in ("family_consonants", "given_consonants"):
        found.update("c:" + key for key in keys.get(name) or ())
    return found


# Each engine (one store opened in this process) → a number never given to another, so
# that a register dropped and made again at the same URL shares nothing remembered here.
_engine_numbers: weakref.WeakKeyDictionary[Engine, int] = weakref.WeakKeyDictionary()
_engines_numbered = itertools.count(1)
# engine number → the register's marker when the index was last found complete.
_complete_at: dict[int, tuple[Any, ...]] = {}


def _engine_number(store: Store) -> int:
    number = _engine_numbers.get(store.engine)
    if number is None:
        number = _engine_numbers.setdefault(store.engine, next(_engines_numbered))
    return number


def _register_marker(connection: Connection) -> tuple[Any, ...]:
    """Changes whenever keys, records, persons or their timelines can have changed: index
    lookups only, where the counts that prove the index complete read every row of two
    tables."""
    columns = (record_keys.c.record_id, search_records.c.record_id, resolution_runs.c.id,
               batches.c.id, timeline_builds.c.id)  # fmt: skip
    return latest_ids(connection, columns)


def refresh_search_index(store: Store) -> int:
    """Index the name keys of records not yet indexed (or indexed from keys of older name
    rules); returns how many records were (re)indexed."""
    return _refresh(store)[0]


def _refresh(store: Store) -> tuple[int, tuple[Any, ...] | None]:
    """(records reindexed, the marker the index is complete at; None after a reindex)."""
    engine = _engine_number(store)
    with store.engine.connect() as connection:
        marker = _register_marker(connection)
        if _complete_at.get(engine) == marker:
            return 0, marker
        complete = _index_complete(connection)
    if complete:
        _complete_at[engine] = marker
        return 0, marker
    done = _reindex(store)
    _complete_at.pop(engine, None)  # the next search checks the counts once more
    return done, None


def _index_complete(connection: Connection) -> bool:
    current = record_keys.c.version == NAME_KEYS_VERSION
    keyed = connection.execute(select(func.count()).where(current)).scalar()
    indexed = connection.execute(select(func.count()).select_from(search_records)).scalar()
    indexed_now = connection.execute(
        select(func.count()).where(search_records.c.version == NAME_KEYS_VERSION)
    ).scalar()
    return keyed == indexed == indexed_now


def _reindex(store: Store) -> int:
    current = record_keys.c.version == NAME_KEYS_VERSION
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
        if len(todo) >= ANALYZE_FROM and not is_sqlite(connection):
            # Without fresh statistics PostgreSQL's planner took a name's few thousand
            # keys for a fifth of the table and scanned all of it: 0.8 s a search at a
            # million records, until autovacuum (if on) analysed the table.
            connection.exec_driver_sql("ANALYZE search_keys")
            connection.exec_driver_sql("ANALYZE search_records")
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


def _unit_hits(keys: frozenset[str]) -> Select:
    """Records sharing a key with one query unit; `strong` 1 when a full key (not only a
    consonant key, which agrees more loosely)."""
    strong = func.max(case((func.substr(search_keys.c.key, 1, 2) == literal("c:"), 0), else_=1))
    return (
        select(search_keys.c.record_id, strong.label("strong"))
        .where(search_keys.c.key.in_(sorted(keys)))
        .group_by(search_keys.c.record_id)
    )


def _written_sql() -> Any:
    parts = (record_fields.c.family_name, record_fields.c.given_name, record_fields.c.patronymic)
    joined = func.coalesce(parts[0], "") + " " + func.coalesce(parts[1], "") + " " + func.coalesce(parts[2], "")  # fmt: skip
    return func.coalesce(record_fields.c.full_name, func.trim(joined))


def _key_hits(units: list[frozenset[str]]) -> Any:
    """Candidate records from the index alone: units met (at least two, or all when
    fewer) and how many of them by a full key."""
    per_unit = [_unit_hits(keys) for keys in units]
    if len(per_unit) == 1:  # one unit: its hits are the candidates, no second grouping
        only = per_unit[0].subquery()
        return select(only.c.record_id, literal(1).label("units"), only.c.strong).subquery()
    unit_rows = union_all(*per_unit).subquery()
    return (
        select(unit_rows.c.record_id, func.count().label("units"),
               func.sum(unit_rows.c.strong).label("strong"))
        .group_by(unit_rows.c.record_id)
        .having(func.count() >= min(len(units), 2))
        .subquery()
    )  # fmt: skip


def _ranked_candidates(
    connection: Connection,
    units: list[frozenset[str]],
    filters: dict[str, Any],
    window: int,
) -> tuple[list[int], int]:
    """The `window` best-ranked candidate records (see the module doc) and how many
    candidates there are in all, in one query. Without filters the index alone first
    keeps the PRESELECTED best by keys (reading every candidate's name and person cost a
    tenth of a second for the commonest names at a million records); with filters every
    candidate is read, so that none passing them is lost."""
    hits = _key_hits(units)
    if any(value is not None for value in filters.values()):
        count: Any = func.count().over()
    else:
        hits = (
            select(hits, func.count().over().label("candidates"))
            .order_by(hits.c.units.desc(), hits.c.strong.desc(), hits.c.record_id)
            .limit(max(PRESELECTED, 2 * window))
            .subquery()
        )
        count = hits.c.candidates
    written = _written_sql()
    # Words in the written name (spaces and hyphens part them), against the query's units.
    words = func.length(written) - func.length(func.replace(func.replace(written, " ", ""), "-", "")) + 1  # fmt: skip
    query = (
        select(hits.c.record_id, count.label("candidates"))
        .select_from(
            hits.join(person_records, person_records.c.record_id == hits.c.record_id)
            .join(persons, persons.c.id == person_records.c.person_id)
            .outerjoin(person_timelines, person_timelines.c.person_id == persons.c.id)
            .join(record_fields, record_fields.c.record_id == hits.c.record_id)
        )
        .where(persons.c.retired == 0)
    )
    # The name as asked first; then, as nomina's score (a weighted geometric mean) has
    # it, for a one-unit query more other units (they dilute the cost of the missing
    # given name: Kim ~ "Kim Jong Un" 0.79, ~ "Kim Chol" 0.77), else fewer.
    as_asked = case((words == len(units), 0), else_=1)
    others = words.desc() if len(units) == 1 else words.asc()
    query = _person_filter(query, **filters).order_by(
        hits.c.units.desc(), hits.c.strong.desc(), as_asked, others, hits.c.record_id
    )
    rows = connection.execute(query.limit(window)).all()
    return [row.record_id for row in rows], (rows[0].candidates if rows else 0)


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
        marker = _refresh(store)[1]
    if text:
        window = max(SCORED_RECORDS, SCORED_PER_RESULT * (offset + limit))
        key = _recent_key(store, marker, text, filters, min_score, window)
        page = _page(_scored(store, key, text, units, filters, min_score, window), limit, offset)
    else:
        with store.engine.connect() as connection:
            page = _by_facts(connection, filters, limit, offset)
    detail = {
        "query": text or None,
        **{name: value for name, value in filters.items() if name != "countries"},
        "scope": sorted(countries) if countries is not None else None,
        "persons": [row["person_id"] for row in page.persons],
    }
    # The audit entry in a transaction of its own, after the reads: an exception here
    # still withholds the page.
    with store.engine.begin() as connection:
        append_audit(connection, actor=actor or current_actor(), action="search",
                     object_type="persons", object_id=None, detail=detail)  # fmt: skip
    return page


@dataclass(frozen=True)
class _Scored:
    """One search's scored candidates: persons best first, with their facts."""

    order: list[int]
    best: dict[int, tuple[float, dict[str, Any]]]
    matched: dict[int, list[dict[str, Any]]]
    facts: dict[int, dict[str, Any]]
    exact: bool
    candidates: int


# The scored candidates of recent searches (this process), by query, filters and the
# register's marker: the next page of a search, or a common name asked again, costs no
# ranking and no scoring.
RECENT_SEARCHES = 256
_recent: OrderedDict[tuple[Any, ...], _Scored] = OrderedDict()
_recent_lock = threading.Lock()


def _recent_key(
    store: Store,
    marker: tuple[Any, ...] | None,
    text: str,
    filters: dict[str, Any],
    min_score: float,
    window: int,
) -> tuple[Any, ...] | None:
    if marker is None:  # just reindexed: nothing to compare a later state with
        return None
    chosen = tuple(
        (name, tuple(sorted(value)) if name == "countries" and value is not None else value)
        for name, value in sorted(filters.items())
    )
    return (_engine_number(store), marker, text, chosen, min_score, window)


def _scored(
    store: Store,
    key: tuple[Any, ...] | None,
    text: str,
    units: list[frozenset[str]],
    filters: dict[str, Any],
    min_score: float,
    window: int,
) -> _Scored:
    with _recent_lock:
        found = _recent.get(key) if key is not None else None
        if found is not None:
            _recent.move_to_end(key)
            return found
    with store.engine.connect() as connection:
        ranked, candidates = _ranked_candidates(connection, units, filters, window)
        names = _names_of(connection, ranked)
    # Scoring is Python alone: no pooled connection held meanwhile.
    best, matched = _score_records(text, names, min_score)
    facts: dict[int, dict[str, Any]] = {}
    with store.engine.connect() as connection:
        for chunk in in_chunks(best, size=5_000):
            query = _person_filter(_persons_query().where(persons.c.id.in_(chunk)), **filters)
            rows = connection.execute(query).mappings()
            facts.update({row["person_id"]: dict(row) for row in rows})
    order = sorted(facts, key=lambda person_id: (-best[person_id][0], person_id))
    found = _Scored(order, best, matched, facts, candidates <= window, candidates)
    if key is not None:
        with _recent_lock:
            _recent[key] = found
            while len(_recent) > RECENT_SEARCHES:
                _recent.popitem(last=False)
    return found


def _page(scored: _Scored, limit: int, offset: int) -> SearchPage:
    rows = []
    for person_id in scored.order[offset : offset + limit]:
        score, fields = scored.best[person_id]
        rows.append(
            {
                **scored.facts[person_id],
                "name": _written(fields),
                "score": round(score, 4),
                "matched_records": sorted(scored.matched[person_id], key=lambda r: -r["score"]),
            }
        )
    return SearchPage(total=len(scored.order), persons=rows, exact=scored.exact,
                      candidates=scored.candidates)  # fmt: skip


Best = dict[int, tuple[float, dict[str, Any]]]


def _score_records(
    text: str, names: dict[int, dict[str, Any]], min_score: float
) -> tuple[Best, dict[int, list[dict[str, Any]]]]:
    """Each person's best record scoring `min_score` or more, and every such record of it.
    Namesakes are common: a name written alike is parsed and scored once."""
    wanted = parse_name(text)
    scores: dict[tuple[Any, ...], float] = {}
    best: Best = {}
    matched: dict[int, list[dict[str, Any]]] = {}
    for record_id, fields in names.items():
        written = tuple(fields[name] for name in _NAME_FIELDS)
        if written not in scores:
            parsed = parse_name(written[0], given=written[1], family=written[2],
                                patronymic=written[3], citizenship=written[4])  # fmt: skip
            scores[written] = compare_names(wanted, parsed)
        score = scores[written]
        if score < min_score:
            continue
        person_id = fields["person_id"]
        matched.setdefault(person_id, []).append(
            {"record_id": record_id, "name": _written(fields), "source": fields["source"],
             "score": round(score, 4)}
        )  # fmt: skip
        if person_id not in best or score > best[person_id][0]:
            best[person_id] = (score, fields)
    return best, matched


_NAME_FIELDS = ("full_name", "given_name", "family_name", "patronymic", "citizenship")


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
