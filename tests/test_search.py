"""Person search (`nomina.resolve.search`) on SQLite and PostgreSQL: what a search finds
is what scoring every candidate finds, unless a name is so common that more records share
its keys than one search scores; then the page holds the best matches, the total is a
labelled lower bound, and filters (a liaison's countries) still apply before the cap.

The register: one person per record (no resolution run: persons written as a run would),
many Kims in Latin and Cyrillic, one written "Kim" alone (the best match for "Kim"), one
Nepali Kim (two words, written last: ranked last among the Kims), and Kim Jong Un in
both scripts.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from sqlalchemy import func, select

from nomina.ingest import ingest_file, load_source_config
from nomina.names import compare_names, parse_name
from nomina.resolve import search
from nomina.resolve.features import load_features
from nomina.resolve.search import refresh_search_index, search_persons
from nomina.store import Store
from nomina.store.audit import verify_audit_chain
from nomina.store.dialect import bulk_insert
from nomina.store.schema import (
    audit_log,
    person_records,
    persons,
    record_fields,
    records,
    resolution_runs,
    search_keys,
)
from nomina.timeline import build_timeline
from tests.conftest import write_csv

YAML = """\
source:
  title: {title}
  kind: open_source
  reliability: C
  received: 2025-11-25
file:
  delimiter: ';'
columns:
  Name: full_name
  Citizenship: citizenship
