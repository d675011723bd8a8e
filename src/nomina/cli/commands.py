"""Commands of the `nomina` CLI. Each parses options, calls a stage, prints the result."""

from __future__ import annotations

import json
import sys
from dataclasses import asdict
from pathlib import Path

import typer

from nomina import ingest
from nomina.cli import app, store_from, user_errors
from nomina.cli.output import emit, fail, side_by_side, stderr, stdout
from nomina.cli.progress import progress_bar
from nomina.ingest.records import RECORD_COLUMNS, iter_records
from nomina.ingest.summary import SOURCE_COLUMNS, list_sources, summarise_register
from nomina.store import Store
from nomina.store.audit import verify_audit_chain
from nomina.tabular import write_csv, write_xlsx

JSON = typer.Option(False, "--json", help="Print JSON.")
CSV = typer.Option(False, "--csv", help="Print CSV.")

quarantine_app = typer.Typer(help="Rows that failed to parse.", no_args_is_help=True)
sources_app = typer.Typer(help="Delivered lists and their batches.", no_args_is_help=True)
audit_app = typer.Typer(help="The tamper-evident audit log.", no_args_is_help=True)
app.add_typer(quarantine_app, name="quarantine")
app.add_typer(sources_app, name="sources")
app.add_typer(audit_app, name="audit")


def ingest_paths(store: Store, pairs: list[tuple[Path, Path]]) -> list[ingest.BatchResult | str]:
    """Ingest each (file, yaml) as its own batch; a failing file does not stop the others."""
    outcomes: list[ingest.BatchResult | str] = []
    with progress_bar() as progress:
        for data_file, config_file in pairs:
            task = progress.add_task(
                f"ingest {data_file.name}", total=max(data_file.stat().st_size, 1)
            )
            try:
                config = ingest.load_source_config(config_file)
                result = ingest.ingest_file(
                    store,
                    data_file,
                    config,
                    progress=lambda done, total, task=task: progress.update(
                        task, completed=done, total=total
                    ),
                )
            except ingest.IngestError as error:
                outcomes.append(str(error))
                progress.update(task, description=f"[red]failed {data_file.name}")
                continue
            progress.update(task, completed=progress.tasks[task].total)
            outcomes.append(result)
    return outcomes


def _print_outcomes(outcomes: list[ingest.BatchResult | str], indent: str = "") -> None:
    """Batches on stdout; failed files as errors on stderr."""
    for outcome in outcomes:
        if isinstance(outcome, str):
            fail(outcome)
        else:
            stdout.print(indent + _describe_outcome(outcome), highlight=False)


def _describe_outcome(outcome: ingest.BatchResult) -> str:
    name = outcome.path.name
    if outcome.duplicate_of is not None:
        return (
            f"[yellow]=[/] {name}: already ingested as batch {outcome.duplicate_of}; nothing added"
        )
    quarantined = (
        f", [red]{outcome.rows_quarantined:,} quarantined[/]" if outcome.rows_quarantined else ""
    )
    blank = f", {outcome.blank_rows:,} blank rows skipped" if outcome.blank_rows else ""
    aside = outcome.values_set_aside
    aside_text = f", [yellow]{aside:,} values set aside[/]" if aside else ""
    rate = outcome.rows_read / outcome.seconds if outcome.seconds else 0
    return (
        f"[green]✓[/] {name}: batch {outcome.batch_id}, {outcome.records_added:,} records{quarantined}{aside_text}{blank} "
        f"({outcome.file_format}{', ' + outcome.encoding if outcome.encoding else ''}; "
        f"{outcome.seconds:.1f} s, {rate:,.0f} rows/s)"
    )


