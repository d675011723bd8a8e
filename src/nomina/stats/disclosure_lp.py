"""The engine behind `nomina.stats.disclosure`: a table as linear equations, the
feasibility interval of each suppressed item by linear programming, and the loop that
adds complementary suppressions until every interval passes the protection rule.

A table here is a list of *items* (cells and totals, each an int or None when
suppressed) and a list of *lines*: ``(total, members)`` says ``items[total] ==
sum(items[m] for m in members)``. A one-way table with its total is one line; a two-way
table with margins has a line per row, per column, and two for the margins
(grand total = sum of row totals = sum of column totals).

The rule (see the `disclosure` module docstring for why): a primary item's interval
must reach from 1 or below to k or above; a complementary item's interval must reach
k and must not be a single point.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence

import numpy as np
from scipy import sparse
from scipy.optimize import linprog

PRIMARY = "primary"
COMPLEMENTARY = "complementary"

Line = tuple[int, tuple[int, ...]]  # (total item, member items)

_TOLERANCE = 1e-6


def problem_with(reason: str, lower: float, upper: float, k: int) -> str | None:
    """Why a suppressed item with this feasibility interval is not protected; None if it is."""
    if upper < k - _TOLERANCE:
        return f"can be proven below {k} (at most {upper:g})"
    if reason == PRIMARY and lower > 1 + _TOLERANCE:
        return f"can be narrowed within the small values (at least {lower:g})"
    if upper - lower < _TOLERANCE:
        return f"can be derived exactly ({lower:g})"
    return None


def _components(size: int, lines: Sequence[Line], unknown: set[int]) -> list[int]:
    """Union-find over unknown items: two unknowns are joined when a line holds both."""
    parent = list(range(size))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for total, members in lines:
        held = [i for i in (total, *members) if i in unknown]
        for other in held[1:]:
            parent[find(other)] = find(held[0])
    return [find(i) for i in range(size)]


def feasibility_intervals(
    values: Sequence[int | None], lines: Sequence[Line], targets: Iterable[int]
) -> dict[int, tuple[float, float]]:
    """Smallest and largest value each target item can take, given the published items.

    Unknowns are the None items, non-negative reals; the published items are constants in
    the lines. Two linear programmes (HiGHS) per target, each over the target's connected
    part of the table only (the rest cannot move it). The upper end is ``math.inf`` when
    nothing bounds the item. Two-way tables with margins are network matrices, so the
    bounds are whole numbers, the same as over integer tables.
    """
    unknown = {i for i, v in enumerate(values) if v is None}
    root = _components(len(values), lines, unknown)
    by_part: dict[int, list[int]] = {}
    for target in targets:
        if target not in unknown:
            raise ValueError(f"item {target} is published, not suppressed")
        by_part.setdefault(root[target], []).append(target)
    intervals: dict[int, tuple[float, float]] = {}
    for part, part_targets in by_part.items():
        group = sorted(i for i in unknown if root[i] == part)
        a_eq, b_eq = _equations(values, lines, group)
        for target in part_targets:
            objective = np.zeros(len(group))
            objective[group.index(target)] = 1.0
            low = linprog(objective, A_eq=a_eq, b_eq=b_eq, bounds=(0, None), method="highs")
            if low.status == 2:
                raise ValueError("the published items contradict each other: no table fits them")
            if low.status != 0:
                raise RuntimeError(f"linear programme failed: {low.message}")
            high = linprog(-objective, A_eq=a_eq, b_eq=b_eq, bounds=(0, None), method="highs")
            if high.status == 3:
                upper = math.inf
            elif high.status == 0:
                upper = -high.fun
            else:
                raise RuntimeError(f"linear programme failed: {high.message}")
            intervals[target] = (_snap(low.fun), _snap(upper))
    return intervals


def _equations(
    values: Sequence[int | None], lines: Sequence[Line], group: list[int]
) -> tuple[sparse.csr_array | None, np.ndarray | None]:
    """The lines holding unknowns of `group`, as A x = b over those unknowns."""
    column = {item: j for j, item in enumerate(group)}
    rows, columns, entries, rhs = [], [], [], []
    for total, members in lines:
        if total not in column and not any(m in column for m in members):
            continue
        row = len(rhs)
        constant = 0
        for m in members:
            if values[m] is None:
                rows.append(row)
                columns.append(column[m])
                entries.append(1.0)
            else:
                constant += values[m]
        if values[total] is None:
            rows.append(row)
            columns.append(column[total])
            entries.append(-1.0)
            rhs.append(-constant)
        else:
            rhs.append(values[total] - constant)
    if not rhs:
        return None, None
    a_eq = sparse.csr_array((entries, (rows, columns)), shape=(len(rhs), len(group)))
    return a_eq, np.array(rhs, dtype=float)


def _snap(x: float) -> float:
    """LP optima of these tables are whole numbers; remove solver noise."""
    if math.isinf(x):
        return x
    nearest = round(x)
    return float(nearest) if abs(x - nearest) < _TOLERANCE else x


def suppress(
    values: Sequence[int], lines: Sequence[Line], primary: Iterable[int], k: int
) -> dict[int, str]:
    """Items to suppress (item → PRIMARY or COMPLEMENTARY) so that every suppressed item
    passes `problem_with`.

    1. Line rule, until nothing changes: a line holding exactly one suppressed item, or
       whose published total leaves its suppressed members less than k together, gets its
       smallest positive published item suppressed (cells before totals on ties).
    2. Audit: the feasibility interval of every item not yet known to pass. Suppressing
       more only widens intervals, so an item that passed stays passing.
    3. For each failing item, the smallest positive published item in its lines (failing
       that, in the lines of its connected part; failing that, anywhere) is suppressed, at
       most one per line per round; back to 1.

    Zeros are never suppressed. The loop ends: with every positive item suppressed, each
    can rise without bound and fall to zero with its totals, which passes.
    """
    reasons = {i: PRIMARY for i in primary}
    is_total = {total for total, _ in lines}
    lines_of: dict[int, list[int]] = {}
    for n, (total, members) in enumerate(lines):
        for item in (total, *members):
            lines_of.setdefault(item, []).append(n)

    def cheapest(candidates: Iterable[int]) -> int | None:
        open_items = {i for i in candidates if i not in reasons and values[i] > 0}
        if not open_items:
            return None
        return min(open_items, key=lambda i: (values[i], i in is_total, i))

    def items_of(line: int) -> tuple[int, ...]:
        total, members = lines[line]
        return (total, *members)

    to_check = set(reasons)
    while True:
        changed = True
        while changed:
            changed = False
            for n, (total, _members) in enumerate(lines):
                held = [i for i in items_of(n) if i in reasons]
                if not held:
                    continue
                thin = total not in reasons and sum(values[i] for i in held) < k
                if len(held) == 1 or thin:
                    chosen = cheapest(items_of(n))
                    if chosen is not None:
                        reasons[chosen] = COMPLEMENTARY
                        to_check.add(chosen)
                        changed = True

        published = [None if i in reasons else v for i, v in enumerate(values)]
        intervals = feasibility_intervals(published, lines, sorted(to_check))
        failing = sorted(i for i in to_check if problem_with(reasons[i], *intervals[i], k))
        if not failing:
            return reasons
        to_check = set(failing)
        touched: set[int] = set()
        root = _components(len(values), lines, set(reasons))
        for item in failing:
            own_lines = set(lines_of.get(item, []))
            if own_lines & touched:
                continue  # a complement added this round may already protect it
            part_lines = {n for i in reasons if root[i] == root[item] for n in lines_of.get(i, [])}
            chosen = None
            for scope in (own_lines, part_lines):
                chosen = cheapest(i for n in scope for i in items_of(n))
                if chosen is not None:
                    break
            if chosen is None:
                chosen = cheapest(range(len(values)))
            if chosen is None:
                raise RuntimeError("nothing left to suppress, yet an item is unprotected")
            reasons[chosen] = COMPLEMENTARY
            to_check.add(chosen)
            touched |= set(lines_of.get(chosen, []))