"""
GIVEN = ["Chol", "Song Min", "Yong Nam", "Hyok", "Su Gil", "Myong Chol", "Kwang", "Il"]
KIMS = [[f"Kim {given}", "North Korea"] for given in GIVEN]
KIMS += [[f"Ким {given}", "КНДР"] for given in ("Чол", "Сон Мин", "Ён Нам", "Хёк")]
ROWS = [
    ["Name", "Citizenship"],
    *KIMS,
    ["Kim", "North Korea"],
    ["Kim Jong Un", "North Korea"],
    ["Ким Чен Ын", "КНДР"],
    ["Kim Gurung", "Nepal"],
    ["Thapa Ram", "Nepal"],
]


def ingest_names(store: Store, folder: Path, title: str, rows: list[list[str]]) -> None:
    data = write_csv(folder / f"{title}.csv", rows)
    config = folder / f"{title}.yaml"
    config.write_text(YAML.format(title=title), encoding="utf-8")
    ingest_file(store, data, load_source_config(config))


def one_person_per_record(store: Store) -> None:
    """Persons as a resolution run writes them: each record not yet in one, its own."""
    now = dt.datetime.now(dt.UTC)
    with store.engine.begin() as connection:
        run = connection.execute(
            resolution_runs.insert().values(
                started_at=now, finished_at=now, engine="test", threshold=1.0, records=0,
                pairs=0, persons=0, model=None, actor="test",
            )
        ).inserted_primary_key[0]  # fmt: skip
        held = select(person_records.c.record_id)
        todo = connection.execute(select(records.c.id).where(records.c.id.not_in(held))).scalars()
        rows = [(record_id, run, run, 1, "possible", "[]", 0) for record_id in todo]
        columns = ("id", "created_run_id", "updated_run_id", "records", "certainty",
                   "certainty_reasons", "retired")  # fmt: skip
        bulk_insert(connection, persons, columns, rows)
        bulk_insert(connection, person_records, ("record_id", "person_id"),
                    [(row[0], row[0]) for row in rows])  # fmt: skip
    load_features(store)  # the name keys, as resolution computes them first
    build_timeline(store)


@pytest.fixture
def register(store: Store, tmp_path: Path) -> Store:
    ingest_names(store, tmp_path, "names", ROWS)
    one_person_per_record(store)
    return store


def brute_force(store: Store, query: str, min_score: float = search.DEFAULT_MIN_SCORE) -> dict[int, float]:  # fmt: skip
    """Every current person's best score against `query` over all its candidate records
    (sharing index keys with two of the query's units, or all when fewer): what a search
    that scores every candidate finds (persons at `min_score` or more)."""
    refresh_search_index(store)
    units = search.query_units(query)
    wanted = parse_name(query)
    keys: dict[int, set[str]] = {}
    best: dict[int, float] = {}
    rows = select(
        person_records.c.person_id, record_fields.c.record_id, record_fields.c.full_name,
        record_fields.c.citizenship,
    ).join(record_fields, record_fields.c.record_id == person_records.c.record_id)  # fmt: skip
    with store.engine.connect() as connection:
        for key, record_id in connection.execute(select(search_keys.c.key, search_keys.c.record_id)):  # fmt: skip
            keys.setdefault(record_id, set()).add(key)
        for person_id, record_id, name, citizenship in connection.execute(rows):
            if sum(1 for unit in units if unit & keys.get(record_id, set())) < min(len(units), 2):
                continue
            score = compare_names(wanted, parse_name(name, citizenship=citizenship))
            if score >= min_score:
                best[person_id] = max(score, best.get(person_id, 0.0))
    return best


def scores(page: search.SearchPage) -> list[float]:
    return [row["score"] for row in page.persons]


def kim_records(store: Store) -> int:
    with store.engine.connect() as connection:
        return connection.execute(
            select(func.count())
            .select_from(record_fields)
            .where(func.lower(record_fields.c.full_name).like("kim%")
                   | record_fields.c.full_name.like("Ким%"))
        ).scalar()  # fmt: skip


@pytest.fixture
def small_window(monkeypatch: pytest.MonkeyPatch) -> None:
    """Score at most five records a page: "Kim" becomes a common name here."""
    monkeypatch.setattr(search, "SCORED_RECORDS", 5)
    monkeypatch.setattr(search, "SCORED_PER_RESULT", 1)


# --- an ordinary query: everything scored ----------------------------------------------


@pytest.mark.parametrize("query", ["Kim", "Ким", "Kim Chol", "Thapa Ram"])
def test_a_search_finds_what_scoring_every_record_finds(register, query):
    expected = brute_force(register, query)
    page = search_persons(register, query, limit=200, actor="test")
    assert page.exact and page.total == len(expected) > 0
    found = {row["person_id"]: row["score"] for row in page.persons}
    assert found == {person: round(score, 4) for person, score in expected.items()}
    assert scores(page) == sorted(scores(page), reverse=True)


@pytest.mark.parametrize("query", ["Ким Чен Ын", "Kim Jong Un", "김정은"])
def test_cross_script_search_finds_both_spellings(register, query):
    page = search_persons(register, query, actor="test")
    top_two = {row["name"] for row in page.persons[:2]}
    assert top_two == {"Kim Jong Un", "Ким Чен Ын"}
    assert all(row["score"] >= 0.9 for row in page.persons[:2])


# --- a common name: more candidates than one search scores ------------------------------


def test_a_common_name_returns_its_best_matches_and_a_labelled_lower_bound(register, small_window):  # fmt: skip
    expected = brute_force(register, "Kim")
    page = search_persons(register, "Kim", limit=3, actor="test")
    assert not page.exact
    assert page.candidates == kim_records(register)  # every record sharing the keys, counted
    assert len(page.persons) <= page.total < len(expected)  # a lower bound, and says so
    # The name as asked comes first; then what scoring every candidate ranks next.
    assert page.persons[0]["name"] == "Kim" and page.persons[0]["score"] == 1.0
    best_three = sorted(expected.values(), reverse=True)[:3]
    assert scores(page) == [round(score, 4) for score in best_three]
    assert {r["person_id"]: r["score"] for r in page.persons} == {
        r["person_id"]: round(expected[r["person_id"]], 4) for r in page.persons
    }


def test_cross_script_search_still_finds_both_spellings_when_capped(register, small_window):
    for query in ("Kim Jong Un", "Ким Чен Ын"):
        page = search_persons(register, query, limit=2, actor="test")
        assert {row["name"] for row in page.persons} == {"Kim Jong Un", "Ким Чен Ын"}


def test_filters_narrow_the_candidates_before_the_cap(register, small_window):
    # The Nepali Kim ranks last among the Kims, beyond the cap.
    everyone = search_persons(register, "Kim", limit=5, actor="test")
    assert "Kim Gurung" not in {row["name"] for row in everyone.persons}
    for scoped in (
        search_persons(register, "Kim", countries={"NP"}, actor="test"),
        search_persons(register, "Kim", country="NP", actor="test"),
    ):
        assert [row["name"] for row in scoped.persons] == ["Kim Gurung"]
        assert scoped.exact and scoped.total == 1 and scoped.candidates == 1


def test_deeper_pages_score_more_candidates(register, small_window):
    first = search_persons(register, "Kim", limit=3, offset=0, actor="test")
    second = search_persons(register, "Kim", limit=3, offset=3, actor="test")
    assert len(second.persons) == 3 and second.total >= 6
    assert not {r["person_id"] for r in first.persons} & {r["person_id"] for r in second.persons}


def test_the_next_page_and_the_same_search_again_are_not_scored_again(register, monkeypatch):
    ranked: list[str] = []
    real = search._ranked_candidates

    def counting(connection, units, filters, window):
        ranked.append("ranked")
        return real(connection, units, filters, window)

    refresh_search_index(register)  # a search right after indexing keeps nothing
    monkeypatch.setattr(search, "_ranked_candidates", counting)
    first = search_persons(register, "Kim", limit=4, actor="pager")
    second = search_persons(register, "Kim", limit=4, offset=4, actor="pager")
    assert search_persons(register, "Kim", limit=4, actor="pager") == first
    assert len(ranked) == 1
    assert not {r["person_id"] for r in first.persons} & {r["person_id"] for r in second.persons}
    search_persons(register, "Kim", countries={"NP"}, limit=4, actor="pager")
    assert len(ranked) == 2  # other filters: a search of its own
    with register.engine.connect() as connection:
        audited = connection.execute(
            select(func.count()).select_from(audit_log).where(audit_log.c.actor == "pager")
        ).scalar()
    assert audited == 4  # each search audited, scored or not


# --- the index and the audit -------------------------------------------------------------


def test_records_resolved_after_a_search_are_found_by_the_next(register, tmp_path):
    assert search_persons(register, "Pak Chol Su", actor="test").total == 0
    ingest_names(register, tmp_path, "later", [["Name", "Citizenship"], ["Pak Chol Su", "North Korea"]])  # fmt: skip
    one_person_per_record(register)
    page = search_persons(register, "Pak Chol Su", actor="test")
    assert [row["name"] for row in page.persons] == ["Pak Chol Su"]
    assert refresh_search_index(register) == 0  # nothing left to index


def test_a_large_reindex_refreshes_postgresql_statistics(store, tmp_path, monkeypatch):
    if store.backend != "postgresql":
        pytest.skip("SQLite plans these lookups well without statistics")
    monkeypatch.setattr(search, "ANALYZE_FROM", 3)  # "large": three records, here
    ingest_names(store, tmp_path, "names", ROWS)
    one_person_per_record(store)
    assert refresh_search_index(store) == len(ROWS) - 1
    with store.engine.connect() as connection:
        analysed = connection.exec_driver_sql(
            "SELECT last_analyze FROM pg_stat_user_tables WHERE relname = 'search_keys'"
        ).scalar()
    assert analysed is not None


def test_concurrent_searches_all_succeed_and_keep_the_audit_chain(register):
    """Each search appends to the hash-chained audit log; on SQLite a transaction that
    read before writing failed at once ("database is locked") when another search had
    written in between."""
    from tests.conftest import on_two_engines_at_once

    def searches(store: Store) -> None:
        for query in ("Kim", "Ким Чол", "Thapa", "Kim Jong Un", "Yong Nam"):
            search_persons(store, query, actor="concurrent")

    with register.engine.connect() as connection:
        before = connection.execute(select(func.count()).select_from(audit_log)).scalar()
    assert on_two_engines_at_once(register, searches) == []
    with register.engine.connect() as connection:
        after = connection.execute(select(func.count()).select_from(audit_log)).scalar()
        assert after - before == 8 * 5
        assert verify_audit_chain(connection).intact
