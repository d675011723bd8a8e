"""Records → persons: strong pairs link, judgements override, contradictions refuse.

Plain connected components over the pairs above threshold chain unrelated people
together through one weak link. Here a link is refused when the two would-be halves
of a person hold a reviewer's `different` judgement or contradicting facts:

* **numbers** (when at least one half already holds several records: a chain; two
  single records' own numbers are what the model weighed when it scored their pair, and
  a passport is renewed): both halves carry numbers of one kind (identity-document
  numbers, or service numbers), the halves share no number of either kind, and some
  record of one half and some record of the other whose numbers differ were not scored
  a strong pair directly while giving the same full birth date (when every such pair
  was, the model weighed each of those numbers against the other, as for two single
  records, and name and birth date to the day vouch for the person: a copied-over
  wrong number, common in hand-kept lists, is then no veto; namesakes with other
  numbers and no shared full birth date stay apart; this look is capped at 64 record
  pairs, beyond which the chain is refused). A chain refused only because some such
  pair was never scored (no blocking rule compared the two) names the pair in
  `Clustering.unweighed`: the run scores it directly and clusters again. Numbers one slip
  apart, a digit mistyped or two swapped, count as shared: a clerk's error). A shared service
  number counts as sharing: one soldier keeps his service number when his passport is
  renewed, so it vouches for two different passport numbers (and the other way round).
  A document number never contradicts a service number; they are different kinds.
  The check is on the numbers each half holds together, so a record listing both an
  old and a new passport bridges the two.
* **birth dates**: a record of one half and a record of the other were born more than
  `max_birth_years_apart` years apart for certain. A partial date is read as the span
  it covers ("1998" = 1998-01-01…1998-12-31), so each pair is compared at the
  precision both have: "1998" and "2001-01-01" are more than 2 years apart, "1998" and
  "2000-12-31" are not. Halves that share a number are not checked on birth dates: the
  number vouches for the person, and a date far off is then a slip.

`same` judgements are must-links and are applied first; when a chain of them joins
contradicting records the reviewers win and the person is reported in `forced`.

The algorithm is Kruskal-like: union-find with must-links first, then the strong
pairs by descending weight (ties by record ids), refusing an edge whose union would
contradict. Per set it keeps only what a check needs (its numbers, the extremes of
its birth spans, its cannot-link partners), merging the smaller set into the larger,
so a check costs the size of the smaller set and most sets carry no state at all.
The output depends only on the input's content, never on its order.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from operator import attrgetter
from typing import Any

from rapidfuzz.distance import DamerauLevenshtein

from nomina.collector import gc_paused
from nomina.concepts import VERDICTS


@dataclass(frozen=True, slots=True)
class Pair:
    """Two records scored by the linkage model."""

    left: int
    right: int
    probability: float  # match probability in [0, 1]
    weight: float  # match weight (log2 Bayes factor), for ordering


@dataclass(frozen=True, slots=True)
class Judgement:
    """A reviewer's verdict on two records; it overrides the model."""

    left: int
    right: int
    verdict: str  # "same" | "different" | "unsure"


@dataclass(frozen=True, slots=True)
class RecordFacts:
    """What can contradict a merge. Numbers are normalised by the caller."""

    record_id: int
    document_numbers: frozenset[str]  # identity-document numbers (may be empty)
    birth_date: str | None  # ISO prefix "1998", "1998-03" or "1998-03-05"
    service_numbers: frozenset[str] = frozenset()  # military service / personal numbers


@dataclass(frozen=True)
class SplitReport:
    """A component plain connected components would have made, and was split."""

    records: frozenset[int]
    parts: tuple[frozenset[int], ...]  # ordered by smallest record id
    refused: tuple[Pair, ...]  # the links refused between the parts, strongest first
    reasons: tuple[str, ...]  # one sentence per refused link, aligned with `refused`


@dataclass(frozen=True)
class ForcedMerge:
    """A person that holds contradicting records because `same` judgements join them."""

    records: frozenset[int]
    reasons: tuple[str, ...]


