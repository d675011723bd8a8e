"""A resolution run over the store: persons, stable ids across runs, judgements, audit."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select

from nomina.resolve.person import describe_person
from nomina.resolve.run import resolve_register
from nomina.stats import headline_figures
from nomina.store import open_store
from nomina.store.schema import (
    audit_log,
    judgements,
    person_lineage,
    person_records,
    persons,
    records,
)
from nomina.synth import write_world
from nomina.synth.truth import ingest_world


@pytest.fixture(scope="module")
def resolved(tmp_path_factory):
    folder = tmp_path_factory.mktemp("world")
    write_world(folder, persons=1_200, seed=21)
    store = open_store(f"sqlite:///{folder / 'register.db'}")
    ingest_world(store, folder)
    first = resolve_register(store)
    yield store, first
    store.dispose()


def membership(store) -> dict[int, int]:
    with store.engine.connect() as connection:
        return dict(
            connection.execute(select(person_records.c.record_id, person_records.c.person_id)).all()
        )


def test_every_record_belongs_to_exactly_one_person(resolved):
    store, result = resolved
    with store.engine.connect() as connection:
        record_count = connection.execute(select(func.count()).select_from(records)).scalar()
        levels = dict(
            connection.execute(
                select(persons.c.certainty, func.count()).group_by(persons.c.certainty)
            ).all()
        )
    assert len(membership(store)) == record_count == result.records
    assert result.persons < result.records  # some records were linked
    assert (
        set(levels) <= {"confirmed", "probable", "possible"}
        and sum(levels.values()) == result.persons
    )


def test_a_second_run_with_nothing_new_changes_nothing(resolved):
    store, first = resolved
    before = membership(store)
    again = resolve_register(store)
    assert again.mode == "unchanged" and again.pairs == 0
    assert membership(store) == before


def test_a_full_rerun_keeps_every_id(resolved):
    store, _ = resolved
    before = membership(store)
    again = resolve_register(store, full=True)
    assert again.mode == "full"
    assert membership(store) == before
    with store.engine.connect() as connection:
        events = connection.execute(
            select(func.count())
            .select_from(person_lineage)
            .where(person_lineage.c.run_id == again.run_id)
        ).scalar()
    assert events == 0


def test_a_different_judgement_splits_a_person_and_keeps_the_id_on_the_larger_part(resolved):
    store, _ = resolved
    before = membership(store)
    by_person: dict[int, list[int]] = {}
    for record_id, person_id in before.items():
        by_person.setdefault(person_id, []).append(record_id)
    person_id, members = next((p, sorted(m)) for p, m in sorted(by_person.items()) if len(m) >= 3)
    with store.engine.begin() as connection:
        for other in members[1:]:
            connection.execute(
                judgements.insert().values(
                    left_record_id=members[0],
                    right_record_id=other,
                    verdict="different",
                    judged_by="reviewer",
                    judged_at=dt.datetime.now(dt.UTC),
                )
            )
    resolve_register(store)
    after = membership(store)
    assert after[members[0]] != after[members[1]]
    assert after[members[1]] == person_id  # the larger part keeps the id
    with store.engine.connect() as connection:
        kinds = set(
            connection.execute(
                select(person_lineage.c.kind).where(person_lineage.c.person_id == person_id)
            ).scalars()
        )
    assert "split" in kinds


def test_person_view_is_audited_and_explains_itself(resolved):
    store, _ = resolved
    person_id = next(iter(membership(store).values()))
    with store.engine.connect() as connection:
        audited_before = connection.execute(select(func.count()).select_from(audit_log)).scalar()
    person = describe_person(store, person_id, actor="case officer")
    assert person["records"] and person["reasons"]
    assert person["certainty"] in {"confirmed", "probable", "possible"}
    with store.engine.connect() as connection:
        last = (
            connection.execute(select(audit_log).order_by(audit_log.c.id.desc()).limit(1))
            .mappings()
            .first()
        )
        audited_after = connection.execute(select(func.count()).select_from(audit_log)).scalar()
    assert audited_after == audited_before + 1
    assert (last["actor"], last["action"], last["object_id"]) == (
        "case officer",
        "read person",
        str(person_id),
    )
    assert describe_person(store, 10**9) is None


def test_headline_counts_confirmed_persons(resolved):
    store, _ = resolved
    headline = headline_figures(store)
    with store.engine.connect() as connection:
        confirmed = connection.execute(
            select(func.count())
            .select_from(persons)
            .where(persons.c.certainty == "confirmed", persons.c.retired == 0)
        ).scalar()
    assert headline.confirmed == confirmed > 0
    assert 0 < headline.countries <= confirmed
    assert f"At least {confirmed:,} foreign nationals" in headline.sentence()
    assert "known by name with certainty" in headline.sentence()


def test_concurrent_audited_person_reads_all_succeed(resolved):
    """Reading a person reads, then appends to the audit log: on SQLite such a
    transaction failed at once ("database is locked") when another reader's audit entry
    was committed in between, unless it takes the write lock before its reads."""
    from nomina.store.audit import verify_audit_chain
    from nomina.store.schema import audit_log
    from tests.conftest import on_two_engines_at_once

    store, _ = resolved
    with store.engine.connect() as connection:
        ids = connection.execute(select(persons.c.id).limit(10)).scalars().all()
        before = connection.execute(select(func.count()).select_from(audit_log)).scalar()

    def reads(on) -> None:
        for person_id in ids:
            describe_person(on, person_id, actor="concurrent")

    assert on_two_engines_at_once(store, reads) == []
    with store.engine.connect() as connection:
        after = connection.execute(select(func.count()).select_from(audit_log)).scalar()
        assert after - before == 8 * len(ids)
        assert verify_audit_chain(connection).intact
