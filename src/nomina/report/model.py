"""The report as data: built once (`build.build_report`), rendered as HTML, PDF or XLSX.

Everything here is plain data (charts too, the way Splink keeps charts as specs):
`Report.to_dict()` is JSON-ready, and every renderer reads the same object.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from nomina.stats.figures import FigureResult

PUBLIC, INTERNAL = "public", "internal"


@dataclass(frozen=True)
class Chart:
    """One chart: what it shows (`title`, `definition`) and its numbers (`data`).

    `kind` says how `data` is laid out and drawn (see `nomina.report.charts`):
    `months` (labels, counts), `ranking` (labels, counts), `world_map` (counts by
    country code, suppressed codes), `status` (kinds, current, ever), `estimate`
    (named, estimate, interval) and `histogram` (bins, counts). A count of None is
    suppressed by disclosure control.
    """

    name: str
    title: str
    kind: str
    definition: str
    data: dict[str, Any]
    notes: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {"name": self.name, "title": self.title, "kind": self.kind,
                "definition": self.definition, "data": self.data, "notes": list(self.notes)}  # fmt: skip


@dataclass(frozen=True)
class EstimateSummary:
    """Multiple systems estimation over the persons the headline counts."""

    named: int | None  # persons known with certainty (None: suppressed)
    estimate: float
    interval: tuple[float, float | None]
    method: str
    lists: tuple[str, ...]
    definition: str
    warnings: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {"named": self.named, "estimate": self.estimate, "interval": list(self.interval),
                "method": self.method, "lists": list(self.lists),
                "definition": self.definition, "warnings": list(self.warnings)}  # fmt: skip


@dataclass(frozen=True)
class Report:
    variant: str  # PUBLIC (disclosure-controlled) or INTERNAL (unsuppressed)
    k: int | None  # smallest count published (public only)
    as_of: dt.datetime | None  # what the figures reflect
    asked_as_of: dt.datetime | None  # the --as-of asked for, if any
    made: dt.datetime  # when the report was made
    headline: str
    figures: list[FigureResult]
    charts: list[Chart]
    estimate: EstimateSummary | None
    notes: list[str] = field(default_factory=list)

    @property
    def public(self) -> bool:
        return self.variant == PUBLIC

    @property
    def title(self) -> str:
        return "Foreign nationals in the register: figures" + (
            "" if self.public else " (internal: not for publication)"
        )

    def as_of_text(self) -> str:
        return as_of_text(self.as_of)

    def chart(self, name: str) -> Chart | None:
        return next((chart for chart in self.charts if chart.name == name), None)

    def to_dict(self) -> dict[str, Any]:
        return {
            "variant": self.variant,
            "k": self.k,
            "as_of": self.as_of.isoformat(sep=" ", timespec="seconds") if self.as_of else None,
            "made": self.made.isoformat(sep=" ", timespec="seconds"),
            "headline": self.headline,
            "figures": [figure.to_dict() for figure in self.figures],
            "charts": [chart.to_dict() for chart in self.charts],
            "estimate": self.estimate.to_dict() if self.estimate else None,
            "notes": list(self.notes),
        }


def as_of_text(moment: dt.datetime | None) -> str:
    """`20 November 2025, 14:05 UTC`, the way the seeds date their figures."""
    if moment is None:
        return "now"
    return f"{moment.day} {moment:%B %Y, %H:%M} UTC"
