"""The review queue and `nomina review`: order, judgements, undo, audit, and the next resolve."""

from __future__ import annotations

import datetime as dt
import json
import math
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select
from typer.testing import CliRunner

from nomina.cli import app
from nomina.ingest import ingest_file, load_source_config
from nomina.resolve.review import (
    latest_verdicts,
    record_judgement,
    review_priority,
    review_queue,
    undo_last_judgement,
    weight_of_probability,
)
from nomina.resolve.run import resolve_register
from nomina.store import Store, open_store
from nomina.store.audit import verify_audit_chain
from nomina.store.schema import (
    audit_log,
    judgements,
    pairs,
    person_records,
    persons,
    records,
    resolution_runs,
)
from nomina.synth import write_world
from nomina.synth.truth import ingest_world

runner = CliRunner()


@pytest.fixture(scope="module")
def resolved_world(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A small synthetic world, ingested and resolved once; tests work on copies."""
    folder = tmp_path_factory.mktemp("world")
    write_world(folder, persons=300, seed=4)
    store = open_store(f"sqlite:///{folder / 'register.db'}")
    ingest_world(store, folder)
    resolve_register(store)
    store.dispose()  # closes the last connection, so SQLite folds its WAL into the file
    return folder / "register.db"


@pytest.fixture
def resolved_url(resolved_world: Path, tmp_path: Path) -> str:
    copy = tmp_path / "resolved.db"  # not register.db: the `store` fixture's file
    shutil.copy(resolved_world, copy)
    return f"sqlite:///{copy}"


@pytest.fixture
def resolved(resolved_url: str) -> Iterator[Store]:
    store = open_store(resolved_url)
    yield store
    store.dispose()


@pytest.fixture
def three_records(store: Store, contracts: tuple[Path, Path]) -> list[int]:
    """The contract list's three records, on SQLite and PostgreSQL (no run needed to judge)."""
    data, config = contracts
    ingest_file(store, data, load_source_config(config))
    with store.engine.connect() as connection:
        return sorted(connection.execute(select(records.c.id)).scalars())


def membership(store: Store) -> dict[int, int]:
    with store.engine.connect() as connection:
        return dict(
            connection.execute(select(person_records.c.record_id, person_records.c.person_id)).all()
        )


def last_audit(store: Store) -> dict:
    with store.engine.connect() as connection:
        return dict(
            connection.execute(select(audit_log).order_by(audit_log.c.id.desc()).limit(1))
            .mappings()
            .one()
        )


def verdicts(store: Store) -> dict[tuple[int, int], str]:
    with store.engine.connect() as connection:
        return latest_verdicts(connection)


# --- the order -------------------------------------------------------------------------


def test_priority_never_judged_first_then_closeness_in_half_bits_then_size():
    def key(weight: float, size: int, unsure: bool = False):
        return review_priority(
            match_weight=weight, threshold_weight=3.0, persons_size=size, unsure=unsure
        )

    closest_small = key(3.05, 2)
    near_large = key(2.7, 9)  # 0.3 bits away: the same half bit, more records
    farther_large = key(3.6, 9)  # 0.6 bits away: the next half bit
    hesitated = key(3.0, 50, unsure=True)
    assert sorted([hesitated, farther_large, closest_small, near_large]) == [
        near_large,
        closest_small,
        farther_large,
        hesitated,
    ]
    assert key(3.2, 2) < key(2.75, 2)  # same step and size: the closer first
    assert weight_of_probability(0.9) == pytest.approx(math.log2(9))
    assert math.isfinite(weight_of_probability(1.0)) and math.isfinite(weight_of_probability(0))


def test_queue_follows_the_priority_on_constructed_pairs(resolved: Store):
    members = membership(resolved)
    sizes: dict[int, list[int]] = {}
    for record_id, person_id in members.items():
        sizes.setdefault(person_id, []).append(record_id)
    large = max(sizes.values(), key=len)
    assert len(large) >= 3
    alone = sorted(ids[0] for ids in sizes.values() if len(ids) == 1)
    a, b, c, d, e, f, g, h, i, j = alone[:10]
    with resolved.engine.connect() as connection:
        run_id, threshold = connection.execute(
            select(resolution_runs.c.id, resolution_runs.c.threshold)
            .order_by(resolution_runs.c.id.desc())
            .limit(1)
        ).one()
    at = weight_of_probability(threshold)
    constructed = {
        "closest, two singletons": (a, b, at + 0.1),
        "same half bit, a large person": (large[0], c, at - 0.3),
        "next half bit": (d, e, at + 0.6),
        "closest but judged unsure": (f, g, at - 0.05),
        "judged different": (h, i, at),
        "outside the band": (i, j, at + 12),
    }
    with resolved.engine.begin() as connection:
        connection.execute(pairs.delete())
        for left, right, weight in constructed.values():
            connection.execute(
                pairs.insert().values(
                    run_id=run_id,
                    left_record_id=min(left, right),
                    right_record_id=max(left, right),
                    match_weight=weight,
                    match_probability=2**weight / (1 + 2**weight),
                    contributions=json.dumps({"name": {"weight": weight}}),
                )
            )
    record_judgement(resolved, g, f, "unsure", actor="reviewer")  # either order
    record_judgement(resolved, i, h, "different", actor="reviewer")

    queue = review_queue(resolved, actor="reviewer")
    name_of = {frozenset((left, right)): name for name, (left, right, _) in constructed.items()}
    order = [name_of[frozenset((x.left_record_id, x.right_record_id))] for x in queue]
    assert order == [
        "same half bit, a large person",
        "closest, two singletons",
        "next half bit",
        "closest but judged unsure",
    ]
    first = queue[0]
    assert first.persons_size == len(large) + 1
    assert first.contributions == {"name": {"weight": pytest.approx(at - 0.3)}}
    assert queue[-1].previous_verdict == "unsure" and first.previous_verdict is None
    assert [x.left_record_id for x in review_queue(resolved, limit=2)] == [
        x.left_record_id for x in queue[:2]
    ]


def test_queue_reads_a_run_on_both_backends(store: Store, three_records):
    """A hand-written run over the contract list: two records one person, one alone."""
    first, second, third = three_records
    now = dt.datetime.now(dt.UTC)
    with store.engine.begin() as connection:
        run_id = connection.execute(
            resolution_runs.insert().values(
                started_at=now,
                engine="duckdb",
                threshold=0.9,
                records=3,
                pairs=3,
                persons=2,
                actor="test",
            )
        ).inserted_primary_key[0]
        for person_id, size in ((1, 2), (2, 1)):
            connection.execute(
                persons.insert().values(
                    id=person_id,
                    created_run_id=run_id,
                    updated_run_id=run_id,
                    records=size,
                    certainty="possible",
                    certainty_reasons="[]",
                    retired=0,
                )
            )
        connection.execute(
            person_records.insert(),
            [
                {"record_id": first, "person_id": 1},
                {"record_id": second, "person_id": 1},
                {"record_id": third, "person_id": 2},
            ],
        )
        for left, right, weight in ((first, second, 3.0), (first, third, 1.0), (second, third, -5)):
            connection.execute(
                pairs.insert().values(
                    run_id=run_id,
                    left_record_id=left,
                    right_record_id=right,
                    match_weight=weight,
                    match_probability=2**weight / (1 + 2**weight),
                    contributions=json.dumps({"name": {"weight": weight}}),
                )
            )
    queue = review_queue(store)
    assert [(x.left_record_id, x.right_record_id, x.persons_size) for x in queue] == [
        (first, second, 2),  # one person, counted once
        (first, third, 3),
    ]  # (second, third) is below the band
    assert queue[0].left_fields["source"] == "Captured contract list"
    assert (queue[1].left_person_id, queue[1].right_person_id) == (1, 2)
    record_judgement(store, first, second, "same")
    assert [(x.left_record_id, x.right_record_id) for x in review_queue(store)] == [(first, third)]


def test_items_carry_both_records_and_their_persons(resolved: Store):
    queue = review_queue(resolved, limit=100)
    assert queue and all(0.2 <= x.probability <= 0.98 for x in queue)
    members = membership(resolved)
    for item in queue:
        assert item.left_record_id < item.right_record_id
        assert item.left_fields["record_id"] == item.left_record_id
        assert item.right_fields["record_id"] == item.right_record_id
        assert item.left_person_id == members[item.left_record_id]
        assert item.right_person_id == members[item.right_record_id]
        assert {"source", "reliability", "file", "row", "birth_date"} <= set(item.left_fields)
        total = sum(c["weight"] for c in item.contributions.values()) + item.prior_weight
        assert total == pytest.approx(item.match_weight)


# --- judgements ------------------------------------------------------------------------


def test_judged_pairs_leave_the_queue_and_unsure_ones_come_last(resolved: Store):
    queue = review_queue(resolved, limit=1000)
    first, second, third = queue[:3]
    record_judgement(resolved, first.right_record_id, first.left_record_id, "same")
    record_judgement(resolved, second.left_record_id, second.right_record_id, "different")
    record_judgement(resolved, third.left_record_id, third.right_record_id, "unsure")

    again = review_queue(resolved, limit=1000)
    shown = [(x.left_record_id, x.right_record_id) for x in again]
    assert (first.left_record_id, first.right_record_id) not in shown
    assert (second.left_record_id, second.right_record_id) not in shown
    assert shown[-1] == (third.left_record_id, third.right_record_id)
    assert again[-1].previous_verdict == "unsure"
    assert len(again) == len(queue) - 2


def test_bad_verdicts_and_unknown_records_are_clear_errors(store: Store, three_records):
    left, right, _ = three_records
    with pytest.raises(ValueError, match="'maybe' is not one of same, different, unsure"):
        record_judgement(store, left, right, "maybe")
    with pytest.raises(ValueError, match="no record 999999 in the register"):
        record_judgement(store, left, 999999, "same")
    with pytest.raises(ValueError, match="not record .* with itself"):
        record_judgement(store, left, left, "different")
    with pytest.raises(ValueError, match="no resolution run yet"):
        review_queue(store)
    with pytest.raises(ValueError, match="band"):
        review_queue(store, band=(0.9, 0.2))
    assert verdicts(store) == {}


def test_undo_restores_the_previous_verdict_then_none(store: Store, three_records):
    left, right, other = three_records
    first = record_judgement(store, left, right, "same", actor="alice")
    record_judgement(store, right, left, "different", actor="alice", note="on second look")
    assert verdicts(store) == {(left, right): "different"}

    undone = undo_last_judgement(store, actor="alice")
    assert (undone.undone_verdict, undone.restored_verdict) == ("different", "same")
    assert verdicts(store) == {(left, right): "same"}
    undone = undo_last_judgement(store, actor="alice")
    assert undone.undone_judgement_id == first and undone.restored_verdict == "unsure"
    assert verdicts(store) == {(left, right): "unsure"}  # to resolution: no verdict
    with pytest.raises(ValueError, match="nothing to undo"):
        undo_last_judgement(store, actor="alice")

    # Someone else's later verdict on the pair is not alice's to overwrite.
    record_judgement(store, left, other, "same", actor="alice")
    record_judgement(store, left, other, "different", actor="bob")
    with pytest.raises(ValueError, match="superseded .* by bob"):
        undo_last_judgement(store, actor="alice")
    assert verdicts(store)[(left, other)] == "different"
    undo_last_judgement(store, actor="bob")  # once bob takes his back, alice may too
    assert undo_last_judgement(store, actor="alice").restored_verdict == "unsure"


def test_judging_undoing_and_reading_the_queue_are_audited(store: Store, three_records, resolved):
    left, right, _ = three_records
    judgement_id = record_judgement(store, right, left, "same", actor="alice")
    entry = last_audit(store)
    assert (entry["actor"], entry["action"], entry["object_id"]) == (
        "alice",
        "judge",
        f"{left}-{right}",
    )
    assert json.loads(entry["detail"]) == {"judgement": judgement_id, "verdict": "same"}
    undo_last_judgement(store, actor="alice")
    entry = last_audit(store)
    assert (entry["action"], json.loads(entry["detail"])["undoes"]) == (
        "undo judgement",
        judgement_id,
    )

    items = review_queue(resolved, limit=7, actor="reviewer")
    entry = last_audit(resolved)
    assert (entry["actor"], entry["action"], json.loads(entry["detail"])["pairs"]) == (
        "reviewer",
        "review",
        len(items),
    )
    for audited in (store, resolved):
        with audited.engine.connect() as connection:
            assert verify_audit_chain(connection).intact


# --- the next resolve ------------------------------------------------------------------


def test_verdicts_take_effect_on_the_next_resolve(resolved: Store):
    queue = review_queue(resolved, limit=1000)
    linked = next(x for x in queue if x.left_person_id == x.right_person_id)
    apart = next(x for x in queue if x.left_person_id != x.right_person_id)
    record_judgement(resolved, linked.left_record_id, linked.right_record_id, "different")
    record_judgement(resolved, apart.right_record_id, apart.left_record_id, "same")

    resolve_register(resolved)
    after = membership(resolved)
    assert after[linked.left_record_id] != after[linked.right_record_id]
    assert after[apart.left_record_id] == after[apart.right_record_id]
    settled = {
        (linked.left_record_id, linked.right_record_id),
        (apart.left_record_id, apart.right_record_id),
    }
    assert not settled & {(x.left_record_id, x.right_record_id) for x in review_queue(resolved)}


# --- the command -----------------------------------------------------------------------


def test_review_command_records_answers_from_stdin(resolved_url: str, monkeypatch):
    monkeypatch.setenv("NOMINA_DATABASE_URL", resolved_url)
    monkeypatch.setenv("NOMINA_USER", "reviewer")
    planned = json.loads(runner.invoke(app, ["review", "--json", "--limit", "5"]).stdout)

    session = runner.invoke(app, ["review", "--limit", "5"], input="s\nwhat\nd\nk\nq\n")
    assert session.exit_code == 0, session.output
    for shown in ("pair 1 of 5", "pair 3 of 5", "pair 4 of 5", "Match weight by comparison"):
        assert shown in session.stdout
    assert "pair 5 of 5" not in session.stdout  # quit on pair 4
    assert "answer one of" in session.stdout  # "what" is not an answer
    assert "recorded 2 judgements (1 same, 1 different)" in session.stdout
    assert "take effect on the next `nomina resolve`" in session.stdout

    store = open_store(resolved_url)
    with store.engine.connect() as connection:
        rows = connection.execute(select(judgements).order_by(judgements.c.id)).mappings().all()
    store.dispose()
    assert [
        (row["left_record_id"], row["right_record_id"], row["verdict"], row["judged_by"])
        for row in rows
    ] == [
        (planned[0]["left_record_id"], planned[0]["right_record_id"], "same", "reviewer"),
        (planned[1]["left_record_id"], planned[1]["right_record_id"], "different", "reviewer"),
    ]


def test_review_command_undo_goes_back_to_the_pair(resolved_url: str, monkeypatch):
    monkeypatch.setenv("NOMINA_DATABASE_URL", resolved_url)
    session = runner.invoke(app, ["review", "--limit", "3"], input="b\ns\nb\nd\n")
    assert session.exit_code == 0, session.output
    assert "nothing judged in this session to undo" in session.stdout
    assert "undone: same on records" in session.stdout
    assert session.stdout.count("pair 1 of 3") == 2  # shown again after the undo
    assert "recorded 1 judgement (1 different)" in session.stdout  # input ended: quit

    store = open_store(resolved_url)
    with store.engine.connect() as connection:
        rows = connection.execute(select(judgements.c.verdict, judgements.c.note)).all()
    store.dispose()
    assert [verdict for verdict, _ in rows] == ["same", "unsure", "different"]
    assert rows[1].note.startswith("undo of judgement")


def test_review_json_and_errors(resolved_url: str, tmp_path: Path, monkeypatch):
    monkeypatch.setenv("NOMINA_DATABASE_URL", resolved_url)
    listed = runner.invoke(app, ["review", "--json", "--limit", "3"])
    assert listed.exit_code == 0, listed.output
    items = json.loads(listed.stdout)
    assert len(items) == 3
    assert {"left_record_id", "right_record_id", "probability", "match_weight"} <= set(items[0])
    assert all("weight" in c for c in items[0]["contributions"].values())
    assert items[0]["left_fields"]["record_id"] == items[0]["left_record_id"]

    monkeypatch.setenv("NOMINA_DATABASE_URL", f"sqlite:///{tmp_path / 'empty.db'}")
    empty = runner.invoke(app, ["review"])
    assert empty.exit_code == 1 and "no resolution run yet" in empty.stderr
