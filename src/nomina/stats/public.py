"""Figures for the public: every count through disclosure control (nomina.stats.disclosure).

A table figure's cells go through `protect_counts` (one label) or `protect_table` (two
labels); a single number of persons through `protect_counts` as a one-cell table, so a
number below k is suppressed too. A suppressed cell is None. With `fold`, the rows of a
table by country are first folded: countries `fold_small` would fold go into their
region (`region_of_country`), so small countries are counted, not suppressed. A figure
whose value counts countries (not persons) keeps its value; its table is protected.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from typing import Any

from nomina.stats.figures import FigureResult


def protect_figure(result: FigureResult, *, k: int = 10, fold: bool = False) -> FigureResult:
    """The figure as it may be published: small cells suppressed (None)."""
    from nomina.stats import disclosure

    table = result.table
    value = result.value
    if table is not None:
        if fold and result.by_country:
            table = _folded(table, k, disclosure)
        if len(result.labels) == 1:
            protected = disclosure.protect_counts(
                {str(label): n for label, n in table.items()}, k, total=False
            )
        else:
            protected = disclosure.protect_table(dict(table), k, margins=False)
        cells = _cells(protected)
        table = {
            label: cells.get(label if len(result.labels) > 1 else str(label)) for label in table
        }
    if value is not None and not _counts_labels(result):
        value = _cells(disclosure.protect_counts({"value": value}, k, total=False)).get("value")
    return replace(result, value=value, table=table)


def _counts_labels(result: FigureResult) -> bool:
    from nomina.stats.figures import get_figure

    return get_figure(result.name).value == "labels"


def _folded(table: Mapping[Any, int | None], k: int, disclosure: Any) -> dict[Any, int]:
    """Rows of small countries moved into their region, as fold_small decides."""
    totals: dict[str, int] = {}
    for label, n in table.items():
        country = label[0] if isinstance(label, tuple) else label
        totals[country] = totals.get(country, 0) + (n or 0)
    kept = set(disclosure.fold_small(totals, k, disclosure.region_of_country)) & set(totals)
    folded: dict[Any, int] = {}
    for label, n in table.items():
        country = label[0] if isinstance(label, tuple) else label
        name = country if country in kept else disclosure.region_of_country(country)
        key = (name, *label[1:]) if isinstance(label, tuple) else name
        folded[key] = folded.get(key, 0) + (n or 0)
    return folded


def _cells(protected: Any) -> dict[Any, int | None]:
    """The protected cells, label → count or None, whatever holds them."""
    if isinstance(protected, Mapping):
        return dict(protected)
    for name in ("cells", "counts", "values"):
        held = getattr(protected, name, None)
        if isinstance(held, Mapping):
            return dict(held)
    raise TypeError(f"cannot read the cells of {type(protected).__name__} from disclosure control")
