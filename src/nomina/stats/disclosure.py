"""Statistical disclosure control for published figures: counts of persons below k are
suppressed, with complementary suppression so that no suppressed count can be worked
out from the totals and the other counts; small countries can be folded into regions.

Public outputs go through this module; internal outputs for authorised roles are the
caller's choice and need not. The module only computes: no store, no I/O.

    >>> from nomina.stats.disclosure import protect_counts, protect_table, audit
    >>> killed = protect_counts({"NP": 120, "IN": 40, "CU": 3, "LK": 25}, k=10)
    >>> killed.rows()
    [('NP', 120), ('IN', 40), ('CU', None), ('LK', None), ('Total', 188)]
    >>> killed.suppressed()  # for reviewers only: never publish the reasons
    {'CU': 'primary', 'LK': 'complementary'}
    >>> contracts = protect_table(
    ...     {("NP", "2023"): 400, ("NP", "2024"): 600, ("CU", "2023"): 2, ("CU", "2024"): 30,
    ...      ("IN", "2023"): 50, ("IN", "2024"): 70}, k=10)
    >>> contracts.grid()[2]  # one row, wide: CU, 2023, 2024, Total
    ['CU', None, None, 32]
    >>> all(finding.safe for finding in audit(contracts))
    True

**The protection rule.** For each suppressed item (a cell, or a total when totals are
published) the audit solves two linear programmes: the smallest and the largest value
the item can take in any table of non-negative numbers that agrees with everything
published (cells, row and column totals, grand total). That is the *feasibility
interval* of Hundepool et al., *Statistical Disclosure Control* (Wiley, 2012), ch. 4
(secondary cell suppression, protection levels, audit), applied to frequency tables
with the threshold rule of ch. 5. A primary-suppressed count x (0 < x < k) is protected
when its interval reaches from 1 or below to k or above: upper protection level k - x
(an attacker cannot prove the count is below k) and lower protection level x - 1 (nor
narrow it within 1..k-1, the values a small count can take). The rule needs no true
values, so anyone can audit a published table. A complementary item (itself at least k)
must not be derivable exactly.

**Zeros** are published and never suppressed: a zero names no person, which is the
common practice. An attacker who knows this knows a suppressed count is at least 1,
which is why the lower end required is 1, not 0. **Totals below k** are primary too (a
row total of 4 says the whole row is small); they are suppressed and complemented like
cells; a grand total below k suppresses every positive item. **Reasons** ("primary",
"complementary") are kept for review and audit; `rows()`, `grid()` and `to_dict()` leave
them out, because "primary" alone says the count is below k.

Complements are chosen smallest first (the usual cost: least information lost), then
the audit decides; this is a heuristic, not the optimum (a mixed-integer programme).
Protect each published table once and take its totals from the result: the same counts
published again in another table (linked tables) are not covered by the audit here.
"""

from __future__ import annotations

import operator
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from nomina.reference.territories import get_territory
from nomina.stats.disclosure_lp import (
    COMPLEMENTARY,
    PRIMARY,
    Line,
    feasibility_intervals,
    problem_with,
    suppress,
)

__all__ = [
    "COMPLEMENTARY",
    "OTHER",
    "PRIMARY",
    "TOTAL",
    "Cell",
    "Finding",
    "ProtectedCounts",
    "ProtectedTable",
    "audit",
    "fold_rows",
    "fold_small",
    "protect_counts",
    "protect_table",
    "region_of_country",
]

TOTAL = "Total"  # label of totals in rows(), grid() and findings; not allowed as a key
OTHER = "Other"  # what fold_small calls the group of counts with no region, or too small
DEFAULT_K = 10


@dataclass(frozen=True, slots=True)
class Cell:
    """One published figure: the count, or None with why it is suppressed."""

    value: int | None
    reason: str | None = None  # PRIMARY / COMPLEMENTARY when suppressed

    @property
    def suppressed(self) -> bool:
        return self.value is None


