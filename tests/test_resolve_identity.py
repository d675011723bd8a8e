"""Stable person ids: merges keep the older id, splits keep it on the larger part, lineage."""

from __future__ import annotations

import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from nomina.resolve.identity import LineageEvent, assign_person_ids


def fs(*records: int) -> frozenset[int]:
    return frozenset(records)


def test_first_run_numbers_clusters_by_smallest_record() -> None:
    ids, events = assign_person_ids([fs(7, 3), fs(1), fs(5, 9)], {}, 100)
    assert ids == {1: 100, 3: 101, 7: 101, 5: 102, 9: 102}
    assert events == [
        LineageEvent("created", 100, (), fs(1)),
        LineageEvent("created", 101, (), fs(3, 7)),
        LineageEvent("created", 102, (), fs(5, 9)),
    ]


def test_unchanged_clusters_keep_their_ids_without_events() -> None:
    previous = {1: 10, 2: 10, 3: 11}
    assert assign_person_ids([fs(3), fs(1, 2)], previous, 12) == (previous, [])


def test_merge_keeps_the_older_id() -> None:
    previous = {1: 20, 2: 20, 3: 12, 4: 15}
    ids, events = assign_person_ids([fs(1, 2, 3, 4)], previous, 30)
    assert set(ids.values()) == {12}
    assert events == [LineageEvent("merged", 12, (15, 20), fs(1, 2, 3, 4))]


def test_split_keeps_the_id_on_the_larger_part() -> None:
    previous = {1: 5, 2: 5, 3: 5, 4: 5, 5: 5}
    ids, events = assign_person_ids([fs(1, 2), fs(3, 4, 5)], previous, 9)
    assert ids == {1: 9, 2: 9, 3: 5, 4: 5, 5: 5}
    assert events == [LineageEvent("split", 5, (9,), fs(1, 2))]


def test_split_tie_goes_to_the_part_with_the_smallest_record() -> None:
    previous = {1: 5, 2: 5, 3: 5, 4: 5}
    ids, events = assign_person_ids([fs(2, 4), fs(1, 3)], previous, 9)
    assert ids == {1: 5, 3: 5, 2: 9, 4: 9}
    assert events == [LineageEvent("split", 5, (9,), fs(2, 4))]


def test_new_records_joining_a_person_are_lineage_too() -> None:
    previous = {1: 5, 2: 5}
    ids, events = assign_person_ids([fs(1, 2, 8), fs(9)], previous, 6)
    assert ids == {1: 5, 2: 5, 8: 5, 9: 6}
    assert events == [
        LineageEvent("grown", 5, (), fs(8)),
        LineageEvent("created", 6, (), fs(9)),
    ]


def test_merge_and_split_at_once() -> None:
    # Old 1 = {1,2,3}, old 2 = {4,5}. New: {1,2,4,5} and {3}.
    previous = {1: 1, 2: 1, 3: 1, 4: 2, 5: 2}
    ids, events = assign_person_ids([fs(3), fs(1, 2, 4, 5)], previous, 3)
    assert ids == {1: 1, 2: 1, 4: 1, 5: 1, 3: 3}
    assert events == [
        LineageEvent("merged", 1, (2,), fs(1, 2, 4, 5)),
        LineageEvent("split", 1, (3,), fs(3)),
    ]


def test_records_moving_between_existing_persons() -> None:
    # Record 3 leaves person 1 for person 2; both ids stay where most of their records are.
    previous = {1: 1, 2: 1, 3: 1, 4: 2, 5: 2}
    ids, events = assign_person_ids([fs(1, 2), fs(3, 4, 5)], previous, 3)
    assert ids == {1: 1, 2: 1, 3: 2, 4: 2, 5: 2}
    assert events == [LineageEvent("split", 1, (2,), fs(3))]


def test_bad_input() -> None:
    with pytest.raises(ValueError, match="record 2 is in two clusters"):
        assign_person_ids([fs(1, 2), fs(2, 3)], {}, 1)
    with pytest.raises(ValueError, match="empty cluster"):
        assign_person_ids([fs()], {}, 1)
    with pytest.raises(ValueError, match="next_id 4"):
        assign_person_ids([fs(1)], {1: 4}, 4)


# --- properties ------------------------------------------------------------------------


@st.composite
def partitions(draw: st.DrawFn, records: list[int]) -> list[frozenset[int]]:
    labels = draw(st.lists(st.integers(0, 5), min_size=len(records), max_size=len(records)))
    groups: dict[int, set[int]] = {}
    for record, label in zip(records, labels, strict=True):
        groups.setdefault(label, set()).add(record)
    return [frozenset(g) for g in groups.values()]


@st.composite
def runs(draw: st.DrawFn) -> tuple[list[frozenset[int]], dict[int, int], int]:
    """An earlier run (previous ids) and this run's clusters, over some more records."""
    old_records = list(range(1, draw(st.integers(0, 12)) + 1))
    old = draw(partitions(old_records))
    previous, next_id = {}, 1
    if old:
        previous, _ = assign_person_ids(old, {}, 1)
        next_id = max(previous.values()) + 1 + draw(st.integers(0, 3))
    records = old_records + list(range(100, 100 + draw(st.integers(0, 4))))
    return draw(partitions(records)), previous, next_id


@settings(max_examples=400, deadline=None)
@given(runs(), st.randoms(use_true_random=False))
def test_properties(run, rnd: random.Random) -> None:
    clusters, previous, next_id = run
    ids, events = assign_person_ids(clusters, previous, next_id)
    # Same input (in any order) → same ids and events.
    shuffled = list(clusters)
    rnd.shuffle(shuffled)
    assert assign_person_ids(shuffled, dict(reversed(previous.items())), next_id) == (ids, events)
    # Every cluster gets exactly one id; no id is used by two clusters.
    person_of = [{ids[r] for r in c} for c in clusters]
    assert all(len(p) == 1 for p in person_of)
    assert len({next(iter(p)) for p in person_of}) == len(clusters)
    assert set(ids) == {r for c in clusters for r in c}
    # Kept ids come from the previous run; all others are new and numbered from next_id.
    fresh = sorted(set(ids.values()) - set(previous.values()))
    assert fresh == list(range(next_id, next_id + len(fresh)))
    # Re-running on the same clusters with the output as previous changes nothing.
    assert assign_person_ids(clusters, ids, max(ids.values(), default=0) + 1) == (ids, [])
    # Each event names persons that exist now or existed before.
    known = set(ids.values()) | set(previous.values())
    for event in events:
        assert event.person_id in known and set(event.other_ids) <= known
    # A merge keeps the oldest id of those merged in; retired ids are no longer used.
    for event in events:
        if event.kind == "merged":
            assert event.person_id < min(event.other_ids)
            assert not set(event.other_ids) & set(ids.values())
    # Unchanged clusters produce no event.
    unchanged = {
        ids[min(c)]
        for c in clusters
        if all(previous.get(r) == previous.get(min(c)) is not None for r in c)
        and sum(1 for p in previous.values() if p == previous[min(c)]) == len(c)
    }
    assert not [e for e in events if e.person_id in unchanged]
