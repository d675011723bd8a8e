"""The capture table: one row per observed capture pattern (which lists saw a person), a count.

Every estimator here works on this aggregated table, never on persons one by one: a
register of 100,000 persons on six lists is at most 63 rows. The all-zero pattern (on
no list) is never a row: it is the unobserved cell, what the estimators estimate.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np


class TableError(ValueError):
    """A capture table a user gave cannot be used; the message names file, row and column."""

    def __init__(self, path: object, message: str) -> None:
        self.path = str(path)
        self.message = message
        super().__init__(f"{self.path}: {message}")


@dataclass(frozen=True)
class CaptureTable:
    """Observed capture patterns (rows × lists, 0/1) and how many persons have each."""

    lists: tuple[str, ...]
    patterns: np.ndarray  # shape (rows, lists), uint8
    counts: np.ndarray  # shape (rows,), int64

    @property
    def observed(self) -> int:
        return int(self.counts.sum())

    @property
    def list_sizes(self) -> dict[str, int]:
        return {name: int(self.counts @ self.patterns[:, j]) for j, name in enumerate(self.lists)}

    def complete(self) -> CaptureTable:
        """Every one of the 2^J - 1 observable patterns, absent ones with count 0.

        Log-linear models need the zero cells: a pattern nobody has is information.
        """
        width = len(self.lists)
        codes = _codes(self.patterns)
        counts = np.zeros(2**width, dtype=np.int64)
        np.add.at(counts, codes, self.counts)
        every = np.arange(1, 2**width)
        bits = ((every[:, None] >> np.arange(width - 1, -1, -1)) & 1).astype(np.uint8)
        return CaptureTable(self.lists, bits, counts[1:])

    def nonzero(self) -> CaptureTable:
        keep = self.counts > 0
        return CaptureTable(self.lists, self.patterns[keep], self.counts[keep])

    def rows(self) -> list[dict[str, int]]:
        """The table as dicts (one per pattern): list columns 0/1 and `count`."""
        return [
            {
                **{name: int(bit) for name, bit in zip(self.lists, pattern, strict=True)},
                "count": int(c),
            }
            for pattern, c in zip(self.patterns, self.counts, strict=True)
        ]


def _codes(patterns: np.ndarray) -> np.ndarray:
    """Each pattern as an integer, the first list the most significant bit."""
    width = patterns.shape[1]
    return patterns.astype(np.int64) @ (1 << np.arange(width - 1, -1, -1, dtype=np.int64))


def table_from_patterns(
    lists: Sequence[str], patterns: Sequence[Sequence[int]], counts: Sequence[int]
) -> CaptureTable:
    """A capture table from patterns and counts; equal patterns are added together."""
    width = len(lists)
    array = np.asarray(patterns, dtype=np.uint8).reshape(-1, width)
    count_array = np.asarray(counts, dtype=np.int64)
    codes = _codes(array)
    unique, inverse = np.unique(codes, return_inverse=True)
    summed = np.zeros(len(unique), dtype=np.int64)
    np.add.at(summed, inverse, count_array)
    bits = ((unique[:, None] >> np.arange(width - 1, -1, -1)) & 1).astype(np.uint8)
    return CaptureTable(tuple(lists), bits, summed)


def read_table(path: Path | str) -> CaptureTable:
    """Read a capture table CSV: one 0/1 column per list and a `count` column.

    Lines starting with `#` before the header are comments (a citation, say). Every
    problem is a TableError naming the file, the line and the column.
    """
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError:
        raise TableError(path, "not UTF-8 text; save the table as a UTF-8 CSV") from None
    return parse_table(text, path)


def parse_table(text: str, path: object = "<table>") -> CaptureTable:
    lines = text.splitlines()
    # Comment lines are dropped but counted, so reported line numbers match the file.
    first = 0
    while first < len(lines) and (
        not lines[first].strip() or lines[first].lstrip().startswith("#")
    ):
        first += 1
    if first == len(lines):
        raise TableError(path, "empty file: expected a header with list columns and `count`")
    body = "\n".join(lines[first:])
    try:
        dialect = csv.Sniffer().sniff(lines[first], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    reader = csv.reader(io.StringIO(body), dialect)
    header = [cell.strip() for cell in next(reader)]
    lowered = [cell.lower() for cell in header]
    if "count" not in lowered:
        raise TableError(
            path,
            f"line {first + 1}: no `count` column (columns: {', '.join(header)}); "
            "give one 0/1 column per list and a `count` column",
        )
    if lowered.count("count") > 1:
        raise TableError(path, f"line {first + 1}: more than one `count` column")
    for position, name in enumerate(header):
        if not name:
            raise TableError(path, f"line {first + 1}: column {position + 1} has no name")
        if header.count(name) > 1:
            raise TableError(path, f"line {first + 1}: column `{name}` appears twice")
    count_at = lowered.index("count")
    list_at = [i for i in range(len(header)) if i != count_at]
    lists = [header[i] for i in list_at]
    if len(lists) < 2:
        names = f" ({lists[0]})" if lists else ""
        raise TableError(
            path,
            f"only {len(lists)} list column{names}: multiple systems estimation needs at least two lists",
        )
    patterns: list[list[int]] = []
    counts: list[int] = []
    seen: dict[tuple[int, ...], int] = {}
    for offset, row in enumerate(reader):
        line = first + 2 + offset
        if not any(cell.strip() for cell in row):
            continue
        if len(row) != len(header):
            raise TableError(path, f"line {line}: {len(row)} cells, the header has {len(header)}")
        pattern = []
        for i in list_at:
            cell = row[i].strip()
            if cell not in ("0", "1"):
                raise TableError(path, f"line {line}, column `{header[i]}`: {cell!r} is not 0 or 1")
            pattern.append(int(cell))
        counts.append(_count(row[count_at].strip(), path, line, header[count_at]))
        key = tuple(pattern)
        if not any(key):
            raise TableError(
                path,
                f"line {line}: the all-zero pattern (on no list) cannot be observed; "
                "it is what the estimate is for, leave that row out",
            )
        if key in seen:
            raise TableError(
                path, f"line {line}: the pattern {''.join(map(str, key))} repeats line {seen[key]}"
            )
        seen[key] = line
        patterns.append(pattern)
    if not patterns:
        raise TableError(path, "no rows under the header: the table is empty")
    table = table_from_patterns(lists, patterns, counts)
    if table.observed == 0:
        raise TableError(path, "every count is 0: nobody was observed")
    return table


def _count(cell: str, path: object, line: int, column: str) -> int:
    where = f"line {line}, column `{column}`"
    try:
        value = float(cell)
    except ValueError:
        raise TableError(path, f"{where}: {cell!r} is not a number") from None
    if not np.isfinite(value) or value != int(value):
        raise TableError(path, f"{where}: {cell!r} is not a whole number of persons")
    if value < 0:
        raise TableError(path, f"{where}: {cell!r} is negative")
    return int(value)
