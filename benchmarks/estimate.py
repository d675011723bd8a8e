"""Multiple systems estimation: LCMCR speed, and interval coverage on synthetic worlds.

    python benchmarks/estimate.py --json
    python benchmarks/estimate.py --seeds 20 --persons 3000 --iterations 20000 --json

Data: synthetic worlds from `nomina.synth.write_world(folder, persons=N, seed=s)`; its
persons.csv lists every true person with the sources that saw them (';'-joined; empty
for persons no source saw). Capture histories are built from that truth, not from a
resolved register, so this measures the estimators and not resolution: a resolution
error (a split person, a false merge) would change the table, and that is
benchmarks/synthetic.py's business. The six sources are the six lists.

Cases:
- `lcmcr_6lists`: seconds for LCMCR (`nomina.estimate.lcmcr_estimate`, 20,000
  iterations, K = 10) on the six-list table of one world (seed 0); baseline: seconds for
  the independence log-linear model with its profile-likelihood interval
  (`independence_estimate`).
- `coverage`: over `--seeds` worlds, the share whose 95% interval covers the true total
  (persons.csv rows), the median of |estimate - true| / true, and the median interval
  width over the true total. nomina: LCMCR (posterior median, 2.5-97.5% quantiles) and
  the log-linear model AIC selects (greedy search at six lists, profile-likelihood
  interval), as `lcmcr_*` and `loglinear_aic_*`; baseline: the independence model.
- `coverage_contract`: the same over contract persons only. The world's DPRK persons,
  deployed as units, are seen by some source about 4% of the time: a population no
  source can see is one no multiple systems estimate can count (every estimator
  assumes each person has some chance to be listed), so `coverage` over every person
  measures that blind spot as much as the estimators.
"""

from __future__ import annotations

import argparse
import csv
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

from nomina.estimate import (
    CaptureTable,
    independence_estimate,
    lcmcr_estimate,
    loglinear_estimate,
    table_from_patterns,
)


def say(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def world_tables(folder: Path, persons: int, seed: int) -> dict[str, tuple[CaptureTable, int]]:
    """Capture tables of a world's true persons with their true totals: every person
    (`all`), and contract persons only (`contract`: the DPRK unit persons left out)."""
    from nomina.synth import write_world
    from nomina.synth.specs import SOURCES

    write_world(folder, persons=persons, seed=seed)
    names = [spec.name for spec in SOURCES]
    patterns: dict[str, list[list[int]]] = {"all": [], "contract": []}
    totals = {"all": 0, "contract": 0}
    with open(folder / "persons.csv", encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            seen = set(filter(None, row["sources"].split(";")))
            for group in ("all", "contract"):
                if group == "contract" and row["group"] != "contract":
                    continue
                totals[group] += 1
                if seen:
                    patterns[group].append([int(name in seen) for name in names])
    return {
        group: (table_from_patterns(names, rows, [1] * len(rows)), totals[group])
        for group, rows in patterns.items()
    }


def world_table(folder: Path, persons: int, seed: int) -> tuple[CaptureTable, int]:
    return world_tables(folder, persons, seed)["all"]


def timed(function, *args, **kwargs):
    started = time.perf_counter()
    value = function(*args, **kwargs)
    return value, time.perf_counter() - started


def speed(persons: int, iterations: int, workdir: Path) -> dict:
    table, true_total = world_table(workdir / "speed", persons, seed=0)
    lcmcr, lcmcr_seconds = timed(lcmcr_estimate, table, iterations=iterations, seed=0)
    (independence, _interval), baseline_seconds = timed(independence_estimate, table)
    say(
        f"lcmcr_6lists: {len(table.lists)} lists, {len(table.counts)} patterns, "
        f"LCMCR {lcmcr_seconds:.1f} s, independence {baseline_seconds:.2f} s"
    )
    return {
        "nomina": {
            "seconds": round(lcmcr_seconds, 2),
            "iterations": iterations,
            "lists": len(table.lists),
            "patterns": len(table.counts),
            "estimate": round(lcmcr.estimate),
            "true_total": true_total,
        },
        "baseline": {
            "seconds": round(baseline_seconds, 3),
            "estimate": round(independence),
            "true_total": true_total,
        },
    }


def summary(rows: list[tuple[float, float, float]], true_totals: list[int]) -> dict:
    covered = [
        low <= truth <= high for (_e, low, high), truth in zip(rows, true_totals, strict=True)
    ]
    errors = [abs(e - truth) / truth for (e, _l, _h), truth in zip(rows, true_totals, strict=True)]
    widths = [
        (high - low) / truth for (_e, low, high), truth in zip(rows, true_totals, strict=True)
    ]
    return {
        "coverage": round(sum(covered) / len(covered), 3),
        "median_relative_error": round(statistics.median(errors), 3),
        "median_relative_width": round(statistics.median(widths), 3),
    }


def coverage(seeds: int, persons: int, iterations: int, workdir: Path, group: str) -> dict:
    lcmcr_rows, aic_rows, independence_rows, truths = [], [], [], []
    lcmcr_seconds = aic_seconds = independence_seconds = 0.0
    for seed in range(seeds):
        tables = world_tables(workdir / f"world-{group}-{seed}", persons, seed=seed + 1)
        table, true_total = tables[group]
        lcmcr, seconds = timed(lcmcr_estimate, table, iterations=iterations, seed=seed)
        lcmcr_seconds += seconds
        loglinear, seconds = timed(loglinear_estimate, table)
        aic_seconds += seconds
        (independence, interval), seconds = timed(independence_estimate, table)
        independence_seconds += seconds
        truths.append(true_total)
        lcmcr_rows.append((lcmcr.estimate, *lcmcr.interval))
        aic_rows.append((loglinear.estimate, *loglinear.interval))
        independence_rows.append((independence, *interval))
        say(
            f"{group} seed {seed + 1}: true {true_total}, observed {table.observed}; "
            f"LCMCR {lcmcr.estimate:.0f} [{lcmcr.interval[0]:.0f}, {lcmcr.interval[1]:.0f}]; "
            f"AIC {loglinear.estimate:.0f} [{loglinear.interval[0]:.0f}, {loglinear.interval[1]:.0f}]"
            f" {loglinear.aic.name}; independence {independence:.0f} "
            f"[{interval[0]:.0f}, {interval[1]:.0f}]"
        )
    lcmcr = summary(lcmcr_rows, truths)
    aic = summary(aic_rows, truths)
    return {
        "nomina": {
            **{f"lcmcr_{key}": value for key, value in lcmcr.items()},
            **{f"loglinear_aic_{key}": value for key, value in aic.items()},
            "seeds": seeds,
            "persons": persons,
            "lcmcr_seconds": round(lcmcr_seconds, 1),
            "loglinear_aic_seconds": round(aic_seconds, 1),
        },
        "baseline": {
            **summary(independence_rows, truths),
            "seconds": round(independence_seconds, 1),
        },
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--json", action="store_true", help="last line: one JSON object")
    parser.add_argument("--seeds", type=int, default=20)
    parser.add_argument("--persons", type=int, default=3_000)
    parser.add_argument("--iterations", type=int, default=20_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="nomina-estimate-") as folder:
        workdir = Path(folder)
        results = {
            "lcmcr_6lists": speed(args.persons, args.iterations, workdir),
            "coverage": coverage(args.seeds, args.persons, args.iterations, workdir, "all"),
            "coverage_contract": coverage(
                args.seeds, args.persons, args.iterations, workdir, "contract"
            ),
        }
    if args.json:
        print(json.dumps(results))
    else:
        print(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
