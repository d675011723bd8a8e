"""`nomina stats`: the register's figures, with definitions, as-of and the persons behind."""

from __future__ import annotations

import json
import sys
from typing import Any

import typer
from rich.table import Table

from nomina.cli import app, store_from, user_errors
from nomina.cli.output import emit, fail, stderr, stdout
from nomina.stats.figures import FigureResult

JSON = typer.Option(False, "--json", help="Print JSON.")
CSV = typer.Option(False, "--csv", help="Print CSV.")
SUPPRESSED = "suppressed"


@app.command("stats")
@user_errors
def stats_command(
    context: typer.Context,
    figure: str = typer.Argument(None, help="One figure (default: all); see the list."),
    as_of: str = typer.Option(
        None,
        "--as-of",
        help="What the register knew then: YYYY-MM-DD (end of day, UTC) "
        "or a timestamp. Derived from records and events: slower than now.",
    ),
    persons: bool = typer.Option(
        False, "--persons", help="List the persons behind FIGURE (internal; not with --public)."
    ),
    label: str = typer.Option(
        None, "--label", help="With --persons: only one row, e.g. NP, or NP|2025 for two labels."
    ),
    public: bool = typer.Option(
        False, "--public", help="Disclosure control: counts below --k suppressed."
    ),
    k: int = typer.Option(10, "--k", min=1, help="Smallest count published with --public."),
    fold: bool = typer.Option(
        False, "--fold", help="With --public: fold small countries into their region."
    ),
    as_json: bool = JSON,
    as_csv: bool = CSV,
) -> None:
    """Figures: name, value, definition, as-of; one FIGURE with its table; --persons behind it."""
    from nomina.stats.figures import compute_figures, get_figure
    from nomina.timeline import parse_as_of

    moment = None
    if as_of is not None:
        try:
            moment = parse_as_of(as_of)
        except ValueError as error:
            return _refuse(str(error))
    if figure is not None:
        try:
            get_figure(figure)
        except KeyError as error:
            return _refuse(error.args[0])
    if persons and public:
        return _refuse("--persons lists personal data: it is not for --public output")
    if persons and figure is None:
        return _refuse("--persons needs a FIGURE")
    if label is not None and not persons:
        return _refuse("--label goes with --persons")
    if fold and not public:
        return _refuse("--fold goes with --public")
    store = store_from(context)
    if persons:
        _print_persons(store, figure, moment, label, as_json=as_json, as_csv=as_csv)
        return
    with stderr.status("computing figures" + (f" as of {as_of}" if as_of else "")):
        results = compute_figures(store, as_of=moment, names=[figure] if figure else None)
    if public:
        results = _protected(results, k, fold)
    if figure is None:
        _print_all(results, as_json=as_json, as_csv=as_csv)
    else:
        _print_one(results[0], as_json=as_json, as_csv=as_csv)


def _refuse(message: str) -> None:
    fail(message)
    raise typer.Exit(1)


def _protected(results: list[FigureResult], k: int, fold: bool) -> list[FigureResult]:
    try:
        from nomina.stats.public import protect_figure

        return [protect_figure(result, k=k, fold=fold) for result in results]
    except ImportError:
        _refuse("disclosure control (nomina.stats.disclosure) is not installed in this build")
        raise


def _as_of(result: FigureResult) -> str:
    return result.as_of.isoformat(sep=" ", timespec="seconds") if result.as_of else ""


def _shown(value: Any) -> str:
    return SUPPRESSED if value is None else f"{value:,}" if isinstance(value, int) else str(value)


def _print_all(results: list[FigureResult], *, as_json: bool, as_csv: bool) -> None:
    if as_json:
        print(json.dumps([r.to_dict() for r in results], ensure_ascii=False, indent=2))
        return
    rows = [
        {"figure": r.name, "value": r.value, "as_of": _as_of(r), "definition": r.definition}
        for r in results
    ]
    if as_csv:
        emit(rows, ("figure", "value", "as_of", "definition"), as_json=False, as_csv=True)
        return
    as_of = _as_of(results[0]) if results else ""
    table = Table(title=f"Figures as of {as_of or 'now'}")
    table.add_column("figure", style="bold")
    table.add_column("value", justify="right")
    table.add_column("definition", overflow="fold")
    for row in rows:
        table.add_row(row["figure"], _shown(row["value"]), row["definition"])
    stdout.print(table)
    stdout.print("`nomina stats FIGURE` shows a figure's table; --persons the persons behind it.")


def _print_one(result: FigureResult, *, as_json: bool, as_csv: bool) -> None:
    if as_json:
        print(json.dumps(result.to_dict(), ensure_ascii=False, indent=2))
        return
    columns = (*result.labels, "count", *(("percent",) if result.share else ()))
    if as_csv:
        if result.table is None:
            emit([{"figure": result.name, "value": result.value, "as_of": _as_of(result)}],
                 ("figure", "value", "as_of"), as_json=False, as_csv=True)  # fmt: skip
        else:
            emit(result.rows(), columns, as_json=False, as_csv=True)
        return
    stdout.print(f"[bold]{result.name}[/]: {_shown(result.value)}", highlight=False)
    stdout.print(f"  {result.definition}", highlight=False, markup=False)
    stdout.print(f"  as of {_as_of(result) or 'now'}", highlight=False)
    if result.table is not None:
        table = Table()
        for name in columns:
            table.add_column(name, justify="right" if name in ("count", "percent") else "left")
        for row in result.rows():
            table.add_row(*(_shown(row[name]) for name in columns))
        stdout.print(table)


PERSON_COLUMNS = ("person_id", "name", "country", "status", "certainty")


def _print_persons(store, figure: str, moment, label: str | None, *, as_json: bool, as_csv: bool):
    from nomina.stats.figures import get_figure, persons_behind
    from nomina.stats.persons import describe_persons
    from nomina.stats.snapshot import load_snapshot, snapshot_from_events

    chosen = get_figure(figure)
    with stderr.status("finding the persons behind " + figure):
        snapshot = (
            load_snapshot(store, per_person=True)
            if moment is None
            else snapshot_from_events(store, moment)
        )
        parts = tuple(label.split("|")) if label and len(chosen.labels) > 1 else label
        try:
            ids = persons_behind(chosen, snapshot, parts)
        except KeyError as error:
            return _refuse(error.args[0])
    rows = describe_persons(store, snapshot, ids, figure=figure)
    if not as_json and not as_csv:
        stderr.print(f"{len(ids):,} persons behind {figure}", highlight=False)
    if as_json:
        json.dump(rows, sys.stdout, ensure_ascii=False, indent=2)
        print()
        return
    emit(rows, PERSON_COLUMNS, as_json=False, as_csv=as_csv, title=f"Persons behind {figure}")