@dataclass(frozen=True)
class ProtectedCounts:
    """A one-way table (say, persons killed per country) ready to publish."""

    k: int
    cells: dict[str, Cell]
    total: Cell | None  # None when the table is published without its total

    def rows(self) -> list[tuple[str, int | None]]:
        """(key, count or None) in input order, the total last as ("Total", n)."""
        out = [(key, cell.value) for key, cell in self.cells.items()]
        if self.total is not None:
            out.append((TOTAL, self.total.value))
        return out

    def to_dict(self) -> dict[str, object]:
        """JSON-ready published values (no reasons)."""
        return {
            "k": self.k,
            "counts": {key: cell.value for key, cell in self.cells.items()},
            "total": None if self.total is None else self.total.value,
        }

    def suppressed(self) -> dict[str, str]:
        """key → reason of every suppressed item (the total as "Total"); not for publishing."""
        return {key: str(cell.reason) for key, cell in _items_counts(self) if cell.suppressed}


@dataclass(frozen=True)
class ProtectedTable:
    """A two-way table (say, contracts per country and year) ready to publish."""

    k: int
    row_keys: tuple[str, ...]
    column_keys: tuple[str, ...]
    cells: dict[tuple[str, str], Cell]
    row_totals: dict[str, Cell] | None = None  # the three are None without margins
    column_totals: dict[str, Cell] | None = None
    grand_total: Cell | None = None

    @property
    def margins(self) -> bool:
        return self.grand_total is not None

    def rows(self) -> list[tuple[str, str, int | None]]:
        """Long form: (row, column, count or None), totals with "Total" as row or column."""
        return [(row, column, cell.value) for (row, column), cell in _items_table(self)]

    def grid(self) -> list[list[str | int | None]]:
        """Wide form: a header, then one list per row, with the totals last when published."""
        columns = list(self.column_keys) + ([TOTAL] if self.margins else [])
        out: list[list[str | int | None]] = [["", *columns]]
        for row in self.row_keys:
            line: list[str | int | None] = [row]
            line += [self.cells[row, column].value for column in self.column_keys]
            if self.row_totals is not None:
                line.append(self.row_totals[row].value)
            out.append(line)
        if self.column_totals is not None and self.grand_total is not None:
            totals = [self.column_totals[c].value for c in self.column_keys]
            out.append([TOTAL, *totals, self.grand_total.value])
        return out

    def to_dict(self) -> dict[str, object]:
        """JSON-ready published values (no reasons)."""
        return {
            "k": self.k,
            "rows": list(self.row_keys),
            "columns": list(self.column_keys),
            "cells": [{"row": r, "column": c, "count": v} for r, c, v in self.rows()],
        }

    def suppressed(self) -> dict[tuple[str, str], str]:
        """(row, column) → reason of every suppressed item; not for publishing."""
        return {key: str(cell.reason) for key, cell in _items_table(self) if cell.suppressed}


@dataclass(frozen=True, slots=True)
class Finding:
    """The audit of one suppressed item: its feasibility interval and the verdict."""

    cell: str | tuple[str, str]  # a key of the table; totals as "Total"
    reason: str
    lower: float
    upper: float  # math.inf when nothing published bounds it
    problem: str | None  # None when protected

    @property
    def safe(self) -> bool:
        return self.problem is None


def protect_counts(
    counts: Mapping[str, int], k: int = DEFAULT_K, *, total: bool = True
) -> ProtectedCounts:
    """Suppress the counts below k (not zeros) and, when the total is published, enough
    complements (smallest first) that the suppressed counts are at least two and sum to k
    or more; a total below k is suppressed too (then no complement is needed)."""
    _check_k(k)
    keys = list(counts)
    values = [_count(counts[key], key) for key in keys]
    for key in keys:
        _check_key(key)
    lines: list[Line] = []
    if total:
        values.append(sum(values))
        lines.append((len(keys), tuple(range(len(keys)))))
    reasons = suppress(values, lines, _small(values, k), k)
    cells = [_cell(values[i], reasons.get(i)) for i in range(len(values))]
    return ProtectedCounts(
        k=k,
        cells=dict(zip(keys, cells[: len(keys)], strict=True)),
        total=cells[-1] if total else None,
    )


