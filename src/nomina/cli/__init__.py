"""The `nomina` command: parses arguments and calls the stages; no logic of its own."""

from __future__ import annotations

import functools
import os
import sys
from collections.abc import Callable
from typing import Any, TypeVar

import typer
from sqlalchemy.exc import OperationalError

from nomina.cli.output import fail
from nomina.ingest import IngestError
from nomina.settings import DATABASE_URL_VARIABLE
from nomina.store import Store, open_store

app = typer.Typer(
    name="nomina",
    help="A register of distinct persons from many overlapping sources.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)

F = TypeVar("F", bound=Callable[..., Any])


def user_errors(command: F) -> F:
    """Turn the errors a user can fix into one clear message and exit status 1."""

    @functools.wraps(command)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return command(*args, **kwargs)
        except IngestError as error:
            fail(str(error))
        except OperationalError as error:
            fail(f"cannot use the store: {error.orig}")
        except (FileNotFoundError, PermissionError, IsADirectoryError) as error:
            fail(f"{error.filename}: {error.strerror}")
        raise typer.Exit(1)

    return wrapper  # type: ignore[return-value]


def store_from(context: typer.Context) -> Store:
    return open_store(context.obj.get("database_url") if context.obj else None)


@app.callback()
def _global(
    context: typer.Context,
    database_url: str = typer.Option(
        None, "--db", envvar=DATABASE_URL_VARIABLE, help="Store URL (default: sqlite:///nomina.db)."
    ),
) -> None:
    context.obj = {"database_url": database_url}


def main() -> None:
    """Entry point: unexpected failures get one line too, unless NOMINA_DEBUG is set."""
    try:
        app()
    except Exception as error:  # a bug, not a user error: say so without a wall of text
        if os.environ.get("NOMINA_DEBUG"):
            raise
        fail(f"internal error: {type(error).__name__}: {error} (set NOMINA_DEBUG=1 for details)")
        sys.exit(2)


# Each module registers its commands on `app`.
from nomina.cli import (  # noqa: E402, F401
    commands,
    estimate,
    report,
    review,
    serve,
    stats,
    timeline,
    users,
)
