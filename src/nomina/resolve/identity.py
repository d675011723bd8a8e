"""Stable person ids across runs, and the lineage that explains every change.

Each run clusters all records afresh; this module carries the ids of the last run over
to the new clusters (DESIGN.md: a merge keeps the older id, a split keeps the id on the
larger part, every change is kept as lineage):

1. Each old person id goes to its *heir*: the new cluster holding most of its records
   (ties: the cluster whose share of those records has the smallest record id).
2. A cluster that is heir to several ids keeps the smallest (ids only grow, so the
   smallest is the oldest); the others are retired into it.
3. A cluster that is heir to none gets a new id: in order of smallest record id, from
   `next_id` up. That covers brand-new persons and the smaller parts of a split.

Lineage events (kinds in `EVENT_KINDS`):

* ``created``: a new id for a cluster none of whose records belonged to a person;
  records = the cluster.
* ``merged``: the cluster kept `person_id` and absorbed `other_ids` (now retired);
  records = the cluster. The retired ids of a run are exactly the merged events'
  other_ids.
* ``split``: some records of old person `person_id` now belong to `other_ids` (new or
  existing persons); records = those records. Its own id stays with its heir, or is
  retired by a merged event there.
* ``grown``: `person_id` kept its id and gained records no person held before;
  records = those records.

An unchanged cluster keeps its id and has no event, so a re-run on the same clusters
with its own output as `previous` changes nothing. Old records missing from `clusters`
are ignored: records are never deleted, so the caller passes them all.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from nomina.collector import gc_paused

EVENT_KINDS = ("created", "merged", "split", "grown")


@dataclass(frozen=True)
class LineageEvent:
    kind: str  # one of EVENT_KINDS
    person_id: int  # the id the event is about
    other_ids: tuple[int, ...]  # merged-in ids, or the persons records were split off to
    records: frozenset[int]


def assign_person_ids(
    clusters: Sequence[frozenset[int]], previous: Mapping[int, int], next_id: int
) -> tuple[dict[int, int], list[LineageEvent]]:
    """Record id → person id for this run, and this run's lineage events.

    `previous` maps record id → person id from the last run (empty on the first run);
    `next_id` is the first id never used. The result depends only on the content of the
    arguments, not on the order of `clusters`.
    """
    if previous and next_id <= max(previous.values()):
        raise ValueError(f"next_id {next_id} is not above the ids already used")
    with gc_paused():
        return _assign(clusters, previous, next_id)


def _assign(
    clusters: Sequence[frozenset[int]], previous: Mapping[int, int], next_id: int
) -> tuple[dict[int, int], list[LineageEvent]]:
    # Canonical order: by smallest record. Frozensets are compared by their smallest id.
    order = sorted(clusters, key=_smallest)
    prev_get = previous.get

    # heir[p] = (records of p in the cluster, -smallest such record, cluster position)
    heir: dict[int, tuple[int, int, int]] = {}
    # Per cluster position: {old id: [count, smallest record]}, None for a cluster of
    # records no person held before.
    shares: list[dict[int, list[int]] | None] = []
    seen = 0
    for position, cluster in enumerate(order):
        seen += len(cluster)
        share: dict[int, list[int]] = {}
        for record in cluster:
            old = prev_get(record)
            if old is not None:
                entry = share.get(old)
                if entry is None:
                    share[old] = [1, record]
                else:
                    entry[0] += 1
                    if record < entry[1]:
                        entry[1] = record
        for old, (count, smallest) in share.items():
            claim = (count, -smallest, position)
            best = heir.get(old)
            if best is None or claim[:2] > best[:2]:
                heir[old] = claim
        shares.append(share or None)

    inherited: dict[int, list[int]] = {}  # cluster position → old ids it is heir to
    for old, (_, _, position) in heir.items():
        inherited.setdefault(position, []).append(old)

    person_of_position: list[int] = []
    for position in range(len(order)):
        ids = inherited.get(position)
        if ids:
            person_of_position.append(min(ids))
        else:
            person_of_position.append(next_id)
            next_id += 1

    events: list[LineageEvent] = []
    assignment: dict[int, int] = {}
    moved: dict[int, dict[int, list[int]]] = {}  # old id → receiving person → records
    for position, cluster in enumerate(order):
        person = person_of_position[position]
        for record in cluster:
            assignment[record] = person
        share = shares[position]
        if share is None:
            events.append(LineageEvent("created", person, (), cluster))
            continue
        ids = inherited.get(position, [])
        if len(ids) > 1:
            others = tuple(sorted(i for i in ids if i != person))
            events.append(LineageEvent("merged", person, others, cluster))
        if ids and sum(count for count, _ in share.values()) < len(cluster):
            fresh = frozenset(r for r in cluster if prev_get(r) is None)
            events.append(LineageEvent("grown", person, (), fresh))
        for old in share:
            if heir[old][2] != position:
                moved.setdefault(old, {})[person] = [r for r in cluster if prev_get(r) == old]
    if len(assignment) != seen:
        _raise_overlap(order)
    for old, receivers in moved.items():
        records = frozenset(r for part in receivers.values() for r in part)
        events.append(LineageEvent("split", old, tuple(sorted(receivers)), records))
    events.sort(key=lambda e: (e.person_id, EVENT_KINDS.index(e.kind)))
    return assignment, events


def _smallest(cluster: frozenset[int]) -> int:
    if not cluster:
        raise ValueError("an empty cluster has no person")
    return min(cluster)


def _raise_overlap(clusters: Sequence[frozenset[int]]) -> None:
    owner: dict[int, int] = {}
    for cluster in clusters:
        smallest = min(cluster)
        for record in cluster:
            if owner.setdefault(record, smallest) != smallest:
                raise ValueError(f"record {record} is in two clusters")
