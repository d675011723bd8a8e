"""Multiple systems estimation: LCMCR speed, and interval coverage on synthetic worlds.

    python benchmarks/estimate.py --json
    python benchmarks/estimate.py --seeds 20 --persons 3000 --iterations 10000 --json

Data: synthetic worlds from `nomina.synth.write_world(folder, persons=N, seed=s)`, seeds
1 to `--seeds`. Its persons.csv lists every true person with the sources that saw them
(';'-joined; empty for persons no source saw); the six sources are the six lists. The
true total is the number of rows of persons.csv (`all`), or of its contract persons
(`contract`: the DPRK persons, deployed as units, left out).

Two kinds of capture histories, to keep the two sources of error apart:
- **truth**: which sources saw each true person, from persons.csv: perfect resolution,
  so what is left is the estimator's error;
- **resolved**: the world ingested into a fresh SQLite register and resolved by nomina
  (`resolve_register` with a linkage model trained once, on the world of the speed
  case, and reused for every seed), histories read back with `capture_histories`: what
  a user gets, resolution errors (split and merged persons) included.

Cases (every estimate a 95% interval; "covers" counts an interval without upper bound
as covering, and `bounded` says how often the interval had one):
- `lcmcr_6lists`: seconds for LCMCR (`lcmcr_estimate`, `--speed-iterations`, K = 10) on
  the six-list table of one world (seed 0); baseline: the independence log-linear model
  with its profile-likelihood interval (`independence_estimate`).
- `coverage`, `coverage_contract`: truth histories, one pooled table per world. nomina:
  LCMCR (posterior median, 2.5-97.5% quantiles) and the log-linear model AIC selects;
  baseline: the independence model. Share of worlds covered, median |estimate - true| /
  true (signed in `median_error`), median interval width / true.
- `coverage_stratified`: truth histories in strata of country group (contract recruits,
  DPRK units) x quarter of the first contract (a DPRK person: of the deployment), each
  estimated by LCMCR and added up by `estimate_strata`; a stratum with fewer than 7
  persons on two or more lists is not estimated (it counts as observed and leaves the
  total without upper bound). nomina: the totals for `all`, `contract` and `estimable`
  (the true persons of the strata the estimator estimated, the population it claims to
  measure), and `strata_coverage` (estimated strata whose interval covers the stratum's
  own true count); baseline: the pooled LCMCR of `coverage` and `coverage_contract`.
- `resolution`: resolved histories, pooled LCMCR (nomina) against truth histories,
  pooled LCMCR (baseline), same worlds, same iterations; `observed` is the persons
  on some list (resolved persons against true persons), `estimate_vs_truth_histories`
  the median of (resolved estimate - truth-history estimate) / truth-history estimate;
  `quarter_strata` is `nomina estimate --by quarter` on the resolved register.
"""

from __future__ import annotations

import argparse
import csv
import json
import statistics
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

from nomina.estimate import (
    CaptureTable,
    estimate_strata,
    independence_estimate,
    lcmcr_estimate,
    loglinear_estimate,
    table_from_patterns,
)
from nomina.estimate.histories import quarter

GROUPS = ("all", "contract")
Interval = tuple[float, float, float | None]  # estimate, low, high (None: unbounded)