@app.command("ingest")
@user_errors
def ingest_command(
    context: typer.Context,
    path: Path = typer.Argument(
        ...,
        help="A source file (with --source-config) or a folder of NAME.csv|xlsx|jsonl + NAME.yaml.",
    ),
    source_config: Path = typer.Option(
        None, "--source-config", "-c", help="The source YAML for a single file."
    ),
    as_json: bool = JSON,
) -> None:
    """Store every row of source files verbatim, parsed, with provenance; failures to quarantine."""
    if path.is_dir():
        if source_config is not None:
            raise ingest.IngestError(
                path, "--source-config is for a single file; a folder pairs NAME.yaml files"
            )
        pairs, skipped = ingest.find_source_files(path)
        for extra in skipped:
            stderr.print(f"skipped {extra.name}: no {extra.stem}.yaml beside it", highlight=False)
    else:
        if not path.exists():
            raise ingest.IngestError(path, "no such file")
        config = source_config or path.with_suffix(".yaml")
        if not config.exists():
            raise ingest.IngestError(
                path, f"no source config: give --source-config or put {config.name} beside it"
            )
        pairs = [(path, config)]
    store = store_from(context)
    outcomes = ingest_paths(store, pairs)
    if as_json:
        print(json.dumps([_outcome_json(o) for o in outcomes], ensure_ascii=False, indent=2))
    else:
        _print_outcomes(outcomes)
        totals = summarise_register(store)
        stdout.print(
            f"register: {totals['sources']} sources, {totals['records']:,} records, "
            f"{totals['quarantined_rows']:,} quarantined rows ({store.describe()})",
            highlight=False,
        )
    if any(isinstance(o, str) for o in outcomes):
        raise typer.Exit(1)


def _outcome_json(outcome: ingest.BatchResult | str) -> dict:
    if isinstance(outcome, str):
        return {"error": outcome}
    return {**asdict(outcome), "path": str(outcome.path)}


@quarantine_app.command("list")
@user_errors
def quarantine_list(
    context: typer.Context,
    batch: int = typer.Option(None, help="Only this batch."),
    limit: int = typer.Option(None, help="At most this many problems."),
    set_aside: bool = typer.Option(
        False, "--set-aside", help="Values left out of rows kept (columns with on_error: blank)."
    ),
    as_json: bool = JSON,
    as_csv: bool = CSV,
) -> None:
    """Quarantined rows: file, row, field, column, value and reason."""
    rows = ingest.list_quarantine(
        store_from(context), batch_id=batch, limit=limit, set_aside=set_aside
    )
    title = "Values set aside" if set_aside else "Quarantine"
    emit(rows, ingest.QUARANTINE_COLUMNS, as_json=as_json, as_csv=as_csv, title=title)


@sources_app.command("list")
@user_errors
def sources_list(context: typer.Context, as_json: bool = JSON, as_csv: bool = CSV) -> None:
    """Sources with their batches, records and quarantined rows."""
    emit(
        list_sources(store_from(context)),
        SOURCE_COLUMNS,
        as_json=as_json,
        as_csv=as_csv,
        title="Sources",
    )


@audit_app.command("verify")
@user_errors
def audit_verify(context: typer.Context) -> None:
    """Check the audit log's hash chain; exit 1 if any entry was altered or removed."""
    store = store_from(context)
    with store.engine.connect() as connection:
        check = verify_audit_chain(connection)
    if check.intact:
        stdout.print(f"audit log intact: {check.entries} entries")
        return
    fail(f"audit log broken at entry {check.first_broken_id} (of {check.entries} checked)")
    raise typer.Exit(1)


records_app = typer.Typer(help="Stored records.", no_args_is_help=True)
app.add_typer(records_app, name="records")


@records_app.command("export")
@user_errors
def records_export(
    context: typer.Context,
    out: Path = typer.Option(
        ..., "--out", "-o", help="FILE.csv or FILE.xlsx; '-' for CSV on stdout."
    ),
    source: int = typer.Option(None, help="Only records of this source id."),
) -> None:
    """Export records (provenance, parsed fields, verbatim row); formulas are neutralised."""
    rows = iter_records(store_from(context), source_id=source)
    if str(out) == "-":
        write_csv(rows, RECORD_COLUMNS, sys.stdout)
        return
    suffix = out.suffix.lower()
    if suffix == ".xlsx":
        write_xlsx(rows, RECORD_COLUMNS, out)
    elif suffix == ".csv":
        with out.open("w", encoding="utf-8", newline="") as handle:
            write_csv(rows, RECORD_COLUMNS, handle)
    else:
        raise ingest.IngestError(out, "export to .csv or .xlsx")
    stderr.print(f"wrote {out}", highlight=False)


