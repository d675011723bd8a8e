"""Resolution runs: features → linkage → clusters → stable person ids → certainty,
written back to the store in one transaction with lineage and an audit entry.

A *full* run trains the model on every record, scores every candidate pair, clusters
all records and replaces pairs and membership. An *incremental* run (the default once a
full run exists) takes the last run's model and threshold, scores only the records no
person holds yet against the whole register, and re-clusters only the persons those new
pairs or new judgements touch: 1,000 new records cost seconds, not a full run. Records
are never touched; a person id, once given, stays with its person (see identity).
Both kinds of run score, after clustering, the record pairs a refused chain needed and
no blocking rule compared (`WEIGH_ROUNDS`), and cluster again.
"""

from __future__ import annotations

import datetime as dt
import itertools
import time
from collections import defaultdict
from collections.abc import Callable, Collection, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import orjson
import pyarrow as pa
from sqlalchemy import Connection, bindparam, func, select

from nomina.collector import gc_paused, release_arrow_memory
from nomina.names import compare_names
from nomina.resolve.certainty import RecordEvidence, assess_certainty, load_policy
from nomina.resolve.cluster import Judgement, Pair, RecordFacts, cluster_records
from nomina.resolve.features import features_of_records, iter_record_fields, load_features
from nomina.resolve.identity import LineageEvent, assign_person_ids
from nomina.resolve.linkage import (
    ScoredPairs,
    score_new_records,
    score_record_pairs,
    train_and_score,
)
from nomina.settings import current_actor
from nomina.store import Store
from nomina.store.audit import append_audit
from nomina.store.dialect import bulk_insert, in_chunks, take_write_lock
from nomina.store.schema import (
    judgements,
    pairs,
    person_lineage,
    person_records,
    persons,
    resolution_runs,
    sources,
)

DEFAULT_THRESHOLD = 0.9
NAMES_AGREE = 0.9  # compare_names score from which two names count as the same name


@dataclass
class ResolutionResult:
    run_id: int
    records: int  # records in the register
    pairs: int  # pairs scored by this run
    persons: int  # persons in the register after the run
    mode: str = "full"  # full | incremental | unchanged
    new_records: int = 0  # records no person held before the run
    certainty: dict[str, int] = field(default_factory=dict)  # over the whole register
    splits: int = 0
    lineage: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0


@dataclass(frozen=True)
class _LastRun:
    id: int
    model: str
    threshold: float
    finished_at: dt.datetime


def resolve_register(
    store: Store,
    *,
    threshold: float | None = None,
    engine: str = "duckdb",
    full: bool = False,
    model: str | None = None,
    actor: str | None = None,
    progress: Callable[[str], None] | None = None,
) -> ResolutionResult:
    """Resolve the register's records into persons: incrementally when a run exists and
    neither `full`, a different `threshold` nor a `model` asks for a full run.

    `model` (Splink settings JSON, as kept with every run) scores a full run without
    training: re-scoring with a model a reviewer has checked.
    """
    started = time.perf_counter()
    say = progress or (lambda _step: None)
    say("read records")
    features = load_features(store, progress=say)
    if not len(features):
        raise ValueError("the register has no records yet: ingest sources first")
    with store.engine.connect() as connection:
        last = _last_run(connection)
    incremental = (
        not full
        and model is None
        and last is not None
        and last.model is not None
        and threshold in (None, last.threshold)
    )
    if incremental:
        assert last is not None
        result = _incremental(store, features, last, engine, actor, say)
    else:
        chosen = DEFAULT_THRESHOLD if threshold is None else threshold
        result = _full(store, features, chosen, engine, model, actor, say)
    result.seconds = time.perf_counter() - started
    return result


