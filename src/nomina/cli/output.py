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


def side_by_side(
    rows: list[dict[str, Any]],
    fields: Sequence[str],
    *,
    title: str = "Records",
    mark_differences: bool = False,
) -> Table:
    """Records as columns, fields as rows: how a reviewer compares them.

    `fields[0]` names the column headers (the record id); empty rows are left out.
    With `mark_differences`, a field the records give differently is shown in yellow.
    """
    table = Table(title=title, show_lines=False)
    table.add_column("field", style="bold")
    for row in rows:
        table.add_column(f"record {row[fields[0]]}", overflow="fold")
    for name in fields[1:]:
        values = ["" if row.get(name) is None else str(row.get(name)) for row in rows]
        if any(values):
            differ = mark_differences and len({value for value in values if value}) > 1
            # Text, not str: a value like "[red]" is data, never Rich markup.
            cells = [Text(value) for value in values]
            table.add_row(name, *cells, style="yellow" if differ else None)
    return table


def fail(message: str) -> None:
    """A user error: one clear line on stderr (no traceback)."""
    stderr.print(Text.assemble(("error: ", "bold red"), message), highlight=False, soft_wrap=True)