@dataclass(frozen=True)
class Clustering:
    clusters: tuple[frozenset[int], ...]  # every record id exactly once, by smallest id
    splits: tuple[SplitReport, ...]  # by smallest record id
    forced: tuple[ForcedMerge, ...] = ()  # by smallest record id
    # Record pairs (smaller id first, sorted) whose numbers differ, that give one full
    # birth date, and that no strong pair joined: a link was refused because the model
    # never weighed them. Scoring them directly (see `nomina.resolve.run`) settles it.
    unweighed: tuple[tuple[int, int], ...] = ()


class _State:
    """What a set holds that a merge could contradict; absent for most sets."""

    __slots__ = (
        "docs",
        "svcs",
        "holders",
        "doc_rep",
        "svc_rep",
        "late",
        "late_rec",
        "early",
        "early_rec",
        "cannot",
    )

    def __init__(self) -> None:
        # Every number any record of the set carries. A record's own frozenset is shared
        # until the set first grows (copy on write: `set` means owned).
        self.docs: frozenset[str] | set[str] = _EMPTY
        self.svcs: frozenset[str] | set[str] = _EMPTY
        self.holders: list[int] | None = None  # indices of the records carrying numbers
        self.doc_rep: tuple[int, str] | None = None  # (record, number) named in reasons
        self.svc_rep: tuple[int, str] | None = None
        # Birth spans as yyyymmdd ints: the latest start and the earliest end, each with
        # its record (0: no birth date in the set). Two sets contradict iff the latest
        # start of one lies more than k years after the earliest end of the other; that
        # is exact for every pair of records across the two sets.
        self.late = 0
        self.late_rec = 0
        self.early = 0
        self.early_rec = 0
        self.cannot: list[tuple[int, int]] | None = None  # (member, partner) judged different

    def absorb(self, o: _State) -> None:
        # The smaller collection is copied into the larger: an item moves O(log n) times.
        if o.docs:
            self.docs = _merged(self.docs, o.docs)
            if self.doc_rep is None or (o.doc_rep is not None and o.doc_rep < self.doc_rep):
                self.doc_rep = o.doc_rep
        if o.svcs:
            self.svcs = _merged(self.svcs, o.svcs)
            if self.svc_rep is None or (o.svc_rep is not None and o.svc_rep < self.svc_rep):
                self.svc_rep = o.svc_rep
        if o.holders:
            if self.holders is None:
                self.holders = o.holders
            else:
                if len(self.holders) < len(o.holders):
                    self.holders, o.holders = o.holders, self.holders
                self.holders.extend(o.holders)
        if o.late:  # ties go to the smaller record, so the reason named is canonical
            if not self.late or (o.late, -o.late_rec) > (self.late, -self.late_rec):
                self.late, self.late_rec = o.late, o.late_rec
            if not self.early or (o.early, o.early_rec) < (self.early, self.early_rec):
                self.early, self.early_rec = o.early, o.early_rec
        if o.cannot:
            if self.cannot is None:
                self.cannot = o.cannot
            else:
                if len(self.cannot) < len(o.cannot):
                    self.cannot, o.cannot = o.cannot, self.cannot
                self.cannot.extend(o.cannot)


_EMPTY: frozenset[str] = frozenset()
_UNSET = object()  # a record whose state was not read from its facts yet


def numbers_meet(mine: frozenset[str] | set[str], theirs: frozenset[str] | set[str]) -> bool:
    """Two sets of numbers share one, or two of them are one slip apart (a digit mistyped,
    two swapped: 2274401 / 2274501): a clerk's error, not a second document."""
    if not mine.isdisjoint(theirs):
        return True
    return any(
        len(x) >= SLIP_MIN_LENGTH and DamerauLevenshtein.distance(x, y, score_cutoff=1) <= 1
        for x in mine
        for y in theirs
    )


# Shorter numbers are too often one digit apart by chance to read a difference as a slip.
SLIP_MIN_LENGTH = 6


def _same_full_birth_date(a: RecordFacts, b: RecordFacts) -> bool:
    """Both records give one birth date to the day: with the name the model matched, an
    identity two namesakes rarely share; without it a differing number stays a veto."""
    return a.birth_date is not None and len(a.birth_date) == 10 and a.birth_date == b.birth_date


