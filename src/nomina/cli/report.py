"""`nomina report`: the register's figures as an HTML, PDF or XLSX report (nomina.report)."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import typer

from nomina.cli import app, store_from, user_errors
from nomina.cli.output import fail, stderr


@app.command("report")
@user_errors
def report_command(
    context: typer.Context,
    out: str = typer.Option(
        ..., "--out", "-o", help="The file to write (its suffix can give the format); - for stdout."
    ),
    format: str = typer.Option(
        None, "--format", "-f", help="html, pdf or xlsx (default: from the --out suffix)."
    ),
    public: bool = typer.Option(
        True,
        "--public/--internal",
        help="Public (default): disclosure-controlled counts, no person listed. "
        "Internal: unsuppressed tables, not for publication.",
    ),
    as_of: str = typer.Option(
        None,
        "--as-of",
        help="What the register knew then: YYYY-MM-DD (end of day, UTC) or a timestamp.",
    ),
    k: int = typer.Option(
        None, "--k", min=1, help="With --public: the smallest count published (default 10)."
    ),
    estimate: bool = typer.Option(
        True, "--estimate/--no-estimate", help="Estimate the total including persons on no list."
    ),
    iterations: int = typer.Option(
        20_000, "--iterations", min=100, help="LCMCR Gibbs iterations for the estimate."
    ),
    seed: int = typer.Option(
        1, "--seed", help="Random seed of the estimate (same seed, same draws)."
    ),
) -> None:
    """Write a report: the headline, charts, figures with definitions, the estimate."""
    from nomina.report import DEFAULT_K, EmptyRegister, build_report, format_of, render
    from nomina.timeline import parse_as_of

    try:
        chosen = format_of(out, format) if out != "-" or format else None
    except ValueError as error:
        _refuse(str(error))
    if chosen is None:
        _refuse("writing to stdout (--out -) needs --format (html, pdf or xlsx)")
    if k is not None and not public:
        _refuse("--k goes with --public: an internal report suppresses nothing")
    moment = None
    if as_of is not None:
        try:
            moment = parse_as_of(as_of)
        except ValueError as error:
            _refuse(str(error))
    target = None if out == "-" else Path(out)
    if target is not None and (problem := _unwritable(target)):
        _refuse(f"cannot write {out}: {problem}")
    store = store_from(context)
    try:
        with stderr.status("building the report") as status:
            report = build_report(
                store,
                public=public,
                k=k or DEFAULT_K,
                as_of=moment,
                estimate=estimate,
                iterations=iterations,
                seed=seed,
                progress=lambda step: status.update(f"building the report: {step}"),
            )
            status.update(f"rendering {chosen}")
            data = render(report, chosen)
    except EmptyRegister as error:
        _refuse(str(error))
    if target is None:
        sys.stdout.buffer.write(data)
        sys.stdout.flush()
    else:
        try:
            target.write_bytes(data)
        except OSError as error:
            _refuse(f"cannot write {out}: {error.strerror or error}")
    stderr.print(
        f"wrote {out} ({chosen}, {len(data):,} bytes): {report.variant} report, "
        f"figures as of {report.as_of_text()}",
        highlight=False,
    )
    stderr.print(report.headline, highlight=False)


def _unwritable(path: Path) -> str | None:
    """Why `path` cannot be written, or None."""
    if path.is_dir():
        return "it is a folder"
    folder = path.parent if str(path.parent) else Path(".")
    if not folder.is_dir():
        return f"no folder {folder}"
    if path.exists() and not os.access(path, os.W_OK):
        return "permission denied"
    if not path.exists() and not os.access(folder, os.W_OK):
        return f"permission denied in {folder}"
    return None


def _refuse(message: str) -> None:
    fail(message)
    raise typer.Exit(1)
