"""Ingest throughput and memory: nomina vs a copy-only baseline, in the same run.

    python benchmarks/ingest.py --json                 # 1,000,000 records, SQLite and PostgreSQL
    python benchmarks/ingest.py --records 100000 --backends sqlite

nomina: `nomina ingest DIR` of a synthetic world (sniffing, decoding, parsing every
mapped cell, quarantine, three tables, audit, one transaction per file).
baseline: the I/O floor — the same files read with the csv/openpyxl/json modules and
each row inserted verbatim as JSON into one table (SQLite executemany / PostgreSQL
COPY), no parsing. Each case runs in its own process so peak RSS is its own.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import subprocess
import sys
import tempfile
import time
import uuid
from collections import defaultdict
from pathlib import Path
from typing import Any

POSTGRES_ADMIN = os.environ.get(
    "NOMINA_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)

# A child's own peak RSS in kB. VmHWM, not ru_maxrss: Linux carries ru_maxrss across
# exec, so a child would report the parent's peak (the world generator's) as its own.
PEAK_RSS = """
def PEAK():
    from pathlib import Path
    status = Path("/proc/self/status").read_text()
    return int(next(line.split()[1] for line in status.splitlines() if line.startswith("VmHWM")))
"""

NOMINA_CHILD = (
    PEAK_RSS
    + """
import sys, time
from pathlib import Path
from nomina.ingest import find_source_files, ingest_file, load_source_config
from nomina.store import open_store
store = open_store(sys.argv[1])
started = time.perf_counter()
added = 0
pairs, _ = find_source_files(Path(sys.argv[2]))
for data, config in pairs:
    added += ingest_file(store, data, load_source_config(config)).rows_read
print(added, time.perf_counter() - started, PEAK())
"""
)

BASELINE_CHILD = (
    PEAK_RSS
    + """
import csv, json, sys, time
from pathlib import Path
import yaml
from sqlalchemy import create_engine, text
from nomina.store.dialect import bulk_insert
from sqlalchemy import Table, Column, BigInteger, Text, MetaData
csv.field_size_limit(1 << 26)
engine = create_engine(sys.argv[1])
meta = MetaData()
table = Table("raw_rows", meta, Column("id", BigInteger, primary_key=True, autoincrement=False), Column("raw", Text))
meta.create_all(engine)

def rows_of(path):
    config = yaml.safe_load(path.with_suffix(".yaml").read_text(encoding="utf-8"))
    encoding = (config.get("file") or {}).get("encoding") or "utf-8-sig"
    if path.suffix == ".jsonl":
        with path.open(encoding="utf-8") as handle:
            for line in handle:
                yield json.loads(line)
    elif path.suffix == ".xlsx":
        import openpyxl
        book = openpyxl.load_workbook(path, read_only=True)
        rows = book.worksheets[0].iter_rows(values_only=True)
        header = next(rows)
        for values in rows:
            yield dict(zip(header, values))
    else:
        delimiter = (config.get("file") or {}).get("delimiter") or ","
        with path.open(encoding=encoding, newline="") as handle:
            yield from csv.DictReader(handle, delimiter=delimiter)

started = time.perf_counter()
count = 0
with engine.begin() as connection:
    for path in sorted(Path(sys.argv[2]).iterdir()):
        if path.suffix not in (".csv", ".xlsx", ".jsonl") or not path.with_suffix(".yaml").exists():
            continue
        chunk = []
        for row in rows_of(path):
            count += 1
            chunk.append((count, json.dumps(row, ensure_ascii=False, default=str)))
            if len(chunk) == 5000:
                bulk_insert(connection, table, ("id", "raw"), chunk)
                chunk = []
        bulk_insert(connection, table, ("id", "raw"), chunk)
