"""Shared machinery of the resolution benchmarks (febrl.py, historical.py, synthetic.py).

Each benchmark hands this module a data set and its truth; this module runs both sides,
each in its own process (so `peak_rss_mb` is that process's own VmHWM), and scores them.

nomina, end to end as a user runs it: the data set is written as CSV files with a
source YAML each (`write_source`); a child process ingests the folder into a fresh
SQLite store (`ingest_world`, i.e. `ingest_file` per source; its time and peak are
`ingest_seconds` and `ingest_peak_rss_mb`); a second child runs `resolve_register(store)`
(default threshold 0.9), timed as `seconds`. Persons are then read from the store's
`person_records` and mapped back to the data set through `records.row_number` (the
spreadsheet row: the header is row 1, the first data row 2; checked cell by cell
against the rows written). Rows that ingest quarantines belong to no person: they are
scored as singletons, and `quarantined` counts them.

baseline, plain Splink with a generic model on the same data (`splink_baseline`):
Splink 5 on DuckDB, dedupe_only, from an in-memory DataFrame (no ingest; `seconds`
covers normalising, training, predicting and clustering). Names: unidecode, lower
case, spaces collapsed; `name` = given + " " + family (the full name where there are no
parts). Comparisons, for the fields the nomina YAML maps: name Jaro-Winkler at 0.9/0.7;
birth date `DateOfBirthComparison` on the ISO string (unparseable or partial dates
still meet on the exact and Levenshtein levels); birth place Jaro-Winkler; document
number, service number, citizenship, sex and military unit exact. Blocking, the generic
equivalent of nomina's: exact document number (and service number); the whole name
(the only rule that reaches a record with a full name and no parts); family name +
birth year; given + family name; family name + first letter of the given name. Training
without labels: u by random sampling (1e6 pairs), the prior from deterministic rules
(document number; given + family name + birth date) at recall 0.7, EM on two blocking
rules (birth date, else document number; then the full name). Then `predict` and
`cluster_pairwise_predictions_at_threshold(predictions, 0.9)`.

Metrics, from the two labelings of the same records (true person, predicted person):
- `precision`, `recall`, `f1` are pairwise: over the record pairs in one predicted
  person (precision) or one true person (recall), the share that are also in one true
  (predicted) person. Counted from the contingency table: true pairs found =
  sum over (true, predicted) cells of C(n, 2); no pair is enumerated.
- `cluster_f1`: cluster precision = the share of predicted persons whose records are
  exactly those of one true person; cluster recall = the share of true persons
  reproduced exactly; their F1. Singletons count as persons on both sides.
"""

from __future__ import annotations

import argparse
import json
import logging
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Hashable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

THRESHOLD = 0.9
RECEIVED = "2025-01-01"
METRICS = ("precision", "recall", "f1", "cluster_f1", "seconds", "peak_rss_mb")
# The nomina fields the baseline knows how to compare (see splink_baseline).
BASELINE_FIELDS = (
    "full_name",
    "given_name",
    "family_name",
    "birth_date",
    "birth_place",
    "document_number",
    "service_number",
    "citizenship",
    "sex",
    "military_unit",
)


# --- scoring ---------------------------------------------------------------------------


def _pairs(n: int) -> int:
    return n * (n - 1) // 2


def _ratio(part: float, whole: float) -> float:
    return part / whole if whole else 0.0


def _f1(precision: float, recall: float) -> float:
    return 2 * precision * recall / (precision + recall) if precision + recall else 0.0


def score(truth: Mapping[Any, Hashable], predicted: Mapping[Any, Hashable]) -> dict[str, Any]:
    """Pairwise precision/recall/F1 and cluster F1 of `predicted` against `truth`
    (both: record key → person label, over the same records)."""
    if truth.keys() != predicted.keys():
        missing, extra = truth.keys() - predicted.keys(), predicted.keys() - truth.keys()
        raise ValueError(f"labelings differ: {len(missing)} unlabelled, {len(extra)} unknown")
    cells = Counter((truth[key], predicted[key]) for key in truth)
    found = sum(_pairs(n) for n in cells.values())
    true_pairs = sum(_pairs(n) for n in Counter(truth.values()).values())
    predicted_pairs = sum(_pairs(n) for n in Counter(predicted.values()).values())
    precision, recall = _ratio(found, predicted_pairs), _ratio(found, true_pairs)
    true_clusters, predicted_clusters = _clusters(truth), _clusters(predicted)
    exact = len(true_clusters & predicted_clusters)
    cluster_precision = _ratio(exact, len(predicted_clusters))
    cluster_recall = _ratio(exact, len(true_clusters))
    return {
        "precision": round(precision, 4),
        "recall": round(recall, 4),
        "f1": round(_f1(precision, recall), 4),
        "cluster_f1": round(_f1(cluster_precision, cluster_recall), 4),
        "cluster_precision": round(cluster_precision, 4),
        "cluster_recall": round(cluster_recall, 4),
        "records": len(truth),
        "persons": len(predicted_clusters),
    }


