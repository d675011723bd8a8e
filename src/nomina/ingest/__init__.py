"""Ingest: source files → immutable records with provenance, parsed fields and events.

>>> config = load_source_config(Path("contracts.yaml"))
>>> result = ingest_file(store, Path("contracts.csv"), config)
>>> result.records_added, result.rows_quarantined
"""

from __future__ import annotations

from pathlib import Path

from nomina.ingest.batch import BatchResult, Progress, file_sha256, ingest_file
from nomina.ingest.config import SourceConfig, load_source_config
from nomina.ingest.errors import IngestError, SourceConfigError
from nomina.ingest.quarantine import QUARANTINE_COLUMNS, list_quarantine
from nomina.ingest.readers import FORMATS

__all__ = [
    "FORMATS",
    "QUARANTINE_COLUMNS",
    "BatchResult",
    "IngestError",
    "Progress",
    "SourceConfig",
    "SourceConfigError",
    "file_sha256",
    "find_source_files",
    "ingest_file",
    "list_quarantine",
    "load_source_config",
]


def find_source_files(directory: Path) -> tuple[list[tuple[Path, Path]], list[Path]]:
    """Pairs (data file, its YAML) in `directory`: NAME.csv|xlsx|jsonl beside NAME.yaml.

    Also returns the data files without a YAML (e.g. a synthetic world's truth.csv),
    which are not sources; the caller says that it skipped them.
    """
    if not directory.is_dir():
        raise IngestError(directory, "not a directory")
    data_files = sorted(
        p for p in directory.iterdir() if p.suffix.lower() in FORMATS and p.is_file()
    )
    pairs, skipped = [], []
    for data_file in data_files:
        config = next(
            (
                c
                for c in (data_file.with_suffix(".yaml"), data_file.with_suffix(".yml"))
                if c.exists()
            ),
            None,
        )
        if config is None:
            skipped.append(data_file)
        else:
            pairs.append((data_file, config))
    if not pairs:
        raise IngestError(
            directory, "no source files (NAME.csv, NAME.xlsx or NAME.jsonl with NAME.yaml)"
        )
    return pairs, skipped