print(count, time.perf_counter() - started, PEAK())
"""
)


def run_child(code: str, url: str, world: Path) -> dict:
    """Run one case in its own process; it reports rows, seconds and its own peak RSS."""
    output = subprocess.run(
        [sys.executable, "-c", code, url, str(world)], check=True, capture_output=True, text=True
    ).stdout.split()
    rows, seconds, peak_kb = int(output[0]), float(output[1]), int(output[2])
    return {
        "records": rows,
        "seconds": round(seconds, 2),
        "records_per_second": round(rows / seconds),
        "peak_rss_mb": round(peak_kb / 1024, 1),
    }


def fresh_url(backend: str, workdir: Path, label: str) -> str:
    if backend == "sqlite":
        return f"sqlite:///{workdir / (label + '.db')}"
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    name = f"nomina_bench_{label}_{uuid.uuid4().hex[:8]}"
    admin = create_engine(POSTGRES_ADMIN, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return make_url(POSTGRES_ADMIN).set(database=name).render_as_string(hide_password=False)


def drop_url(url: str) -> None:
    if url.startswith("sqlite"):
        return
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    admin = create_engine(POSTGRES_ADMIN, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{make_url(url).database}" WITH (FORCE)'))
    admin.dispose()


def make_world(records: int, workdir: Path, seed: int) -> tuple[Path, float]:
    from nomina.synth import write_world

    probe = write_world(workdir / "probe", persons=20_000, seed=seed)
    per_person = probe.records / probe.persons_true
    world = workdir / "world"
    started = time.perf_counter()
    # Records per person fall a little as the world grows; aim 10 % high to reach N.
    write_world(world, persons=max(100, round(1.10 * records / per_person)), seed=seed)
    return world, time.perf_counter() - started


def benchmark_environment() -> dict[str, str]:
    """The environment for a child process that imports these benchmark modules."""
    here = str(Path(__file__).resolve().parent)
    path = os.environ.get("PYTHONPATH")
    return {**os.environ, "PYTHONPATH": here + (os.pathsep + path if path else "")}


def truth_register(url: str, world: Path) -> dict[str, float]:
    """Ingest `world` into the store at `url` and form persons from its truth, NOT by
    resolution (a million records take many minutes to resolve): each true person of
    `truth.csv` becomes one person, written through the store's own tables (one
    `resolution_runs` row, `persons`, `person_records`). Certainty simplifies the written
    policy: `confirmed` where a record carries a document or service number or two
    sources name the person, else `possible`. Then `build_timeline` materialises the
    timelines. Returns records, persons, ingest_seconds, build_seconds, flags."""
    from nomina.store import open_store
    from nomina.synth.truth import ingest_world, true_person_of_records
    from nomina.timeline import build_timeline

    store = open_store(url)
    started = time.perf_counter()
    ingest_world(store, world)
    ingest_seconds = time.perf_counter() - started
    truth = true_person_of_records(store, world)
    members: dict[int, list[int]] = defaultdict(list)
    for record_id, person in truth.items():
        members[int(person[1:])].append(record_id)
    _write_truth_persons(store, members, _confirmed(store, truth))
    started = time.perf_counter()
    build = build_timeline(store)
    return {
        "records": len(truth),
        "persons": len(members),
        "ingest_seconds": ingest_seconds,
        "build_seconds": time.perf_counter() - started,
        "flags": build.flags,
    }


def _confirmed(store: Any, truth: dict[int, str]) -> set[int]:
    """True persons with a document or service number on a record, or two sources."""
    from sqlalchemy import select

    from nomina.store.schema import record_fields, records

    documented: set[int] = set()
    seen: dict[int, set[int]] = defaultdict(set)
    query = select(
        records.c.id,
        records.c.source_id,
        record_fields.c.document_number,
        record_fields.c.service_number,
    ).join(record_fields)
    with store.engine.connect() as connection:
        for record_id, source_id, document, service in connection.execute(query):
            person = int(truth[record_id][1:])
            seen[person].add(source_id)
            if document or service:
                documented.add(person)
    return documented | {person for person, sources in seen.items() if len(sources) > 1}


def _write_truth_persons(store: Any, members: dict[int, list[int]], confirmed: set[int]) -> None:
    from nomina.store.dialect import bulk_insert
    from nomina.store.schema import person_records, persons, resolution_runs

    now = dt.datetime.now(dt.UTC)
    with store.engine.begin() as connection:
        connection.execute(
            resolution_runs.insert().values(
                id=1, started_at=now, finished_at=now, engine="truth", threshold=1.0,
                records=sum(map(len, members.values())), pairs=0, persons=len(members),
                model=None, actor="benchmark",
            )
        )  # fmt: skip
        columns = ("id", "created_run_id", "updated_run_id", "records", "certainty",
                   "certainty_reasons", "retired")  # fmt: skip
        rows = [
            (person, 1, 1, len(ids), "confirmed" if person in confirmed else "possible", "[]", 0)
            for person, ids in sorted(members.items())
        ]
        bulk_insert(connection, persons, columns, rows)
        bulk_insert(
            connection,
            person_records,
            ("record_id", "person_id"),
            sorted((r, p) for p, ids in members.items() for r in ids),
        )


def backend_parser(doc: str | None) -> argparse.ArgumentParser:
    """The options every benchmark over both backends shares."""
    parser = argparse.ArgumentParser(
        description=doc, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--records", type=int, default=1_000_000)
    parser.add_argument("--backends", default="sqlite,postgresql")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--json", action="store_true", help="end with one JSON line")
    return parser


def print_results(results: dict[str, dict], as_json: bool) -> None:
    """One JSON object on the last line, or a line a case."""
    if as_json:
        print(json.dumps(results))
    else:
        for case, sides in results.items():
            print(case, json.dumps(sides))


def main() -> None:
    args = backend_parser(__doc__).parse_args()
    results: dict = {}
    with tempfile.TemporaryDirectory(prefix="nomina-bench-") as tmp:
        workdir = Path(tmp)
        world, synth_seconds = make_world(args.records, workdir, args.seed)
        print(f"synthetic world written in {synth_seconds:.1f} s", file=sys.stderr)
        for backend in args.backends.split(","):
            case: dict = {}
            for label, code in (("nomina", NOMINA_CHILD), ("baseline", BASELINE_CHILD)):
                url = fresh_url(backend, workdir, label)
                try:
                    case[label] = run_child(code, url, world)
                finally:
                    drop_url(url)
                print(f"{backend} {label}: {case[label]}", file=sys.stderr)
            results[f"ingest_{backend}"] = case
    print_results(results, args.json)


if __name__ == "__main__":
    main()
