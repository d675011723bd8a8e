"""Pairs no blocking rule compared are scored when a refused chain needs them weighed.

Three records of one man: 1 and 2 share a passport number, 3 carries another (renewed)
one; all give the same name and birth date to the day. Blocking here proposes 1–2 (the
number) and 1–3 (the address only 1 and 3 give), never 2–3. Without 2–3 scored, joining
{1, 2} and {3} is a chain whose numbers differ: refused. The run scores 2–3 directly,
finds it strong, and the three are one person, in a full run and an incremental one.
"""

from __future__ import annotations

import pytest
from sqlalchemy import select

from nomina.ingest import find_source_files, ingest_file, load_source_config
from nomina.resolve import linkage
from nomina.resolve.run import resolve_register
from nomina.store import open_store
from nomina.store.schema import pairs, person_records, records
from nomina.synth import write_world

HEADER = "family,given,born,passport,address\n"
ROWS = (
    "Zabolotny,Yaroslav,1971-03-14,EK4455667,12 Sadovaya St Poltava\n",
    "Zabolotny,Yaroslav,1971-03-14,EK4455667,\n",
    "Zabolotny,Yaroslav,1971-03-14,FM9012338,12 Sadovaya St Poltava\n",
)
CONFIG = """source:
  title: {title}
  kind: other
  reliability: B
  received: 2025-11-01
file:
  encoding: utf-8
  delimiter: ','
  date_order: YMD
columns:
  family: family_name
  given: given_name
  born: birth_date
  passport: document_number
  address: residence
"""


def _write_source(folder, name: str, rows) -> tuple:
    data = folder / f"{name}.csv"
    data.write_text(HEADER + "".join(rows), encoding="utf-8")
    config = folder / f"{name}.yaml"
    config.write_text(CONFIG.format(title=name), encoding="utf-8")
    return data, config


def _ingest(store, sources) -> None:
    for data, config in sources:
        ingest_file(store, data, load_source_config(config))


def _ids_of(store, title_rows: int) -> list[int]:
    with store.engine.connect() as connection:
        ids = connection.execute(select(records.c.id).order_by(records.c.id)).scalars().all()
    return ids[-title_rows:]


def _person_of(store) -> dict[int, int]:
    with store.engine.connect() as connection:
        query = select(person_records.c.record_id, person_records.c.person_id)
        return dict(connection.execute(query).all())


@pytest.fixture
def narrow_blocking(monkeypatch):
    monkeypatch.setattr(linkage, "BLOCKING_RULES", (("number_slip_keys",), ("residence",)))


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    folder = tmp_path_factory.mktemp("world")
    write_world(folder, persons=600, seed=5)
    return folder, find_source_files(folder)[0]


def test_a_chain_is_weighed_pair_by_pair_in_a_full_run(world, tmp_path, narrow_blocking):
    folder, sources = world
    store = open_store(f"sqlite:///{tmp_path / 'register.db'}")
    _ingest(store, [*sources, _write_source(tmp_path, "renewed", ROWS)])
    one, two, three = _ids_of(store, 3)
    steps: list[str] = []
    resolve_register(store, progress=steps.append)
    person_of = _person_of(store)
    assert person_of[one] == person_of[two] == person_of[three]
    assert any(step.startswith("weigh ") for step in steps)
    with store.engine.connect() as connection:
        stored = (
            connection.execute(
                select(pairs.c.match_probability).where(
                    pairs.c.left_record_id == two, pairs.c.right_record_id == three
                )
            )
            .scalars()
            .all()
        )
    assert len(stored) == 1 and stored[0] >= 0.9  # scored once, written with the run
    store.dispose()


def test_an_incremental_run_weighs_the_chain_as_a_full_run_does(world, tmp_path, narrow_blocking):
    folder, sources = world
    store = open_store(f"sqlite:///{tmp_path / 'register.db'}")
    _ingest(store, [*sources, _write_source(tmp_path, "first", ROWS[:2])])
    resolve_register(store)
    _ingest(store, [_write_source(tmp_path, "later", ROWS[2:])])
    steps: list[str] = []
    result = resolve_register(store, progress=steps.append)
    assert result.mode == "incremental"
    one, two, three = _ids_of(store, 3)
    person_of = _person_of(store)
    assert person_of[one] == person_of[two] == person_of[three]
    assert any(step.startswith("weigh ") for step in steps)
    store.dispose()
