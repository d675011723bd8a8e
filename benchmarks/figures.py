"""Figures over a large register: every figure of `nomina stats`, now, on SQLite and PostgreSQL.

    python benchmarks/figures.py --json                     # about 1,000,000 records
    python benchmarks/figures.py --records 100000 --json

Data: a synthetic world of about `--records` records (`nomina.synth.write_world`, the
world `nomina synth` writes; sized as in benchmarks/ingest.py), ingested into a fresh
store with `ingest_file` per source. Persons are NOT formed by resolution (a million
records take many minutes to resolve): each true person of the world's `truth.csv`
becomes one person (`nomina.synth.truth.true_person_of_records`), written through the
store's own tables (one `resolution_runs` row, `persons`, `person_records`). Certainty,
a simplification of the written policy: `confirmed` where a record of the person
carries a document or service number or two sources name it, else `possible`. Then
`build_timeline` materialises the timelines (its time is reported as `build_seconds`).

- **nomina**: `compute_figures(store)`, every figure, now: the materialised
  person_timelines and person_sources read once, each figure a selection over them.
- **baseline**: the same figures computed straight from the records and their events,
  as the headline was before the timeline stage (and as `--as-of` still is): every
  record and event read, every person's timeline derived, then the same selections
  (`snapshot_from_events`). Both must give the same figures (`agree`).

Each side runs in its own process; `peak_rss_mb` is that process's own VmHWM. Cases:
`sqlite`, `postgresql`; metrics `seconds`, `peak_rss_mb` (nomina also `build_seconds`,
`records`, `persons`). The last stdout line is one JSON object.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from ingest import (
    PEAK_RSS,
    backend_parser,
    benchmark_environment,
    drop_url,
    fresh_url,
    make_world,
    print_results,
)

# The register itself: `ingest.truth_register` (shared with benchmarks/web.py).
SETUP_CHILD = """
import sys, json
from pathlib import Path
from ingest import truth_register
print(json.dumps(truth_register(sys.argv[1], Path(sys.argv[2]))))
"""

NOMINA_CHILD = (
    PEAK_RSS
    + """
import sys, time, json
from nomina.store import open_store
from nomina.stats import compute_figures
store = open_store(sys.argv[1])
started = time.perf_counter()
results = compute_figures(store)
seconds = time.perf_counter() - started
print(json.dumps({"seconds": seconds, "peak_kb": PEAK(),
                  "figures": [r.to_dict() | {"as_of": None} for r in results]}))
"""
)

BASELINE_CHILD = (
    PEAK_RSS
    + """
import sys, time, json
from nomina.store import open_store
from nomina.stats.figures import all_figures, evaluate
from nomina.stats.snapshot import snapshot_from_events
store = open_store(sys.argv[1])
started = time.perf_counter()
snapshot = snapshot_from_events(store)
results = [evaluate(figure, snapshot) for figure in all_figures()]
seconds = time.perf_counter() - started
print(json.dumps({"seconds": seconds, "peak_kb": PEAK(),
                  "figures": [r.to_dict() | {"as_of": None} for r in results]}))
"""
)


def say(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def child(code: str, url: str, world: Path | None = None) -> dict:
    arguments = [sys.executable, "-c", code, url] + ([str(world)] if world else [])
    done = subprocess.run(
        arguments, check=True, capture_output=True, text=True, env=benchmark_environment()
    )
    return json.loads(done.stdout.strip().splitlines()[-1])


def run_case(backend: str, world: Path, workdir: Path) -> dict:
    url = fresh_url(backend, workdir, "figures")
    try:
        setup = child(SETUP_CHILD, url, world)
        say(
            f"{backend}: {setup['records']:,} records, {setup['persons']:,} persons; ingest "
            f"{setup['ingest_seconds']:.0f} s, timeline build {setup['build_seconds']:.1f} s"
        )
        nomina = child(NOMINA_CHILD, url)
        baseline = child(BASELINE_CHILD, url)
    finally:
        drop_url(url)
    agree = nomina["figures"] == baseline["figures"]
    say(f"{backend}: figures {nomina['seconds']:.2f} s, baseline {baseline['seconds']:.2f} s, "
        f"agree: {agree}")  # fmt: skip
    return {
        "nomina": {
            "seconds": round(nomina["seconds"], 3),
            "peak_rss_mb": round(nomina["peak_kb"] / 1024, 1),
            "build_seconds": round(setup["build_seconds"], 1),
            "records": setup["records"],
            "persons": setup["persons"],
            "agree": agree,
        },
        "baseline": {
            "seconds": round(baseline["seconds"], 3),
            "peak_rss_mb": round(baseline["peak_kb"] / 1024, 1),
        },
    }


def main() -> None:
    options = backend_parser(__doc__).parse_args()
    results: dict[str, dict] = {}
    with tempfile.TemporaryDirectory(prefix="nomina-figures-") as temporary:
        workdir = Path(temporary)
        world, seconds = make_world(options.records, workdir, options.seed)
        say(f"world written in {seconds:.0f} s")
        for backend in options.backends.split(","):
            results[backend] = run_case(backend, world, workdir)
    print_results(results, options.json)


if __name__ == "__main__":
    started = time.perf_counter()
    main()
    say(f"total {time.perf_counter() - started:.0f} s")