def _clusters(labels: Mapping[Any, Hashable]) -> set[frozenset]:
    members: dict[Hashable, list] = {}
    for key, label in labels.items():
        members.setdefault(label, []).append(key)
    return {frozenset(keys) for keys in members.values()}


# --- the data set as files --------------------------------------------------------------


@dataclass
class Source:
    """One file of a data set: its rows (cells as text or None, in the data set's own
    column headers) and the YAML mapping header → nomina field."""

    name: str  # file stem
    title: str
    frame: pd.DataFrame
    columns: dict[str, str]
    kind: str = "other"
    reliability: str = "C"
    received: str = RECEIVED
    date_order: str = "YMD"
    # Columns whose unparsable cells are set aside (the row kept, the field empty) rather
    # than quarantining the row: `on_error: blank` in the YAML.
    blank_on_error: tuple[str, ...] = ()

    def key(self, position: int) -> str:
        """The record key of the row at `position` (0-based): file and spreadsheet row."""
        return row_key(self.name, position + 2)


def row_key(name: str, row_number: int) -> str:
    return f"{name}:{row_number}"


def write_source(folder: Path, source: Source) -> None:
    import yaml

    folder.mkdir(parents=True, exist_ok=True)
    source.frame.to_csv(folder / f"{source.name}.csv", index=False, na_rep="", encoding="utf-8")
    config = {
        "source": {
            "title": source.title,
            "kind": source.kind,
            "reliability": source.reliability,
            "received": source.received,
        },
        "file": {"encoding": "utf-8", "delimiter": ",", "date_order": source.date_order},
        "columns": {
            column: {"field": field, "on_error": "blank"}
            if column in source.blank_on_error
            else field
            for column, field in source.columns.items()
        },
    }
    text = yaml.safe_dump(config, allow_unicode=True, sort_keys=False)
    (folder / f"{source.name}.yaml").write_text(text, encoding="utf-8")


def fields_frame(sources: list[Source]) -> pd.DataFrame:
    """The mapped columns of every source under their nomina field names, keyed like the
    nomina side: what the baseline sees of the same data."""
    parts = []
    for source in sources:
        part = source.frame[list(source.columns)].rename(columns=source.columns)
        part.insert(0, "unique_id", [source.key(i) for i in range(len(source.frame))])
        parts.append(part)
    return pd.concat(parts, ignore_index=True)


# --- the sides, each in its own process -------------------------------------------------


def peak_rss_mb() -> float:
    """This process's own peak RSS (VmHWM; ru_maxrss would carry a parent's across exec)."""
    status = Path("/proc/self/status").read_text()
    kb = int(next(line.split()[1] for line in status.splitlines() if line.startswith("VmHWM")))
    return round(kb / 1024, 1)


class SideFailed(RuntimeError):
    """A side of the benchmark raised; the message is its error's first line."""


def _run_child(*args: str) -> dict[str, Any]:
    """Run this module as a child process; its last line of stdout is its JSON report."""
    done = subprocess.run(
        [sys.executable, __file__, *args], check=False, stdout=subprocess.PIPE, text=True
    )
    lines = done.stdout.strip().splitlines()
    result = json.loads(lines[-1]) if lines else {}
    if done.returncode or "error" in result:
        raise SideFailed(result.get("error") or f"child {args[0]} exited {done.returncode}")
    return result


def _child_ingest(url: str, folder: str) -> dict[str, Any]:
    from nomina.store import open_store
    from nomina.synth.truth import ingest_world

    store = open_store(url)
    started = time.perf_counter()
    ingest_world(store, Path(folder))
    return {"ingest_seconds": round(time.perf_counter() - started, 2)}


