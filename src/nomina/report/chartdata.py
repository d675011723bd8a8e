"""The numbers of each chart, as `Chart` data, from the figures the report publishes (and,
for status and lag, from `data`), protected the same way in a public report.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping

from nomina.reference import get_territory
from nomina.report.model import Chart, EstimateSummary
from nomina.stats.figures import FigureResult

TOP_COUNTRIES = 15
LAG_BIN_DAYS = 30
LAG_BINS = 24  # 30-day bins up to two years, then one bin for the rest


def country_name(code: str) -> str:
    territory = get_territory(code)
    return territory.name if territory is not None else code


def contracts_chart(result: FigureResult) -> Chart:
    """Persons by the month of their first contract, every month in between shown."""
    table = result.table or {}
    months = sorted(label for label in table if _is_month(label))
    notes = []
    year_only = {label: n for label, n in table.items() if not _is_month(label)}
    if year_only:
        notes.append(
            "Not in the chart, contracts known only to the year: "
            + ", ".join(f"{label}: {_shown(n)}" for label, n in sorted(year_only.items()))
        )
    labels = _month_range(months[0], months[-1]) if months else []
    counts = [table.get(month, 0) for month in labels]
    return Chart("contracts_per_month", "Contracts per month", "months", result.definition,
                 {"labels": labels, "counts": counts}, tuple(notes))  # fmt: skip


def countries_chart(result: FigureResult) -> Chart:
    """The countries with the most persons (suppressed counts cannot be ranked)."""
    table = result.table or {}
    shown = sorted(((n, code) for code, n in table.items() if n is not None), reverse=True)
    top = shown[:TOP_COUNTRIES]
    notes = []
    if len(shown) > TOP_COUNTRIES:
        notes.append(f"{len(shown) - TOP_COUNTRIES} more countries and territories in the table.")
    hidden = sum(1 for n in table.values() if n is None)
    if hidden:
        notes.append(f"{hidden} with a suppressed count are not ranked.")
    return Chart(
        "top_countries",
        f"Top {len(top)} countries and territories" if len(top) != 1 else "Top country",
        "ranking",
        result.definition,
        {
            "labels": [f"{country_name(code)} ({code})" for _, code in top],
            "counts": [n for n, _ in top],
        },
        tuple(notes),
    )


def world_map_chart(result: FigureResult, on_map: set[str]) -> Chart:
    """Persons by country on a world map; `on_map`: the codes the map has shapes for."""
    table = result.table or {}
    counts = {code: n for code, n in table.items() if n is not None}
    suppressed = sorted(code for code, n in table.items() if n is None)
    missing = sorted(code for code in table if code.lower() not in on_map)
    notes = []
    if missing:
        notes.append(
            "Not on the map (no shape for them): "
            + ", ".join(f"{country_name(code)} ({code}): {_shown(table[code])}" for code in missing)
        )
    return Chart("world_map", "Persons by country", "world_map", result.definition,
                 {"counts": counts, "suppressed": suppressed}, tuple(notes))  # fmt: skip


def status_chart(current: Mapping[str, int | None], ever: Mapping[str, int | None]) -> Chart:
    kinds = list(dict.fromkeys([*ever, *current]))
    return Chart(
        "status_flow",
        "Status: ever on the timeline, and now",
        "status",
        "Persons known with certainty: with each kind of event on their timeline (not set "
        "aside by a contradiction; a person is counted under every kind it has), and by "
        "current status, the kind of the event that set it (nomina.timeline).",
        {
            "kinds": kinds,
            "ever": [ever.get(kind, 0) for kind in kinds],
            "current": [current.get(kind, 0) for kind in kinds],
        },
    )


def estimate_chart(summary: EstimateSummary) -> Chart:
    low, high = summary.interval
    return Chart(
        "named_vs_estimate",
        "Named count and estimated total",
        "estimate",
        summary.definition,
        {
            "named": summary.named,
            "estimate": summary.estimate,
            "low": low,
            "high": high,
            "method": summary.method,
        },  # fmt: skip
    )


def lag_bins(lags: Counter[int]) -> dict[str, int]:
    """Events by recording lag in 30-day bins ("0–29", ...), the last open ("720+"); a
    negative lag (reported before the event's date) in a bin of its own."""
    bins: dict[str, int] = {}
    negative = sum(n for days, n in lags.items() if days < 0)
    if negative:
        bins["before the event"] = negative
    for index in range(LAG_BINS):
        low = index * LAG_BIN_DAYS
        bins[f"{low}–{low + LAG_BIN_DAYS - 1}"] = sum(
            n for days, n in lags.items() if low <= days < low + LAG_BIN_DAYS
        )
    bins[f"{LAG_BINS * LAG_BIN_DAYS}+"] = sum(
        n for days, n in lags.items() if days >= LAG_BINS * LAG_BIN_DAYS
    )
    while len(bins) > 1 and list(bins.values())[-1] == 0:  # trailing empty bins say nothing
        bins.popitem()
    return bins


def lag_chart(bins: Mapping[str, int | None], median: float | None) -> Chart:
    notes = [f"Median lag: {median:,.0f} days."] if median is not None else []
    return Chart(
        "recording_lag",
        "Recording lag",
        "histogram",
        "Days from an event to the day its source reported it (reported date minus event "
        "date), for events dated to the day, in records of persons in the register (any "
        "certainty); each event counted once, in 30-day bins.",
        {"bins": list(bins), "counts": list(bins.values())},
        tuple(notes),
    )


def median_lag(lags: Counter[int]) -> float | None:
    total = sum(lags.values())
    if not total:
        return None
    ordered = sorted(lags.items())
    middle = [(total - 1) // 2, total // 2]
    found = []
    seen = 0
    for days, n in ordered:
        for position in middle:
            if seen <= position < seen + n:
                found.append(days)
        seen += n
    return sum(found) / len(found)


def _is_month(label: str) -> bool:
    return len(label) == 7 and label[4] == "-"


def _month_range(first: str, last: str) -> list[str]:
    year, month = int(first[:4]), int(first[5:])
    out = []
    while f"{year:04d}-{month:02d}" <= last:
        out.append(f"{year:04d}-{month:02d}")
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return out


def _shown(n: int | None) -> str:
    return "suppressed" if n is None else f"{n:,}"
