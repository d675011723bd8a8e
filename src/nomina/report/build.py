"""Build the report once from the register: figures (disclosure-controlled for the
public), the headline, the charts' numbers and the estimate. Renderers only lay it out.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping

from nomina.report import chartdata
from nomina.report.data import EmptyRegister, count_persons, persons_by_status, recording_lags
from nomina.report.estimation import estimate_summary
from nomina.report.headline import report_headline
from nomina.report.model import INTERNAL, PUBLIC, Report
from nomina.report.worldmap import country_shapes
from nomina.stats import compute_figures
from nomina.stats.figures import FigureResult
from nomina.store import Store

DEFAULT_K = 10
PUBLIC_NOTE = (
    "Public report: every count passed disclosure control. A count below {k} is "
    "suppressed, and so are enough others that none can be worked out from the totals "
    "(shown as 'suppressed'). No person is listed."
)
INTERNAL_NOTE = (
    "Internal report: counts are not suppressed, and small cells can point at persons. "
    "Not for publication; publish the public report (nomina report --public)."
)


def build_report(
    store: Store,
    *,
    public: bool = True,
    k: int = DEFAULT_K,
    as_of: dt.datetime | None = None,
    estimate: bool = True,
    iterations: int = 20_000,
    seed: int | None = 1,
    progress: Callable[[str], None] | None = None,
) -> Report:
    """The report of the register now (or `as_of`), public or internal."""
    say = progress or (lambda _step: None)
    if count_persons(store) == 0:
        raise EmptyRegister("nothing resolved yet: run nomina resolve")
    say("figures")
    raw = compute_figures(store, as_of=as_of)
    figures = [_protect(result, k) for result in raw] if public else raw
    by_name = {result.name: result for result in figures}
    notes = [PUBLIC_NOTE.format(k=k) if public else INTERNAL_NOTE]
    say("status and recording lag")
    current, ever = persons_by_status(store, as_of)
    lags = recording_lags(store, as_of)
    bins = chartdata.lag_bins(lags)
    median = chartdata.median_lag(lags)
    if public:
        current = _protect_counts(current, k, total=True)
        ever = _protect_counts(ever, k, total=False)
        bins = _protect_counts(bins, k, total=True)
        median = median if sum(lags.values()) >= k else None
    summary = None
    if estimate:
        say("estimate")
        named = by_name["known_with_certainty"].value
        summary, why_not = estimate_summary(
            store, named, as_of=as_of, iterations=iterations, seed=seed
        )
        if why_not:
            notes.append(why_not)
        elif summary is not None and public and summary.warnings:
            summary = _without_warnings(summary)
    else:
        notes.append("No estimate: left out when the report was made (--no-estimate).")
    _, shapes = country_shapes()
    charts = [
        chartdata.contracts_chart(by_name["contracts_per_month"]),
        chartdata.countries_chart(by_name["countries"]),
        chartdata.world_map_chart(by_name["countries"], set(shapes)),
        chartdata.status_chart(current, ever),
        *([chartdata.estimate_chart(summary)] if summary is not None else []),
        chartdata.lag_chart(bins, median),
    ]
    return Report(
        variant=PUBLIC if public else INTERNAL,
        k=k if public else None,
        as_of=raw[0].as_of if raw else None,
        asked_as_of=as_of,
        made=dt.datetime.now(dt.UTC).replace(tzinfo=None, microsecond=0),
        headline=report_headline(by_name, k if public else None),
        figures=figures,
        charts=charts,
        estimate=summary,
        notes=notes,
    )


def _protect(result: FigureResult, k: int) -> FigureResult:
    from nomina.stats.public import protect_figure

    return protect_figure(result, k=k)


def _protect_counts(counts: Mapping[str, int], k: int, *, total: bool) -> dict[str, int | None]:
    from nomina.stats.disclosure import protect_counts

    if not counts:
        return {}
    protected = protect_counts(dict(counts), k, total=total)
    return {label: cell.value for label, cell in protected.cells.items()}


def _without_warnings(summary):
    """Model warnings quote list sizes, small ones too: the public report says only how
    many there are."""
    from dataclasses import replace

    count = len(summary.warnings)
    return replace(
        summary,
        warnings=(
            f"The models gave {count} warning{'s' if count > 1 else ''} about this estimate; "
            "the internal report and `nomina estimate` show them.",
        ),
    )
