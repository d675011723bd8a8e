"""Disclosure control: small counts suppressed, complements chosen so that no suppressed
count can be worked out, proven by linear programmes over the published values."""

from __future__ import annotations

import doctest
import json
import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.optimize import linprog

import nomina.stats.disclosure as disclosure
from nomina.stats.disclosure import (
    COMPLEMENTARY,
    OTHER,
    PRIMARY,
    TOTAL,
    Cell,
    ProtectedTable,
    audit,
    fold_rows,
    fold_small,
    protect_counts,
    protect_table,
    region_of_country,
)


def test_module_example_runs():
    result = doctest.testmod(disclosure)
    assert result.attempted > 0 and result.failed == 0


# --- an independent attacker --------------------------------------------------------
# The same question as `audit`, posed differently: every item of the table is a
# variable, published ones pinned by their bounds, every total an equation.


def attacker_interval(table: ProtectedTable, target: tuple[str, str]) -> tuple[float, float]:
    rows, columns = table.row_keys, table.column_keys
    keys = [(r, c) for r in rows for c in columns]
    if table.margins:
        keys += [(r, TOTAL) for r in rows] + [(TOTAL, c) for c in columns] + [(TOTAL, TOTAL)]
    at = {key: i for i, key in enumerate(keys)}
    published = dict(((r, c), v) for r, c, v in table.rows())
    bounds = [(0, None) if published[key] is None else (published[key],) * 2 for key in keys]
    equations = []
    if table.margins:
        groups = [((r, TOTAL), [(r, c) for c in columns]) for r in rows]
        groups += [((TOTAL, c), [(r, c) for r in rows]) for c in columns]
        groups += [((TOTAL, TOTAL), [(r, TOTAL) for r in rows])]
        groups += [((TOTAL, TOTAL), [(TOTAL, c) for c in columns])]
        for total, members in groups:
            row = np.zeros(len(keys))
            row[at[total]] = -1
            for m in members:
                row[at[m]] += 1
            equations.append(row)
    a_eq = np.array(equations) if equations else None
    b_eq = np.zeros(len(equations)) if equations else None
    objective = np.zeros(len(keys))
    objective[at[target]] = 1
    low = linprog(objective, A_eq=a_eq, b_eq=b_eq, bounds=bounds, method="highs")
    high = linprog(-objective, A_eq=a_eq, b_eq=b_eq, bounds=bounds, method="highs")
    assert low.status == 0
    return low.fun, (math.inf if high.status == 3 else -high.fun)


def truth_with_margins(counts, rows, columns):
    truth = {(r, c): counts.get((r, c), 0) for r in rows for c in columns}
    for r in rows:
        truth[r, TOTAL] = sum(truth[r, c] for c in columns)
    for c in columns:
        truth[TOTAL, c] = sum(truth[r, c] for r in rows)
    truth[TOTAL, TOTAL] = sum(counts.values())
    return truth


def assert_protected_table(counts, table: ProtectedTable, k: int) -> None:
    truth = truth_with_margins(counts, table.row_keys, table.column_keys)
    reasons = table.suppressed()
    for r, c, value in table.rows():
        true = truth[r, c]
        if value is None:
            assert true > 0, "zeros are never suppressed"
            assert (reasons[r, c] == PRIMARY) == (true < k)
        else:
            assert value == true, "published values are the true ones, totals unchanged"
            assert value == 0 or value >= k, f"published small count {r, c} = {value}"
    findings = audit(table)
    assert {f.cell for f in findings} == set(reasons)
    assert all(f.safe for f in findings), [f for f in findings if not f.safe]
    for (r, c), reason in reasons.items():
        lower, upper = attacker_interval(table, (r, c))
        assert lower <= truth[r, c] <= upper
        assert upper >= k - 1e-6, f"{r, c} provably below {k}"
        if reason == PRIMARY:
            assert lower <= 1 + 1e-6, f"{r, c} narrowed to at least {lower}"
        assert upper - lower > 1e-6, f"{r, c} derivable"


# --- one-way tables ---------------------------------------------------------------


def test_one_small_cell_gets_the_smallest_complement():
    protected = protect_counts({"NP": 50, "CU": 3, "IN": 20, "LK": 12})
    assert protected.suppressed() == {"CU": PRIMARY, "LK": COMPLEMENTARY}
    assert protected.rows() == [("NP", 50), ("CU", None), ("IN", 20), ("LK", None), (TOTAL, 85)]
    (cu, lk) = audit(protected)
    assert (cu.lower, cu.upper, cu.safe) == (0, 15, True)
    assert (lk.lower, lk.upper, lk.safe) == (0, 15, True)


def test_primary_only_one_way_is_caught_by_the_audit():
    naive = disclosure.ProtectedCounts(
        k=10,
        cells={"NP": Cell(50), "CU": Cell(None, PRIMARY), "IN": Cell(20)},
        total=Cell(73),
    )
    (finding,) = audit(naive)
    assert (finding.lower, finding.upper) == (3, 3) and not finding.safe


