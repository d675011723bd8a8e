"""One way to print every table: Rich on a terminal, or --json / --csv for programs."""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence
from typing import Any

from rich.console import Console
from rich.table import Table
from rich.text import Text

from nomina.tabular import write_csv, write_json

# Piped output (a file, `less`, a CI log) gets room for whole table rows, not 80 columns.
# COLUMNS, when set, wins (Rich reads it).
stdout = Console(
    soft_wrap=True, width=None if sys.stdout.isatty() or "COLUMNS" in os.environ else 200
)
stderr = Console(stderr=True)


def emit(
    rows: list[dict[str, Any]],
    columns: Sequence[str],
    *,
    as_json: bool,
    as_csv: bool,
    title: str | None = None,
) -> None:
    if as_json:
        write_json([{name: row.get(name) for name in columns} for row in rows], sys.stdout)
        return
    if as_csv:
        write_csv(rows, columns, sys.stdout)
        return
    table = Table(title=title)
    for name in columns:
        table.add_column(name)
    for row in rows:
        table.add_row(*("" if row.get(name) is None else str(row.get(name)) for name in columns))
    stdout.print(table)


def fail(message: str) -> None:
    """A user error: one clear line on stderr (no traceback)."""
    stderr.print(Text.assemble(("error: ", "bold red"), message), highlight=False, soft_wrap=True)
