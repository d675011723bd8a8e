"""Figures: a number with its name, definition, as-of moment and the persons behind it.

A figure is defined once, by a selection over a `Snapshot`: a data frame with one row
per person (or cell of persons) it counts (`row_id`, `weight`) and, for a table figure, the row's label(s). From
that one selection come the figure's value, its table, and its persons, so the three
can never disagree.

>>> compute_figures(store)                         # every figure, now
>>> compute_figure(store, "killed", as_of=moment)   # one, as known then
>>> figure_persons(store, "killed", label="NP")     # the persons behind one cell
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import pandas as pd

from nomina.stats.snapshot import Snapshot, load_snapshot, snapshot_from_events
from nomina.store import Store

Label = str | tuple[str, ...]


@dataclass(frozen=True)
class Figure:
    name: str
    definition: str
    select: Callable[[Snapshot], pd.DataFrame]  # row_id, weight (+ the label columns)
    labels: tuple[str, ...] = ()  # names of the label columns; () for a single number
    value: str = "persons"  # persons: distinct persons | labels: distinct labels
    share: bool = False  # table cells as % of the value (the persons counted)
    by_country: bool = False  # the first label is a country code (for folding)
    total: Callable[[Snapshot], int] | None = None  # the value, when not the rows' persons

    def compute(self, store: Store, as_of: dt.datetime | None = None) -> FigureResult:
        return evaluate(self, _snapshot(store, as_of))

    def persons(
        self, store: Store, as_of: dt.datetime | None = None, label: Label | None = None
    ) -> list[int]:
        return persons_behind(self, _snapshot(store, as_of, per_person=True), label)


@dataclass(frozen=True)
class FigureResult:
    name: str
    definition: str
    as_of: dt.datetime | None
    value: int | None  # None: suppressed by disclosure control
    labels: tuple[str, ...]
    table: dict[Label, int | None] | None  # label (a tuple for two labels) → persons
    share: bool = False  # rows also give each count as a percentage of the value
    by_country: bool = False

    def rows(self) -> list[dict[str, Any]]:
        """The table as rows: label column(s), `count`, and `percent` for a share.

        A count of None (suppressed by disclosure control) stays None, and so does its share.
        """
        out = []
        for label, number in (self.table or {}).items():
            parts = label if isinstance(label, tuple) else (label,)
            row: dict[str, Any] = {**dict(zip(self.labels, parts, strict=True)), "count": number}
            if self.share:
                row["percent"] = (
                    round(100 * number / self.value, 1)
                    if number is not None and self.value
                    else None
                )
            out.append(row)
        return out

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "definition": self.definition,
            "as_of": self.as_of.isoformat(sep=" ", timespec="seconds") if self.as_of else None,
            "value": self.value,
            "rows": self.rows() if self.table is not None else None,
        }


REGISTRY: dict[str, Figure] = {}


def register(figure: Figure) -> Figure:
    if figure.name in REGISTRY:
        raise ValueError(f"figure {figure.name!r} defined twice")
    REGISTRY[figure.name] = figure
    return figure


def get_figure(name: str) -> Figure:
    """The figure called `name`; KeyError with the known names otherwise."""
    _load_definitions()
    try:
        return REGISTRY[name]
    except KeyError:
        raise KeyError(f"no figure {name!r}; known: {', '.join(REGISTRY)}") from None


def all_figures() -> list[Figure]:
    _load_definitions()
    return list(REGISTRY.values())


def compute_figures(
    store: Store, as_of: dt.datetime | None = None, names: Sequence[str] | None = None
) -> list[FigureResult]:
    """The figures (all, or `names`) over one snapshot of the register."""
    figures = [get_figure(name) for name in names] if names else all_figures()
    snapshot = _snapshot(store, as_of)
    return [evaluate(figure, snapshot) for figure in figures]


def compute_figure(store: Store, name: str, as_of: dt.datetime | None = None) -> FigureResult:
    return get_figure(name).compute(store, as_of)


def figure_persons(
    store: Store, name: str, as_of: dt.datetime | None = None, label: Label | None = None
) -> list[int]:
    """The ids of the persons behind a figure (or behind one cell of its table)."""
    return get_figure(name).persons(store, as_of, label)


def evaluate(figure: Figure, snapshot: Snapshot) -> FigureResult:
    chosen = figure.select(snapshot)
    if figure.total is not None:
        value = int(figure.total(snapshot))
    elif figure.value == "labels":
        value = int(chosen[figure.labels[0]].nunique())
    else:
        value = int(chosen.drop_duplicates("row_id")["weight"].sum())
    table = None
    if figure.labels:
        counts = chosen.groupby(list(figure.labels), sort=True)["weight"].sum()
        table = {_label(key): int(n) for key, n in counts.items() if n}
    return FigureResult(figure.name, figure.definition, snapshot.as_of, value, figure.labels,
                        table, figure.share, figure.by_country)  # fmt: skip


def persons_behind(figure: Figure, snapshot: Snapshot, label: Label | None = None) -> list[int]:
    """Person ids; the snapshot must be per person (load_snapshot(per_person=True))."""
    if not snapshot.per_person:
        raise ValueError("the persons behind a figure need a snapshot per person")
    chosen = figure.select(snapshot)
    if label is not None:
        if not figure.labels:
            raise KeyError(f"figure {figure.name!r} is a single number: it has no rows")
        parts = label if isinstance(label, tuple) else (label,)
        if len(parts) != len(figure.labels):
            raise KeyError(
                f"figure {figure.name!r} has rows labelled {' × '.join(figure.labels)}: "
                f"give {len(figure.labels)} part(s) separated by '|'"
            )
        for column, part in zip(figure.labels, parts, strict=True):
            chosen = chosen[chosen[column].astype(str) == str(part)]
    return sorted(int(person_id) for person_id in chosen["row_id"].unique())


def _label(key: Any) -> Label:
    if isinstance(key, tuple):
        return tuple(str(part) for part in key)
    return str(key)


def _snapshot(store: Store, as_of: dt.datetime | None, *, per_person: bool = False) -> Snapshot:
    if as_of is None:
        return load_snapshot(store, per_person=per_person)
    return snapshot_from_events(store, as_of)


def _load_definitions() -> None:
    from nomina.stats import definitions  # noqa: F401 - registers the figures
