"""Shared fixtures: a fresh store on SQLite and on PostgreSQL, and small source files."""

from __future__ import annotations

import os
import socket
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from nomina.store import Store, open_store

POSTGRES_URL = os.environ.get(
    "NOMINA_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)


@pytest.fixture(scope="session")
def postgres_database() -> Iterator[str]:
    """A throwaway database on the local PostgreSQL; CI=true makes absence a failure."""
    admin = create_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT")
    name = f"nomina_test_{uuid.uuid4().hex[:10]}"
    try:
        with admin.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
    except Exception as error:  # unreachable server, wrong credentials
        admin.dispose()
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"PostgreSQL unreachable at {POSTGRES_URL} with CI=true: {error}")
        pytest.skip(f"PostgreSQL unreachable at {POSTGRES_URL}: {error}")
    yield make_url(POSTGRES_URL).set(database=name).render_as_string(hide_password=False)
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def _reset_postgres(url: str) -> None:
    engine = create_engine(url, isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        connection.execute(text("DROP SCHEMA public CASCADE"))
        connection.execute(text("CREATE SCHEMA public"))
    engine.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def store_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'register.db'}"
    url = request.getfixturevalue("postgres_database")
    _reset_postgres(url)
    return url


@pytest.fixture
def store(store_url: str) -> Iterator[Store]:
    opened = open_store(store_url)
    yield opened
    opened.dispose()


@pytest.fixture
def sqlite_store(tmp_path: Path) -> Iterator[Store]:
    opened = open_store(f"sqlite:///{tmp_path / 'register.db'}")
    yield opened
    opened.dispose()


CONTRACTS_YAML = """\
source:
  title: Captured contract list
  kind: contracts
  organisation: Test bureau
  reliability: B
  received: 2025-10-01
columns:
  ФИО: full_name
  Дата рождения: birth_date
  Гражданство: citizenship
  Паспорт: {field: document_number, optional: true}
  Дата контракта: contracted
  в/ч: military_unit
"""

CONTRACTS_ROWS = [
    ["ФИО", "Дата рождения", "Гражданство", "Паспорт", "Дата контракта", "в/ч"],
    ["Тхапа Рам Бахадур", "05.03.1998", "Непал", "PA 123456", "12.01.2024", "в/ч 12345"],
    ["Ким Чен Ын", "1990", "КНДР", "", "03.2024", "в/ч 67890"],
    ["Гурунг Бишал", "5 марта 1995", "Непал", "", "15.02.2024", ""],
]


def on_two_engines_at_once(store: Store, work, threads: int = 8) -> list[BaseException]:
    """Run `work(store)` in `threads` threads, half of them on a second engine over the
    same database (connections of its own, as a second server process would have);
    returns what any of them raised."""
    import threading

    other = open_store(store.url)
    failures: list[BaseException] = []

    def run(on: Store) -> None:
        try:
            work(on)
        except BaseException as error:  # noqa: BLE001 - collected, returned
            failures.append(error)

    started = [threading.Thread(target=run, args=(s,)) for s in [store, other] * (threads // 2)]
    for thread in started:
        thread.start()
    for thread in started:
        thread.join()
    other.dispose()
    return failures


def write_csv(
    path: Path, rows: list[list[str]], *, encoding: str = "utf-8", delimiter: str = ";"
) -> Path:
    lines = [delimiter.join(_quote(cell, delimiter) for cell in row) for row in rows]
    path.write_bytes(("\r\n".join(lines) + "\r\n").encode(encoding))
    return path


def _quote(cell: str, delimiter: str) -> str:
    if any(ch in cell for ch in (delimiter, '"', "\n", "\r")):
        return '"' + cell.replace('"', '""') + '"'
    return cell


@pytest.fixture
def contracts(tmp_path: Path) -> tuple[Path, Path]:
    """A small contract list (CSV, UTF-8, ;) and its YAML."""
    data = write_csv(tmp_path / "contracts.csv", CONTRACTS_ROWS)
    config = tmp_path / "contracts.yaml"
    config.write_text(CONTRACTS_YAML, encoding="utf-8")
    return data, config


@dataclass(frozen=True)
class ResolvedWorld:
    url: str  # a SQLite register: the world ingested, resolved, its timelines built
    model: str  # the linkage model its resolution trained (Splink settings JSON)


@pytest.fixture(scope="session")
def small_resolved_world(tmp_path_factory: pytest.TempPathFactory) -> ResolvedWorld:
    """A synthetic world of 300 persons, resolved once per test session: training a
    linkage model takes most of its 20 s, and a tiny hand-made world cannot train one.
    Tests read it; a test that writes makes its own register (and may reuse the model)."""
    from sqlalchemy import select

    from nomina.resolve.run import resolve_register
    from nomina.store.schema import resolution_runs
    from nomina.synth import write_world
    from nomina.synth.truth import ingest_world
    from nomina.timeline import build_timeline

    folder = tmp_path_factory.mktemp("small-resolved-world")
    write_world(folder, persons=300, seed=4)
    url = f"sqlite:///{folder / 'register.db'}"
    store = open_store(url)
    ingest_world(store, folder)
    run = resolve_register(store)
    build_timeline(store)
    with store.engine.connect() as connection:
        model = connection.execute(
            select(resolution_runs.c.model).where(resolution_runs.c.id == run.run_id)
        ).scalar_one()
    store.dispose()
    return ResolvedWorld(url, model)


def free_port() -> int:
    """A loopback port free at the moment of asking, for a test server."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]