def _full(
    store: Store,
    features: pa.Table,
    threshold: float,
    engine: str,
    model: str | None,
    actor: str | None,
    say: Callable[[str], None],
) -> ResolutionResult:
    records = len(features)
    scope = features.column("unique_id").to_pylist()
    scored, model = train_and_score(features, engine=engine, model=model, progress=say)
    del features
    release_arrow_memory()
    say("cluster records into persons")
    with store.engine.connect() as connection:
        verdicts = _latest_judgements(connection)
        previous = _membership(connection)
    strong = _strong_pairs(scored, threshold)
    weigh = _Weigher(store, model, threshold, engine, scored, stored=False)
    plan = _plan(
        store, scope, strong, verdicts, previous, threshold, say, weigh, whole_register=True
    )
    say("write persons")
    return _commit(
        store, plan, weigh.all_scored(), model, threshold, engine, actor, "full", records, None
    )


def _incremental(
    store: Store,
    features: pa.Table,
    last: _LastRun,
    engine: str,
    actor: str | None,
    say: Callable[[str], None],
) -> ResolutionResult:
    with store.engine.connect() as connection:
        previous = _membership(connection)
        verdicts = _latest_judgements(connection)
        judged = _judged_since(connection, last.finished_at)
    records = len(features)
    ids = features.column("unique_id").to_pylist()
    new_ids = [record for record in ids if record not in previous]
    if not new_ids and not judged:
        with store.engine.connect() as connection:
            totals = _totals(connection)
        return ResolutionResult(
            run_id=last.id, records=records, pairs=0, mode="unchanged", **totals
        )
    say(f"score {len(new_ids):,} new records against the register")
    scored = score_new_records(features, new_ids, last.model, engine=engine) if new_ids else None
    del features
    release_arrow_memory()
    strong = list(_strong_pairs(scored, last.threshold)) if scored is not None else []
    touched = set(new_ids) | judged | {end for pair in strong for end in (pair.left, pair.right)}
    touched_persons = {previous[record] for record in touched if record in previous}
    scope = sorted(set(new_ids) | judged | {r for r, p in previous.items() if p in touched_persons})
    say(f"re-cluster {len(scope):,} records of the persons they touch")
    with store.engine.connect() as connection:
        stored = _stored_strong_pairs(connection, scope, last.threshold)
    in_scope = set(scope)
    weigh = _Weigher(store, last.model, last.threshold, engine, scored, stored=True)
    plan = _plan(
        store,
        scope,
        itertools.chain(stored, strong),
        [v for v in verdicts if v.left in in_scope and v.right in in_scope],
        {r: p for r, p in previous.items() if r in in_scope},
        last.threshold,
        say,
        weigh,
    )
    say("write persons")
    return _commit(
        store, plan, weigh.all_scored(), last.model, last.threshold, engine, actor,
        "incremental", records, touched_persons,
    )  # fmt: skip


def _membership(connection: Connection) -> dict[int, int]:
    query = select(person_records.c.record_id, person_records.c.person_id)
    return dict(connection.execute(query).all())


@dataclass
class _Plan:
    """What a run decided for the records in its scope."""

    scope: list[int]
    membership: dict[int, int]
    lineage: list[LineageEvent]
    assessed: dict[int, tuple[int, str, list[str]]]  # person → (records, level, reasons)
    splits: int
    previous: dict[int, int]  # record → person before the run, for the scope