def _numbers_differ(a: RecordFacts, b: RecordFacts) -> bool:
    """Two records carry numbers of one kind and share none of either kind."""
    docs = bool(a.document_numbers and b.document_numbers)
    svcs = bool(a.service_numbers and b.service_numbers)
    if not (docs or svcs):
        return False
    return not (
        (docs and numbers_meet(a.document_numbers, b.document_numbers))
        or (svcs and numbers_meet(a.service_numbers, b.service_numbers))
    )


# Record pairs looked up before a chain whose numbers differ is refused anyway: bounds the
# cost of one check; real persons rarely hold more than a few records with numbers.
_WEIGHED_CAP = 64


def _pair_key(a: int, b: int) -> int | tuple[int, int]:
    low, high = (a, b) if a <= b else (b, a)
    # One int per pair (a quarter of a tuple's memory) while ids fit in 32 bits.
    return (low << 32) | high if low >= 0 and high < _PAIR_KEY_LIMIT else (low, high)


_PAIR_KEY_LIMIT = 1 << 32


def _direct_pairs(strong: Sequence[Pair], facts: Mapping[int, RecordFacts]) -> set[Any]:
    """The strong pairs whose two records both carry numbers: the only ones `weighed`
    looks up."""

    def numbered(record: int) -> bool:
        fact = facts.get(record)
        return fact is not None and bool(fact.document_numbers or fact.service_numbers)

    return {_pair_key(p.left, p.right) for p in strong if numbered(p.left) and numbered(p.right)}


def _merged(mine: frozenset[str] | set[str], theirs: frozenset[str] | set[str]) -> set[str]:
    if len(mine) < len(theirs):
        mine, theirs = theirs, mine
    if type(mine) is not set:
        return set(mine).union(theirs)
    mine.update(theirs)
    return mine


_ISO_PREFIX = re.compile(r"(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?", re.ASCII)


def birth_span(value: str) -> tuple[int, int]:
    """The span an ISO prefix covers, as yyyymmdd ints (days padded to 31: for order only)."""
    m = _ISO_PREFIX.fullmatch(value)
    if m is not None:
        year, month, day = m.groups()
        base = int(year) * 10000
        if month is None:
            return base + 101, base + 1231
        if "01" <= month <= "12":
            base += int(month) * 100
            if day is None:
                return base + 1, base + 31
            if "01" <= day <= "31":
                return base + int(day), base + int(day)
    raise ValueError(f"birth date {value!r} is not an ISO prefix (YYYY, YYYY-MM or YYYY-MM-DD)")


def _find(parent: Any, x: int) -> int:
    # Path halving: every other node on the way up points to its grandparent.
    p = parent[x]
    while p != x:
        g = parent[p]
        parent[x] = g
        x = g
        p = parent[x]
    return x


def _from_facts(
    index: int, record_id: int, fact: RecordFacts | None, spans: dict[str, tuple[int, int]]
) -> _State | None:
    """A record's own state, or None when it carries nothing that can contradict."""
    if fact is None or not (fact.document_numbers or fact.service_numbers or fact.birth_date):
        return None
    if fact.record_id != record_id:
        raise ValueError(f"facts for record {record_id} name record {fact.record_id}")
    s = _State()
    if fact.document_numbers or fact.service_numbers:
        s.holders = [index]
    if fact.document_numbers:
        s.docs = fact.document_numbers
        s.doc_rep = (record_id, min(s.docs))
    if fact.service_numbers:
        s.svcs = fact.service_numbers
        s.svc_rep = (record_id, min(s.svcs))
    if fact.birth_date:
        span = spans.get(fact.birth_date)
        if span is None:
            try:
                span = spans[fact.birth_date] = birth_span(fact.birth_date)
            except ValueError as error:
                raise ValueError(f"record {record_id}: {error}") from None
        s.late, s.early = span
        s.late_rec = s.early_rec = record_id
    return s


