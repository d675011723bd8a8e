"""The review queue: the uncertain pairs that matter most, and reviewers' judgements on them.

A reviewer sees two records side by side with the model's per-comparison weights and
says `same`, `different` or `unsure`. Judgements are append-only (the latest per pair
wins, in either record order) and take effect on the next resolution run: `same` is a
must-link, `different` a cannot-link, `unsure` changes nothing.

Which pairs: those of the latest run (the `pairs` table) whose match probability lies in
`band`, by default 0.2–0.98: below 0.2 the model is four to one against a match, above
0.98 fifty to one for it, and a reviewer's time is better spent in between. A pair whose
latest verdict is `same` or `different` is settled and never shown; one whose latest
verdict is `unsure` comes back, but only after every pair never judged.

In what order: `review_priority`, closeness to the run's threshold first, then the size
of the persons the pair would join or separate (see there).

Reading the queue shows personal data, so it is audited ("review"), as is every
judgement ("judge") and every undo ("undo judgement"), each in the transaction that
does it.
"""

from __future__ import annotations

import datetime as dt
import heapq
import json
import math
import re
from collections.abc import Iterable, Iterator
from dataclasses import asdict, dataclass
from typing import Any

from sqlalchemy import Connection, CursorResult, and_, or_, select, tuple_

from nomina.concepts import VERDICTS
from nomina.resolve.person import PERSON_RECORD_COLUMNS, record_details
from nomina.settings import current_actor
from nomina.store import Store
from nomina.store.audit import append_audit
from nomina.store.dialect import take_write_lock
from nomina.store.schema import judgements, pairs, person_records, persons, records, resolution_runs

DEFAULT_BAND = (0.2, 0.98)
DEFAULT_LIMIT = 50
# Match weights are continuous, so exact ties are rare and size would never decide:
# closeness counts in steps of half a bit (a Bayes factor of √2), and within a step the
# pair touching more records comes first.
CLOSENESS_STEP = 0.5
# What an undo writes in `note`, so a later undo can tell undos from judgements.
UNDO_NOTE = "undo of judgement {id}"
_UNDO_PATTERN = re.compile(r"^undo of judgement (\d+)$")

REVIEW_RECORD_COLUMNS = PERSON_RECORD_COLUMNS


@dataclass(frozen=True)
class ReviewItem:
    """One pair to review: both records, the model's view of them, and their persons."""

    left_record_id: int
    right_record_id: int
    probability: float
    match_weight: float
    threshold: float  # the run's match-probability threshold
    contributions: dict[str, dict[str, Any]]  # comparison → {"weight": bits, ...}
    left_fields: dict[str, Any]  # REVIEW_RECORD_COLUMNS
    right_fields: dict[str, Any]
    left_person_id: int | None
    right_person_id: int | None
    left_person_size: int  # records of the person the left record belongs to
    right_person_size: int
    previous_verdict: str | None = None  # "unsure" when a reviewer already hesitated

    @property
    def threshold_weight(self) -> float:
        return weight_of_probability(self.threshold)

    @property
    def persons_size(self) -> int:
        return persons_size(
            self.left_person_id, self.left_person_size, self.right_person_id, self.right_person_size
        )

    @property
    def prior_weight(self) -> float:
        """The part of the match weight no comparison explains: the prior odds of a match."""
        return self.match_weight - sum(c["weight"] for c in self.contributions.values())

    def to_dict(self) -> dict[str, Any]:
        return {
            **asdict(self),
            "threshold_weight": self.threshold_weight,
            "persons_size": self.persons_size,
            "prior_weight": self.prior_weight,
        }


@dataclass(frozen=True)
class Undo:
    """What `undo_last_judgement` did: which judgement it undid, and the verdict now in force."""

    undone_judgement_id: int
    left_record_id: int
    right_record_id: int
    undone_verdict: str
    restored_verdict: str
    judgement_id: int  # the row appended to restore it


def weight_of_probability(probability: float) -> float:
    """Match weight (log2 of the odds) of a match probability; 0 and 1 are clamped."""
    clamped = min(max(probability, 1e-12), 1 - 1e-12)
    return math.log2(clamped / (1 - clamped))


