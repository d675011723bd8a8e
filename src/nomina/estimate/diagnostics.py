"""Warnings about a capture table and its estimates, as plain sentences for the analyst.

Multiple systems estimation rests on assumptions the data can only partly check; these
are the signs, visible in the table or the results, that an estimate should not be
published without a closer look.
"""

from __future__ import annotations

from nomina.estimate.table import CaptureTable

SMALL_CELL = 5
SPARSE_SHARE = 0.5  # of the 2^J - 1 observable cells below SMALL_CELL
DOMINANT_SHARE = 0.8  # of the observed on one list
UNSTABLE_RATIO = 0.2  # AIC and BIC totals apart by more than this share
WIDE_RATIO = 1.0  # interval width over the estimate
# Persons on two or more lists below which a table cannot bound what every list missed.
# The recaptures of a two-sample study play this part: Robson & Regier (1964) found the
# (Chapman) Lincoln-Petersen estimate nearly unbiased from 7 recaptures on (the rule of
# thumb as it is usually quoted). With fewer,
# the estimate rests on the models' priors and form more than on the data: a table in
# which one list holds nearly everyone is fitted as well by "that list saw them all" as
# by "the lists saw few of many", and LCMCR's interval then looks informative and is
# not (100 simulated persons, about 20 seen, 0-5 on two lists: every 95% interval of
# tests/test_estimate.py's seeds lies below 100).
MIN_OVERLAP = 7


def on_two_or_more(table: CaptureTable) -> int:
    """Persons on two or more lists: the overlap every estimate of the unseen rests on."""
    return int(table.counts[table.patterns.sum(axis=1) >= 2].sum())


def overlap_warning(table: CaptureTable) -> str | None:
    """Too little overlap to estimate anything but a lower bound."""
    overlap = on_two_or_more(table)
    if overlap >= MIN_OVERLAP or overlap == 0:  # none at all: table_warnings says so
        return None
    return (
        f"only {overlap} of the {table.observed:,} observed are on two or more lists "
        f"(fewer than {MIN_OVERLAP}): the lists barely overlap, so the data cannot bound how "
        "many they all missed; read the observed count as a lower bound, not the estimate"
    )


def table_warnings(table: CaptureTable) -> list[str]:
    """What the table alone says: too few lists, sparse cells, one dominant list, no overlap."""
    out: list[str] = []
    width = len(table.lists)
    observed = table.observed
    if width < 3:
        out.append(
            f"only {width} lists: with two lists the estimate must assume they are independent, "
            "which no model can check; three or more are needed to model dependence"
        )
    full = table.complete()
    cells = len(full.counts)
    small = int((full.counts < SMALL_CELL).sum())
    empty = int((full.counts == 0).sum())
    if small > SPARSE_SHARE * cells:
        out.append(
            f"sparse table: {small} of {cells} capture patterns have fewer than {SMALL_CELL} "
            f"persons ({empty} have none); estimates lean on few persons "
            "(try --lists kind to group small sources)"
        )
    for name, size in table.list_sizes.items():
        if observed and size >= DOMINANT_SHARE * observed:
            out.append(
                f"list {name} holds {size:,} of the {observed:,} observed ({size / observed:.0%}): "
                "the other lists add little to measure what it misses"
            )
    on_lists = table.patterns.sum(axis=1)
    if observed and bool((on_lists[table.counts > 0] == 1).all()):
        out.append(
            "no capture variation: nobody is on two lists, so there is no overlap to estimate "
            "from; any total is an artefact of the model"
        )
    elif observed and bool((on_lists[table.counts > 0] == width).all()):
        out.append(
            "no capture variation: every person is on every list; the lists do not show anyone "
            "missed, but they may share one way of finding people"
        )
    return out


def selection_warning(aic_total: float, bic_total: float) -> str | None:
    """AIC and BIC choosing models with very different totals: the choice is unstable."""
    low, high = sorted((aic_total, bic_total))
    if low > 0 and (high - low) / low > UNSTABLE_RATIO:
        return (
            f"model selection unstable: AIC picks a model with total {aic_total:,.0f}, "
            f"BIC one with {bic_total:,.0f}"
        )
    return None


def interval_warning(
    method: str, estimate: float, interval: tuple[float, float | None]
) -> str | None:
    low, high = interval
    if high is None or high == float("inf"):
        return f"{method}: the 95% interval has no upper bound; the data cannot bound the total"
    if estimate > 0 and (high - low) / estimate > WIDE_RATIO:
        return (
            f"{method}: the 95% interval ({low:,.0f}-{high:,.0f}) is wider than the estimate "
            f"itself ({estimate:,.0f})"
        )
    return None
