"""Incremental resolution: a new batch is linked against the register without a full run,
and ends where a full run with the same model ends."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from nomina.ingest import find_source_files, ingest_file, load_source_config
from nomina.resolve.run import resolve_register
from nomina.store import open_store
from nomina.store.schema import pairs, person_lineage, person_records, resolution_runs
from nomina.synth import write_world


def _ingest(store, sources) -> None:
    for data, config in sources:
        ingest_file(store, data, load_source_config(config))


def _partition(store) -> set[frozenset[int]]:
    persons: dict[int, set[int]] = {}
    with store.engine.connect() as connection:
        for record_id, person_id in connection.execute(
            select(person_records.c.record_id, person_records.c.person_id)
        ):
            persons.setdefault(person_id, set()).add(record_id)
    return {frozenset(members) for members in persons.values()}


@pytest.fixture(scope="module")
def two_registers(tmp_path_factory):
    """Register A: five sources resolved, then the sixth resolved incrementally.
    Register B: all six resolved in one full run with A's first model."""
    folder = tmp_path_factory.mktemp("world")
    write_world(folder, persons=1_500, seed=8)
    sources = find_source_files(folder)[0]
    first, last = sources[:-1], sources[-1:]
    a = open_store(f"sqlite:///{folder / 'a.db'}")
    _ingest(a, first)
    initial = resolve_register(a)
    with a.engine.connect() as connection:
        model = connection.execute(
            select(resolution_runs.c.model).where(resolution_runs.c.id == initial.run_id)
        ).scalar_one()
        before = dict(
            connection.execute(select(person_records.c.record_id, person_records.c.person_id)).all()
        )
    _ingest(a, last)
    added = resolve_register(a)
    b = open_store(f"sqlite:///{folder / 'b.db'}")
    _ingest(b, sources)
    full = resolve_register(b, model=model)
    yield a, b, initial, added, full, before
    a.dispose()
    b.dispose()


def test_a_new_batch_is_resolved_incrementally(two_registers):
    a, _, initial, added, _, _ = two_registers
    assert initial.mode == "full" and added.mode == "incremental"
    assert added.new_records == added.records - initial.records > 0
    with a.engine.connect() as connection:
        scored = connection.execute(
            select(pairs.c.left_record_id, pairs.c.right_record_id).where(
                pairs.c.run_id == added.run_id
            )
        ).all()
    old = set(range(1, initial.records + 1))
    assert scored and all(left not in old or right not in old for left, right in scored)


def test_incremental_equals_a_full_run_with_the_same_model(two_registers):
    a, b, _, _, _, _ = two_registers
    assert _partition(a) == _partition(b)


def test_existing_persons_keep_their_ids(two_registers):
    a, _, _, added, _, before = two_registers
    with a.engine.connect() as connection:
        after = dict(
            connection.execute(select(person_records.c.record_id, person_records.c.person_id)).all()
        )
        kinds = set(
            connection.execute(
                select(person_lineage.c.kind).where(person_lineage.c.run_id == added.run_id)
            ).scalars()
        )
    grown = [r for r, p in before.items() if after[r] != p]
    # An old record changes person only when a new record bridged two persons (a merge).
    assert len(grown) <= len(before) // 20
    assert "created" in kinds and "grown" in kinds


def test_the_review_queue_holds_pairs_of_the_full_run_and_the_incremental_one(two_registers):
    from nomina.resolve.review import review_queue

    a, _, initial, added, _, _ = two_registers
    with a.engine.connect() as connection:
        runs_of = dict(
            connection.execute(
                select(pairs.c.left_record_id * 10**9 + pairs.c.right_record_id, pairs.c.run_id)
            ).all()
        )
    queue = review_queue(a, limit=10_000)
    runs = {runs_of[item.left_record_id * 10**9 + item.right_record_id] for item in queue}
    assert runs == {initial.run_id, added.run_id}
