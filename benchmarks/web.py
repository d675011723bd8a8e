"""The web application under load: 50 concurrent clients against `nomina serve`.

    python benchmarks/web.py --json                          # about 1,000,000 records
    python benchmarks/web.py --records 50000 --seconds 30 --json

Register: a synthetic world of about `--records` records (as benchmarks/ingest.py),
ingested, persons formed from the world's truth and timelines built
(`ingest.truth_register`, shared with benchmarks/figures.py; no resolution run), then
every record's name keys computed (`load_features`, what resolution does first) and the
search index filled (`refresh_search_index`), so the server starts on a ready register.
Built registers are kept between runs under `--cache` (default
~/.cache/nomina-benchmarks), keyed by records and seed: a SQLite file, and a PostgreSQL
database `nomina_bench_web_<records>_<seed>` on the local server (`--no-cache`: a fresh
one, dropped afterwards). Each run adds one analyst (with an API token made by
`nomina.access.add_user` and `create_token`) and its audit entries to a kept register.

Server: the real app, `nomina serve` on 127.0.0.1 (one uvicorn process unless `--workers N`), over
that register. Clients: locust (2.47.0, headless, as a library, `FastHttpUser`), in
their own process: `--clients` users (default 50), started evenly over five seconds
(requests begun then are not measured), each sending a request, waiting for the
answer, then waiting `--wait` seconds (uniform in [0, 2 x wait]; default 1 s: about one
request per user per second plus the response time, a busy analyst's browser or a
script with pauses) before the next; the measured phase lasts `--seconds` after the
ramp-up. A warm-up by one client precedes the phases: every figure request once, and
`--warm-up` searches (default 300) for names drawn apart from the measured ones (a
server that has run a while has the name tables it reads in memory). Latencies are the
clients' own wall-clock times per request (every one kept, percentiles exact); an error
is a transport failure or any status other than 200, counted over the whole phase.

- **nomina**: the mix, 60 % person searches and 40 % figure requests. Searches
  (`GET /api/search?q=...`, 20 per page) are names drawn from the register's own records
  in every script it holds (Latin, Cyrillic, Hangul, Devanagari, Arabic, ...): full
  written names, family names alone, and each script's commonest family names (Kim, Ким,
  김, Thapa, ...: the queries with the most candidates). Figure requests are the JSON
  figure endpoints: `GET /api/figures` (every figure, internal), `GET /api/figures?
  public=true` (disclosure-controlled) and `GET /api/figures/{name}` for the dashboard's
  headline figures.
- **baseline**: the same clients and think time against `GET /api/me` (who am I: token
  lookup and authorisation, no register work) on the same server in the same run: the
  floor set by the server, the token check and the clients on this machine.

Cases `sqlite`, `postgresql`. Metrics (milliseconds unless named): `p50_ms`, `p99_ms`,
`requests_per_second`, `errors`, `requests` over all requests of the side; for the
nomina side also per endpoint group `search_*` and `figures_*` (same five metrics), and
`search_approximate` (share of searches whose total was a lower bound: a name with more
candidates than one search scores), `records`, `persons`; both sides `load_average`
(the machine's one-minute load at the end of the phase: this benchmark's own processes
and anyone else's). With `--check-pages N`, after
the load, N distinct queries are searched in-process as served and with every candidate
scored: `search_checked_approximate` (share capped), `search_first_page_same` (share
whose first page, persons and scores, is the same) and `search_top_score_same` (share
whose best score is the same). The last stdout line is one JSON object: {case:
{"nomina": {...}, "baseline": {...}}}.
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from ingest import (
    POSTGRES_ADMIN,
    backend_parser,
    benchmark_environment,
    drop_url,
    fresh_url,
    make_world,
    print_results,
)

DEFAULT_CACHE = Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "nomina-benchmarks"
HEADLINE = ("known_with_certainty", "countries", "killed", "prisoners_held", "persons")
QUERY_SAMPLE = 4_000  # records whose names make the search queries
RAMP_SECONDS = 5  # clients start over this long; their requests then are not measured


def say(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


# --- the register --------------------------------------------------------------------


BUILD_CHILD = """
import sys, json, time
from pathlib import Path
from ingest import truth_register
from nomina.store import open_store
from nomina.resolve.features import load_features
from nomina.resolve.search import refresh_search_index
facts = truth_register(sys.argv[1], Path(sys.argv[2]))
store = open_store(sys.argv[1])
started = time.perf_counter()
load_features(store)
facts["keys_seconds"] = time.perf_counter() - started
started = time.perf_counter()
refresh_search_index(store)
facts["index_seconds"] = time.perf_counter() - started
print(json.dumps(facts))
"""


def _cached_url(backend: str, cache: Path, records: int, seed: int) -> str:
    if backend == "sqlite":
        return f"sqlite:///{cache / f'web-{records}-{seed}.db'}"
    from sqlalchemy.engine import make_url

    name = f"nomina_bench_web_{records}_{seed}"
    return make_url(POSTGRES_ADMIN).set(database=name).render_as_string(hide_password=False)


def _create_database(url: str) -> None:
    """A fresh (empty) file or database at `url`, whatever was there before."""
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    if url.startswith("sqlite"):
        path = Path(make_url(url).database or "")
        for stale in (path, Path(f"{path}-wal"), Path(f"{path}-shm")):
            stale.unlink(missing_ok=True)
        return
    drop_url(url)
    admin = create_engine(POSTGRES_ADMIN, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{make_url(url).database}"'))
    admin.dispose()


def _build(url: str, world: Path) -> dict[str, Any]:
    done = subprocess.run(
        [sys.executable, "-c", BUILD_CHILD, url, str(world)],
        check=True, capture_output=True, text=True, env=benchmark_environment(),
    )  # fmt: skip
    return json.loads(done.stdout.strip().splitlines()[-1])


class Registers:
    """Registers by backend: built once per (records, seed) and kept under `cache`, or
    fresh and dropped at the end when `cache` is None."""

    def __init__(self, records: int, seed: int, cache: Path | None, workdir: Path) -> None:
        self.records, self.seed, self.cache, self.workdir = records, seed, cache, workdir
        self.world: Path | None = None
        self.temporary: list[str] = []

    def url(self, backend: str) -> str:
        if self.cache is None:
            url = fresh_url(backend, self.workdir, "web")
            self.temporary.append(url)
            self._build(url)
            _analyze(url)
            return url
        url = _cached_url(backend, self.cache, self.records, self.seed)
        marker = self.cache / f"web-{self.records}-{self.seed}.{backend}.ready"
        if marker.exists() and _reachable(url):
            say(f"{backend}: cached register {marker.read_text().strip()}")
        else:
            _create_database(url)
            marker.write_text(json.dumps(self._build(url)) + "\n")
        _analyze(url)
        return url

    def _build(self, url: str) -> dict[str, Any]:
        if self.world is None:
            self.world, seconds = make_world(self.records, self.workdir, self.seed)
            say(f"world of about {self.records:,} records written in {seconds:.0f} s")
        started = time.perf_counter()
        facts = _build(url, self.world)
        say(f"register built in {time.perf_counter() - started:.0f} s: {facts}")
        return facts

    def close(self) -> None:
        for url in self.temporary:
            drop_url(url)


def _analyze(url: str) -> None:
    """PostgreSQL: VACUUM ANALYZE, as autovacuum would after a bulk load (it is off on
    the benchmark machine's server): the planner's statistics, and the visibility map
    that lets a name's keys be read from the index alone."""
    if url.startswith("sqlite"):
        return
    from sqlalchemy import create_engine

    engine = create_engine(url, isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        connection.exec_driver_sql("VACUUM ANALYZE")
    engine.dispose()


def _reachable(url: str) -> bool:
    """The cached register is still there (a PostgreSQL database may have been dropped)."""
    from sqlalchemy import create_engine, text

    if url.startswith("sqlite"):
        return Path(url.removeprefix("sqlite:///")).exists()
    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            connection.execute(text("SELECT 1 FROM search_records LIMIT 1"))
        return True
    except Exception:  # noqa: BLE001 - any failure means: build it again
        return False
    finally:
        engine.dispose()


# --- queries, analyst ----------------------------------------------------------------


def search_queries(url: str, seed: int) -> list[str]:
    """Names to search for, from the register's own records, in every script it holds:
    full names, family names alone, and each script's five commonest family names."""
    import random

    from sqlalchemy import func, select

    from nomina.names import parse_name
    from nomina.resolve.search import query_units
    from nomina.store import open_store
    from nomina.store.schema import record_fields

    chosen = random.Random(seed)
    store = open_store(url)
    with store.engine.connect() as connection:
        last = connection.execute(select(func.max(record_fields.c.record_id))).scalar() or 0
        picked = sorted({chosen.randint(1, last) for _ in range(QUERY_SAMPLE)})
        query = (
            select(record_fields.c.full_name, record_fields.c.given_name,
                   record_fields.c.family_name, record_fields.c.citizenship)
            .where(record_fields.c.record_id.in_(picked))
            .order_by(record_fields.c.record_id)
        )  # fmt: skip
        rows = connection.execute(query).all()
    store.engine.dispose()
    full: list[str] = []
    family: Counter[tuple[str, str]] = Counter()
    for full_name, given, family_name, citizenship in rows:
        parsed = parse_name(full_name, given=given, family=family_name, citizenship=citizenship)
        if parsed.original.strip():
            full.append(parsed.original)
        for unit in parsed.family[:1]:
            family[(parsed.script, unit)] += 1
    common = [
        unit
        for script in sorted({script for script, _ in family})
        for (_, unit), _ in Counter({k: v for k, v in family.items() if k[0] == script}).most_common(5)
    ]  # fmt: skip
    units = [unit for _, unit in family]
    chosen.shuffle(full)
    chosen.shuffle(units)
    queries = full[:1_000] + units[:500] + common * 10
    chosen.shuffle(queries)
    return [query for query in queries if query_units(query)]  # a name to search for


def analyst_token(url: str) -> str:
    """An API token of a new analyst, made with nomina's own user functions."""
    from nomina.access import add_user, create_token
    from nomina.store import open_store

    store = open_store(url)
    name = f"bench-analyst-{secrets.token_hex(4)}"
    add_user(store, name, "analyst", secrets.token_urlsafe(24), actor="benchmark")
    token, _ = create_token(store, name, ["read:persons", "read:figures"], actor="benchmark")
    store.engine.dispose()
    return token


def check_pages(url: str, queries: list[str], count: int) -> dict[str, Any]:
    """How often a search's first page (20) is the one scoring every candidate gives: the
    first `count` distinct queries, searched as served and again with the caps lifted
    (every candidate ranked and scored: seconds for the commonest names)."""
    from nomina.resolve import search
    from nomina.store import open_store

    store = open_store(url)
    capped = (search.SCORED_RECORDS, search.PRESELECTED)
    found = Counter()
    try:
        for query in list(dict.fromkeys(queries))[:count]:
            pages = []
            for limits in (capped, (10**9, 10**9)):
                search.SCORED_RECORDS, search.PRESELECTED = limits
                search._recent.clear()  # noqa: SLF001 - each side scores afresh
                pages.append(search_persons_page(store, query))
            (served, exact), (everything, _) = pages
            found["queries"] += 1
            found["approximate"] += not exact
            found["same"] += served == everything
            found["same_top"] += [s for _, s in served[:1]] == [s for _, s in everything[:1]]
    finally:
        search.SCORED_RECORDS, search.PRESELECTED = capped
        store.engine.dispose()
    n = max(found["queries"], 1)
    return {"search_checked": found["queries"],
            "search_checked_approximate": round(found["approximate"] / n, 3),
            "search_first_page_same": round(found["same"] / n, 3),
            "search_top_score_same": round(found["same_top"] / n, 3)}  # fmt: skip


def search_persons_page(store: Any, query: str) -> tuple[list[tuple[int, float]], bool]:
    from nomina.resolve.search import search_persons

    page = search_persons(store, query, limit=20, actor="benchmark")
    return [(row["person_id"], row["score"]) for row in page.persons], page.exact


# --- the server ----------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextmanager
def serving(url: str, log: Path, workers: int = 1) -> Iterator[str]:
    """`nomina serve --workers N` over the register at `url`, on a free loopback port."""
    port = _free_port()
    nomina = Path(sys.executable).with_name("nomina")
    environment = {**os.environ, "NOMINA_DATABASE_URL": url,
                   "NOMINA_SECRET_KEY": secrets.token_urlsafe(48)}  # fmt: skip
    with log.open("w") as output:
        server = subprocess.Popen(
            [str(nomina), "serve", "--host", "127.0.0.1", "--port", str(port),
             "--workers", str(workers)],
            stdout=output, stderr=subprocess.STDOUT, env=environment,
        )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    try:
        _wait_for(base, server, log)
        yield base
    finally:
        server.terminate()
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


def _wait_for(base: str, server: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"nomina serve exited: {log.read_text()[-2000:]}")
        try:
            with urllib.request.urlopen(base + "/openapi.json", timeout=5):
                return
        except OSError:
            time.sleep(0.5)
    raise RuntimeError(f"nomina serve did not answer within 2 minutes: {log}")


# --- the load ------------------------------------------------------------------------

# Locust runs in a process of its own: it monkey-patches the standard library (gevent).
LOAD_CHILD = """
import gevent.monkey
gevent.monkey.patch_all()
import json, random, sys
import gevent
from locust import FastHttpUser, between, events, task
from locust.env import Environment

plan = json.loads(sys.stdin.read())
times, approximate = {}, []

class Client(FastHttpUser):
    host = plan["base"]
    wait_time = between(0, 2 * plan["wait"])

    def on_start(self):
        self.headers = {"Authorization": "Bearer " + plan["token"]}
        self.random = random.Random()

    def fetch(self, group, path, params=None):
        with self.client.get(path, params=params, headers=self.headers, name=group,
                             catch_response=True) as response:
            if response.status_code != 200:
                response.failure(f"status {response.status_code}")
            elif group == "search":
                approximate.append(not response.json().get("total_exact", True))
            return response

    @task(int(plan["weights"]["search"]))
    def search(self):
        self.fetch("search", "/api/search", {"q": self.random.choice(plan["queries"]), "per_page": 20})

    @task(int(plan["weights"]["figures"]))
    def figures(self):
        path, params = self.random.choice(plan["figures"])
        self.fetch("figures", path, params)

    @task(int(plan["weights"]["me"]))
    def me(self):
        self.fetch("me", "/api/me")

def record(request_type, name, response_time, response_length, **kw):
    # Latencies of requests begun after the ramp-up only; failures over the whole phase.
    if time.monotonic() - response_time / 1000 >= measured_from:
        times.setdefault(name, []).append(response_time)

import time
events.request.add_listener(record)
environment = Environment(user_classes=[Client], events=events)
runner = environment.create_local_runner()
measured_from = time.monotonic() + plan["ramp"]
runner.start(plan["clients"], spawn_rate=plan["clients"] / plan["ramp"])
gevent.spawn_later(plan["ramp"] + plan["seconds"], runner.quit)
runner.greenlet.join()
failures = {name: entry.num_failures for (name, _), entry in environment.stats.entries.items()}
print(json.dumps({"times": times, "failures": failures, "approximate": approximate,
                  "seconds": plan["seconds"]}))
"""


def figure_requests() -> list[tuple[str, dict[str, str] | None]]:
    figures = [("/api/figures", None), ("/api/figures", {"public": "true"})]
    return figures + [(f"/api/figures/{name}", None) for name in HEADLINE]


def load(base: str, token: str, queries: list[str], weights: dict[str, int], options: Any) -> dict[str, Any]:  # fmt: skip
    """Run the clients for `--seconds` and return their raw latencies and failures."""
    plan = {"base": base, "token": token, "queries": queries, "figures": figure_requests(),
            "weights": weights, "clients": options.clients, "wait": options.wait,
            "seconds": options.seconds, "ramp": RAMP_SECONDS}  # fmt: skip
    done = subprocess.run(
        [sys.executable, "-c", LOAD_CHILD], input=json.dumps(plan), check=True,
        capture_output=True, text=True,
    )  # fmt: skip
    return json.loads(done.stdout.strip().splitlines()[-1])


def warm_up(base: str, token: str, queries: list[str]) -> float:
    """One client: every figure request once (each variant is computed once per state of
    the register), and a search for each of `queries`. Returns seconds."""
    started = time.perf_counter()
    paths = [path + ("?" + urllib.parse.urlencode(params) if params else "")
             for path, params in figure_requests()]  # fmt: skip
    paths += ["/api/search?" + urllib.parse.urlencode({"q": q}) for q in queries]
    for path in paths:
        request = urllib.request.Request(base + path, headers={"Authorization": f"Bearer {token}"})
        with urllib.request.urlopen(request, timeout=600) as response:
            response.read()
    return time.perf_counter() - started


def _percentile(values: list[float], share: float) -> float:
    """The nearest-rank percentile."""
    ordered = sorted(values)
    return ordered[max(0, min(len(ordered) - 1, round(share * len(ordered) + 0.5) - 1))]


def summarise(times: list[float], failures: int, seconds: float, prefix: str = "") -> dict[str, Any]:  # fmt: skip
    if not times:
        return {f"{prefix}requests": 0, f"{prefix}errors": failures}
    return {
        f"{prefix}p50_ms": round(_percentile(times, 0.50), 1),
        f"{prefix}p99_ms": round(_percentile(times, 0.99), 1),
        f"{prefix}requests_per_second": round(len(times) / seconds, 1),
        f"{prefix}errors": failures,
        f"{prefix}requests": len(times),
    }


def measure(base: str, token: str, queries: list[str], warm: list[str], options: Any) -> dict[str, dict]:  # fmt: skip
    """Warm up, then the baseline and the mix, each for `--seconds`."""
    say(f"warm-up {warm_up(base, token, warm):.1f} s")
    raw = load(base, token, queries, {"search": 0, "figures": 0, "me": 1}, options)
    baseline = summarise(raw["times"]["me"], sum(raw["failures"].values()), raw["seconds"])
    baseline["load_average"] = round(os.getloadavg()[0], 2)  # others' work on the machine
    raw = load(base, token, queries, {"search": 3, "figures": 2, "me": 0}, options)
    every = raw["times"].get("search", []) + raw["times"].get("figures", [])
    nomina = summarise(every, sum(raw["failures"].values()), raw["seconds"])
    nomina["load_average"] = round(os.getloadavg()[0], 2)
    for group in ("search", "figures"):
        nomina |= summarise(raw["times"].get(group, []), raw["failures"].get(group, 0),
                            raw["seconds"], prefix=f"{group}_")  # fmt: skip
    flags = raw["approximate"]
    nomina["search_approximate"] = round(sum(flags) / len(flags), 3) if flags else 0.0
    return {"nomina": nomina, "baseline": baseline}


def run_case(backend: str, registers: Registers, options: Any, workdir: Path) -> dict:
    url = registers.url(backend)
    queries = search_queries(url, options.seed)
    measured = set(queries)
    warm = [q for q in dict.fromkeys(search_queries(url, options.seed + 1)) if q not in measured]
    token = analyst_token(url)
    facts = _facts(url)
    say(f"{backend}: {facts['records']:,} records, {facts['persons']:,} persons; "
        f"{len(queries):,} queries ({len(set(queries)):,} distinct)")  # fmt: skip
    with serving(url, workdir / f"serve-{backend}.log", options.workers) as base:
        result = measure(base, token, queries, warm[: options.warm_up], options)
    result["nomina"] |= facts
    if options.check_pages:
        result["nomina"] |= check_pages(url, queries, options.check_pages)
    say(f"{backend}: {json.dumps(result)}")
    return result


def _facts(url: str) -> dict[str, int]:
    from sqlalchemy import func, select

    from nomina.store import open_store
    from nomina.store.schema import persons, records

    store = open_store(url)
    with store.engine.connect() as connection:
        counts = {
            "records": connection.execute(select(func.count()).select_from(records)).scalar(),
            "persons": connection.execute(select(func.count()).select_from(persons)).scalar(),
        }
    store.engine.dispose()
    return counts


def main() -> None:
    parser = backend_parser(__doc__)
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=60.0, help="each measured phase")
    parser.add_argument("--wait", type=float, default=1.0, help="mean think time, seconds")
    parser.add_argument("--warm-up", type=int, default=300, help="searches before measuring")
    parser.add_argument("--workers", type=int, default=1, help="server processes (nomina serve)")
    parser.add_argument(
        "--check-pages",
        type=int,
        default=0,
        metavar="N",
        help="also compare N searches' first pages with scoring everything",
    )
    parser.add_argument("--cache", type=Path, default=DEFAULT_CACHE)
    parser.add_argument("--no-cache", action="store_true", help="fresh registers, dropped after")
    options = parser.parse_args()
    results: dict[str, dict] = {}
    with tempfile.TemporaryDirectory(prefix="nomina-web-") as temporary:
        workdir = Path(temporary)
        cache = None if options.no_cache else options.cache
        if cache is not None:
            cache.mkdir(parents=True, exist_ok=True)
        registers = Registers(options.records, options.seed, cache, workdir)
        try:
            for backend in options.backends.split(","):
                results[backend] = run_case(backend, registers, options, workdir)
        finally:
            registers.close()
            if registers.world is not None:
                shutil.rmtree(registers.world, ignore_errors=True)
    print_results(results, options.json)


if __name__ == "__main__":
    started = time.perf_counter()
    main()
    say(f"total {time.perf_counter() - started:.0f} s")