def say(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def timed(function, *args, **kwargs):
    started = time.perf_counter()
    value = function(*args, **kwargs)
    return value, time.perf_counter() - started


# --- worlds and their truth ------------------------------------------------------------


def true_persons(folder: Path, persons: int, seed: int) -> list[dict[str, str]]:
    """Write a world and read its persons.csv (every true person, seen or not)."""
    from nomina.synth import write_world

    write_world(folder, persons=persons, seed=seed)
    with open(folder / "persons.csv", encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def list_names() -> list[str]:
    from nomina.synth.specs import SOURCES

    return [spec.name for spec in SOURCES]


def stratum_of(person: dict[str, str]) -> str:
    """Country group x quarter of the first contract (a DPRK unit: of the deployment)."""
    group = "units" if person["group"] == "unit" else "contract"
    return f"{group} {quarter(person['contracted'] or person['deployed'])}"


def truth_tables(
    people: list[dict[str, str]], key=lambda person: "all"
) -> dict[str, tuple[CaptureTable | None, int]]:
    """Per stratum: the capture table of its seen persons and its true count."""
    names = list_names()
    patterns: dict[str, list[list[int]]] = defaultdict(list)
    totals: dict[str, int] = defaultdict(int)
    for person in people:
        stratum = key(person)
        totals[stratum] += 1
        seen = set(filter(None, person["sources"].split(";")))
        if seen:
            patterns[stratum].append([int(name in seen) for name in names])
    return {
        stratum: (
            table_from_patterns(names, patterns[stratum], [1] * len(patterns[stratum]))
            if patterns[stratum]
            else None,
            total,
        )
        for stratum, total in sorted(totals.items())
    }


def contract_only(people: list[dict[str, str]]) -> list[dict[str, str]]:
    return [person for person in people if person["group"] == "contract"]


# --- scoring ---------------------------------------------------------------------------


def summary(rows: list[Interval], truths: list[int]) -> dict[str, Any]:
    """Coverage, bounded share, median signed and absolute error, median width (bounded)."""
    pairs = list(zip(rows, truths, strict=True))
    covered = [low <= truth <= (high if high is not None else float("inf"))
               for (_e, low, high), truth in pairs]  # fmt: skip
    widths = [(high - low) / truth for (_e, low, high), truth in pairs if high is not None]
    return {
        "coverage": round(sum(covered) / len(covered), 3),
        "bounded": round(sum(high is not None for _e, _l, high in rows) / len(rows), 3),
        "median_error": round(statistics.median((e - t) / t for (e, _l, _h), t in pairs), 3),
        "median_relative_error": round(
            statistics.median(abs(e - t) / t for (e, _l, _h), t in pairs), 3
        ),
        "median_relative_width": round(statistics.median(widths), 3) if widths else None,
    }


def as_interval(result: dict[str, Any]) -> Interval:
    low, high = result["interval"]
    return (result["estimate"], low, high)


# --- speed -----------------------------------------------------------------------------


def speed(people: list[dict[str, str]], iterations: int) -> dict:
    table, true_total = truth_tables(people)["all"]
    assert table is not None
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


# --- one world, every case -------------------------------------------------------------


class Tally:
    """Per case and side: the intervals and true totals of every world, and seconds."""

    def __init__(self) -> None:
        self.rows: dict[str, list[Interval]] = defaultdict(list)
        self.truths: dict[str, list[int]] = defaultdict(list)
        self.seconds: dict[str, float] = defaultdict(float)
        self.values: dict[str, list[float]] = defaultdict(list)

    def add(self, name: str, interval: Interval, truth: int, seconds: float = 0.0) -> None:
        self.rows[name].append(interval)
        self.truths[name].append(truth)
        self.seconds[name] += seconds

    def summary(self, name: str) -> dict[str, Any]:
        return {**summary(self.rows[name], self.truths[name]),
                "seconds": round(self.seconds[name], 1)}  # fmt: skip


def pooled(tally: Tally, people: list[dict[str, str]], group: str, iterations: int, seed: int):
    """`coverage` / `coverage_contract`: one pooled table, three estimators."""
    table, truth = truth_tables(people)["all"]
    assert table is not None
    lcmcr, seconds = timed(lcmcr_estimate, table, iterations=iterations, seed=seed)
    tally.add(f"{group} lcmcr", (lcmcr.estimate, *lcmcr.interval), truth, seconds)
    loglinear, seconds = timed(loglinear_estimate, table)
    high = loglinear.interval[1]
    tally.add(
        f"{group} aic",
        (loglinear.estimate, loglinear.interval[0], None if high == float("inf") else high),
        truth,
        seconds,
    )
    (independence, (low, high)), seconds = timed(independence_estimate, table)
    tally.add(f"{group} independence", (independence, low, high), truth, seconds)
    return lcmcr, truth


def stratified(tally: Tally, people: list[dict[str, str]], group: str, iterations: int, seed: int):
    """`coverage_stratified`: country group x quarter strata, LCMCR, added up."""
    strata = truth_tables(people, stratum_of)
    tables = {name: table for name, (table, _truth) in strata.items() if table is not None}
    result, seconds = timed(
        estimate_strata, tables, method="lcmcr", iterations=iterations, seed=seed
    )
    truth = sum(total for _table, total in strata.values())
    tally.add(f"{group} strata", as_interval(result), truth, seconds)
    part = result["estimable_strata"]
    if group == "all" and part is not None:
        held = sum(strata[name][1] for name in part["strata"])
        tally.add("estimable", (part["estimate"], *part["interval"]), held)
        tally.values["estimable share of all"].append(held / truth)
        for name in part["strata"]:
            low, high = result["strata"][name]["interval"]
            tally.values["strata covered"].append(low <= strata[name][1] <= high)
    if group == "contract" and part is not None:
        held = sum(strata[name][1] for name in part["strata"])
        tally.values["estimable share of contract"].append(held / truth)
    return result, truth


def resolved(tally: Tally, folder: Path, model: str, truth: int, iterations: int, seed: int) -> int:
    """`resolution`: the world resolved by nomina, pooled and by quarter; its observed."""
    from nomina.estimate import capture_histories

    store = resolve_world(folder, model)
    try:
        table = capture_histories(store)["all"]
        lcmcr, seconds = timed(lcmcr_estimate, table, iterations=iterations, seed=seed)
        tally.add("resolved lcmcr", (lcmcr.estimate, *lcmcr.interval), truth, seconds)
        quarters = capture_histories(store, by="quarter")
        result, seconds = timed(
            estimate_strata, quarters, method="lcmcr", iterations=iterations, seed=seed
        )
        tally.add("resolved quarter strata", as_interval(result), truth, seconds)
        tally.values["resolved estimate"].append(lcmcr.estimate)
        return table.observed
    finally:
        store.dispose()


def resolve_world(folder: Path, model: str | None):
    """A fresh SQLite register of the world, resolved (training a model when None)."""
    from nomina.resolve.run import resolve_register
    from nomina.store import open_store
    from nomina.synth.truth import ingest_world

    database = folder / "register.db"
    database.unlink(missing_ok=True)
    store = open_store(f"sqlite:///{database}")
    ingest_world(store, folder)
    resolve_register(store, model=model)
    return store


def trained_model(folder: Path) -> str:
    """The linkage model nomina trains on one world (reused for every seed: training
    takes most of a resolution's time at this size, and a user keeps a reviewed model)."""
    from sqlalchemy import select

    from nomina.store.schema import resolution_runs

    store = resolve_world(folder, None)
    try:
        with store.engine.connect() as connection:
            return connection.execute(select(resolution_runs.c.model)).scalar_one()
    finally:
        store.dispose()


def one_world(tally: Tally, options, seed: int, workdir: Path, model: str | None) -> None:
    folder = workdir / f"world-{seed}"
    people = true_persons(folder, options.persons, seed=seed)
    line = [f"seed {seed}"]
    for group, chosen in (("all", people), ("contract", contract_only(people))):
        lcmcr, truth = pooled(tally, chosen, group, options.iterations, seed)
        result, _ = stratified(tally, chosen, group, options.iterations, seed)
        high = result["interval"][1]
        line.append(
            f"{group}: true {truth}, pooled LCMCR {lcmcr.estimate:.0f} "
            f"[{lcmcr.interval[0]:.0f}, {lcmcr.interval[1]:.0f}], strata "
            f"{result['estimate']:.0f} [{result['interval'][0]:.0f}, "
            f"{'inf' if high is None else f'{high:.0f}'}]"
        )
        if group == "all":
            tally.values["truth-history estimate"].append(lcmcr.estimate)
            tally.values["true observed"].append(truth_tables(people)["all"][0].observed)
    if model is not None:
        observed = resolved(tally, folder, model, len(people), options.iterations, seed)
        tally.values["resolved observed"].append(observed)
        line.append(
            f"resolved: observed {observed}, LCMCR {tally.values['resolved estimate'][-1]:.0f}"
        )
    say("; ".join(line))


def results(tally: Tally, options) -> dict[str, Any]:
    """The cases' JSON from the tallies of every world."""
    cases: dict[str, Any] = {}
    for case, group in (("coverage", "all"), ("coverage_contract", "contract")):
        cases[case] = {
            "nomina": {
                **{f"lcmcr_{k}": v for k, v in tally.summary(f"{group} lcmcr").items()},
                **{f"loglinear_aic_{k}": v for k, v in tally.summary(f"{group} aic").items()},
            },
            "baseline": tally.summary(f"{group} independence"),
        }
    values = tally.values
    cases["coverage_stratified"] = {
        "nomina": {
            "all": tally.summary("all strata"),
            "contract": tally.summary("contract strata"),
            "estimable": tally.summary("estimable") if tally.rows["estimable"] else None,
            "estimable_share_of_all": _median(values["estimable share of all"]),
            "estimable_share_of_contract": _median(values["estimable share of contract"]),
            "strata_coverage": _mean(values["strata covered"]),
            "strata_estimated": len(values["strata covered"]),
        },
        "baseline": {
            "all": tally.summary("all lcmcr"),
            "contract": tally.summary("contract lcmcr"),
        },
    }
    if values["resolved observed"]:
        cases["resolution"] = resolution_case(tally)
    for side in cases.values():
        side["nomina"]["seeds"] = options.seeds
        side["nomina"]["persons"] = options.persons
        side["nomina"]["iterations"] = options.iterations
    return cases


def resolution_case(tally: Tally) -> dict[str, Any]:
    values = tally.values
    pairs = zip(values["resolved estimate"], values["truth-history estimate"], strict=True)
    return {
        "nomina": {
            **tally.summary("resolved lcmcr"),
            "observed": _median(values["resolved observed"]),
            "estimate_vs_truth_histories": round(
                statistics.median((r - t) / t for r, t in pairs), 3
            ),
            "quarter_strata": tally.summary("resolved quarter strata"),
        },
        "baseline": {
            **tally.summary("all lcmcr"),
            "observed": _median(values["true observed"]),
        },
    }


def _median(values: list[float]) -> float | None:
    return round(statistics.median(values), 3) if values else None


def _mean(values: list[float]) -> float | None:
    return round(sum(values) / len(values), 3) if values else None


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--json", action="store_true", help="last line: one JSON object")
    parser.add_argument("--seeds", type=int, default=20)
    parser.add_argument("--persons", type=int, default=3_000)
    parser.add_argument("--iterations", type=int, default=10_000, help="LCMCR, coverage cases")
    parser.add_argument("--speed-iterations", type=int, default=20_000)
    parser.add_argument("--no-resolution", action="store_true", help="skip the resolution case")
    options = parser.parse_args()
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="nomina-estimate-") as folder:
        workdir = Path(folder)
        first = true_persons(workdir / "world-0", options.persons, seed=0)
        out = {"lcmcr_6lists": speed(first, options.speed_iterations)}
        model = None if options.no_resolution else trained_model(workdir / "world-0")
        tally = Tally()
        for seed in range(1, options.seeds + 1):
            one_world(tally, options, seed, workdir, model)
        out.update(results(tally, options))
    say(f"total {time.perf_counter() - started:.0f} s")
    print(json.dumps(out) if options.json else json.dumps(out, indent=2))


if __name__ == "__main__":
    main()