@app.command("synth")
@user_errors
def synth_command(
    out: Path = typer.Option(..., "--out", "-o", help="Folder to write the world into."),
    persons: int = typer.Option(
        None, "--persons", "-n", min=1, help="True persons (default: the calibrated world)."
    ),
    seed: int = typer.Option(
        0, "--seed", "-s", help="Random seed; the same seed writes the same files."
    ),
    as_json: bool = JSON,
) -> None:
    """Write a synthetic world: source files with their YAML, and the truth behind them."""
    summary = _write_world(out, persons, seed)
    if as_json:
        print(json.dumps(asdict(summary), ensure_ascii=False, indent=2, default=str))
    else:
        stdout.print(f"wrote {out}: {summary.describe()}", highlight=False)


def _write_world(out: Path, persons: int | None, seed: int):
    from nomina.synth import write_world

    with progress_bar() as progress:
        tasks: dict[str, int] = {}

        def report(step: str, done: int, total: int) -> None:
            if step not in tasks:
                tasks[step] = progress.add_task(f"synth {step}", total=max(total, 1))
            progress.update(tasks[step], completed=done, total=max(total, 1))

        return write_world(out, persons=persons, seed=seed, progress=report)


@app.command("demo")
@user_errors
def demo_command(
    context: typer.Context,
    out: Path = typer.Option(
        Path("demo-world"), "--out", help="Where the synthetic world is written."
    ),
    persons: int = typer.Option(
        None, "--persons", "-n", min=1, help="True persons (default: the calibrated world)."
    ),
    seed: int = typer.Option(0, "--seed", "-s"),
    serve: bool = typer.Option(
        False, "--serve", help="Then serve the web pages over it (as `nomina serve --demo`)."
    ),
    port: int = typer.Option(8000, "--port", min=1, max=65535, help="With --serve."),
) -> None:
    """Synthesise a world, ingest it, run every stage there is, and summarise the register."""
    store = store_from(context)
    stdout.print(f"1. synthesise a world into {out}/", highlight=False)
    summary = _write_world(out, persons, seed)
    stdout.print(f"   {summary.describe()}", highlight=False)
    stdout.print(f"2. ingest its sources into {store.describe()}", highlight=False)
    pairs, _truth_files = ingest.find_source_files(out)
    outcomes = ingest_paths(store, pairs)
    _print_outcomes(outcomes, indent="   ")
    stdout.print("3. the register")
    brief = ("id", "kind", "reliability", "received", "records", "quarantined", "title")
    emit(list_sources(store), brief, as_json=False, as_csv=False, title="Sources")
    totals = summarise_register(store)
    stdout.print(
        f"register: {totals['sources']} sources, {totals['records']:,} records, "
        f"{totals['quarantined_rows']:,} quarantined rows "
        "(`nomina quarantine list` shows each with file, row, field and reason).",
        highlight=False,
    )
    if any(isinstance(o, str) for o in outcomes):
        raise typer.Exit(1)
    stdout.print("4. resolve records into persons")
    _resolve_and_report(store, threshold=None, indent="   ")
    if serve:
        from nomina.cli.serve import serve_command

        stdout.print("5. serve the web pages (Ctrl-C stops)")
        serve_command(context, host="127.0.0.1", port=port, demo=True)
    else:
        stdout.print("Browse it: `nomina serve --demo` (or `nomina demo --serve`).")


names_app = typer.Typer(help="Names across scripts.", no_args_is_help=True)
app.add_typer(names_app, name="names")


@names_app.command("compare")
@user_errors
def names_compare(
    source: Path = typer.Argument(
        ..., help="CSV with columns left,right (others pass through); '-' for stdin."
    ),
) -> None:
    """Add a `score` column in [0, 1] to a CSV of name pairs: higher, more likely the same person."""
    from nomina.names import compare_csv

    try:
        if str(source) == "-":
            compare_csv(sys.stdin, sys.stdout)
            return
        with source.open(encoding="utf-8-sig", newline="") as handle:
            compare_csv(handle, sys.stdout)
    except (ValueError, UnicodeDecodeError) as error:
        raise ingest.IngestError(source, str(error)) from None


