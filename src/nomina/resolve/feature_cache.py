"""The register's linkage features kept as a Parquet file beside a SQLite store, so that
an incremental run reads them in seconds instead of building a million rows again.

Records never change once stored (a batch lands whole and is never edited), so a
record's features change only when the rules that make them change: `FEATURES_VERSION`
(with the name keys' own version) names the file, and a file of other rules is never
read. The file holds what the store holds (names, dates, numbers), so it lies where the
store lies, with the same protection: beside a SQLite file, or in the folder named by
`NOMINA_FEATURES_CACHE` for a server database; without either nothing is cached.
The file names the batches its rows came from (id, file checksum, moment landed): a
file whose batches the store does not hold, all of them, as they were (a register made
again from nothing, ids given anew), is not read. A file that cannot be read is ignored
and written again: it is a cache, never a source.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
from sqlalchemy import Connection, make_url, select

from nomina.store import Store
from nomina.store.schema import batches

_BATCHES = b"nomina_batches"

# Bump when `features.feature_row` changes what a record's features are.
FEATURES_VERSION = 2


def cache_path(store: Store, name_keys_version: int) -> Path | None:
    """Where the store's features are kept, or None where they are not cached."""
    url = make_url(store.url)
    suffix = f".features-v{FEATURES_VERSION}.{name_keys_version}.parquet"
    folder = os.environ.get("NOMINA_FEATURES_CACHE")
    if folder:
        digest = hashlib.sha256(store.url.encode()).hexdigest()[:16]
        return Path(folder) / f"{digest}{suffix}"
    if url.get_backend_name() == "sqlite" and url.database not in (None, "", ":memory:"):
        return Path(url.database).with_name(Path(url.database).name + suffix)
    return None


def landed_batches(connection: Connection) -> set[str]:
    """Each batch the store holds, as id, file checksum and the moment it landed."""
    query = select(batches.c.id, batches.c.file_sha256, batches.c.started_at)
    return {f"{id_}:{sha}:{started}" for id_, sha, started in connection.execute(query)}


def read_cached(path: Path | None, schema: pa.Schema, landed: set[str]) -> pa.Table | None:
    """The cached table, if there is one, readable, of these rules and of batches the
    store holds."""
    if path is None or not path.exists():
        return None
    try:
        table = pq.read_table(path)
        made_from = set(json.loads((table.schema.metadata or {}).get(_BATCHES, b"null")))
    except (OSError, ValueError, TypeError, pa.ArrowException) as error:
        logging.getLogger(__name__).warning("features cache %s unreadable: %s", path, error)
        return None
    if not table.schema.equals(schema) or not made_from <= landed:
        return None
    return table.replace_schema_metadata(None)


def write_cached(path: Path | None, table: pa.Table, landed: set[str]) -> None:
    """Replace the file at once (written beside it, then renamed): a reader never sees
    half a file."""
    if path is None:
        return
    partial = path.with_name(path.name + ".partial")
    labelled = table.replace_schema_metadata({_BATCHES: json.dumps(sorted(landed))})
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        pq.write_table(labelled, partial)
        partial.replace(path)
    except OSError as error:
        logging.getLogger(__name__).warning("features cache %s not written: %s", path, error)


def rows_still_stored(cached: pa.Table, stored_ids: pa.Array) -> pa.Table:
    """The cached rows of records the store still holds."""
    return cached.filter(pc.is_in(cached.column("unique_id"), value_set=stored_ids))