def protect_table(
    counts: Mapping[tuple[str, str], int], k: int = DEFAULT_K, *, margins: bool = True
) -> ProtectedTable:
    """Suppress the cells below k (not zeros), and with margins also the row, column and
    grand totals below k, then complements until the audit passes: every suppressed item
    meets the rule of the module docstring. Rows and columns keep their order of first
    appearance; a (row, column) pair missing from `counts` is 0."""
    _check_k(k)
    row_keys = tuple(dict.fromkeys(row for row, _ in counts))
    column_keys = tuple(dict.fromkeys(column for _, column in counts))
    for key in (*row_keys, *column_keys):
        _check_key(key)
    shape = (len(row_keys), len(column_keys))
    row_at = {row: r for r, row in enumerate(row_keys)}
    column_at = {column: c for c, column in enumerate(column_keys)}
    values = [0] * (shape[0] * shape[1])
    for (row, column), n in counts.items():
        values[row_at[row] * shape[1] + column_at[column]] = _count(n, (row, column))
    lines = _table_lines(shape, values, margins)
    reasons = suppress(values, lines, _small(values, k), k)
    cells = [_cell(values[i], reasons.get(i)) for i in range(len(values))]
    grid = {
        (row, column): cells[r * shape[1] + c]
        for r, row in enumerate(row_keys)
        for c, column in enumerate(column_keys)
    }
    if not margins:
        return ProtectedTable(k, row_keys, column_keys, grid)
    first_row_total = shape[0] * shape[1]
    first_column_total = first_row_total + shape[0]
    return ProtectedTable(
        k,
        row_keys,
        column_keys,
        grid,
        row_totals={row: cells[first_row_total + r] for r, row in enumerate(row_keys)},
        column_totals={c: cells[first_column_total + j] for j, c in enumerate(column_keys)},
        grand_total=cells[-1],
    )


def audit(published: ProtectedCounts | ProtectedTable) -> list[Finding]:
    """One finding per suppressed item, from the published values alone (the true values
    of suppressed items are not needed): its feasibility interval and whether it meets the
    protection rule. `[f for f in audit(t) if not f.safe]` is what an attacker could learn."""
    if isinstance(published, ProtectedCounts):
        items = _items_counts(published)
        lines: list[Line] = []
        if published.total is not None:
            lines.append((len(items) - 1, tuple(range(len(items) - 1))))
    else:
        items = _items_table(published)
        shape = (len(published.row_keys), len(published.column_keys))
        lines = _table_lines(shape, [0] * (shape[0] * shape[1]), published.margins)
    values = [cell.value for _, cell in items]
    hidden = [i for i, (_, cell) in enumerate(items) if cell.suppressed]
    intervals = feasibility_intervals(values, lines, hidden)
    findings = []
    for i in hidden:
        key, cell = items[i]
        # a suppression of unknown reason is held to the primary (stricter) rule
        reason = cell.reason or PRIMARY
        lower, upper = intervals[i]
        findings.append(
            Finding(key, reason, lower, upper, problem_with(reason, lower, upper, published.k))
        )
    return findings


def fold_small(
    counts: Mapping[str, int], k: int, region_of: Callable[[str], str | None]
) -> dict[str, int]:
    """Counts below k (zeros stay as they are: not sensitive) fold into "<region> (other)";
    a region's fold still below k, and counts with no region, fold into "Other". The sum is
    unchanged; "Other" may stay below k, so publish the result through `protect_counts`.
    Order: the counts kept, then the regions in order of first appearance, "Other" last."""
    _check_k(k)
    kept: dict[str, int] = {}
    regions: dict[str, int] = {}
    other = 0
    for key, raw in counts.items():
        n = _count(raw, key)
        if n == 0 or n >= k:
            kept[key] = n
            continue
        region = region_of(key)
        if region is None:
            other += n
        else:
            label = f"{region} (other)"
            regions[label] = regions.get(label, 0) + n
    for label, n in list(regions.items()):
        if n < k:
            other += regions.pop(label)
    out = dict(kept)
    for label, n in (*regions.items(), *([(OTHER, other)] if other else [])):
        if label in out:
            raise ValueError(f"a key is already called {label!r}; cannot fold into it")
        out[label] = n
    return out