@app.command("resolve")
@user_errors
def resolve_command(
    context: typer.Context,
    threshold: float | None = typer.Option(
        None,
        min=0.0,
        max=1.0,
        help="Match probability from which two records are one person "
        "(default: the last run's, or 0.9; a new one means a full run).",
    ),
    full: bool = typer.Option(
        False, "--full", help="Retrain the model and re-cluster every record."
    ),
    engine: str = typer.Option("duckdb", help="Linkage engine: duckdb (in process) or spark."),
    as_json: bool = JSON,
) -> None:
    """Resolve records into persons: link, cluster, keep ids stable, assess certainty.

    After the first run, only records no person holds yet are linked (against the whole
    register) and only the persons they touch are re-clustered; --full redoes everything.
    """
    _resolve_and_report(
        store_from(context), threshold=threshold, full=full, engine=engine, as_json=as_json
    )


def _resolve_and_report(
    store: Store,
    *,
    threshold: float | None,
    full: bool = False,
    engine: str = "duckdb",
    as_json: bool = False,
    indent: str = "",
) -> None:
    """Run a resolution with a spinner on stderr; print its summary and the headline."""
    from nomina.resolve.run import resolve_register
    from nomina.stats import headline_figures

    with stderr.status("resolving") as status:
        try:
            result = resolve_register(
                store,
                threshold=threshold,
                full=full,
                engine=engine,
                progress=lambda step: status.update(step),
            )
        except ValueError as error:
            raise ingest.IngestError(store.describe(), str(error)) from None
    timelines = _build_timelines(store, rebuild=result.mode != "unchanged")
    if as_json:
        print(json.dumps(asdict(result), indent=2))
        return
    levels = ", ".join(
        f"{result.certainty.get(level, 0):,} {level}"
        for level in ("confirmed", "probable", "possible")
    )
    if result.mode == "unchanged":
        stdout.print(f"{indent}nothing new since run {result.run_id}.", highlight=False)
    else:
        what = (
            f"{result.records:,} records"
            if result.mode == "full"
            else f"{result.new_records:,} new records of {result.records:,}"
        )
        stdout.print(
            f"{indent}run {result.run_id} ({result.mode}): {what}, {result.pairs:,} scored pairs "
            f"→ {result.persons:,} persons ({levels}); {result.splits} chains split; "
            f"{result.seconds:.0f} s",
            highlight=False,
        )
    if timelines is not None:
        stdout.print(
            f"{indent}timelines: {timelines.persons:,} persons, {timelines.events:,} events, "
            f"{timelines.flags:,} contradictions flagged for review (`nomina timeline --flags`)",
            highlight=False,
        )
    stdout.print(headline_figures(store).sentence(), highlight=False)


def _build_timelines(store: Store, *, rebuild: bool):
    """After a resolution: every person's timeline, for figures (the timeline stage)."""
    from nomina.timeline import build_timeline, ensure_timeline

    with stderr.status("building timelines"):
        if rebuild:
            return build_timeline(store)
        ensure_timeline(store)
    return None


@app.command("person")
@user_errors
def person_command(
    context: typer.Context, person_id: int = typer.Argument(...), as_json: bool = JSON
) -> None:
    """One person: records side by side with source and reliability, certainty reasons, lineage."""
    from nomina.resolve.person import PERSON_RECORD_COLUMNS, describe_person

    store = store_from(context)
    person = describe_person(store, person_id)
    if person is None:
        fail(f"no person {person_id}")
        raise typer.Exit(1)
    if as_json:
        print(json.dumps(person, ensure_ascii=False, indent=2, default=str))
        return
    state = " (retired: merged into another person)" if person["retired"] else ""
    stdout.print(f"person {person['id']}: {person['certainty']}{state}", highlight=False)
    for reason in person["reasons"]:
        stdout.print(f"  · {reason}", highlight=False)
    stdout.print(side_by_side(person["records"], PERSON_RECORD_COLUMNS))
    _print_person_timeline(store, person_id)
    for event in person["lineage"]:
        stdout.print(
            f"  run {event['run']}: {event['kind']} {event['person_id']} {event['other_ids'] or ''}",
            highlight=False,
        )


def _print_person_timeline(store: Store, person_id: int) -> None:
    """The person's ordered events and status (read with the person, already audited)."""
    from nomina.cli.timeline import print_timeline, status_line
    from nomina.timeline.person import person_timeline, timeline_rows

    with store.engine.connect() as connection:
        timeline = person_timeline(connection, person_id)
        rows = timeline_rows(connection, timeline)
    if rows:
        stdout.print(status_line(person_id, timeline), highlight=False)
        print_timeline(timeline, rows)