def _plan(
    store: Store,
    scope: list[int],
    strong: Iterable[Pair],
    verdicts: list[Judgement],
    previous: dict[int, int],
    threshold: float,
    say: Callable[[str], None],
    weigh: _Weigher | None = None,
    *,
    whole_register: bool = False,
) -> _Plan:
    """Cluster the records in scope (`whole_register`: every record), give the clusters
    stable ids, assess certainty. `weigh` scores the pairs a refusal needs weighed."""
    with store.engine.connect() as connection:
        next_id = (connection.execute(select(func.max(persons.c.id))).scalar() or 0) + 1
        source_info = {row.id: row for row in connection.execute(select(sources))}
    facts, evidence = _read_facts(store, None if whole_register else scope, source_info)
    strong = list(strong)
    clustering = cluster_records(scope, strong, verdicts, facts, threshold=threshold)
    for _round in range(WEIGH_ROUNDS):
        found = weigh(clustering.unweighed, say) if weigh is not None else []
        if not found:
            break
        strong += found
        clustering = cluster_records(scope, strong, verdicts, facts, threshold=threshold)
    membership, lineage = assign_person_ids(clustering.clusters, previous, next_id)
    say("assess certainty")
    assessed = _assessed(clustering.clusters, membership, verdicts, evidence)
    return _Plan(scope, membership, lineage, assessed, len(clustering.splits), previous)


def _read_facts(
    store: Store, record_ids: list[int] | None, source_info: dict[int, Any]
) -> tuple[dict[int, RecordFacts], dict[int, RecordEvidence]]:
    """One pass over the records' fields (None: every record), kept only as what
    clustering and certainty read."""
    facts, evidence = {}, {}
    # Two million small objects and no cycles: the cyclic collector would walk them
    # again and again (a million records' facts read alone: 17.6 s with it, 13.7 s
    # without).
    with gc_paused():
        for fields in iter_record_fields(store, record_ids=record_ids, columns=_FACT_COLUMNS):
            facts[fields["record_id"]] = _facts(fields)
            evidence[fields["record_id"]] = _evidence(fields, source_info[fields["source_id"]])
    return facts, evidence


def _assessed(
    clusters: Iterable[Collection[int]],
    membership: dict[int, int],
    verdicts: list[Judgement],
    evidence: dict[int, RecordEvidence],
) -> dict[int, tuple[int, str, list[str]]]:
    """Each person's record count, certainty level and reasons."""
    same_by_person: dict[int, int] = defaultdict(int)
    for verdict in verdicts:
        if verdict.verdict == "same" and membership[verdict.left] == membership[verdict.right]:
            same_by_person[membership[verdict.left]] += 1
    policy = load_policy(None)
    assessed = {}
    with gc_paused():
        for cluster in clusters:
            person_id = membership[next(iter(cluster))]
            assessed[person_id] = (
                len(cluster),
                *assess_certainty(
                    [evidence[record_id] for record_id in sorted(cluster)],
                    same_judgements=same_by_person[person_id],
                    names_agree=lambda a, b: compare_names(a, b) >= NAMES_AGREE,
                    policy=policy,
                ),
            )
    return assessed


def _commit(
    store: Store,
    plan: _Plan,
    scored: list[ScoredPairs],
    model: str,
    threshold: float,
    engine: str,
    actor: str | None,
    mode: str,
    records: int,
    touched_persons: set[int] | None,
) -> ResolutionResult:
    """Write a plan in one transaction; `touched_persons` None means a full run (pairs
    and membership replaced), else only the plan's scope is rewritten."""
    with store.engine.begin() as connection, gc_paused():  # rows by the million, no cycles
        take_write_lock(connection)
        run_id = _write(
            connection, plan, scored, model, threshold, engine, actor, touched_persons, records
        )
        totals = _totals(connection)
    return ResolutionResult(
        run_id=run_id,
        records=records,
        pairs=sum(map(len, scored)),
        mode=mode,
        new_records=sum(1 for record in plan.scope if record not in plan.previous),
        splits=plan.splits,
        lineage=_count(event.kind for event in plan.lineage),
        **totals,
    )


# A refused link can name record pairs no blocking rule compared: two records whose
# numbers differ (a renewed passport, a number copied wrong) and that give one full
# birth date, each joined to the person through third records. Those pairs are scored
# directly and the records clustered again, at most this many times (a pair newly joined
# can bring another refusal to light).
WEIGH_ROUNDS = 3


