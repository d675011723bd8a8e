"""What linkage compares: one row per record, names as cross-script keys.

Each record is normalised once here: its name parsed into units by role (family, given,
patronymic), every unit turned into the keys under which `nomina.names` says two units
agree (`unit_keys`: skeletons of its plausible romanisations, name symbols) and its
consonant keys (`unit_consonants`). The linkage engine then compares plain arrays in SQL
(do two records share a family key? a first given key?) and never calls Python per pair.
"""

from __future__ import annotations

import itertools
import multiprocessing
import os
import re
from collections.abc import Callable, Collection, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import orjson
import pyarrow as pa
import pyarrow.compute as pc
from sqlalchemy import exists, func, select

from nomina.names import (
    name_parts,
    parse_name,
    skeleton,
    unit_consonants,
    unit_keys,
    unit_skeletons,
)
from nomina.resolve import feature_cache
from nomina.resolve.cluster import SLIP_MIN_LENGTH
from nomina.store import Store
from nomina.store.dialect import bulk_insert, in_chunks
from nomina.store.schema import record_fields, record_keys, records, sources

# Bump when nomina.names or this module change the keys a name gets: stored keys of an
# older version are recomputed.
NAME_KEYS_VERSION = 2  # 2: joiners no longer split a name unit

FEATURE_COLUMNS = (
    "unique_id",
    "source_id",
    "name",
    "family_keys",
    "given_keys",
    "first_given_keys",
    "other_given_keys",
    "patronymic_keys",
    "family_consonants",
    "given_consonants",
    "name_keys",
    "name_pairs",
    "family_key",
    "given_key",
    "given_name_key",
    "family_stub",
    "given_initial",
    "birth_year",
    "birth_month",
    "birth_day",
    "citizenship",
    "document_number",
    "service_number",
    "number_slip_keys",
    "military_unit",
    "birth_place",
    "residence",
)
# Columns holding lists of keys (None when the record has none).
ARRAY_COLUMNS = tuple(c for c in FEATURE_COLUMNS if c.endswith(("_keys", "_consonants", "_pairs")))


