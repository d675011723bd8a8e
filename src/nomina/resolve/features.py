"""What linkage compares: one row per record, names as cross-script keys.

Each record is normalised once here (names parsed into parts, every part turned into
the skeletons of all its plausible romanisations), so the linkage engine compares
plain keys in SQL and never calls Python per pair.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import pandas as pd
from sqlalchemy import select

from nomina.names import parse_name, romanisations, skeleton
from nomina.store import Store
from nomina.store.schema import record_fields, records, sources

FEATURE_COLUMNS = (
    "unique_id",
    "source_id",
    "name",
    "family_keys",
    "given_keys",
    "name_keys",
    "name_pairs",
    "family_key",
    "given_key",
    "birth_date",
    "birth_year",
    "birth_month",
    "birth_day",
    "citizenship",
    "document_number",
    "service_number",
    "military_unit",
)


@lru_cache(maxsize=1 << 17)
def token_keys(token: str) -> tuple[str, ...]:
    """Skeletons of every plausible romanisation of one name token, sorted."""
    keys = {skeleton(spelling) for spelling in romanisations(token)}
    return tuple(sorted(key for key in keys if key))


def _keys(tokens: tuple[str, ...]) -> list[str]:
    return sorted({key for token in tokens for key in token_keys(token)})


def _pairs(tokens: tuple[str, ...]) -> list[str]:
    """Order-free keys of every two name parts ("margus|pavlov"): two records that share
    two parts in any order and any script meet in one block, birth date or not."""
    keyed = [token_keys(token) for token in dict.fromkeys(tokens)]
    found = {
        "|".join(sorted((a, b)))
        for i, first in enumerate(keyed)
        for second in keyed[i + 1 :]
        for a in first
        for b in second
        if a != b
    }
    return sorted(found)


@dataclass(frozen=True)
class RecordNameKeys:
    name: str
    family_keys: list[str]
    given_keys: list[str]
    patronymic_keys: list[str]
    pairs: list[str]
    # One representative key per part, for blocking: the smallest of the first token's.
    family_key: str | None
    given_key: str | None


def name_features(fields: dict[str, Any]) -> RecordNameKeys:
    parsed = parse_name(
        fields.get("full_name"),
        given=fields.get("given_name"),
        family=fields.get("family_name"),
        patronymic=fields.get("patronymic"),
        citizenship=fields.get("citizenship"),
    )
    family_keys, given_keys = _keys(parsed.family), _keys(parsed.given)
    # A father's name is part of how a person is named (Eldiyar in "Nursultan Eldiyar uulu").
    patronymic_keys = _keys(parsed.patronymic)
    first_family = token_keys(parsed.family[0]) if parsed.family else ()
    first_given = token_keys(parsed.given[0]) if parsed.given else ()
    return RecordNameKeys(
        name=parsed.original,
        family_keys=family_keys,
        given_keys=given_keys,
        patronymic_keys=patronymic_keys,
        pairs=_pairs(parsed.family + parsed.given + parsed.patronymic),
        family_key=first_family[0] if first_family else None,
        given_key=first_given[0] if first_given else None,
    )


def _date_parts(iso: str | None) -> tuple[int | None, int | None, int | None]:
    if not iso:
        return None, None, None
    parts = [int(part) for part in iso.split("-")]
    parts += [None] * (3 - len(parts))
    return parts[0], parts[1], parts[2]


def feature_row(fields: dict[str, Any]) -> dict[str, Any]:
    names = name_features(fields)
    year, month, day = _date_parts(fields.get("birth_date"))
    return {
        "unique_id": fields["record_id"],
        "source_id": fields["source_id"],
        "name": names.name or None,
        "family_keys": names.family_keys or None,
        "given_keys": names.given_keys or None,
        "name_keys": sorted(set(names.family_keys + names.given_keys + names.patronymic_keys))
        or None,
        "name_pairs": names.pairs or None,
        "family_key": names.family_key,
        "given_key": names.given_key,
        "birth_date": fields.get("birth_date") if day else None,
        "birth_year": year,
        "birth_month": month,
        "birth_day": day,
        "citizenship": fields.get("citizenship"),
        "document_number": fields.get("document_number"),
        "service_number": fields.get("service_number"),
        "military_unit": fields.get("military_unit"),
    }


def iter_record_fields(store: Store, *, after_record_id: int = 0) -> Iterator[dict[str, Any]]:
    """Parsed fields of every record (with its source), in id order, streamed."""
    query = (
        select(records.c.id.label("record_id"), records.c.source_id, record_fields)
        .join(record_fields, record_fields.c.record_id == records.c.id)
        .join(sources, sources.c.id == records.c.source_id)
        .where(records.c.id > after_record_id)
        .order_by(records.c.id)
    )
    with store.engine.connect() as connection:
        result = connection.execution_options(stream_results=True, yield_per=10_000).execute(query)
        for row in result.mappings():
            yield dict(row)


def features_frame(rows: Iterable[dict[str, Any]]) -> pd.DataFrame:
    """One row of linkage features per record's parsed fields (names normalised once)."""
    return pd.DataFrame([feature_row(fields) for fields in rows], columns=list(FEATURE_COLUMNS))
