"""The features cache beside a SQLite store: read instead of rebuilt, only new records
built, never trusted over the store."""

from __future__ import annotations

import pytest

from nomina.ingest import find_source_files, ingest_file, load_source_config
from nomina.resolve import feature_cache, features
from nomina.resolve.features import NAME_KEYS_VERSION, load_features
from nomina.store import open_store
from nomina.synth import write_world


@pytest.fixture
def world(tmp_path):
    folder = tmp_path / "world"
    write_world(folder, persons=300, seed=5)
    return tmp_path, find_source_files(folder)[0]


def _ingest(store, sources) -> None:
    for data, config in sources:
        ingest_file(store, data, load_source_config(config))


def _built(monkeypatch) -> list:
    """Record the ids each call of the feature builder was asked for."""
    calls: list = []
    build = features._build_features

    def counting(store, record_ids, say):
        calls.append(None if record_ids is None else list(record_ids))
        return build(store, record_ids, say)

    monkeypatch.setattr(features, "_build_features", counting)
    return calls


def test_features_come_from_the_cache_and_only_new_records_are_built(world, monkeypatch):
    folder, sources = world
    store = open_store(f"sqlite:///{folder / 'register.db'}")
    _ingest(store, sources[:-1])
    calls = _built(monkeypatch)
    first = load_features(store)
    assert calls == [None]  # nothing cached yet: every record built
    path = feature_cache.cache_path(store, NAME_KEYS_VERSION)
    assert path is not None and path.exists()
    assert load_features(store).equals(first) and len(calls) == 1  # read, not built

    _ingest(store, sources[-1:])
    grown = load_features(store)
    new_ids = sorted(
        set(grown.column("unique_id").to_pylist()) - set(first["unique_id"].to_pylist())
    )
    assert new_ids and calls[-1] == new_ids
    path.unlink()
    assert load_features(store).equals(grown)  # the same as built from nothing
    store.dispose()


def test_an_unreadable_cache_is_built_again(world):
    folder, sources = world
    store = open_store(f"sqlite:///{folder / 'register.db'}")
    _ingest(store, sources)
    built = load_features(store)
    path = feature_cache.cache_path(store, NAME_KEYS_VERSION)
    path.write_bytes(b"not parquet")
    assert load_features(store).equals(built)
    with store.engine.connect() as connection:
        landed = feature_cache.landed_batches(connection)
    assert feature_cache.read_cached(path, features.FEATURE_SCHEMA, landed) is not None
    store.dispose()


def test_a_register_made_again_does_not_read_the_old_cache(world, tmp_path):
    folder, sources = world
    database = folder / "register.db"
    store = open_store(f"sqlite:///{database}")
    _ingest(store, sources[:1])
    old = load_features(store)
    store.dispose()
    database.unlink()  # made again from nothing: ids 1, 2, ... now name other records
    other = tmp_path / "other"
    write_world(other, persons=300, seed=6)
    store = open_store(f"sqlite:///{database}")
    _ingest(store, find_source_files(other)[0][:1])
    again = load_features(store)
    assert again["unique_id"].to_pylist()[:5] == old["unique_id"].to_pylist()[:5]
    assert again["name"].to_pylist() != old["name"].to_pylist()
    path = feature_cache.cache_path(store, NAME_KEYS_VERSION)
    path.unlink()
    assert load_features(store).equals(again)
    store.dispose()


def test_no_cache_without_a_place_for_it(monkeypatch):
    monkeypatch.delenv("NOMINA_FEATURES_CACHE", raising=False)
    memory = open_store("sqlite://")
    assert feature_cache.cache_path(memory, NAME_KEYS_VERSION) is None
    monkeypatch.setenv("NOMINA_FEATURES_CACHE", "/somewhere")
    path = feature_cache.cache_path(memory, NAME_KEYS_VERSION)
    assert path is not None and str(path).startswith("/somewhere/")


def test_names_normalised_over_worker_processes_get_the_keys_of_one_process(world, monkeypatch):
    """The parallel path (a million records) and the serial one (a few thousand) store the
    same keys and build the same features."""
    from sqlalchemy import select

    from nomina.store.schema import record_keys

    folder, sources = world
    tables, stored = [], []
    for name, parallel_from in (("serial", 10**9), ("parallel", 1)):
        monkeypatch.setattr(features, "PARALLEL_FROM", parallel_from)
        monkeypatch.setattr(features, "_BATCH", 100)  # several chunks in the pipeline
        store = open_store(f"sqlite:///{folder / (name + '.db')}")
        _ingest(store, sources)
        tables.append(features._build_features(store, None, lambda _step: None))
        with store.engine.connect() as connection:
            stored.append(connection.execute(select(record_keys).order_by("record_id")).all())
        store.dispose()
    assert len(tables[0]) > 200 and tables[0].equals(tables[1])
    assert stored[0] == stored[1] and len(stored[0]) == len(tables[0])
