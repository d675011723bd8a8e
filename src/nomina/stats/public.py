"""Figures for the public: every count through disclosure control (nomina.stats.disclosure).

A table figure's cells go through `protect_counts` (one label) or `protect_table` (two
labels); a single number of persons through `protect_counts` as a one-cell table, so a
number below k is suppressed too. A suppressed cell is None. With `fold`, the rows of a
table by country are first folded into regions (`fold_small`, `fold_rows`), so small
countries are counted, not suppressed. A figure
whose value counts countries (not persons) keeps its value; its table is protected.
Where the value is the table's total (each person in one row), it is published as the
protected total, so the complementary suppression covers it.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from nomina.stats.figures import FigureResult, get_figure


def protect_figure(result: FigureResult, *, k: int = 10, fold: bool = False) -> FigureResult:
    """The figure as it may be published: small cells suppressed (None)."""
    from nomina.stats import disclosure

    value = result.value
    counts_labels = get_figure(result.name).value == "labels"
    if result.table is None:
        if value is not None and not counts_labels:
            value = disclosure.protect_counts({"value": value}, k, total=False).cells["value"].value
        return replace(result, value=value)
    table: dict[Any, int] = {label: n for label, n in result.table.items() if n is not None}
    two_way = len(result.labels) > 1
    if fold and result.by_country:
        region = disclosure.region_of_country
        table = (
            disclosure.fold_rows(table, k, region) if two_way
            else disclosure.fold_small(table, k, region)
        )  # fmt: skip
    # The value is published as the table's total when it is one (each person in one row).
    adds_up = not counts_labels and value == sum(table.values())
    if two_way:
        protected = disclosure.protect_table(table, k, margins=adds_up)
        cells = {label: cell.value for label, cell in protected.cells.items()}
        total = protected.grand_total
    else:
        protected = disclosure.protect_counts(table, k, total=adds_up)
        cells = {label: cell.value for label, cell in protected.cells.items()}
        total = protected.total
    if adds_up and total is not None:
        value = total.value
    elif not counts_labels and value is not None:
        value = disclosure.protect_counts({"value": value}, k, total=False).cells["value"].value
    return replace(result, value=value, table={label: cells.get(label) for label in table})
