"""One estimate from a capture table (or one per stratum), with its warnings, as plain data.

`method`: `lcmcr`, `loglinear` or `both`. With `both`, the headline `estimate` and
`interval` are LCMCR's (it models heterogeneity and dependence without choosing among
interactions, which is why human-rights projects default to it) and the log-linear
result sits beside it under `loglinear`. The log-linear headline is the AIC model.

Strata are estimated one by one and added up: the total is the sum of the strata's
estimates. Its LCMCR interval comes from the sum of the strata's posterior draws (the
chains are independent); its log-linear interval is the sum of the strata's bounds,
which is wider than an exact interval would be (conservative).

A table with fewer than `MIN_OVERLAP` persons on two or more lists is not *estimable*
(`estimable: false`, with a warning): its models still run, but nothing in it can tell
"the lists saw nearly everyone" from "the lists saw few of many", so its estimate
follows the priors more than the data (see `diagnostics.MIN_OVERLAP`). A stratum that is not estimable (or that
no model could estimate) enters the total with its observed count, as a lower bound,
and the total's interval then has no upper bound (`null`): the register cannot bound
that part. `estimable_strata` then gives the total over the other strata alone, with its
interval: an estimate of the persons those strata hold, never of the whole.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from nomina.estimate.diagnostics import (
    MIN_OVERLAP,
    interval_warning,
    on_two_or_more,
    overlap_warning,
    selection_warning,
    table_warnings,
)
from nomina.estimate.lcmcr import lcmcr_estimate
from nomina.estimate.loglinear import NoModelError, loglinear_estimate
from nomina.estimate.table import CaptureTable

METHODS = ("lcmcr", "loglinear", "both")

Progress = Callable[[str, int, int], None]


class EstimateError(ValueError):
    """No estimate can be made (e.g. fewer than two lists with anyone on them)."""


def usable(table: CaptureTable) -> tuple[CaptureTable, list[str]]:
    """Drop lists nobody is on (they carry no information and break every model)."""
    sizes = table.list_sizes
    empty = [name for name, size in sizes.items() if size == 0]
    if not empty:
        return table, []
    keep = [j for j, name in enumerate(table.lists) if sizes[name] > 0]
    kept = CaptureTable(
        tuple(table.lists[j] for j in keep), table.patterns[:, keep], table.counts
    ).nonzero()
    return kept, [f"left out lists with nobody on them: {', '.join(empty)}"]


def estimate_table(
    table: CaptureTable,
    *,
    method: str = "both",
    iterations: int = 20_000,
    seed: int | None = None,
    progress: Callable[[int, int], None] | None = None,
    _keep_samples: bool = False,
) -> dict[str, Any]:
    """Estimate the total (observed + unobserved) from one capture table."""
    if method not in METHODS:
        raise EstimateError(f"method must be one of {', '.join(METHODS)}, not {method!r}")
    if table.observed == 0:
        raise EstimateError("nobody is observed: there is nothing to estimate from")
    table, notes = usable(table)
    if len(table.lists) < 2:
        raise EstimateError(
            f"only {len(table.lists)} list with anyone on it: multiple systems estimation "
            "needs at least two overlapping lists"
        )
    warnings = notes + table_warnings(table)
    if message := overlap_warning(table):
        warnings.append(message)
    overlap = on_two_or_more(table)
    out: dict[str, Any] = {
        "estimate": None,
        "interval": None,
        "observed": table.observed,
        "on_two_or_more": overlap,
        "estimable": overlap >= MIN_OVERLAP,
        "method": method,
        "warnings": warnings,
        "lists": list(table.lists),
        "list_sizes": table.list_sizes,
        "patterns": table.rows(),
    }
    if method in ("loglinear", "both"):
        try:
            loglinear = loglinear_estimate(table)
        except NoModelError as error:
            if method == "loglinear":
                raise EstimateError(str(error)) from None
            warnings.append(f"log-linear: {error}")
            out["loglinear"] = {"error": str(error)}
        else:
            detail = loglinear.as_dict()
            out["loglinear"] = detail
            if message := selection_warning(loglinear.aic.total, loglinear.bic.total):
                warnings.append(message)
            if message := interval_warning(
                "log-linear (AIC)", detail["estimate"], tuple(detail["interval"])
            ):
                warnings.append(message)
            out["estimate"], out["interval"] = detail["estimate"], detail["interval"]
    if method in ("lcmcr", "both"):
        lcmcr = lcmcr_estimate(table, iterations=iterations, seed=seed, progress=progress)
        detail = lcmcr.as_dict()
        out["lcmcr"] = detail
        if message := interval_warning("LCMCR", detail["estimate"], tuple(detail["interval"])):
            warnings.append(message)
        out["estimate"], out["interval"] = detail["estimate"], detail["interval"]
        if _keep_samples:
            out["_samples"] = lcmcr.samples
    return out


def estimate_strata(
    tables: dict[str, CaptureTable],
    *,
    method: str = "both",
    iterations: int = 20_000,
    seed: int | None = None,
    progress: Progress | None = None,
) -> dict[str, Any]:
    """One estimate per stratum and their total (see the module docstring)."""
    if not tables:
        raise EstimateError("no persons to estimate from (is the register resolved?)")
    if list(tables) == ["all"]:
        return estimate_table(
            tables["all"],
            method=method,
            iterations=iterations,
            seed=seed,
            progress=(lambda done, total: progress("all", done, total)) if progress else None,
        )
    strata: dict[str, dict[str, Any]] = {}
    warnings: list[str] = []
    for position, (name, table) in enumerate(tables.items()):
        try:
            strata[name] = estimate_table(
                table,
                method=method,
                iterations=iterations,
                seed=None if seed is None else seed + position,
                progress=(lambda done, total, name=name: progress(name, done, total))
                if progress
                else None,
                _keep_samples=True,
            )
        except EstimateError as error:
            strata[name] = {
                "observed": table.observed,
                "estimable": False,
                "error": str(error),
                "warnings": [],
            }
            warnings.append(f"stratum {name}: {error}")
    out: dict[str, Any] = {
        "estimate": None,
        "interval": None,
        "observed": sum(table.observed for table in tables.values()),
        "method": method,
        "warnings": warnings
        + [f"stratum {name}: {message}" for name, s in strata.items() for message in s["warnings"]],
        "strata": strata,
    }
    out.update(_total(strata, method, out["warnings"]))
    for s in strata.values():
        s.pop("_samples", None)
    return out


def _total(strata: dict[str, dict[str, Any]], method: str, warnings: list[str]) -> dict[str, Any]:
    """The sum over strata: estimable strata estimated, the others counted as observed."""
    estimated = {
        name: s for name, s in strata.items() if s.get("estimate") is not None and s["estimable"]
    }
    thin = [name for name, s in strata.items() if name not in estimated and s["observed"]]
    seen_only = sum(strata[name]["observed"] for name in thin)
    if thin:
        warnings.append(
            f"not estimated: {', '.join(thin)} ({seen_only:,} observed); the total counts them "
            "as observed and its interval has no upper bound; `estimable_strata` is the "
            "total over the other strata"
        )
    if not estimated:
        return {
            "estimate": float(seen_only),
            "interval": [float(seen_only), None],
            "estimable_strata": None,
        }
    part = _sum_estimates(estimated, method)
    low, high = part["interval"]
    return {
        "estimate": round(part["estimate"] + seen_only, 1),
        "interval": [
            round(low + seen_only, 1),
            None if thin or high is None else round(high, 1),
        ],
        "estimable_strata": {"strata": list(estimated), **part},
    }


def _sum_estimates(estimated: dict[str, dict[str, Any]], method: str) -> dict[str, Any]:
    """Total, interval and observed over strata that each have an estimate."""
    out: dict[str, Any] = {
        "observed": sum(s["observed"] for s in estimated.values()),
        "estimate": round(sum(s["estimate"] for s in estimated.values()), 1),
    }
    if method in ("lcmcr", "both"):
        draws = np.sum([s["_samples"] for s in estimated.values()], axis=0)
        low, high = np.quantile(draws, [0.025, 0.975])
        out["interval"] = [round(float(low), 1), round(float(high), 1)]
    else:
        highs = [s["interval"][1] for s in estimated.values()]
        out["interval"] = [
            round(sum(s["interval"][0] for s in estimated.values()), 1),
            None if any(h is None for h in highs) else round(sum(highs), 1),
        ]
    return out
