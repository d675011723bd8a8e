"""One resolution run: features → linkage → clusters → stable person ids → certainty,
written back to the store in one transaction with lineage and an audit entry.

Records are never touched; the run replaces pairs, membership and persons' certainty,
and appends lineage. A person id, once given, stays with its person (see identity).
"""

from __future__ import annotations

import datetime as dt
import itertools
import json
import time
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from sqlalchemy import Connection, bindparam, func, select

from nomina.names import compare_names
from nomina.resolve.certainty import RecordEvidence, assess_certainty, load_policy
from nomina.resolve.cluster import Judgement, Pair, RecordFacts, cluster_records
from nomina.resolve.features import features_frame, iter_record_fields, stored_name_keys
from nomina.resolve.identity import assign_person_ids
from nomina.resolve.linkage import ScoredPairs, train_and_score
from nomina.settings import current_actor
from nomina.store import Store
from nomina.store.audit import append_audit
from nomina.store.dialect import bulk_insert, take_write_lock
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
    records: int
    pairs: int
    persons: int
    certainty: dict[str, int] = field(default_factory=dict)
    splits: int = 0
    lineage: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0


def resolve_register(
    store: Store,
    *,
    threshold: float = DEFAULT_THRESHOLD,
    engine: str = "duckdb",
    actor: str | None = None,
    progress: Callable[[str], None] | None = None,
) -> ResolutionResult:
    """Resolve every record of the store into persons (a full run)."""
    started = time.perf_counter()
    say = progress or (lambda _step: None)
    say("normalise records")
    rows = list(iter_record_fields(store))
    if not rows:
        raise ValueError("the register has no records yet: ingest sources first")
    features = features_frame(rows, stored_name_keys(store, rows, progress=say))
    scored, model = train_and_score(features, engine=engine, progress=say)
    del features
    say("cluster records into persons")
    with store.engine.connect() as connection:
        verdicts = _latest_judgements(connection)
        previous = dict(
            connection.execute(select(person_records.c.record_id, person_records.c.person_id)).all()
        )
        next_id = (connection.execute(select(func.max(persons.c.id))).scalar() or 0) + 1
        source_info = {row.id: row for row in connection.execute(select(sources))}
    clustering = cluster_records(
        [fields["record_id"] for fields in rows],
        _strong_pairs(scored, threshold),
        verdicts,
        {fields["record_id"]: _facts(fields) for fields in rows},
        threshold=threshold,
    )
    membership, lineage = assign_person_ids(clustering.clusters, previous, next_id)
    say("assess certainty")
    evidence = {
        fields["record_id"]: _evidence(fields, source_info[fields["source_id"]]) for fields in rows
    }
    same_by_person: dict[int, int] = defaultdict(int)
    for verdict in verdicts:
        if verdict.verdict == "same" and membership[verdict.left] == membership[verdict.right]:
            same_by_person[membership[verdict.left]] += 1
    policy = load_policy(None)
    assessed = {}
    for cluster in clustering.clusters:
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
    say("write persons")
    result = ResolutionResult(run_id=0, records=len(rows), pairs=len(scored), persons=len(assessed))
    with store.engine.begin() as connection:
        take_write_lock(connection)
        result.run_id = _write(
            connection,
            result,
            threshold,
            engine,
            model,
            scored,
            membership,
            lineage,
            assessed,
            actor,
        )
    result.splits = len(clustering.splits)
    result.certainty = _count(level for _, level, _ in assessed.values())
    result.lineage = _count(event.kind for event in lineage)
    result.seconds = time.perf_counter() - started
    return result


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


def _write(
    connection: Connection,
    result: ResolutionResult,
    threshold: float,
    engine: str,
    model: str,
    scored: ScoredPairs,
    membership: dict[int, int],
    lineage: list[Any],
    assessed: dict[int, tuple[int, str, list[str]]],
    actor: str | None,
) -> int:
    now = dt.datetime.now(dt.UTC)
    who = actor or current_actor()
    run_id = connection.execute(
        resolution_runs.insert().values(
            started_at=now,
            finished_at=now,
            engine=engine,
            threshold=threshold,
            records=result.records,
            pairs=result.pairs,
            persons=result.persons,
            model=model,
            actor=who,
        )
    ).inserted_primary_key[0]
    connection.execute(pairs.delete())
    bulk_insert(
        connection,
        pairs,
        (
            "run_id",
            "left_record_id",
            "right_record_id",
            "match_weight",
            "match_probability",
            "contributions",
        ),
        list(
            zip(
                itertools.repeat(run_id),
                scored.left.tolist(),
                scored.right.tolist(),
                scored.weight.tolist(),
                scored.probability.tolist(),
                scored.contributions.to_pylist(),
                strict=False,
            )
        ),
    )
    existing = set(connection.execute(select(persons.c.id)).scalars())
    connection.execute(person_records.delete())
    rows = [
        (person_id, run_id, count, level, json.dumps(reasons, ensure_ascii=False))
        for person_id, (count, level, reasons) in assessed.items()
    ]
    bulk_insert(
        connection,
        persons,
        ("id", "created_run_id", "updated_run_id", "records", "certainty", "certainty_reasons",
         "retired"),
        [(pid, run, run, count, level, why, 0) for pid, run, count, level, why in rows
         if pid not in existing],
    )  # fmt: skip
    kept = [
        {"pid": pid, "run": run, "count": count, "level": level, "why": why}
        for pid, run, count, level, why in rows
        if pid in existing
    ]
    if kept:
        connection.execute(
            persons.update()
            .where(persons.c.id == bindparam("pid"))
            .values(
                updated_run_id=bindparam("run"),
                records=bindparam("count"),
                certainty=bindparam("level"),
                certainty_reasons=bindparam("why"),
                retired=0,
            ),
            kept,
        )
    # Ids no longer used were merged into others; they stay, retired, for lineage.
    gone = sorted(existing - set(assessed))
    for start in range(0, len(gone), 10_000):
        connection.execute(
            persons.update()
            .where(persons.c.id.in_(gone[start : start + 10_000]))
            .values(retired=1, records=0)
        )
    bulk_insert(connection, person_records, ("record_id", "person_id"), sorted(membership.items()))
    first = (connection.execute(select(func.max(person_lineage.c.id))).scalar() or 0) + 1
    bulk_insert(
        connection,
        person_lineage,
        ("id", "run_id", "kind", "person_id", "other_ids", "records"),
        [
            (first + n, run_id, e.kind, e.person_id, json.dumps(list(e.other_ids)), len(e.records))
            for n, e in enumerate(lineage)
        ],
    )
    append_audit(
        connection,
        actor=who,
        action="resolve",
        object_type="resolution_run",
        object_id=str(run_id),
        detail={"records": result.records, "pairs": result.pairs, "persons": result.persons},
    )
    return run_id


def records_of_person(connection: Connection, person_id: int) -> list[int]:
    query = select(person_records.c.record_id).where(person_records.c.person_id == person_id)
    return sorted(connection.execute(query).scalars())


__all__ = ["DEFAULT_THRESHOLD", "ResolutionResult", "resolve_register"]
