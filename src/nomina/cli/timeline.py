"""`nomina timeline`: a person's ordered events and status, or the contradictions to review."""

from __future__ import annotations

import json

import typer
from rich.table import Table
from sqlalchemy import func, select

from nomina.cli import app, store_from, user_errors
from nomina.cli.output import emit, fail, stderr, stdout
from nomina.cli.progress import progress_bar
from nomina.store import Store

JSON = typer.Option(False, "--json", help="Print JSON.")
CSV = typer.Option(False, "--csv", help="Print CSV.")


@app.command("timeline")
@user_errors
def timeline_command(
    context: typer.Context,
    person_id: int = typer.Argument(None, help="A person: its ordered timeline and status."),
    flags: bool = typer.Option(False, "--flags", help="List the contradictions to review."),
    kind: str = typer.Option(None, "--kind", help="With --flags: only this kind."),
    limit: int = typer.Option(None, "--limit", min=1, help="With --flags: at most this many."),
    rebuild: bool = typer.Option(False, "--rebuild", help="Rebuild every timeline first."),
    as_json: bool = JSON,
    as_csv: bool = CSV,
) -> None:
    """Timelines: events ordered, status derived, contradictions flagged (never resolved)."""
    from nomina.timeline import FLAG_KINDS, build_timeline, ensure_timeline

    if kind is not None and kind not in FLAG_KINDS:
        fail(f"no flag kind {kind!r}; known: {', '.join(FLAG_KINDS)}")
        raise typer.Exit(1)
    if person_id is not None and flags:
        fail("give a PERSON_ID or --flags, not both")
        raise typer.Exit(1)
    store = store_from(context)
    if rebuild:
        with progress_bar() as progress:
            task = progress.add_task("build timelines", total=None)
            build = build_timeline(
                store,
                progress=lambda done, total: progress.update(task, completed=done, total=total),
            )
        stderr.print(
            f"timelines: {build.persons:,} persons, {build.events:,} events, "
            f"{build.flags:,} contradictions flagged ({build.seconds:.1f} s)",
            highlight=False,
        )
    else:
        ensure_timeline(store)
    if person_id is not None:
        _show_person(store, person_id, as_json=as_json, as_csv=as_csv)
    elif flags:
        _show_flags(store, kind, limit, as_json=as_json, as_csv=as_csv)
    else:
        _show_summary(store, as_json=as_json, as_csv=as_csv)


def _show_person(store: Store, person_id: int, *, as_json: bool, as_csv: bool) -> None:
    from nomina.settings import current_actor
    from nomina.store.audit import append_audit
    from nomina.store.dialect import take_write_lock
    from nomina.store.schema import persons
    from nomina.timeline.person import TIMELINE_COLUMNS, person_timeline, timeline_rows

    with store.engine.begin() as connection:
        take_write_lock(connection)  # before the reads: see take_write_lock
        exists = connection.execute(select(persons.c.id).where(persons.c.id == person_id)).first()
        if exists is None:
            fail(f"no person {person_id}")
            raise typer.Exit(1)
        timeline = person_timeline(connection, person_id)
        rows = timeline_rows(connection, timeline)
        append_audit(
            connection,
            actor=current_actor(),
            action="read timeline",
            object_type="person",
            object_id=str(person_id),
        )
    if as_json:
        print(json.dumps(_timeline_json(person_id, timeline, rows), ensure_ascii=False, indent=2))
        return
    if as_csv:
        emit(rows, TIMELINE_COLUMNS, as_json=False, as_csv=True)
        return
    stdout.print(status_line(person_id, timeline), highlight=False)
    print_timeline(timeline, rows)


def status_line(person_id: int, timeline) -> str:
    """'person 12: killed 2024-05-10 (contested)' for people."""
    event = timeline.status_event
    when = f" {event.date}" if event is not None and event.date else ""
    contested = " (contested: see below)" if timeline.contested else ""
    return f"person {person_id}: {timeline.status or 'no event known'}{when}{contested}"


def print_timeline(timeline, rows: list[dict]) -> None:
    """The ordered events as a table, then each contradiction (for `nomina person` too)."""
    from nomina.timeline.person import TIMELINE_COLUMNS

    table = Table(title="Timeline")
    for name in TIMELINE_COLUMNS:
        table.add_column(name, overflow="fold")
    for row in rows:
        table.add_row(*(str(row[name]) for name in TIMELINE_COLUMNS))
    stdout.print(table)
    for flag in timeline.flags:
        stdout.print(f"  [yellow]⚑[/] {flag.kind}: ", end="")
        stdout.print(flag.detail, highlight=False, markup=False)


def _timeline_json(person_id: int, timeline, rows: list[dict]) -> dict:
    event = timeline.status_event
    return {
        "person_id": person_id,
        "status": timeline.status,
        "status_date": event.date if event else None,
        "status_precision": event.precision if event else None,
        "contested": timeline.contested,
        "events": rows,
        "flags": [{"kind": f.kind, "detail": f.detail} for f in timeline.flags],
    }


def _show_flags(
    store: Store, kind: str | None, limit: int | None, *, as_json: bool, as_csv: bool
) -> None:
    from nomina.timeline.person import FLAG_LIST_COLUMNS, list_flags

    with store.engine.connect() as connection:
        rows = list_flags(connection, kind=kind, limit=limit)
    emit(rows, FLAG_LIST_COLUMNS, as_json=as_json, as_csv=as_csv, title="Contradictions to review")


def _show_summary(store: Store, *, as_json: bool, as_csv: bool) -> None:
    from nomina.store.schema import person_timelines, timeline_flags
    from nomina.timeline import latest_build

    with store.engine.connect() as connection:
        build = latest_build(connection)
        statuses = connection.execute(
            select(person_timelines.c.status, func.count(), func.sum(person_timelines.c.contested))
            .group_by(person_timelines.c.status)
            .order_by(person_timelines.c.status)
        ).all()
        kinds = dict(
            connection.execute(
                select(timeline_flags.c.kind, func.count()).group_by(timeline_flags.c.kind)
            ).all()
        )
    rows = [
        {"status": status or "(no event)", "persons": n, "contested": int(contested or 0)}
        for status, n, contested in statuses
    ]
    emit(rows, ("status", "persons", "contested"), as_json=as_json, as_csv=as_csv,
         title="Current status")  # fmt: skip
    if not as_json and not as_csv and build is not None:
        flagged = ", ".join(f"{n:,} {k}" for k, n in sorted(kinds.items())) or "none"
        stdout.print(
            f"built {build['built_at']:%Y-%m-%d %H:%M} from run {build['run_id']}; "
            f"contradictions: {flagged} (`nomina timeline --flags`)",
            highlight=False,
        )