_FLOAT_KEY_LIMIT = 1 << 26  # lo * 2**26 + hi is exact in a float for ids below this


def _sort_edges(strong: list[Pair], *, float_keys: bool) -> Pair | None:
    """Order by descending weight, ties by (smaller id, larger id), whatever the input order.

    Two stable sorts on float keys run about three times faster than one sort on tuples
    (CPython compares floats without the generic path); `float_keys` says every valid id
    is below _FLOAT_KEY_LIMIT, so the keys are exact. Copies of one pair with one weight
    keep their input order: see _order_duplicates. Returns the pair with the smallest id
    (or one with an invalid id: those sort anywhere).
    """
    if float_keys:
        scale = float(_FLOAT_KEY_LIMIT)
        strong.sort(
            key=lambda p: (
                p.left * scale + p.right if p.left <= p.right else p.right * scale + p.left
            )
        )
    else:
        strong.sort(key=lambda p: (p.left, p.right) if p.left <= p.right else (p.right, p.left))
    lowest = strong[0] if strong else None
    strong.sort(key=attrgetter("weight"), reverse=True)  # stable, also with reverse
    return lowest


def _read_judgements(
    judgements: Iterable[Judgement], known: Callable[[int], bool]
) -> tuple[list[tuple[int, int]], list[tuple[int, int]]]:
    """Must-links and cannot-links, each pair once as (smaller id, larger id), sorted."""
    verdicts: dict[tuple[int, int], str] = {}
    for j in judgements:
        where = f"judgement on records {j.left} and {j.right}"
        if j.verdict not in VERDICTS:
            raise ValueError(f"{where}: verdict {j.verdict!r} is not one of {', '.join(VERDICTS)}")
        for record in (j.left, j.right):
            if not known(record):
                raise ValueError(f"{where}: record {record} is not among the records clustered")
        if j.verdict == "unsure":
            continue  # a reviewer's doubt changes nothing
        key = (j.left, j.right) if j.left <= j.right else (j.right, j.left)
        if key[0] == key[1]:
            if j.verdict == "different":
                raise ValueError(f"{where}: a record cannot be different from itself")
            continue
        if verdicts.setdefault(key, j.verdict) != j.verdict:
            # Only the caller knows which verdict came last, and input order must not decide.
            raise ValueError(
                f"{where}: judged both same and different; pass only the latest verdict per pair"
            )
    same = sorted(k for k, v in verdicts.items() if v == "same")
    different = sorted(k for k, v in verdicts.items() if v == "different")
    return same, different


def cluster_records(
    record_ids: Iterable[int],
    pairs: Iterable[Pair],
    judgements: Iterable[Judgement],
    facts: Mapping[int, RecordFacts],
    *,
    threshold: float = 0.95,
    max_birth_years_apart: int = 2,
) -> Clustering:
    """Cluster records into persons (see the module doc for the rules).

    Pairs at or above the threshold and judgements must name records in `record_ids`
    (ValueError otherwise); pairs below it are not read further. Pass one verdict per
    pair of records (the latest). Facts are read only for records a link or judgement
    touches, and facts for records not clustered are ignored.
    """
    with gc_paused():
        return _cluster(record_ids, pairs, judgements, facts, threshold, max_birth_years_apart)