def fold_rows(
    counts: Mapping[tuple[str, str], int], k: int, region_of: Callable[[str], str | None]
) -> dict[tuple[str, str], int]:
    """`fold_small` for the rows of a two-way table: a row whose total is below k (and not
    zero) folds into its region's row, or "Other", the same way; cells are summed."""
    totals: dict[str, int] = {}
    for (row, _), n in counts.items():
        totals[row] = totals.get(row, 0) + _count(n, row)
    folded = fold_small(totals, k, region_of)
    group_of = {row: row for row in totals if row in folded}
    for row in totals:
        if row not in group_of:
            region = region_of(row)
            label = f"{region} (other)" if region is not None else OTHER
            group_of[row] = label if label in folded else OTHER
    out: dict[tuple[str, str], int] = {}
    for (row, column), n in counts.items():
        key = (group_of[row], column)
        out[key] = out.get(key, 0) + operator.index(n)
    return out


def region_of_country(code: str) -> str | None:
    """The region ("Asia", "Europe", ...) of a territory code of the reference table; None
    for a code it does not know or a territory without one (they fold into "Other")."""
    territory = get_territory(code)
    return None if territory is None else territory.region


# --- helpers -------------------------------------------------------------------------


def _check_k(k: int) -> None:
    if isinstance(k, bool) or not isinstance(k, int) or k < 1:
        raise ValueError(f"k must be a whole number of at least 1, not {k!r}")


def _check_key(key: str) -> None:
    if key == TOTAL:
        raise ValueError(f"{TOTAL!r} is reserved for totals; rename that key")


def _count(value: object, key: object) -> int:
    try:
        n = operator.index(value)  # type: ignore[arg-type]
    except TypeError:
        raise TypeError(f"count for {key!r} must be a whole number, not {value!r}") from None
    if n < 0:
        raise ValueError(f"count for {key!r} is negative ({n})")
    return n


def _small(values: list[int], k: int) -> list[int]:
    return [i for i, n in enumerate(values) if 0 < n < k]


def _cell(value: int, reason: str | None) -> Cell:
    return Cell(value=None, reason=reason) if reason else Cell(value=value)


def _table_lines(shape: tuple[int, int], values: list[int], margins: bool) -> list[Line]:
    """Lines of a rows × columns grid; with margins, appends the row totals, the column
    totals and the grand total to `values` (in that order) and ties them together."""
    if not margins:
        return []
    n_rows, n_columns = shape
    cells = n_rows * n_columns
    grid = [values[r * n_columns : (r + 1) * n_columns] for r in range(n_rows)]
    values += [sum(row) for row in grid]
    values += [sum(grid[r][c] for r in range(n_rows)) for c in range(n_columns)]
    values.append(sum(values[:cells]))
    first_row_total, first_column_total, grand = cells, cells + n_rows, cells + n_rows + n_columns
    lines: list[Line] = []
    for r in range(n_rows):
        lines.append((first_row_total + r, tuple(r * n_columns + c for c in range(n_columns))))
    for c in range(n_columns):
        lines.append((first_column_total + c, tuple(r * n_columns + c for r in range(n_rows))))
    lines.append((grand, tuple(range(first_row_total, first_column_total))))
    lines.append((grand, tuple(range(first_column_total, grand))))
    return lines


def _items_counts(table: ProtectedCounts) -> list[tuple[str, Cell]]:
    items = list(table.cells.items())
    return items + ([(TOTAL, table.total)] if table.total is not None else [])


def _items_table(table: ProtectedTable) -> list[tuple[tuple[str, str], Cell]]:
    """Items in the order of `_table_lines`: cells row by row, row, column, grand totals."""
    items = [((r, c), table.cells[r, c]) for r in table.row_keys for c in table.column_keys]
    if (
        table.row_totals is not None
        and table.column_totals is not None
        and table.grand_total is not None
    ):
        items += [((r, TOTAL), table.row_totals[r]) for r in table.row_keys]
        items += [((TOTAL, c), table.column_totals[c]) for c in table.column_keys]
        items.append(((TOTAL, TOTAL), table.grand_total))
    return items