class _Weigher:
    """Scores, with the run's model, the record pairs clustering asks to have weighed
    (`Clustering.unweighed`) that were not scored already; returns the strong ones and
    keeps every pair it scored, to be written with the run's pairs."""

    def __init__(
        self,
        store: Store,
        model: str,
        threshold: float,
        engine: str,
        scored: ScoredPairs | None,
        *,
        stored: bool,
    ) -> None:
        self.store, self.model, self.threshold, self.engine = store, model, threshold, engine
        self.scored = scored
        self.stored = stored  # pairs of earlier runs stay (an incremental run)
        self.asked: set[tuple[int, int]] = set()
        self.extra: list[ScoredPairs] = []

    def __call__(self, wanted: Iterable[tuple[int, int]], say: Callable[[str], None]) -> list[Pair]:
        fresh = sorted(set(wanted) - self.asked)
        self.asked.update(fresh)
        known = self._already_scored(fresh)
        fresh = [pair for pair in fresh if pair not in known]
        if not fresh:
            return []
        say(f"weigh {len(fresh):,} record pairs no blocking rule compared")
        records = {record for pair in fresh for record in pair}
        part = score_record_pairs(
            features_of_records(self.store, records), fresh, self.model, engine=self.engine
        )
        self.extra.append(part)
        return list(_strong_pairs(part, self.threshold))

    def _already_scored(self, wanted: list[tuple[int, int]]) -> set[tuple[int, int]]:
        known: set[tuple[int, int]] = set()
        for part in ([self.scored] if self.scored is not None else []) + self.extra:
            keys = part.left.astype(np.int64) * _KEY_SPAN + part.right
            asked = np.array([left * _KEY_SPAN + right for left, right in wanted], np.int64)
            hits = asked[np.isin(asked, keys)]
            known.update((int(key // _KEY_SPAN), int(key % _KEY_SPAN)) for key in hits)
        if self.stored:
            with self.store.engine.connect() as connection:
                known.update(_stored_pairs(connection, wanted))
        return known

    def all_scored(self) -> list[ScoredPairs]:
        """The run's scored pairs and those weighed, as parts: joining them would copy a
        million pairs' explanations to add a few."""
        return ([self.scored] if self.scored is not None else []) + self.extra


_KEY_SPAN = 1 << 32  # record ids below it: a pair as one int64


def _stored_pairs(connection: Connection, wanted: list[tuple[int, int]]) -> set[tuple[int, int]]:
    """Which of `wanted` (smaller id first) an earlier run scored."""
    lefts = sorted({left for left, _ in wanted})
    asked = set(wanted)
    found = set()
    for chunk in in_chunks(lefts):
        query = select(pairs.c.left_record_id, pairs.c.right_record_id).where(
            pairs.c.left_record_id.in_(chunk)
        )
        found.update(
            (row[0], row[1]) for row in connection.execute(query) if (row[0], row[1]) in asked
        )
    return found


def _strong_pairs(scored: ScoredPairs, threshold: float) -> Iterator[Pair]:
    """Pairs at or above the threshold, the only ones clustering reads."""
    for i in np.flatnonzero(scored.probability >= threshold):
        yield Pair(
            int(scored.left[i]),
            int(scored.right[i]),
            float(scored.probability[i]),
            float(scored.weight[i]),
        )


def _count(values: Iterable[str]) -> dict[str, int]:
    counts: dict[str, int] = defaultdict(int)
    for value in values:
        counts[value] += 1
    return dict(counts)


def _latest_judgements(connection: Connection) -> list[Judgement]:
    latest: dict[tuple[int, int], str] = {}
    for row in connection.execute(select(judgements).order_by(judgements.c.id)):
        key = (
            min(row.left_record_id, row.right_record_id),
            max(row.left_record_id, row.right_record_id),
        )
        latest[key] = row.verdict
    return [Judgement(left, right, verdict) for (left, right), verdict in latest.items()]


# What clustering (`_facts`) and certainty (`_evidence`) read of a record.
_FACT_COLUMNS = (
    "full_name", "given_name", "family_name", "patronymic", "birth_date",
    "birth_date_precision", "citizenship", "document_number", "service_number",
)  # fmt: skip


def _facts(fields: dict[str, Any]) -> RecordFacts:
    return RecordFacts(
        record_id=fields["record_id"],
        document_numbers=frozenset(
            [fields["document_number"]] if fields["document_number"] else []
        ),
        birth_date=fields["birth_date"],
        service_numbers=frozenset([fields["service_number"]] if fields["service_number"] else []),
    )


def _evidence(fields: dict[str, Any], source: Any) -> RecordEvidence:
    name = fields["full_name"] or " ".join(
        part for part in (fields["family_name"], fields["given_name"], fields["patronymic"]) if part
    )
    return RecordEvidence(
        record_id=fields["record_id"],
        source_id=fields["source_id"],
        organisation=source.organisation,
        source_title=source.title,
        has_document=bool(fields["document_number"]),
        has_service_number=bool(fields["service_number"]),
        full_name=name or None,
        birth_date=fields["birth_date"],
        birth_precision=fields["birth_date_precision"],
        citizenship=fields["citizenship"],
    )


def _last_run(connection: Connection) -> _LastRun | None:
    row = connection.execute(
        select(
            resolution_runs.c.id,
            resolution_runs.c.model,
            resolution_runs.c.threshold,
            resolution_runs.c.finished_at,
        )
        .order_by(resolution_runs.c.id.desc())
        .limit(1)
    ).first()
    return None if row is None else _LastRun(row.id, row.model, row.threshold, row.finished_at)


def _judged_since(connection: Connection, moment: dt.datetime) -> set[int]:
    """Records named in a judgement made after `moment` (their persons are re-clustered)."""
    query = select(judgements.c.left_record_id, judgements.c.right_record_id).where(
        judgements.c.judged_at > moment
    )
    return {record for pair in connection.execute(query) for record in pair}


def _stored_strong_pairs(connection: Connection, scope: list[int], threshold: float) -> list[Pair]:
    """Pairs of earlier runs at or above the threshold with both records in scope."""
    in_scope = set(scope)
    found = []
    for chunk in in_chunks(scope):
        query = select(
            pairs.c.left_record_id,
            pairs.c.right_record_id,
            pairs.c.match_probability,
            pairs.c.match_weight,
        ).where(
            pairs.c.left_record_id.in_(chunk),
            pairs.c.match_probability >= threshold,
        )
        found += [Pair(*row) for row in connection.execute(query) if row[1] in in_scope]
    return found


def _totals(connection: Connection) -> dict[str, Any]:
    """Persons in the register and their certainty levels (retired ids left out)."""
    query = (
        select(persons.c.certainty, func.count())
        .where(persons.c.retired == 0)
        .group_by(persons.c.certainty)
    )
    certainty = {level: count for level, count in connection.execute(query)}
    return {"persons": sum(certainty.values()), "certainty": certainty}


def _write(
    connection: Connection,
    plan: _Plan,
    scored: list[ScoredPairs],
    model: str,
    threshold: float,
    engine: str,
    actor: str | None,
    touched_persons: set[int] | None,
    records: int,
) -> int:
    now = dt.datetime.now(dt.UTC)
    who = actor or current_actor()
    full = touched_persons is None
    run_id = connection.execute(
        resolution_runs.insert().values(
            started_at=now,
            finished_at=now,
            engine=engine,
            threshold=threshold,
            records=records,
            pairs=sum(map(len, scored)),
            persons=len(plan.assessed),
            model=model,
            actor=who,
        )
    ).inserted_primary_key[0]
    if full:
        connection.execute(pairs.delete())
    for part in scored:
        _write_pairs(connection, run_id, part)
    if full:
        connection.execute(person_records.delete())
        existing = set(connection.execute(select(persons.c.id)).scalars())
    else:
        for chunk in in_chunks(plan.scope):
            connection.execute(person_records.delete().where(person_records.c.record_id.in_(chunk)))
        existing = set(touched_persons or ())
    _write_persons(connection, run_id, plan.assessed, existing)
    # Rows are generated as they are written: at a million records, lists of them
    # would be a gigabyte of tuples and strings on top of the plan.
    membership = plan.membership
    bulk_insert(
        connection,
        person_records,
        ("record_id", "person_id"),
        ((record, membership[record]) for record in sorted(membership)),
    )
    first = (connection.execute(select(func.max(person_lineage.c.id))).scalar() or 0) + 1
    bulk_insert(
        connection,
        person_lineage,
        ("id", "run_id", "kind", "person_id", "other_ids", "records"),
        (
            (first + n, run_id, e.kind, e.person_id, _json(list(e.other_ids)), len(e.records))
            for n, e in enumerate(plan.lineage)
        ),
    )
    append_audit(
        connection,
        actor=who,
        action="resolve",
        object_type="resolution_run",
        object_id=str(run_id),
        detail={
            "mode": "full" if full else "incremental",
            "records": records,
            "records_in_scope": len(plan.scope),
            "pairs": sum(map(len, scored)),
            "persons_in_scope": len(plan.assessed),
        },
    )
    return run_id


# Pairs go to the store this many at a time: at a million records the rows of all the
# pairs as Python tuples (explanations as strings) would take gigabytes at once.
PAIRS_PER_INSERT = 100_000


def _write_pairs(connection: Connection, run_id: int, scored: ScoredPairs) -> None:
    columns = ("run_id", "left_record_id", "right_record_id", "match_weight",
               "match_probability", "contributions")  # fmt: skip
    for start in range(0, len(scored), PAIRS_PER_INSERT):
        part = slice(start, start + PAIRS_PER_INSERT)
        rows = zip(
            itertools.repeat(run_id),
            scored.left[part].tolist(),
            scored.right[part].tolist(),
            scored.weight[part].tolist(),
            scored.probability[part].tolist(),
            scored.contributions[part].to_pylist(),
            strict=False,
        )
        bulk_insert(connection, pairs, columns, list(rows))


def _json(value: list[Any]) -> str:
    """JSON text by orjson: a person's reasons took 3.5 µs with the standard library's
    encoder, 0.14 µs so (a million persons and their lineage written: about 3.5 s)."""
    return orjson.dumps(value).decode()


def _write_persons(
    connection: Connection,
    run_id: int,
    assessed: dict[int, tuple[int, str, list[str]]],
    existing: set[int],
) -> None:
    """Insert new persons, update kept ones, retire the ids of `existing` no longer used
    (merged into others; they stay, retired, for lineage)."""

    bulk_insert(
        connection,
        persons,
        ("id", "created_run_id", "updated_run_id", "records", "certainty", "certainty_reasons",
         "retired"),
        ((pid, run_id, run_id, count, level, _json(reasons), 0)
         for pid, (count, level, reasons) in assessed.items() if pid not in existing),
    )  # fmt: skip
    kept = [
        {"pid": pid, "count": count, "level": level, "why": _json(reasons)}
        for pid, (count, level, reasons) in assessed.items()
        if pid in existing
    ]
    if kept:
        connection.execute(
            persons.update()
            .where(persons.c.id == bindparam("pid"))
            .values(
                updated_run_id=run_id,
                records=bindparam("count"),
                certainty=bindparam("level"),
                certainty_reasons=bindparam("why"),
                retired=0,
            ),
            kept,
        )
    for chunk in in_chunks(existing - set(assessed)):
        connection.execute(
            persons.update().where(persons.c.id.in_(chunk)).values(retired=1, records=0)
        )


__all__ = ["DEFAULT_THRESHOLD", "ResolutionResult", "resolve_register"]