def _child_resolve(url: str) -> dict[str, Any]:
    import splink  # noqa: F401 - imported before the clock starts, as in the baseline

    from nomina.resolve.run import resolve_register
    from nomina.store import open_store

    store = open_store(url)
    started = time.perf_counter()
    resolve_register(store, progress=lambda step: print(f"  nomina: {step}", file=sys.stderr))
    return {"seconds": round(time.perf_counter() - started, 2)}


def _child_baseline(fields_path: str, labels_path: str) -> dict[str, Any]:
    import splink  # noqa: F401 - imported before the clock starts, as in nomina's child

    fields = pd.read_parquet(fields_path)
    started = time.perf_counter()
    clusters = splink_baseline(fields)
    seconds = time.perf_counter() - started
    clusters.to_frame("cluster").to_parquet(labels_path)
    return {"seconds": round(seconds, 2)}


CHILDREN = {"ingest": _child_ingest, "resolve": _child_resolve, "baseline": _child_baseline}


@dataclass
class NominaRun:
    store_url: str
    metrics: dict[str, Any]
    # One row per data row: file (stem), row_number, record_id and person_id (both None
    # for a quarantined row).
    labels: pd.DataFrame


def run_nomina(folder: Path, workdir: Path) -> NominaRun:
    """Ingest every source in `folder` into a fresh SQLite store, resolve, read persons."""
    return resolve_nomina(*ingest_nomina(folder, workdir))


def ingest_nomina(folder: Path, workdir: Path) -> tuple[str, dict[str, Any]]:
    """A fresh SQLite store holding every source in `folder`: its URL, ingest metrics."""
    from sqlalchemy import func, select

    from nomina.store import open_store
    from nomina.store.schema import batches, quarantine_problems

    url = f"sqlite:///{workdir / 'nomina.db'}"
    say("nomina: ingest")
    metrics = _run_child("ingest", url, str(folder))
    metrics["ingest_peak_rss_mb"] = metrics.pop("peak_rss_mb")
    store = open_store(url)
    with store.engine.connect() as connection:
        metrics["quarantined"] = connection.execute(
            select(func.coalesce(func.sum(batches.c.rows_quarantined), 0))
        ).scalar_one()
        reasons = Counter(connection.execute(select(quarantine_problems.c.reason)).scalars())
    store.dispose()
    say(f"nomina: ingested in {metrics['ingest_seconds']} s, {metrics['quarantined']} quarantined")
    for reason, count in reasons.most_common(8):
        say(f"  quarantined {count} × {reason}")
    return url, metrics


def resolve_nomina(url: str, ingest_metrics: dict[str, Any]) -> NominaRun:
    say("nomina: resolve")
    metrics = _run_child("resolve", url)
    say(f"nomina: resolved in {metrics['seconds']} s")
    return NominaRun(url, {**metrics, **ingest_metrics}, _read_persons(url))


def _read_persons(url: str) -> pd.DataFrame:
    from sqlalchemy import select

    from nomina.store import open_store
    from nomina.store.schema import batches, person_records, quarantine
    from nomina.store.schema import records as records_table

    store = open_store(url)
    with store.engine.connect() as connection:
        stored = connection.execute(
            select(
                batches.c.file_name,
                records_table.c.row_number,
                records_table.c.id,
                person_records.c.person_id,
            )
            .join(batches, batches.c.id == records_table.c.batch_id)
            .join(person_records, person_records.c.record_id == records_table.c.id)
        ).all()
        held = connection.execute(
            select(batches.c.file_name, quarantine.c.row_number).join(
                batches, batches.c.id == quarantine.c.batch_id
            )
        ).all()
    store.dispose()
    rows = [(Path(f).stem, n, record, person) for f, n, record, person in stored]
    rows += [(Path(f).stem, n, None, None) for f, n in held]
    labels = pd.DataFrame(rows, columns=["file", "row_number", "record_id", "person_id"])
    return labels.astype({"record_id": "Int64", "person_id": "Int64"})