def test_small_cells_whose_sum_is_still_small_get_a_complement():
    protected = protect_counts({"A": 2, "B": 3, "C": 40, "D": 30})
    assert protected.suppressed() == {"A": PRIMARY, "B": PRIMARY, "D": COMPLEMENTARY}


def test_small_cells_summing_to_k_protect_each_other():
    protected = protect_counts({"A": 6, "B": 7, "C": 40})
    assert protected.suppressed() == {"A": PRIMARY, "B": PRIMARY}
    assert all(f.safe and f.upper == 13 for f in audit(protected))


def test_without_a_total_only_small_cells_go():
    protected = protect_counts({"A": 3, "B": 40, "C": 0}, total=False)
    assert protected.rows() == [("A", None), ("B", 40), ("C", 0)]
    assert [(f.lower, f.upper) for f in audit(protected)] == [(0, math.inf)]


def test_a_total_below_k_is_suppressed_and_zeros_stay():
    protected = protect_counts({"A": 3, "B": 0, "C": 4})
    assert protected.rows() == [("A", None), ("B", 0), ("C", None), (TOTAL, None)]
    assert all(f.safe for f in audit(protected))


def test_k_is_configurable():
    counts = {"A": 4, "B": 6, "C": 25, "D": 30}
    assert protect_counts(counts, 3).suppressed() == {}
    assert protect_counts(counts, 5).suppressed() == {"A": PRIMARY, "B": COMPLEMENTARY}
    assert set(protect_counts(counts, 10).suppressed()) == {"A", "B"}
    assert set(protect_counts(counts, 26).suppressed()) == {"A", "B", "C"}
    assert protect_counts(counts, 1).suppressed() == {}
    with pytest.raises(ValueError):
        protect_counts(counts, 0)


def test_empty_input():
    assert protect_counts({}).rows() == [(TOTAL, 0)]
    assert audit(protect_counts({})) == []
    empty = protect_table({})
    assert empty.rows() == [(TOTAL, TOTAL, 0)] and audit(empty) == []
    assert fold_small({}, 10, region_of_country) == {}


@settings(max_examples=100, deadline=None)
@given(
    st.dictionaries(
        st.text("ABCDEFGH", min_size=1, max_size=2),
        st.one_of(st.integers(0, 12), st.integers(0, 400)),
        max_size=9,
    ),
    st.integers(1, 15),
    st.booleans(),
)
def test_one_way_published_counts_reveal_no_small_count(counts, k, total):
    protected = protect_counts(counts, k, total=total)
    reasons = protected.suppressed()
    for key, value in protected.rows():
        true = sum(counts.values()) if key == TOTAL else counts[key]
        if value is None:
            assert true > 0 and (reasons[key] == PRIMARY) == (true < k)
        else:
            assert value == true and (value == 0 or value >= k)
    assert all(f.safe for f in audit(protected))
    hidden = [key for key in reasons if key != TOTAL]
    if total and TOTAL not in reasons and hidden:
        # the attacker's best: the suppressed cells share what the total leaves
        assert len(hidden) >= 2 and sum(counts[key] for key in hidden) >= k


# --- two-way tables ---------------------------------------------------------------

# Countries × years where primary suppression alone leaks: CU 2023 is alone in its row
# (its value follows from the row total), and the four small cells of LK/MM × 2023/2024
# are bounded by their totals to 0..7.
HAND = {
    ("NP", "2023"): 40, ("NP", "2024"): 60, ("NP", "2025"): 25,
    ("CU", "2023"): 4, ("CU", "2024"): 30, ("CU", "2025"): 22,
    ("LK", "2023"): 3, ("LK", "2024"): 4, ("LK", "2025"): 20,
    ("MM", "2023"): 5, ("MM", "2024"): 6, ("MM", "2025"): 30,
}  # fmt: skip


def primary_only(counts, k):
    rows = tuple(dict.fromkeys(r for r, _ in counts))
    columns = tuple(dict.fromkeys(c for _, c in counts))
    truth = truth_with_margins(counts, rows, columns)

    def cell(key):
        return Cell(None, PRIMARY) if 0 < truth[key] < k else Cell(truth[key])

    return ProtectedTable(
        k,
        rows,
        columns,
        {(r, c): cell((r, c)) for r in rows for c in columns},
        {r: cell((r, TOTAL)) for r in rows},
        {c: cell((TOTAL, c)) for c in columns},
        cell((TOTAL, TOTAL)),
    )


def test_primary_only_two_way_is_recoverable_and_the_audit_says_so():
    naive = primary_only(HAND, 10)
    found = {f.cell: f for f in audit(naive)}
    assert (found["CU", "2023"].lower, found["CU", "2023"].upper) == (4, 4)
    # two suppressed per row and column, still bounded below k: the naive rule is not enough
    assert found["LK", "2023"].upper == 7 and not found["LK", "2023"].safe
    assert {key for key, f in found.items() if not f.safe} == set(found)

    protected = protect_table(HAND, 10)
    assert_protected_table(HAND, protected, 10)
    assert {key for key, reason in protected.suppressed().items() if reason == PRIMARY} == set(
        found
    )


