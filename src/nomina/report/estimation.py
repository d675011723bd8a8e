"""The estimate a report shows beside the named count: multiple systems estimation over
the persons known with certainty, one list per source (nomina.estimate), or a note
saying why there is none.
"""

from __future__ import annotations

import datetime as dt

from nomina.estimate import EstimateError, capture_histories, estimate_table
from nomina.report.model import EstimateSummary
from nomina.store import Store

MINIMUM_LISTS = 3
DEFINITION = (
    "Persons known with certainty, including those on no list: multiple systems "
    "estimation over the sources (each source a list; LCMCR posterior median with its "
    "95% credible interval, the AIC log-linear model beside it). The named count is the "
    "persons known with certainty that the sources name."
)


def estimate_summary(
    store: Store,
    named: int | None,
    *,
    as_of: dt.datetime | None = None,
    iterations: int = 20_000,
    seed: int | None = 1,
) -> tuple[EstimateSummary | None, str | None]:
    """The estimate, or None and a note saying why there is none."""
    if as_of is not None:
        return None, (
            "No estimate as of a past date: the capture histories are those of the register "
            "now. Run the report without --as-of for the estimate."
        )
    if named is None:
        return None, "No estimate: the named count is below the publication threshold."
    tables = capture_histories(store, lists="source", certainty=["confirmed"])
    table = tables.get("all")
    lists = [name for name, size in table.list_sizes.items() if size] if table else []
    if len(lists) < MINIMUM_LISTS:
        return None, (
            f"No estimate: multiple systems estimation needs at least {MINIMUM_LISTS} sources "
            f"naming persons known with certainty; the register has {len(lists)}."
        )
    try:
        result = estimate_table(table, method="both", iterations=iterations, seed=seed)
    except (EstimateError, ValueError) as error:
        return None, f"No estimate: {error}"
    if result.get("estimate") is None or not result.get("interval"):
        return None, "No estimate: the models gave none (see `nomina estimate`)."
    if result.get("estimable") is False:  # too few persons on two or more sources
        return None, (
            "No estimate: too few persons are named by two or more sources for multiple "
            "systems estimation to say anything (see `nomina estimate`)."
        )
    low, high = result["interval"]
    return (
        EstimateSummary(
            named=named,
            estimate=float(result["estimate"]),
            interval=(float(low), None if high is None else float(high)),
            method="LCMCR",
            lists=tuple(result["lists"]),
            definition=DEFINITION,
            warnings=tuple(result["warnings"]),
        ),
        None,
    )
