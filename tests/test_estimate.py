"""Multiple systems estimation: published tables, simulated populations, bad tables, warnings.

Published tables (tests/data/estimate/*.csv, each with its citation in a comment header):
- Kosovo killings 1999, four lists (Ball et al. 2002): published 10,356, 95% 9,002-12,122.
- Hepatitis A, Taiwan 1995, three lists (Chao et al. 2001).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from nomina.estimate import (
    TableError,
    estimate_strata,
    estimate_table,
    independence_estimate,
    lcmcr_estimate,
    loglinear_estimate,
    read_table,
    table_from_patterns,
)
from nomina.estimate.diagnostics import MIN_OVERLAP, on_two_or_more, table_warnings
from nomina.estimate.table import parse_table

DATA = Path(__file__).parent / "data" / "estimate"
KOSOVO_PUBLISHED = (9_002, 12_122)  # Ball et al. (2002), 95% interval around 10,356


def simulate(
    total: int, probabilities: list[list[float]], shares: list[float], seed: int
) -> tuple[list[str], np.ndarray]:
    """Capture patterns of a population in latent classes (one class: independent lists)."""
    rng = np.random.default_rng(seed)
    classes = rng.choice(len(shares), size=total, p=shares)
    p = np.asarray(probabilities)[classes]
    caught = (rng.random(p.shape) < p).astype(np.uint8)
    names = [f"L{j + 1}" for j in range(p.shape[1])]
    return names, caught[caught.any(axis=1)]


def table_of(names: list[str], caught: np.ndarray):
    return table_from_patterns(names, caught, [1] * len(caught))


# --- published tables ---------------------------------------------------------------


def test_kosovo_table_reads_as_published():
    table = read_table(DATA / "kosovo.csv")
    assert table.lists == ("EXH", "ABA", "OSCE", "HRW")
    assert table.observed == 4_400 and len(table.counts) == 15


def test_kosovo_loglinear_bic_model_reproduces_ball_et_al():
    result = loglinear_estimate(read_table(DATA / "kosovo.csv"))
    low, high = KOSOVO_PUBLISHED
    assert low <= result.bic.total <= high
    assert abs(result.bic.total - 10_356) < 5  # the model Ball et al. published
    bic_low, bic_high = result.bic_interval
    assert abs(bic_low - 9_002) < 50 and abs(bic_high - 12_122) < 50
    assert result.search == "exhaustive" and result.models_fitted > 100


def test_kosovo_lcmcr_lies_inside_the_published_interval():
    result = lcmcr_estimate(read_table(DATA / "kosovo.csv"), iterations=6_000, seed=11)
    low, high = KOSOVO_PUBLISHED
    assert low <= result.estimate <= high
    assert result.interval[0] < 10_401 < result.interval[1]  # the Kosovo Memory Book count
    assert len(result.samples) == (6_000 - 1_500) // 10


def test_hepatitis_a_loglinear_models_as_chao_et_al():
    table = read_table(DATA / "hav_taiwan.csv")
    assert table.list_sizes == {"P": 135, "Q": 122, "E": 126} and table.observed == 271
    total, (low, high) = independence_estimate(table)
    assert round(total) == 388 and low < total < high
    result = loglinear_estimate(table)
    # Three lists, all three pairwise interactions: the most a three-list table identifies.
    assert result.aic.name == "[P:Q, P:E, Q:E]" and round(result.aic.total) == 1_313
    assert result.interval[0] < 1_313 < result.interval[1]


def test_hepatitis_a_lcmcr_between_independence_and_the_saturated_model():
    result = lcmcr_estimate(read_table(DATA / "hav_taiwan.csv"), iterations=5_000, seed=5)
    # Heterogeneity raises the total above independence (388), and the latent classes do
    # not chase the saturated model's 1,313 (whose interval reaches 3,000).
    assert 388 < result.estimate < 1_313
    assert result.interval[0] > 271 and result.interval[1] < 3_000


# --- simulated populations ----------------------------------------------------------


def test_loglinear_recovers_an_independent_population():
    covered = 0
    for seed in (4, 5, 6, 7):
        names, caught = simulate(5_000, [[0.3, 0.4, 0.25, 0.35]], [1.0], seed=seed)
        table = table_of(names, caught)
        result = loglinear_estimate(table)
        assert abs(result.estimate - 5_000) / 5_000 < 0.05
        covered += result.interval[0] <= 5_000 <= result.interval[1]
        # The true model: AIC may add a spurious interaction, the independence model is exact.
        total, (low, high) = independence_estimate(table)
        assert low <= 5_000 <= high and abs(total - 5_000) / 5_000 < 0.03
    assert covered >= 3


def test_lcmcr_recovers_a_heterogeneous_population():
    # Two classes that lists see very differently: independence underestimates here.
    names, caught = simulate(
        2_000, [[0.4, 0.5, 0.3, 0.4, 0.5], [0.08, 0.1, 0.05, 0.1, 0.08]], [0.7, 0.3], seed=8
    )
    table = table_of(names, caught)
    result = lcmcr_estimate(table, iterations=6_000, seed=2)
    assert result.interval[0] <= 2_000 <= result.interval[1]
    independence, _ = independence_estimate(table)
    assert independence < result.estimate


def test_lcmcr_same_seed_same_draws():
    table = read_table(DATA / "hav_taiwan.csv")
    first = lcmcr_estimate(table, iterations=500, seed=9)
    again = lcmcr_estimate(table, iterations=500, seed=9)
    assert np.array_equal(first.samples, again.samples)


def test_greedy_search_for_six_lists():
    names, caught = simulate(3_000, [[0.2, 0.3, 0.25, 0.15, 0.3, 0.2]], [1.0], seed=4)
    result = loglinear_estimate(table_of(names, caught))
    assert result.search == "greedy"
    assert result.interval[0] <= 3_000 <= result.interval[1]


# --- bad tables ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "empty file"),
        ("# only a comment\n", "empty file"),
        ("A,B,n\n1,0,3\n", "no `count` column"),
        ("A,count\n1,3\n", "only 1 list column (A)"),
        ("A,B,count\n1,2,3\n", "line 2, column `B`: '2' is not 0 or 1"),
        ("A,B,count\n1,0,3\nx,1,2\n", "line 3, column `A`: 'x' is not 0 or 1"),
        ("A,B,count\n1,0,-3\n", "line 2, column `count`: '-3' is negative"),
        ("A,B,count\n1,0,2.5\n", "line 2, column `count`: '2.5' is not a whole number"),
        ("A,B,count\n1,0,many\n", "'many' is not a number"),
        ("A,B,count\n1,0,3\n0,0,7\n", "line 3: the all-zero pattern"),
        ("A,B,count\n1,0,3\n0,1,2\n1,0,4\n", "line 4: the pattern 10 repeats line 2"),
        ("A,B,count\n", "no rows under the header"),
        ("A,B,count\n1,0\n", "line 2: 2 cells, the header has 3"),
        ("A,B,count\n1,0,0\n", "every count is 0"),
        ("# cited\nA,B,count\n1,1,2\n1,1,3\n", "line 4: the pattern 11 repeats line 3"),
    ],
)
def test_bad_tables_name_file_line_and_column(text, message):
    with pytest.raises(TableError) as caught:
        parse_table(text, "lists.csv")
    assert str(caught.value).startswith("lists.csv: ")
    assert message in str(caught.value)


def test_table_reads_semicolons_comments_and_any_case_count(tmp_path):
    path = tmp_path / "t.csv"
    path.write_text("# source: test\nA;B;C;Count\n1;0;0;4\n0;1;1;0\n1;1;1;2\n", encoding="utf-8")
    table = read_table(path)
    assert table.lists == ("A", "B", "C") and table.observed == 6
    assert table.complete().counts.tolist() == [0, 0, 0, 4, 0, 0, 2]


# --- warnings -----------------------------------------------------------------------


def test_warnings_name_what_is_wrong():
    two = table_from_patterns(["A", "B"], [[1, 0], [0, 1], [1, 1]], [50, 40, 10])
    assert any("only 2 lists" in w for w in table_warnings(two))
    apart = table_from_patterns(["A", "B", "C"], [[1, 0, 0], [0, 1, 0], [0, 0, 1]], [9, 8, 7])
    assert any("nobody is on two lists" in w for w in table_warnings(apart))
    together = table_from_patterns(["A", "B", "C"], [[1, 1, 1]], [30])
    assert any("every person is on every list" in w for w in table_warnings(together))
    dominant = table_from_patterns(
        ["A", "B", "C"], [[1, 0, 0], [1, 1, 0], [1, 0, 1], [0, 1, 1]], [900, 40, 30, 3]
    )
    messages = table_warnings(dominant)
    assert any("list A holds 970 of the 973" in w for w in messages)
    assert any("sparse table" in w for w in messages)
    clean = read_table(DATA / "kosovo.csv")
    assert table_warnings(clean) == []


def test_estimate_table_warns_on_unstable_selection_and_wide_intervals():
    result = estimate_table(read_table(DATA / "hav_taiwan.csv"), iterations=1_000, seed=1)
    assert result["method"] == "both" and result["observed"] == 271
    assert result["estimate"] == result["lcmcr"]["estimate"]
    assert any("wider than the estimate" in w for w in result["warnings"])
    kosovo = estimate_table(read_table(DATA / "kosovo.csv"), method="loglinear")
    assert any("model selection unstable" in w for w in kosovo["warnings"])
    assert kosovo["estimate"] == kosovo["loglinear"]["estimate"] and "lcmcr" not in kosovo


# --- tables the lists barely overlap in -----------------------------------------------

RARE = [[0.12, 0.07, 0.02, 0.02, 0.01, 0.01]]  # six lists that each see few of 100


def test_a_table_with_too_little_overlap_is_not_estimable():
    names, caught = simulate(100, RARE, [1.0], seed=2)
    table = table_of(names, caught)
    assert table.observed == 21 and 0 < on_two_or_more(table) < MIN_OVERLAP
    result = estimate_table(table, method="lcmcr", iterations=3_000, seed=1)
    # Why the rule: the interval looks informative and misses the 100 by far.
    assert result["interval"][1] < 100
    assert result["estimable"] is False and result["on_two_or_more"] == on_two_or_more(table)
    assert any("read the observed count as a lower bound" in w for w in result["warnings"])
    kosovo = estimate_table(read_table(DATA / "kosovo.csv"), method="loglinear")
    assert kosovo["estimable"] is True


def test_strata_total_counts_a_thin_stratum_as_observed_and_has_no_upper_bound():
    names, caught = simulate(2_000, [[0.3, 0.4, 0.35, 0.2, 0.25, 0.3]], [1.0], seed=4)
    well = table_of(names, caught)
    thin = table_of(*simulate(100, RARE, [1.0], seed=2))
    result = estimate_strata({"well": well, "thin": thin}, method="lcmcr", iterations=3_000, seed=1)
    estimated = result["strata"]["well"]
    assert estimated["estimable"] and not result["strata"]["thin"]["estimable"]
    assert result["estimate"] == round(estimated["estimate"] + thin.observed, 1)
    assert result["interval"] == [round(estimated["interval"][0] + thin.observed, 1), None]
    part = result["estimable_strata"]
    assert part["strata"] == ["well"] and part["observed"] == well.observed
    assert part["interval"] == estimated["interval"]  # one stratum: its own draws
    assert part["interval"][0] <= 2_000 <= part["interval"][1]
    assert any(w.startswith("not estimated: thin (21 observed)") for w in result["warnings"])


def test_strata_that_all_overlap_enough_keep_a_bounded_total():
    tables = {
        name: table_of(*simulate(1_500, [[0.3, 0.4, 0.35, 0.2]], [1.0], seed=seed))
        for name, seed in (("2024", 5), ("2025", 6))
    }
    result = estimate_strata(tables, method="lcmcr", iterations=3_000, seed=1)
    low, high = result["interval"]
    assert high is not None and low <= 3_000 <= high
    assert result["estimable_strata"]["interval"] == result["interval"]
    assert not any(w.startswith("not estimated") for w in result["warnings"])