def test_a_row_total_below_k_is_suppressed_with_a_complement():
    counts = {("A", "x"): 30, ("A", "y"): 40, ("B", "x"): 3, ("B", "y"): 2, ("C", "x"): 50}
    counts[("C", "y")] = 20
    protected = protect_table(counts, 10)
    reasons = protected.suppressed()
    assert reasons["B", TOTAL] == PRIMARY
    assert sum(1 for r, c in reasons if c == TOTAL and r != TOTAL) >= 2
    assert_protected_table(counts, protected, 10)


def test_a_grand_total_below_k_hides_every_positive_count():
    counts = {("A", "x"): 3, ("A", "y"): 0, ("B", "x"): 1, ("B", "y"): 2}
    protected = protect_table(counts, 10)
    assert [v for *_, v in protected.rows()] == [None, 0, None, None, None, None, None, None, None]
    assert_protected_table(counts, protected, 10)


def test_without_margins_only_small_cells_go():
    protected = protect_table(HAND, 10, margins=False)
    assert set(protected.suppressed()) == {k for k, v in HAND.items() if v < 10}
    assert protected.grid()[0] == ["", "2023", "2024", "2025"]
    assert all(f.safe and f.upper == math.inf for f in audit(protected))


def random_tables(seed: int, count: int):
    rng = np.random.default_rng(seed)
    for _ in range(count):
        n_rows, n_columns = (int(n) for n in rng.integers(1, 7, size=2))
        k = int(rng.choice([2, 3, 5, 10]))
        draw = rng.random((n_rows, n_columns))
        small = rng.integers(1, k, size=(n_rows, n_columns))
        large = rng.integers(k, 5 * k + 20, size=(n_rows, n_columns))
        grid = np.where(draw < 0.2, 0, np.where(draw < 0.6, small, large))
        counts = {
            (f"r{r}", f"c{c}"): int(grid[r, c]) for r in range(n_rows) for c in range(n_columns)
        }
        yield counts, k


@pytest.mark.parametrize("seed", range(4))
def test_random_tables_reveal_no_small_count(seed):
    for counts, k in random_tables(seed, 10):
        assert_protected_table(counts, protect_table(counts, k), k)


def test_outputs_are_plain_json_without_reasons():
    protected = protect_table(HAND, 10)
    text = json.dumps(protected.to_dict()) + json.dumps(protect_counts({"A": 3}).to_dict())
    assert PRIMARY not in text and COMPLEMENTARY not in text
    grid = protected.grid()
    assert grid[0] == ["", "2023", "2024", "2025", TOTAL]
    assert grid[-1][-1] == sum(HAND.values())


def test_bad_input_is_refused():
    with pytest.raises(ValueError, match="negative"):
        protect_counts({"A": -1})
    with pytest.raises(TypeError, match="whole number"):
        protect_counts({"A": 2.5})  # type: ignore[dict-item]
    with pytest.raises(ValueError, match="reserved"):
        protect_table({(TOTAL, "2024"): 3})


# --- folding ------------------------------------------------------------------------


def test_region_of_country():
    assert region_of_country("NP") == "Asia"
    assert region_of_country("cu") == "Americas"
    assert region_of_country("XX") is None


def test_fold_small_into_regions_then_other():
    counts = {"NP": 50, "IN": 4, "LK": 7, "CU": 3, "XX": 2, "RU": 0, "DE": 12}
    folded = fold_small(counts, 10, region_of_country)
    assert folded == {"NP": 50, "RU": 0, "DE": 12, "Asia (other)": 11, OTHER: 5}


@settings(max_examples=100, deadline=None)
@given(
    st.dictionaries(st.sampled_from(["NP", "IN", "LK", "CU", "BR", "DE", "FR", "XX", "GE-AB"]),
                    st.integers(0, 30)),
    st.integers(1, 20),
)  # fmt: skip
def test_fold_small_keeps_the_sum_and_every_group_reaches_k(counts, k):
    folded = fold_small(counts, k, region_of_country)
    assert sum(folded.values()) == sum(counts.values())
    for key, n in folded.items():
        if key in counts:
            assert n == counts[key] and (n == 0 or n >= k)
        else:
            assert key == OTHER or n >= k


def test_fold_rows_of_a_table():
    counts = {("NP", "2023"): 30, ("IN", "2023"): 3, ("IN", "2024"): 2, ("LK", "2024"): 6}
    counts |= {("CU", "2024"): 4}
    folded = fold_rows(counts, 10, region_of_country)
    assert folded == {
        ("NP", "2023"): 30,
        ("Asia (other)", "2023"): 3,
        ("Asia (other)", "2024"): 8,
        (OTHER, "2024"): 4,
    }