def _cluster(
    record_ids: Iterable[int],
    pairs: Iterable[Pair],
    judgements: Iterable[Judgement],
    facts: Mapping[int, RecordFacts],
    threshold: float,
    max_birth_years_apart: int,
) -> Clustering:
    if not 0.0 <= threshold <= 1.0:
        raise ValueError(f"threshold {threshold} is not in [0, 1]")
    if max_birth_years_apart < 0:
        raise ValueError(f"max_birth_years_apart {max_birth_years_apart} is negative")
    k = max_birth_years_apart * 10000  # years in yyyymmdd ints
    ids = sorted(set(record_ids))
    n = len(ids)
    # Union-find on lists, indexed by position: twice as fast as dicts. The store numbers
    # records 1, 2, 3, ..., so usually a record's id is its own index (`rid` maps back).
    parent: list[int] | list[int | None]
    index: dict[int, int] | None = None
    if not ids or (ids[0] >= 0 and ids[-1] < 2 * n + 1024):
        span = ids[-1] + 1 if ids else 0
        parent = list(range(span))
        if n < span:
            for gap in set(parent).difference(ids):
                parent[gap] = None  # not clustered: reading it as a parent fails loudly
        rid: Sequence[int] = range(span)
    else:
        index = {r: i for i, r in enumerate(ids)}
        parent = list(range(n))
        rid = ids

    def ix(record_id: int) -> int | None:
        """A record's index, or None when it is not clustered."""
        if index is not None:
            return index.get(record_id)
        return record_id if 0 <= record_id < len(parent) and parent[record_id] is not None else None

    size = [1] * len(parent)
    # Index of a root → its state, filled lazily: _UNSET is a record never touched, whose
    # state comes from its facts; None means nothing in the set can contradict.
    state: list[_State | None | object] = [_UNSET] * len(parent)
    facts_get = facts.get
    spans: dict[str, tuple[int, int]] = {}  # birth dates repeat: parse each one once

    def state_of(root: int) -> _State | None:
        s = state[root]
        if s is _UNSET:
            s = state[root] = _from_facts(root, rid[root], facts_get(rid[root]), spans)
        return s  # type: ignore[return-value]

    def conflict(sa: _State, ra: int, sb: _State, rb: int, chain: bool = True) -> str | None:
        """Why the sets rooted at ra and rb must not merge, or None. Numbers are checked
        only for a `chain`: two single records' own numbers are what the model weighed
        to score their pair (and a passport is renewed); the guard is against links
        through third records."""
        if sa.cannot and sb.cannot:  # stored on both sides: the smaller list finds them all
            small, other = (sa.cannot, rb) if len(sa.cannot) <= len(sb.cannot) else (sb.cannot, ra)
            for member, partner in small:
                if _find(parent, partner) == other:
                    first, second = sorted((rid[member], rid[partner]))
                    return f"records {first} and {second} judged different by a reviewer"
        da, db, va, vb = sa.docs, sb.docs, sa.svcs, sb.svcs
        shared = (da and db and numbers_meet(da, db)) or (va and vb and numbers_meet(va, vb))
        if chain and ((da and db) or (va and vb)) and not shared and not weighed(sa, ra, sb, rb):
            kind, x, y = (
                ("document numbers", sa.doc_rep, sb.doc_rep)
                if da and db
                else ("service numbers", sa.svc_rep, sb.svc_rep)
            )
            assert x is not None and y is not None
            (r1, n1), (r2, n2) = (x, y) if x < y else (y, x)
            return f"records {r1} and {r2}: {kind} {n1} and {n2} differ"
        # A shared number vouches for the person: a birth date far off is then a slip.
        if sa.late and sb.late and not shared:
            if sa.late > sb.early + k:
                return birth_reason(sa.late_rec, sb.early_rec)
            if sb.late > sa.early + k:
                return birth_reason(sb.late_rec, sa.early_rec)
        return None

    direct: set[Any] | None = None
    # Two sets are offered many times (one strong pair after another between them); a
    # root's set changes only by growing, so (root, size) on both sides names a question.
    answered: dict[tuple[int, int, int, int], bool] = {}
    unweighed: set[tuple[int, int]] = set()

    def weighed(sa: _State, ra: int, sb: _State, rb: int) -> bool:
        """Every record of one set and record of the other whose numbers differ were scored
        a strong pair directly: the model weighed those numbers, as for two single records.
        Pairs that fail only for want of a direct score go to `unweighed`."""
        nonlocal direct
        ha, hb = sa.holders or (), sb.holders or ()
        if len(ha) * len(hb) > _WEIGHED_CAP:
            return False
        question = (ra, size[ra], rb, size[rb]) if ra < rb else (rb, size[rb], ra, size[ra])
        known = answered.get(question)
        if known is not None:
            return known
        if direct is None:
            direct = _direct_pairs(strong, facts)
        vetoed, unscored = False, []
        for x in ha:
            fx = facts[rid[x]]
            for y in hb:
                fy = facts[rid[y]]
                if not _numbers_differ(fx, fy):
                    continue
                if not _same_full_birth_date(fx, fy):
                    vetoed = True
                    break
                if _pair_key(rid[x], rid[y]) not in direct:
                    unscored.append((min(rid[x], rid[y]), max(rid[x], rid[y])))
            if vetoed:
                break
        if not vetoed:
            unweighed.update(unscored)
        answer = not vetoed and not unscored
        answered[question] = answer
        return answer

    def birth_reason(r1: int, r2: int) -> str:
        r1, r2 = min(r1, r2), max(r1, r2)
        return (
            f"records {r1} and {r2}: birth dates {facts[r1].birth_date} and "
            f"{facts[r2].birth_date} are more than {max_birth_years_apart} years apart"
        )

    def union(ra: int, sa: _State | None, rb: int, sb: _State | None) -> None:
        """Join two roots whose states are read, the smaller set under the larger."""
        if size[ra] < size[rb]:
            ra, rb, sa, sb = rb, ra, sb, sa
        parent[rb] = ra
        size[ra] += size[rb]
        state[rb] = None
        if sa is None:
            state[ra] = sb
        elif sb is not None:
            sa.absorb(sb)

    strong = [pair for pair in pairs if pair.probability >= threshold]
    same, different = _read_judgements(judgements, lambda r: ix(r) is not None)
    for a, b in different:  # cannot-links live on both sides: either side's list finds them
        for member, partner in ((ix(a), ix(b)), (ix(b), ix(a))):
            assert member is not None and partner is not None
            s = state_of(member)
            if s is None:
                s = state[member] = _State()
            if s.cannot is None:
                s.cannot = []
            s.cannot.append((member, partner))

    # Must-links first: the reviewer wins even over contradictions, which are reported.
    forced: list[tuple[int, str]] = []
    for a, b in same:
        ra, rb = _find(parent, ix(a)), _find(parent, ix(b))  # type: ignore[arg-type]
        if ra != rb:
            sa, sb = state_of(ra), state_of(rb)
            reason = conflict(sa, ra, sb, rb) if sa is not None and sb is not None else None
            if reason is not None:
                forced.append((ra, f"{reason}, but reviewers judged them the same person"))
            union(ra, sa, rb, sb)

    lowest = _sort_edges(strong, float_keys=index is None and len(parent) <= _FLOAT_KEY_LIMIT)
    if index is None and lowest is not None and min(lowest.left, lowest.right) < 0:
        # A negative id would index the list from its end, silently; too large ones fail.
        raise ValueError(_unknown(lowest, min(lowest.left, lowest.right)))

    refused: list[tuple[Pair, str, int, int]] = []
    pair = None
    try:
        for pair in strong:
            if index is None:
                a, b = pair.left, pair.right
            else:
                a, b = index[pair.left], index[pair.right]
            ra = parent[a]  # find, with the common already-a-root case inline
            if parent[ra] != ra:
                ra = _find(parent, ra)
            rb = parent[b]
            if parent[rb] != rb:
                rb = _find(parent, rb)
            if ra == rb:
                continue
            sa = state[ra]
            if sa is _UNSET:
                sa = state_of(ra)
            sb = state[rb]
            if sb is _UNSET:
                sb = state_of(rb)
            # Every contradiction needs something on both sides; most sets carry nothing.
            if sa is not None and sb is not None:
                chain = size[ra] > 1 or size[rb] > 1
                reason = conflict(sa, ra, sb, rb, chain)  # type: ignore[arg-type]
                if reason is not None:
                    refused.append((pair, reason, a, b))
                    continue
            union(ra, sa, rb, sb)  # type: ignore[arg-type]
    except (KeyError, IndexError, TypeError):  # checked here, not in a pass of its own
        assert pair is not None
        raise ValueError(
            _unknown(pair, pair.left if ix(pair.left) is None else pair.right)
        ) from None

    _order_duplicates(refused)

    # Clusters in order of their smallest record: a group opens at its smallest id.
    out: list[list[int] | tuple[int]] = []
    out_roots: list[int] = []
    groups: dict[int, list[int]] = {}
    for i in ids if index is None else range(n):
        root = parent[i]
        if root == i and size[i] == 1:
            out.append((rid[i],))
            out_roots.append(i)
            continue
        if parent[root] != root:
            root = _find(parent, root)
        members = groups.get(root)
        if members is None:
            members = groups[root] = [rid[i]]
            out.append(members)
            out_roots.append(root)
        else:
            members.append(rid[i])
    clusters = tuple(map(frozenset, out))
    by_root = dict(zip(out_roots, clusters, strict=True)) if refused or forced else {}

    return Clustering(
        clusters=clusters,
        splits=_split_reports(refused, parent, by_root),
        forced=_forced_reports(forced, parent, by_root),
        unweighed=tuple(sorted(unweighed)),
    )