def check_row_numbers(run: NominaRun, sources: list[Source]) -> None:
    """Every stored or quarantined row's verbatim cells are the data set's row at
    row_number - 2: the mapping from nomina's rows back to the data set is right."""
    from sqlalchemy import select, union_all

    from nomina.store import open_store
    from nomina.store.schema import batches, quarantine
    from nomina.store.schema import records as records_table

    by_name = {source.name: source for source in sources}
    store = open_store(run.store_url)
    query = union_all(
        *(
            select(batches.c.file_name, table.c.row_number, table.c.raw).join(
                batches, batches.c.id == table.c.batch_id
            )
            for table in (records_table, quarantine)
        )
    )
    written = {
        name: [
            {column: "" if pd.isna(cell) else cell for column, cell in row.items()}
            for row in source.frame.to_dict("records")
        ]
        for name, source in by_name.items()
    }
    seen = 0
    with store.engine.connect() as connection:
        for file_name, row_number, raw in connection.execute(query):
            if json.loads(raw) != written[Path(file_name).stem][row_number - 2]:
                raise AssertionError(f"{file_name} row {row_number} is not data row {row_number}")
            seen += 1
    store.dispose()
    if seen != sum(len(source.frame) for source in sources):
        raise AssertionError(f"{seen} rows in the store, not every row written")


def run_baseline(fields: pd.DataFrame, workdir: Path) -> tuple[dict[str, Any], dict[str, int]]:
    """Plain Splink over `fields` (unique_id + nomina field names) in its own process."""
    fields_path, labels_path = workdir / "baseline-in.parquet", workdir / "baseline-out.parquet"
    fields.to_parquet(fields_path)
    say("baseline: plain Splink")
    metrics = _run_child("baseline", str(fields_path), str(labels_path))
    clusters = pd.read_parquet(labels_path)["cluster"]
    say(f"baseline: done in {metrics['seconds']} s")
    return metrics, dict(zip(clusters.index, clusters, strict=True))


# --- the baseline -----------------------------------------------------------------------


def _plain(values: pd.Series) -> pd.Series:
    """unidecode, lower case, spaces collapsed; None for nothing."""
    from unidecode import unidecode

    def one(value: Any) -> str | None:
        if value is None or value != value:
            return None
        text = " ".join(unidecode(str(value)).lower().split())
        return text or None

    return values.map(one).astype(object)


def _text(values: pd.Series) -> pd.Series:
    return values.map(
        lambda v: None if v is None or v != v or not str(v).strip() else str(v).strip()
    ).astype(object)


def baseline_input(fields: pd.DataFrame) -> pd.DataFrame:
    """The generic model's columns from the nomina fields present in `fields`."""
    nothing = pd.Series([None] * len(fields), index=fields.index, dtype=object)
    column = lambda name: fields[name] if name in fields else nothing  # noqa: E731
    given, family = _plain(column("given_name")), _plain(column("family_name"))
    parts = (given.fillna("") + " " + family.fillna("")).str.strip()
    name = parts.where(parts != "", _plain(column("full_name")))
    frame = pd.DataFrame({"unique_id": fields["unique_id"].astype(str)})
    frame["name"] = name.where(name != "", None)
    frame["given_name"], frame["family_name"] = given, family
    frame["given_initial"] = given.str[:1]
    birth = _text(column("birth_date"))
    frame["birth_date"], frame["birth_year"] = birth, birth.str[:4]
    frame["birth_place"] = _plain(column("birth_place"))
    frame["residence"] = _plain(column("residence"))
    for name_ in ("document_number", "service_number", "citizenship", "sex", "military_unit"):
        frame[name_] = _text(column(name_))
    return frame


