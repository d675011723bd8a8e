"""A batch lands whole or not at all — even when the process is killed mid-ingest."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap

import pytest
from sqlalchemy import func, select

from nomina.ingest import ingest_file, load_source_config
from nomina.store import open_store
from nomina.store.schema import batches, record_fields, records
from tests.conftest import CONTRACTS_ROWS, write_csv

CHILD = textwrap.dedent(
    """
    import sys
    from pathlib import Path
    from nomina.ingest import ingest_file, load_source_config
    from nomina.store import open_store

    def report(done, total):
        print("flushed", done, flush=True)

    store = open_store(sys.argv[1])
    ingest_file(store, Path(sys.argv[2]), load_source_config(Path(sys.argv[3])), progress=report)
    print("finished", flush=True)
    """
)


def counts(store) -> tuple[int, int, int]:
    with store.engine.connect() as connection:
        return tuple(
            connection.execute(select(func.count()).select_from(table)).scalar()
            for table in (batches, records, record_fields)
        )


def test_killed_ingest_leaves_the_store_as_it_was(store, contracts, tmp_path):
    data, config = contracts
    ingest_file(store, data, load_source_config(config))
    before = counts(store)

    big = write_csv(tmp_path / "big.csv", CONTRACTS_ROWS[:1] + CONTRACTS_ROWS[1:] * 100_000)
    child = subprocess.Popen(
        [sys.executable, "-c", CHILD, store.url, str(big), str(config)],
        stdout=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)},
    )
    first = child.stdout.readline()
    assert first.startswith("flushed"), f"child did not start writing: {first!r}"
    child.send_signal(signal.SIGKILL)
    child.wait(timeout=30)
    store.dispose()  # drop pooled connections; the killed writer's transaction is gone

    reopened = open_store(store.url)
    assert counts(reopened) == before
    if reopened.backend == "sqlite":
        with reopened.engine.connect() as connection:
            assert connection.exec_driver_sql("PRAGMA integrity_check").scalar() == "ok"
    # The file was never stored, so it can be ingested now, whole.
    result = ingest_file(reopened, big, load_source_config(config))
    assert result.records_added == 300_000
    reopened.dispose()


def test_an_error_mid_batch_rolls_everything_back(store, contracts, monkeypatch):
    from nomina.ingest import batch as batch_module

    data, config = contracts
    calls = {"n": 0}
    real_insert = batch_module.bulk_insert

    def failing_insert(connection, table, columns, rows):
        calls["n"] += 1
        if table is record_fields and rows:
            raise RuntimeError("disk full")
        return real_insert(connection, table, columns, rows)

    monkeypatch.setattr(batch_module, "bulk_insert", failing_insert)
    with pytest.raises(RuntimeError, match="disk full"):
        ingest_file(store, data, load_source_config(config))
    assert counts(store) == (0, 0, 0)


MEASURE = textwrap.dedent(
    """
    import sys
    from pathlib import Path
    from nomina.ingest import ingest_file, load_source_config
    from nomina.store import open_store

    store = open_store(sys.argv[1])
    ingest_file(store, Path(sys.argv[2]), load_source_config(Path(sys.argv[3])))
    # VmHWM is this process's own peak; ru_maxrss would carry the parent's across exec.
    status = Path("/proc/self/status").read_text()
    print(next(line.split()[1] for line in status.splitlines() if line.startswith("VmHWM")))
    """
)


def test_memory_does_not_grow_with_file_size(contracts, tmp_path):
    """Streaming: a file 3x longer must not need more memory."""
    _, config = contracts
    peaks = []
    # Both sizes overflow the bounded parser caches (64k entries), so only growth
    # with the file itself would show.
    for copies in (80_000, 240_000):
        rows = [CONTRACTS_ROWS[0]] + [
            [f"Тхапа Рам {n}", "05.03.1998", "Непал", f"PA{n:06d}", "12.01.2024", f"в/ч {n}"]
            for n in range(copies)
        ]
        data = write_csv(tmp_path / f"rows{copies}.csv", rows)
        output = subprocess.run(
            [
                sys.executable,
                "-c",
                MEASURE,
                f"sqlite:///{tmp_path / f'm{copies}.db'}",
                str(data),
                str(config),
            ],
            check=True,
            capture_output=True,
            text=True,
            env={**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)},
        )
        peaks.append(int(output.stdout.split()[-1]) / 1024)
    small, large = peaks
    assert large < small * 1.1 + 10, f"peak RSS grew from {small:.0f} MB to {large:.0f} MB"