def persons_size(
    left_person_id: int | None, left_size: int, right_person_id: int | None, right_size: int
) -> int:
    """Records of the persons a pair touches; a person both records belong to counts once."""
    if left_person_id is not None and left_person_id == right_person_id:
        return left_size
    return left_size + right_size


def review_priority(
    *, match_weight: float, threshold_weight: float, persons_size: int, unsure: bool
) -> tuple[bool, int, int, float]:
    """Sort key of a pair in the queue: smaller comes first.

    1. Never judged before judged `unsure`: a reviewer's hesitation waits its turn.
    2. Closeness of the match weight to the run's threshold, in steps of
       CLOSENESS_STEP bits: there the model's decision is least sure and a verdict
       most likely to change it.
    3. More records in the persons the pair would join or separate: a wrong link
       there moves more records (and an error in a large person spreads furthest).
    4. The exact distance, so the order is total up to the record ids.
    """
    distance = abs(match_weight - threshold_weight)
    return (unsure, int(distance // CLOSENESS_STEP), -persons_size, distance)


def review_queue(
    store: Store,
    *,
    limit: int = DEFAULT_LIMIT,
    band: tuple[float, float] = DEFAULT_BAND,
    actor: str | None = None,
) -> list[ReviewItem]:
    """The `limit` pairs of the latest run most worth a reviewer's verdict, best first."""
    low, high = _checked_band(band)
    if limit < 1:
        raise ValueError(f"limit must be at least 1, not {limit}")
    with store.engine.begin() as connection:
        take_write_lock(connection)  # before the reads: see take_write_lock
        run_id, threshold = _latest_run(connection)
        candidates = _candidates(connection, (low, high), weight_of_probability(threshold))
        chosen = heapq.nsmallest(limit, candidates, key=lambda candidate: candidate[0])
        items = _items(connection, [(row, key[0]) for key, row in chosen], threshold)
        append_audit(
            connection,
            actor=actor or current_actor(),
            action="review",
            object_type="resolution_run",
            object_id=str(run_id),
            detail={"pairs": len(items), "band": [low, high]},
        )
    return items


def record_judgement(
    store: Store,
    left: int,
    right: int,
    verdict: str,
    *,
    actor: str | None = None,
    note: str | None = None,
) -> int:
    """Append a reviewer's verdict on two records (audited); returns the judgement's id."""
    if verdict not in VERDICTS:
        raise ValueError(f"verdict {verdict!r} is not one of {', '.join(VERDICTS)}")
    if left == right:
        raise ValueError(f"a judgement is on two records, not record {left} with itself")
    low, high = sorted((left, right))
    who = actor or current_actor()
    with store.engine.begin() as connection:
        take_write_lock(connection)
        _require_records(connection, (low, high))
        judgement_id = _append_judgement(connection, low, high, verdict, who, note)
        append_audit(
            connection,
            actor=who,
            action="judge",
            object_type="pair",
            object_id=f"{low}-{high}",
            detail={"judgement": judgement_id, "verdict": verdict},
        )
    return judgement_id


def undo_last_judgement(store: Store, *, actor: str | None = None) -> Undo:
    """Undo the actor's latest judgement not yet undone, by appending the verdict before it.

    Judgements are append-only, so an undo is a new row (note "undo of judgement N")
    carrying the pair's verdict from before judgement N, or `unsure` when there was
    none: to resolution `unsure` means the same as no judgement, and the pair comes
    back to the queue (after the pairs never judged). Repeated undos walk further back.
    Refused (ValueError) when the actor has nothing left to undo, or when someone has
    judged the pair since: their verdict is not the actor's to overwrite.
    """
    who = actor or current_actor()
    with store.engine.begin() as connection:
        take_write_lock(connection)
        target = _last_undoable(connection, who)
        left, right = target.left_record_id, target.right_record_id
        later = _standing(_judgements_of_pair(connection, left, right, after=target.id).all())
        if later:
            raise ValueError(
                f"judgement {target.id} on records {left} and {right} was superseded by "
                f"judgement {later[0].id} ({later[0].verdict}, by {later[0].judged_by}); "
                "judge the pair again instead"
            )
        before = _judgements_of_pair(connection, left, right, before=target.id).first()
        restored = before.verdict if before is not None else "unsure"
        judgement_id = _append_judgement(
            connection, left, right, restored, who, UNDO_NOTE.format(id=target.id)
        )
        append_audit(
            connection,
            actor=who,
            action="undo judgement",
            object_type="pair",
            object_id=f"{left}-{right}",
            detail={"judgement": judgement_id, "undoes": target.id, "verdict": restored},
        )
    return Undo(target.id, left, right, target.verdict, restored, judgement_id)


def latest_verdicts(connection: Connection) -> dict[tuple[int, int], str]:
    """(smaller record id, larger) → the latest verdict on that pair."""
    latest: dict[tuple[int, int], str] = {}
    query = select(
        judgements.c.left_record_id, judgements.c.right_record_id, judgements.c.verdict
    ).order_by(judgements.c.id)
    for left, right, verdict in connection.execute(query):
        latest[(min(left, right), max(left, right))] = verdict
    return latest


# --- the queue -----------------------------------------------------------------------


def _checked_band(band: tuple[float, float]) -> tuple[float, float]:
    low, high = band
    if not 0.0 <= low <= high <= 1.0:
        raise ValueError(f"band must be two probabilities, low ≤ high, in [0, 1]; got {band}")
    return float(low), float(high)


def _latest_run(connection: Connection) -> tuple[int, float]:
    row = connection.execute(
        select(resolution_runs.c.id, resolution_runs.c.threshold)
        .order_by(resolution_runs.c.id.desc())
        .limit(1)
    ).first()
    if row is None:
        raise ValueError("no resolution run yet: run `nomina resolve` first")
    return row.id, row.threshold


def _candidates(
    connection: Connection, band: tuple[float, float], threshold_weight: float
) -> Iterator[tuple[tuple[Any, ...], Any]]:
    """(sort key, row) for every unsettled pair in the band, streamed (a run may hold millions)."""
    verdicts = latest_verdicts(connection)
    left_member, right_member = (
        person_records.alias("left_member"),
        person_records.alias("right_member"),
    )
    left_person, right_person = persons.alias("left_person"), persons.alias("right_person")
    query = (
        select(
            pairs.c.left_record_id,
            pairs.c.right_record_id,
            pairs.c.match_weight,
            pairs.c.match_probability,
            left_member.c.person_id.label("left_person_id"),
            left_person.c.records.label("left_person_size"),
            right_member.c.person_id.label("right_person_id"),
            right_person.c.records.label("right_person_size"),
        )
        .select_from(pairs)
        .outerjoin(left_member, left_member.c.record_id == pairs.c.left_record_id)
        .outerjoin(left_person, left_person.c.id == left_member.c.person_id)
        .outerjoin(right_member, right_member.c.record_id == pairs.c.right_record_id)
        .outerjoin(right_person, right_person.c.id == right_member.c.person_id)
        # Every pair held: the last full run's and those incremental runs added since.
        .where(pairs.c.match_probability.between(*band))
    )
    for row in connection.execute(query):
        key = (
            min(row.left_record_id, row.right_record_id),
            max(row.left_record_id, row.right_record_id),
        )
        verdict = verdicts.get(key)
        if verdict in ("same", "different"):
            continue  # settled by a reviewer
        size = persons_size(
            row.left_person_id,
            row.left_person_size or 1,  # a record outside any person stands alone
            row.right_person_id,
            row.right_person_size or 1,
        )
        priority = review_priority(
            match_weight=row.match_weight,
            threshold_weight=threshold_weight,
            persons_size=size,
            unsure=verdict == "unsure",
        )
        yield (*priority, *key), row


def _items(
    connection: Connection, chosen: list[tuple[Any, bool]], threshold: float
) -> list[ReviewItem]:
    """The chosen pairs (row, judged unsure), with their records' fields and contributions."""
    if not chosen:
        return []
    wanted = [(row.left_record_id, row.right_record_id) for row, _ in chosen]
    contributions = dict(
        ((left, right), json.loads(text))
        for left, right, text in connection.execute(
            select(pairs.c.left_record_id, pairs.c.right_record_id, pairs.c.contributions).where(
                tuple_(pairs.c.left_record_id, pairs.c.right_record_id).in_(wanted)
            )
        )
    )
    fields = {
        row["record_id"]: row
        for row in record_details(connection, (record for pair in wanted for record in pair))
    }
    return [_item(row, unsure, contributions, fields, threshold) for row, unsure in chosen]


def _item(
    row: Any,
    unsure: bool,
    contributions: dict[tuple[int, int], Any],
    fields: dict[int, dict[str, Any]],
    threshold: float,
) -> ReviewItem:
    left, right = row.left_record_id, row.right_record_id
    return ReviewItem(
        left_record_id=left,
        right_record_id=right,
        probability=row.match_probability,
        match_weight=row.match_weight,
        threshold=threshold,
        contributions=contributions[(left, right)],
        left_fields=fields[left],
        right_fields=fields[right],
        left_person_id=row.left_person_id,
        right_person_id=row.right_person_id,
        left_person_size=row.left_person_size or 1,
        right_person_size=row.right_person_size or 1,
        previous_verdict="unsure" if unsure else None,
    )


# --- judgements ----------------------------------------------------------------------


def _require_records(connection: Connection, record_ids: Iterable[int]) -> None:
    wanted = set(record_ids)
    found = set(connection.execute(select(records.c.id).where(records.c.id.in_(wanted))).scalars())
    missing = sorted(wanted - found)
    if missing:
        raise ValueError(f"no record {', '.join(map(str, missing))} in the register")


def _append_judgement(
    connection: Connection, left: int, right: int, verdict: str, actor: str, note: str | None
) -> int:
    return connection.execute(
        judgements.insert().values(
            left_record_id=left,
            right_record_id=right,
            verdict=verdict,
            judged_by=actor,
            judged_at=dt.datetime.now(dt.UTC),
            note=note,
        )
    ).inserted_primary_key[0]


def _judgements_of_pair(
    connection: Connection,
    left: int,
    right: int,
    *,
    before: int | None = None,
    after: int | None = None,
) -> CursorResult[Any]:
    """The pair's judgements, newest first, in either record order (ids exclusive)."""
    same_pair = or_(
        and_(judgements.c.left_record_id == left, judgements.c.right_record_id == right),
        and_(judgements.c.left_record_id == right, judgements.c.right_record_id == left),
    )
    query = select(judgements).where(same_pair)
    if before is not None:
        query = query.where(judgements.c.id < before)
    if after is not None:
        query = query.where(judgements.c.id > after)
    return connection.execute(query.order_by(judgements.c.id.desc()))


def _last_undoable(connection: Connection, actor: str) -> Any:
    """The actor's newest judgement that is neither an undo nor undone by one."""
    query = (
        select(judgements).where(judgements.c.judged_by == actor).order_by(judgements.c.id.desc())
    )
    standing = _standing(connection.execute(query).all())
    if not standing:
        raise ValueError(f"nothing to undo: {actor} has no judgement left that is not undone")
    return standing[0]


def _standing(rows_newest_first: list[Any]) -> list[Any]:
    """The rows that are judgements in force: neither undos nor undone by a later undo."""
    undone: set[int] = set()
    standing = []
    for row in rows_newest_first:
        undo = _UNDO_PATTERN.match(row.note or "")
        if undo:
            undone.add(int(undo[1]))
        elif row.id not in undone:
            standing.append(row)
    return standing


__all__ = [
    "DEFAULT_BAND",
    "DEFAULT_LIMIT",
    "ReviewItem",
    "Undo",
    "latest_verdicts",
    "persons_size",
    "record_judgement",
    "review_priority",
    "review_queue",
    "undo_last_judgement",
    "weight_of_probability",
]
