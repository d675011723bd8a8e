"""Checking a register against the world it came from: ingest a world, read its truth."""

from __future__ import annotations

import csv
from pathlib import Path

from sqlalchemy import select

from nomina.ingest import find_source_files, ingest_file, load_source_config
from nomina.store import Store
from nomina.store.schema import batches, records


def ingest_world(store: Store, world: Path) -> None:
    """Ingest every source of a world folder written by `write_world`."""
    for data, config in find_source_files(world)[0]:
        ingest_file(store, data, load_source_config(config))


def true_person_of_records(store: Store, world: Path) -> dict[int, str]:
    """record id → the true person id behind it, from the world's truth.csv."""
    truth = {}
    with (world / "truth.csv").open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            truth[(row["source"], int(row["row_number"]))] = row["person_id"]
    query = select(records.c.id, records.c.row_number, batches.c.file_name).join(batches)
    with store.engine.connect() as connection:
        return {
            row.id: truth[(Path(row.file_name).stem, row.row_number)]
            for row in connection.execute(query)
        }
