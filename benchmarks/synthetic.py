"""Resolution on a synthetic world: nomina vs plain Splink, at a chosen size.

    python benchmarks/synthetic.py --json                  # about 20,000 records
    python benchmarks/synthetic.py --records 200000 --json
    python benchmarks/synthetic.py --records 1000000 --json

Data: a synthetic world written by `nomina.synth.write_world` (what `nomina synth`
writes: six sources in CP1251/UTF-8 CSV, XLSX and JSON Lines, names in Cyrillic,
passport Latin and native scripts, partial dates, typos), with the number of persons
chosen so that the world holds about `--records` records (a probe world gives the
records per person at that size). Truth: the world's `truth.csv`, read through
`nomina.synth.truth.true_person_of_records`. Case name `synthetic_{N}`.

nomina: the world's folder is ingested (`ingest_world`) into a fresh SQLite store and
resolved, as in benchmarks/_resolution.py. The baseline reads the same stored records'
parsed fields (`nomina.resolve.features.iter_record_fields`: dates already ISO,
countries already codes, names in their original script) and runs plain Splink on them.
Both are scored over the stored records; rows the world makes impossible on purpose
(31.02.2000) are quarantined at ingest and are in neither side's input.

Both sides, their metrics (pairwise and cluster F1) and how they are run:
benchmarks/_resolution.py.
"""

from __future__ import annotations

import shutil
import time
from pathlib import Path

import pandas as pd
from _resolution import (
    BASELINE_FIELDS,
    ingest_nomina,
    parser,
    report,
    resolve_nomina,
    run_baseline,
    say,
    score,
    side,
    workspace,
)

PROBE_PERSONS = 50_000  # the most persons a probe world has


def make_world(records: int, folder: Path, seed: int) -> int:
    """A world of about `records` records in `folder`; returns its record count."""
    from nomina.synth import write_world

    started = time.perf_counter()
    probe_persons = min(records, PROBE_PERSONS)
    world = write_world(folder, persons=probe_persons, seed=seed)
    persons = max(10, round(probe_persons * records / world.records))
    if abs(world.records - records) > 0.01 * records:
        shutil.rmtree(folder)
        world = write_world(folder, persons=persons, seed=seed)
    say(
        f"world: {world.records} records of {world.persons_true} persons "
        f"in {time.perf_counter() - started:.1f} s"
    )
    return world.records


def synthetic(records: int, seed: int, workdir: Path, baseline_too: bool = True) -> dict:
    from nomina.resolve.features import iter_record_fields
    from nomina.store import open_store
    from nomina.synth.truth import true_person_of_records

    world = workdir / "world"
    make_world(records, world, seed)
    url, ingest_metrics = ingest_nomina(world, workdir)
    store = open_store(url)
    truth = {str(record): person for record, person in true_person_of_records(store, world).items()}
    fields = pd.DataFrame(iter_record_fields(store))
    store.dispose()
    fields.insert(0, "unique_id", fields["record_id"].astype(str))
    fields = fields[["unique_id", *BASELINE_FIELDS]]

    def nomina() -> dict:
        run = resolve_nomina(url, ingest_metrics)
        stored = run.labels.dropna(subset=["record_id"])
        labels = dict(zip(stored["record_id"].astype(str), stored["person_id"], strict=True))
        return {**score(truth, labels), **run.metrics}

    def baseline() -> dict:
        metrics, labels = run_baseline(fields, workdir)
        return {**score(truth, labels), **metrics}

    results = {"nomina": side(nomina)}
    results["baseline"] = side(baseline) if baseline_too else {"skipped": "--no-baseline"}
    return results


def main() -> None:
    arguments = parser(__doc__)
    arguments.add_argument("--records", type=int, default=20_000)
    arguments.add_argument("--seed", type=int, default=1)
    arguments.add_argument(
        "--no-baseline",
        action="store_true",
        help="nomina only (plain Splink at a million records needs more than a session)",
    )
    args = arguments.parse_args()
    case = f"synthetic_{args.records}"
    with workspace() as tmp:
        results = {case: synthetic(args.records, args.seed, Path(tmp), not args.no_baseline)}
    say(f"{case}: {results[case]}")
    report(results, args.json)


if __name__ == "__main__":
    main()
