"""Which countries an object belongs to, for the liaison rule (see `rules`), in SQL.

A person's countries: the citizenships its records give. A record's: those of its
person, or its own citizenship when no person holds it.
"""

from __future__ import annotations

from collections.abc import Collection

from sqlalchemy import Connection, Select, or_, select

from nomina.store.schema import person_records, record_fields


def person_countries(connection: Connection, person_id: int) -> frozenset[str]:
    rows = connection.execute(
        select(record_fields.c.citizenship)
        .join(person_records, person_records.c.record_id == record_fields.c.record_id)
        .where(person_records.c.person_id == person_id, record_fields.c.citizenship.is_not(None))
        .distinct()
    ).scalars()
    return frozenset(rows)


def record_countries(connection: Connection, record_id: int) -> frozenset[str]:
    person_id = connection.execute(
        select(person_records.c.person_id).where(person_records.c.record_id == record_id)
    ).scalar()
    if person_id is not None:
        return person_countries(connection, person_id)
    own = connection.execute(
        select(record_fields.c.citizenship).where(record_fields.c.record_id == record_id)
    ).scalar()
    return frozenset({own}) if own else frozenset()


def persons_in_countries(countries: Collection[str]) -> Select:
    """SELECT of the ids of the persons in scope for these countries."""
    return (
        select(person_records.c.person_id)
        .join(record_fields, record_fields.c.record_id == person_records.c.record_id)
        .where(record_fields.c.citizenship.in_(sorted(countries)))
    )


def record_in_countries(record_id_column, countries: Collection[str]):  # noqa: ANN001, ANN201
    """A WHERE clause: the record (by its id column) is in scope for these countries."""
    scoped_persons = persons_in_countries(countries)
    held_by_scoped = select(person_records.c.record_id).where(
        person_records.c.person_id.in_(scoped_persons)
    )
    own = select(record_fields.c.record_id).where(
        record_fields.c.citizenship.in_(sorted(countries))
    )
    unheld = select(person_records.c.record_id)
    return or_(
        record_id_column.in_(held_by_scoped),
        (record_id_column.in_(own) & record_id_column.not_in(unheld)),
    )
