"""`nomina estimate`: the total including persons on no list (multiple systems estimation).

Thin: the capture table comes from the register (`nomina.estimate.capture_histories`)
or from `--table FILE.csv`; the estimators and their warnings are `nomina.estimate`.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import typer
from rich.table import Table
from rich.text import Text

from nomina.cli import app, store_from, user_errors
from nomina.cli.commands import JSON
from nomina.cli.output import fail, stdout
from nomina.cli.progress import progress_bar


@app.command("estimate")
@user_errors
def estimate_command(
    context: typer.Context,
    table: Path = typer.Option(
        None,
        "--table",
        help="A capture table CSV (one 0/1 column per list, a `count` column) "
        "instead of the register.",
    ),
    method: str = typer.Option(
        "both", "--method", help="lcmcr, loglinear, or both (the headline is then LCMCR's)."
    ),
    by: str = typer.Option(
        None,
        "--by",
        help="Estimate per stratum and add up: country, period (contract year) or quarter (of the first contract). A stratum with fewer than 7 persons on two or more lists is not estimable: counted as observed, and the total gets no upper bound.",
    ),
    lists: str = typer.Option(
        "source", "--lists", help="What a list is: each source, or each source kind."
    ),
    certainty: list[str] = typer.Option(
        None,
        "--certainty",
        help="Only persons of this certainty (repeatable: confirmed, probable, possible).",
    ),
    iterations: int = typer.Option(
        20_000, "--iterations", min=100, help="LCMCR Gibbs iterations (a quarter is burn-in)."
    ),
    seed: int = typer.Option(None, "--seed", help="Random seed for LCMCR (same seed, same draws)."),
    as_json: bool = JSON,
) -> None:
    """Estimate how many persons there are in all, including those no source has seen."""
    from nomina.estimate import (
        METHODS,
        EstimateError,
        TableError,
        capture_histories,
        estimate_strata,
        read_table,
    )

    if method not in METHODS:
        _stop(f"--method must be one of {', '.join(METHODS)}, not {method!r}")
    try:
        if table is not None:
            if by or certainty or lists != "source":
                _stop("--by, --certainty and --lists read the register; a --table is used as given")
            if not table.is_file():
                _stop(f"{table}: no such file")
            tables = {"all": read_table(table)}
        else:
            tables = capture_histories(
                store_from(context), lists=lists, certainty=certainty or None, by=by
            )
        with progress_bar() as progress:
            tasks: dict[str, Any] = {}

            def report(stratum: str, done: int, total: int) -> None:
                if stratum not in tasks:
                    label = "LCMCR" if stratum == "all" else f"LCMCR {stratum}"
                    tasks[stratum] = progress.add_task(label, total=total)
                progress.update(tasks[stratum], completed=done)

            result = estimate_strata(
                tables,
                method=method,
                iterations=iterations,
                seed=seed,
                progress=report if method != "loglinear" else None,
            )
    except (TableError, EstimateError, ValueError) as error:
        _stop(str(error))
    if as_json:
        print(json.dumps(result, ensure_ascii=False, indent=2))
        return
    _print(result)


def _stop(message: str) -> None:
    fail(message)
    raise typer.Exit(1)


def _interval(interval: list | None) -> str:
    if not interval:
        return ""
    low, high = interval
    return f"{low:,.0f} – {'∞' if high is None else f'{high:,.0f}'}"


def _letters(lists: list[str]) -> dict[str, str]:
    """Short names for the lists in model formulas (A, B, …, AA): source titles are
    sentences, and a model over six of them would fill the screen. Short names (a
    published table's P, Q, E) stay as they are: no letters, no legend."""
    if all(len(name) <= _SHORT_NAME for name in lists):
        return {}

    def letter(i: int) -> str:
        return letter(i // 26 - 1) + chr(65 + i % 26) if i >= 26 else chr(65 + i)

    return {name: letter(i) for i, name in enumerate(lists)}


_SHORT_NAME = 12


def _short_model(model: str, letters: dict[str, str]) -> str:
    # Longest names first, so a name inside another ("X", "X (3)") is not cut out of it.
    for name in sorted(letters, key=len, reverse=True):
        model = model.replace(name, letters[name])
    return model


def _rows(
    name: str, result: dict[str, Any], letters: dict[str, str] | None = None
) -> list[tuple[str, ...]]:
    """Table rows for one result: each method it ran, or its error."""
    if "error" in result:
        return [(name, "—", f"{result['observed']:,}", "", "", result["error"])]
    rows = []
    for method in ("lcmcr", "loglinear"):
        detail = result.get(method)
        if detail is None:
            continue
        if "error" in detail:
            rows.append((name, method, f"{result['observed']:,}", "", "", detail["error"]))
            continue
        note = (
            f"AIC {_short_model(detail['model_aic']['model'], letters or {})}; BIC {detail['model_bic']['estimate']:,.0f}"
            if method == "loglinear"
            else f"posterior median, {detail['samples']:,} draws"
        )
        rows.append(
            (
                name,
                method,
                f"{result['observed']:,}",
                f"{detail['estimate']:,.0f}",
                _interval(detail["interval"]),
                note,
            )
        )
    return rows


def _print(result: dict[str, Any]) -> None:
    view = Table(title="Estimated total, including persons on no list")
    for column in ("stratum", "method", "observed", "estimate", "95% interval", "model"):
        view.add_column(column)
    if "strata" in result:
        for name, stratum in result["strata"].items():
            for row in _rows(name, stratum, _letters(stratum.get("lists", []))):
                view.add_row(*map(Text, row))
        view.add_row(
            "total",
            result["method"],
            f"{result['observed']:,}",
            "" if result["estimate"] is None else f"{result['estimate']:,.0f}",
            _interval(result["interval"]),
            "sum of strata",
            style="bold",
        )
    else:
        for row in _rows("all", result, _letters(result.get("lists", []))):
            view.add_row(*map(Text, row))
    stdout.print(view)
    lists = result.get("lists") or next(
        (stratum.get("lists") for stratum in result.get("strata", {}).values()), []
    )
    for name, letter in _letters(lists).items():
        stdout.print(Text(f"  {letter} = {name}"), highlight=False)
    for message in result["warnings"]:
        # Text, not markup: model names like [A:B] are data.
        stdout.print(Text.assemble(("warning: ", "yellow"), message), highlight=False)