def _order_duplicates(refused: list[tuple[Pair, str, int, int]]) -> None:
    """Put pairs scored twice in a canonical order (the sort left them in input order).

    Both copies are refused one right after the other, for the same reason, so only the
    order they are reported in could differ; here it stops depending on the input.
    """
    i, n = 0, len(refused)
    while i < n:
        first = refused[i][0]
        j = i + 1
        while j < n:
            other = refused[j][0]
            if other.weight != first.weight or {other.left, other.right} != {
                first.left,
                first.right,
            }:
                break
            j += 1
        if j - i > 1:
            refused[i:j] = sorted(
                refused[i:j], key=lambda e: (-e[0].probability, e[0].left, e[0].right)
            )
        i = j


def _unknown(pair: Pair, record: int) -> str:
    return (
        f"pair of records {pair.left} and {pair.right}: "
        f"record {record} is not among the records clustered"
    )


def _split_reports(
    refused: list[tuple[Pair, str, int, int]],
    parent: list[int] | list[int | None],
    by_root: dict[int, frozenset[int]],
) -> tuple[SplitReport, ...]:
    """Plain components = final clusters joined by the refused links that still separate them."""
    live: list[tuple[Pair, str, int]] = []
    comp: dict[int, int] = {}  # a second union-find, over the roots of the final clusters
    for pair, reason, a, b in refused:
        ra, rb = _find(parent, a), _find(parent, b)
        if ra == rb:
            continue  # refused early, joined later another way: nothing was split
        live.append((pair, reason, ra))
        ca = _find(comp, ra) if ra in comp else comp.setdefault(ra, ra)
        cb = _find(comp, rb) if rb in comp else comp.setdefault(rb, rb)
        if ca != cb:
            comp[max(ca, cb)] = min(ca, cb)
    if not live:
        return ()
    parts: dict[int, list[int]] = {}
    for root in comp:
        parts.setdefault(_find(comp, root), []).append(root)
    links: dict[int, list[tuple[Pair, str]]] = {c: [] for c in parts}
    for pair, reason, ra in live:  # kept in processing order: strongest first
        links[_find(comp, ra)].append((pair, reason))
    reports = []
    for c, roots in parts.items():
        clusters = sorted((by_root[r] for r in roots), key=min)
        refused_here = links[c]
        reports.append(
            SplitReport(
                records=frozenset().union(*clusters),
                parts=tuple(clusters),
                refused=tuple(p for p, _ in refused_here),
                reasons=tuple(
                    f"link between records {p.left} and {p.right} "
                    f"(probability {p.probability:.3f}) refused: {why}"
                    for p, why in refused_here
                ),
            )
        )
    return tuple(sorted(reports, key=lambda r: min(r.records)))


def _forced_reports(
    forced: list[tuple[int, str]],
    parent: list[int] | list[int | None],
    by_root: dict[int, frozenset[int]],
) -> tuple[ForcedMerge, ...]:
    reasons: dict[int, list[str]] = {}
    for member, reason in forced:
        reasons.setdefault(_find(parent, member), []).append(reason)
    reports = [ForcedMerge(by_root[root], tuple(why)) for root, why in reasons.items()]
    return tuple(sorted(reports, key=lambda r: min(r.records)))