def splink_baseline(fields: pd.DataFrame) -> pd.Series:
    """unique_id → cluster id, by plain Splink with the generic model (module docstring)."""
    import splink.comparison_library as cl
    from splink import DuckDBAPI, Linker, SettingsCreator, block_on

    logging.getLogger("splink").setLevel(logging.WARNING)
    frame = baseline_input(fields)
    has = {name for name in frame.columns if frame[name].notna().any()}
    comparisons = [cl.JaroWinklerAtThresholds("name")]
    if "birth_date" in has:
        comparisons.append(
            cl.DateOfBirthComparison(
                "birth_date",
                input_is_string=True,
                datetime_format="%Y-%m-%d",
                invalid_dates_as_null=False,
            )
        )
    for place in ("birth_place", "residence"):
        if place in has:
            comparisons.append(cl.JaroWinklerAtThresholds(place))
    for name in ("document_number", "service_number", "citizenship", "sex", "military_unit"):
        if name in has:
            comparisons.append(cl.ExactMatch(name))
    rules = [
        block_on(*columns)
        for columns in (
            ("document_number",),
            ("service_number",),
            ("name",),  # the only name rule for a record with a full name and no parts
            ("family_name", "birth_year"),
            ("given_name", "family_name"),
            ("family_name", "given_initial"),
        )
        if set(columns) <= has
    ]
    settings = SettingsCreator(
        link_type="dedupe_only",
        unique_id_column_name="unique_id",
        comparisons=comparisons,
        blocking_rules_to_generate_predictions=rules,
    )
    linker = Linker(DuckDBAPI().register(frame), settings, log_level=logging.WARNING)
    linker.training.estimate_u_using_random_sampling(max_pairs=1e6, seed=1)
    deterministic = [block_on("document_number")] if "document_number" in has else []
    deterministic.append(
        block_on("given_name", "family_name", "birth_date")
        if "birth_date" in has
        else block_on("name")
    )
    linker.training.estimate_probability_two_random_records_match(deterministic, recall=0.7)
    first = "birth_date" if "birth_date" in has else "document_number"
    for rule in (block_on(first), block_on("name")):
        linker.training.estimate_parameters_using_expectation_maximisation(rule)
    predictions = linker.inference.predict(threshold_match_probability=THRESHOLD)
    clusters = linker.clustering.cluster_pairwise_predictions_at_threshold(
        predictions, threshold_match_probability=THRESHOLD
    ).as_pandas_dataframe()
    return clusters.set_index("unique_id")["cluster_id"].astype(str)


# --- running a case and reporting -------------------------------------------------------


def say(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def compare_files(
    sources: list[Source], truth: Mapping[str, Hashable], workdir: Path
) -> dict[str, dict[str, Any]]:
    """Both sides on a data set given as files; `truth` keys are `Source.key`s."""
    folder = workdir / "sources"
    for source in sources:
        write_source(folder, source)

    def nomina() -> dict[str, Any]:
        run = run_nomina(folder, workdir)
        check_row_numbers(run, sources)
        labels = {
            row_key(row.file, row.row_number): (
                f"p{row.person_id}"
                if not pd.isna(row.record_id)
                else f"q{row.file}:{row.row_number}"
            )
            for row in run.labels.itertuples()
        }
        return {**score(truth, labels), **run.metrics}

    def baseline() -> dict[str, Any]:
        metrics, labels = run_baseline(fields_frame(sources), workdir)
        return {**score(truth, labels), **metrics}

    return {"nomina": side(nomina), "baseline": side(baseline)}


def side(run: Callable[[], dict[str, Any]]) -> dict[str, Any]:
    """One side's metrics, or {"error": ...} when it failed (the other side still runs)."""
    try:
        return run()
    except SideFailed as error:
        say(f"FAILED: {error}")
        return {"error": str(error)}


def parser(doc: str | None) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        description=doc, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--json", action="store_true", help="end with one JSON line")
    return parser


def workspace() -> tempfile.TemporaryDirectory:
    return tempfile.TemporaryDirectory(prefix="nomina-resolution-")


def report(results: dict[str, dict[str, dict[str, Any]]], as_json: bool) -> None:
    """A table, or with --json one JSON object on the last line."""
    if as_json:
        print(json.dumps(results))
    else:
        _table(results)
    if any("error" in metrics for sides in results.values() for metrics in sides.values()):
        sys.exit(1)


def _table(results: dict[str, dict[str, dict[str, Any]]]) -> None:
    extra = ("records", "persons", "quarantined", "ingest_seconds")
    header = ("case", "side", *METRICS, *extra)
    lines, failures = [header], []
    for case, sides in results.items():
        for name, metrics in sides.items():
            if "error" in metrics:
                failures.append(f"{case} {name} FAILED: {metrics['error']}")
            else:
                lines.append((case, name, *(str(metrics.get(m, "")) for m in METRICS + extra)))
    widths = [max(len(line[i]) for line in lines) for i in range(len(header))]
    for line in lines:
        print("  ".join(cell.ljust(width) for cell, width in zip(line, widths, strict=True)))
    for failure in failures:
        print(failure)


def _child_main() -> None:
    import traceback

    name, *args = sys.argv[1:]
    try:
        result = CHILDREN[name](*args)
    except Exception as error:  # reported to the parent, which goes on with the other side
        traceback.print_exc()
        first_line = f"{type(error).__name__}: {error}".splitlines()[0]
        print(json.dumps({"error": first_line}))
        sys.exit(1)
    result["peak_rss_mb"] = peak_rss_mb()
    print(json.dumps(result))


if __name__ == "__main__":
    _child_main()