# The helpers below take a record's units of one role (its family name, its given names)
# and are cached by them: a million records hold a few hundred thousand distinct names,
# made of far fewer family names and given names.
@lru_cache(maxsize=1 << 18)
def _keys(units: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(sorted({key for unit in units for key in unit_keys(unit)}))


@lru_cache(maxsize=1 << 18)
def _consonants(units: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(sorted({key for unit in units for key in unit_consonants(unit)}))


@lru_cache(maxsize=1 << 18)
def _readings(unit: str) -> tuple[str, ...]:
    """A unit's two most usual readings (skeletons)."""
    return unit_skeletons(unit)[:2]


def _pairs(units: tuple[str, ...]) -> list[str] | None:
    """Order-free keys of every two name units ("margus|pavlov"): two records that share
    two units in any order and any script meet in one block, birth date or not."""
    readings = [_readings(unit) for unit in dict.fromkeys(units)]
    found = {
        f"{a}|{b}" if a < b else f"{b}|{a}"
        for i, first in enumerate(readings)
        for second in readings[i + 1 :]
        for a in first
        for b in second
        if a != b
    }
    return sorted(found) or None


def _listed(keys: tuple[str, ...]) -> list[str] | None:
    return list(keys) or None


def _representative(units: tuple[str, ...]) -> str | None:
    """One key for the first unit, its most usual reading: what fuzzy comparisons and
    term frequencies use."""
    keys = _readings(units[0]) if units else ()
    return keys[0] if keys else None


@dataclass(frozen=True)
class RecordNameKeys:
    name: str | None
    family_keys: list[str] | None
    given_keys: list[str] | None
    first_given_keys: list[str] | None
    other_given_keys: list[str] | None
    patronymic_keys: list[str] | None
    family_consonants: list[str] | None
    given_consonants: list[str] | None
    name_keys: list[str] | None
    pairs: list[str] | None
    family_key: str | None
    given_key: str | None
    given_name_key: str | None


def name_features(fields: dict[str, Any]) -> RecordNameKeys:
    parsed = parse_name(
        fields.get("full_name"),
        given=fields.get("given_name"),
        family=fields.get("family_name"),
        patronymic=fields.get("patronymic"),
        citizenship=fields.get("citizenship"),
    )
    parts = name_parts(parsed)
    family, given, patronymic = _keys(parts.family), _keys(parts.given), _keys(parts.patronymic)
    return RecordNameKeys(
        name=parsed.original or None,
        family_keys=_listed(family),
        given_keys=_listed(given),
        first_given_keys=_listed(_keys(parts.given[:1])),
        other_given_keys=_listed(_keys(parts.given[1:])),
        # A father's name is part of how a person is named (Eldiyar in "Nursultan Eldiyar uulu").
        patronymic_keys=_listed(patronymic),
        family_consonants=_listed(_consonants(parts.family)),
        given_consonants=_listed(_consonants(parts.given[:1])),
        name_keys=sorted({*family, *given, *patronymic}) or None,
        pairs=_pairs(parts.family + parts.given + parts.patronymic),
        family_key=_representative(parts.family),
        given_key=_representative(parts.given),
        # The whole given name as one key (Ram Bahadur → rambahadur), for term frequencies.
        given_name_key="".join(_representative((unit,)) or "" for unit in parts.given) or None,
    )


def _date_parts(iso: str | None) -> tuple[int | None, int | None, int | None]:
    if not iso:
        return None, None, None
    parts: list[int | None] = [int(part) for part in iso.split("-")]
    parts += [None] * (3 - len(parts))
    return parts[0], parts[1], parts[2]


def _identifier(value: str | None) -> str | None:
    """Document numbers as letters and digits, upper case: spacing and dashes vary."""
    cleaned = "".join(c for c in (value or "").upper() if c.isalnum())
    return cleaned or None


def _text_key(value: str | None) -> str | None:
    return (skeleton(value) or None) if value else None


def _address_key(value: str | None) -> str | None:
    """An address as lower-case words and numbers, one space apart (punctuation and
    spacing vary between clerks; the order of the words is kept)."""
    words = "".join(c if c.isalnum() else " " for c in (value or "").casefold()).split()
    return " ".join(words) or None


def _unit_key(value: str | None) -> str | None:
    """A military unit by its number where it has one: the number is the unit's
    identifier (Russian "в/ч 15426", войсковая часть, is "military unit 15426" or
    "v/ch 15426" in a translated list), the words around it are the clerk's language.
    A unit without a number is compared by its text's skeleton."""
    if not value:
        return None
    numbers = re.findall(r"\d{3,}", value)
    if numbers:
        return "-".join(numbers)
    return skeleton(value) or None


def feature_row(fields: dict[str, Any], names: RecordNameKeys | None = None) -> dict[str, Any]:
    names = names or name_features(fields)
    year, month, day = _date_parts(fields.get("birth_date"))
    return {
        "unique_id": fields["record_id"],
        "source_id": fields["source_id"],
        "name": names.name,
        "family_keys": names.family_keys,
        "given_keys": names.given_keys,
        "first_given_keys": names.first_given_keys,
        "other_given_keys": names.other_given_keys,
        "patronymic_keys": names.patronymic_keys,
        "family_consonants": names.family_consonants,
        "given_consonants": names.given_consonants,
        "name_keys": names.name_keys,
        "name_pairs": names.pairs,
        "family_key": names.family_key,
        "given_key": names.given_key,
        "given_name_key": names.given_name_key,
        "family_stub": names.family_key[:3] if names.family_key else None,
        "given_initial": names.given_key[:1] if names.given_key else None,
        "birth_year": year,
        "birth_month": month,
        "birth_day": day,
        "citizenship": fields.get("citizenship"),
        "document_number": (document := _identifier(fields.get("document_number"))),
        "service_number": (service := _identifier(fields.get("service_number"))),
        "number_slip_keys": number_slip_keys(document, service),
        "military_unit": _unit_key(fields.get("military_unit")),
        "birth_place": _text_key(fields.get("birth_place")),
        "residence": _address_key(fields.get("residence")),
    }


def number_slip_keys(document: str | None, service: str | None) -> list[str] | None:
    """Blocking keys that bring together numbers equal or one slip apart (a digit
    mistyped, two swapped, one dropped or added): each number and each way to delete one
    of its characters (the symmetric-deletion neighbourhood of FastSS, Bocek et al. 2007).
    Two numbers one substitution apart lose the same character; two swapped neighbours
    lose one each and meet; one dropped character meets the shorter number itself.
    Document and service numbers never meet each other."""
    keys = set()
    for kind, number in (("d", document), ("s", service)):
        if number:
            keys.add(f"{kind}:{number}")
            if len(number) >= SLIP_MIN_LENGTH:
                keys.update(f"{kind}:{number[:i]}{number[i + 1 :]}" for i in range(len(number)))
    return sorted(keys) or None


def iter_record_fields(
    store: Store,
    *,
    record_ids: Collection[int] | None = None,
    columns: Sequence[str] | None = None,
) -> Iterator[dict[str, Any]]:
    """Parsed fields of every record (or of `record_ids`), with its source, in id order,
    streamed; `columns`: only these of `record_fields` (reading a million records, the
    rows' width is most of the cost)."""
    chosen = [record_fields] if columns is None else [record_fields.c[name] for name in columns]
    query = (
        select(records.c.id.label("record_id"), records.c.source_id, *chosen)
        .join(record_fields, record_fields.c.record_id == records.c.id)
        .join(sources, sources.c.id == records.c.source_id)
        .order_by(records.c.id)
    )
    with store.engine.connect() as connection:
        if record_ids is None:
            options = connection.execution_options(stream_results=True, yield_per=10_000)
            yield from _as_dicts(options.execute(query))
            return
        for chunk in in_chunks(record_ids):
            yield from _as_dicts(connection.execute(query.where(records.c.id.in_(chunk))))


def _as_dicts(result: Any) -> Iterator[dict[str, Any]]:
    """Plain rows zipped with the column names once: a mapping per row costs more than
    reading it."""
    names = tuple(result.keys())
    return (dict(zip(names, row, strict=True)) for row in result)


_NAME_INPUTS = ("full_name", "given_name", "family_name", "patronymic", "citizenship")
_OTHER_INPUTS = (
    "birth_date", "document_number", "service_number", "military_unit", "birth_place", "residence",
)  # fmt: skip


def load_features(store: Store, *, progress: Callable[[str], None] | None = None) -> pa.Table:
    """Linkage features of every record in the store, as an Arrow table in record order.

    Features already built are read from the store's cache (`feature_cache`); the rest
    are built from the stored name keys a chunk of records at a time (records without
    keys are normalised now and their keys stored), then the cache is written again.
    """
    say = progress or (lambda _step: None)
    path = feature_cache.cache_path(store, NAME_KEYS_VERSION)
    with store.engine.connect() as connection:
        landed = feature_cache.landed_batches(connection)
        stored_ids = pa.array(
            connection.execute(select(records.c.id).order_by(records.c.id)).scalars().all(),
            pa.int64(),
        )
    cached = feature_cache.read_cached(path, FEATURE_SCHEMA, landed)
    if cached is None:
        table = _build_features(store, None, say)
        feature_cache.write_cached(path, table, landed)
        return table
    kept = feature_cache.rows_still_stored(cached, stored_ids)
    known = pc.is_in(stored_ids, value_set=kept.column("unique_id"))
    todo = stored_ids.filter(pc.invert(known)).to_pylist()
    if not todo and len(kept) == len(cached):
        return kept
    built = _build_features(store, todo, say)
    table = pa.concat_tables([kept, built]).sort_by("unique_id").combine_chunks()
    feature_cache.write_cached(path, table, landed)
    return table


def features_of_records(store: Store, record_ids: Collection[int]) -> pa.Table:
    """Linkage features of the given records only (their stored name keys read, missing
    ones computed), for scoring a few pairs without reading the register."""
    return _build_features(store, sorted(set(record_ids)), lambda _step: None)


def _build_features(
    store: Store, record_ids: list[int] | None, say: Callable[[str], None]
) -> pa.Table:
    """Features of `record_ids` (None: every record), built a chunk of records at a time:
    a million records without a Python object per record alive at once."""
    current = (record_keys.c.record_id == records.c.id) & (
        record_keys.c.version == NAME_KEYS_VERSION
    )
    query = (
        select(
            records.c.id,
            records.c.source_id,
            *(record_fields.c[name] for name in _NAME_INPUTS + _OTHER_INPUTS),
            record_keys.c.name_keys,
        )
        .join(record_fields, record_fields.c.record_id == records.c.id)
        .outerjoin(record_keys, current)
        .order_by(records.c.id)
    )
    unkeyed = select(func.count()).select_from(records).where(~exists().where(current))
    selections = [query] if record_ids is None else [
        query.where(records.c.id.in_(chunk)) for chunk in in_chunks(record_ids)
    ]  # fmt: skip
    with store.engine.connect() as connection:
        if record_ids is None:
            missing = connection.execute(unkeyed).scalar_one()
            count = connection.execute(select(func.count()).select_from(records)).scalar_one()
        else:
            missing = sum(
                connection.execute(unkeyed.where(records.c.id.in_(chunk))).scalar_one()
                for chunk in in_chunks(record_ids)
            )
            count = len(record_ids)
        if missing:
            say(f"normalise names of {missing:,} records")
        batches: list[pa.RecordBatch] = []
        stream = connection.execution_options(stream_results=True, yield_per=_BATCH)
        with _feature_workers(count) as build:
            # A pipeline of two: the workers build one chunk's features while this
            # process stores the name keys computed for the chunk before.
            pending: _Chunk | None = None
            for selection in selections:
                for rows in stream.execute(selection).partitions():
                    chunk = _Chunk.started([tuple(row) for row in rows], build)
                    if pending is not None:
                        batches.extend(pending.finished(store))
                    pending = chunk
            if pending is not None:
                batches.extend(pending.finished(store))
    # One chunk per column: Splink's queries ran faster over it than over many (at a
    # million records, scoring 62 s against 72 s over 50,000-row chunks).
    return pa.Table.from_batches(batches, schema=FEATURE_SCHEMA).combine_chunks()


# A piece of rows as `_build_features` reads them (record id, source, name inputs, other
# inputs, stored name keys or None) in; its features as an Arrow IPC stream, and the
# name keys computed for records that had none (as the JSON the store keeps), out.
Built = tuple[bytes, list[tuple[int, str]]]
_COLUMNS = ("record_id", "source_id", *_NAME_INPUTS, *_OTHER_INPUTS)
_NAMES = slice(2, 2 + len(_NAME_INPUTS))


def _features_of_rows(rows: list[tuple[Any, ...]]) -> Built:
    """Run where the rows are sent (a worker process at scale): every record's Python
    objects live and die here, and only Arrow's bytes travel back."""
    columns: dict[str, list[Any]] = {column: [] for column in FEATURE_COLUMNS}
    appenders = [(columns[column].append, column) for column in FEATURE_COLUMNS]
    computed: list[tuple[int, str]] = []
    # Names repeat (one person in several lists, common names): each distinct name is
    # normalised once a piece.
    seen: dict[tuple[Any, ...], tuple[RecordNameKeys, str]] = {}
    for row in rows:
        fields = dict(zip(_COLUMNS, row[:-1], strict=True))
        if row[-1] is not None:
            names = RecordNameKeys(**orjson.loads(row[-1]))
        else:
            name = row[_NAMES]
            if name not in seen:
                keys = name_features(fields)
                seen[name] = keys, orjson.dumps(keys).decode()
            names, text = seen[name]
            computed.append((fields["record_id"], text))
        features = feature_row(fields, names)
        for append, column in appenders:
            append(features[column])
    batch = pa.RecordBatch.from_pydict(columns, schema=FEATURE_SCHEMA)
    sink = pa.BufferOutputStream()
    with pa.ipc.new_stream(sink, FEATURE_SCHEMA) as writer:
        writer.write_batch(batch)
    return sink.getvalue().to_pybytes(), computed


# Building: a piece of rows in, a way to wait for what `_features_of_rows` made out.
Builder = Callable[[list[tuple[Any, ...]]], Callable[[], Built]]
_PIECE = 5_000  # rows a worker takes at a time: small enough to share a chunk out


@dataclass
class _Chunk:
    """A chunk of records on its way to features: its pieces under way."""

    building: list[Callable[[], Built]]

    @classmethod
    def started(cls, rows: list[tuple[Any, ...]], build: Builder) -> _Chunk:
        return cls([build(rows[i : i + _PIECE]) for i in range(0, len(rows), _PIECE)])

    def finished(self, store: Store) -> list[pa.RecordBatch]:
        """The chunk's features, once built, and its new name keys stored (each chunk in
        its own transaction: the keys are a cache, never half a record's)."""
        built = [wait() for wait in self.building]
        computed = dict(itertools.chain.from_iterable(keys for _, keys in built))
        if computed:
            _store_name_keys(store, computed)
        return [batch for data, _ in built for batch in pa.ipc.open_stream(data)]


_BATCH = 50_000
_KEYS = pa.list_(pa.string())
FEATURE_SCHEMA = pa.schema(
    [(column, _KEYS if column in ARRAY_COLUMNS else pa.string()) for column in FEATURE_COLUMNS]
).set(0, pa.field("unique_id", pa.int64()))
for _column in ("source_id", "birth_year", "birth_month", "birth_day"):
    FEATURE_SCHEMA = FEATURE_SCHEMA.set(
        FEATURE_SCHEMA.get_field_index(_column), pa.field(_column, pa.int64())
    )


def _store_name_keys(store: Store, computed: dict[int, str]) -> None:
    ids = sorted(computed)
    with store.engine.begin() as connection:
        for chunk in in_chunks(ids):  # keys of older name rules go
            connection.execute(record_keys.delete().where(record_keys.c.record_id.in_(chunk)))
        bulk_insert(
            connection,
            record_keys,
            ("record_id", "version", "name_keys"),
            ((record_id, NAME_KEYS_VERSION, computed[record_id]) for record_id in ids),
        )


# From this many records on, features are built in one process per core.
PARALLEL_FROM = 50_000


@contextmanager
def _feature_workers(count: int) -> Iterator[Builder]:
    """A `Builder`: in this process, or for `count` records or more over one process per
    core, computing while the caller goes on."""
    workers = os.cpu_count() or 1
    if (
        count < PARALLEL_FROM
        or workers < 2
        or "fork" not in multiprocessing.get_all_start_methods()
    ):

        def build_here(rows: list[tuple[Any, ...]]) -> Callable[[], Built]:
            built = _features_of_rows(rows)
            return lambda: built

        yield build_here
        return
    # Fork: workers inherit the name tables (rigour's tagger takes seconds to load)
    # instead of each loading them again.
    name_features({"full_name": "Warm Up"})
    with multiprocessing.get_context("fork").Pool(workers) as pool:
        yield lambda rows: pool.apply_async(_features_of_rows, (rows,)).get
