"""`nomina estimate`: capture histories from a small register, the CLI's --json and errors."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from sqlalchemy import insert, select
from typer.testing import CliRunner

from nomina import ingest
from nomina.cli import app
from nomina.estimate import capture_histories
from nomina.estimate.histories import quarter
from nomina.store.schema import person_records, persons, records, resolution_runs
from tests.conftest import CONTRACTS_ROWS, CONTRACTS_YAML, write_csv

DATA = Path(__file__).parent / "data" / "estimate"
runner = CliRunner()

CASUALTIES_YAML = """\
source:
  title: Casualty report
  kind: casualty_report
  organisation: Test bureau
  reliability: C
  received: 2025-10-05
columns:
  name: full_name
  citizenship: citizenship
  killed: killed
"""
CASUALTIES_ROWS = [
    ["name", "citizenship", "killed"],
    ["Thapa Ram Bahadur", "Nepal", "01.05.2024"],
    ["Rai Sunil", "Nepal", ""],
    ["Someone Else", "India", ""],
]


@pytest.fixture
def register(sqlite_store, tmp_path):
    """Two sources, five records, four persons (and one retired) placed by hand.

    person 1: contract row 2 + casualty row 2 (confirmed, Nepal, contracted 2024)
    person 2: contract row 3 (DPRK, 2024); person 3: contract row 4 (Nepal, 2024)
    person 4: casualty row 3 (Nepal, no contract); person 5: casualty row 4, retired
    """
    for name, yaml, rows in (
        ("contracts", CONTRACTS_YAML, CONTRACTS_ROWS),
        ("casualties", CASUALTIES_YAML, CASUALTIES_ROWS),
    ):
        data = write_csv(tmp_path / f"{name}.csv", rows)
        config = tmp_path / f"{name}.yaml"
        config.write_text(yaml, encoding="utf-8")
        ingest.ingest_file(sqlite_store, data, ingest.load_source_config(config))
    now = dt.datetime.now(dt.UTC)
    with sqlite_store.engine.begin() as connection:
        record_of = {
            (file_source, row): record_id
            for record_id, file_source, row in connection.execute(
                select(records.c.id, records.c.source_id, records.c.row_number)
            )
        }
        contracts_id, casualties_id = sorted({source for source, _ in record_of})
        connection.execute(
            insert(resolution_runs).values(
                id=1, started_at=now, engine="duckdb", threshold=0.9, records=6, pairs=0,
                persons=5, actor="test",
            )
        )  # fmt: skip
        members = {
            1: [(contracts_id, 2), (casualties_id, 2)],
            2: [(contracts_id, 3)],
            3: [(contracts_id, 4)],
            4: [(casualties_id, 3)],
            5: [(casualties_id, 4)],
        }
        for person_id, held in members.items():
            connection.execute(
                insert(persons).values(
                    id=person_id, created_run_id=1, updated_run_id=1, records=len(held),
                    certainty="confirmed" if person_id == 1 else "probable",
                    certainty_reasons="[]", retired=int(person_id == 5),
                )
            )  # fmt: skip
            for key in held:
                connection.execute(
                    insert(person_records).values(record_id=record_of[key], person_id=person_id)
                )
    return sqlite_store


def as_dict(table) -> dict[str, int]:
    """The table as pattern string → count, e.g. {"10": 2}."""
    return {
        "".join(str(int(bit)) for bit in pattern): int(count)
        for pattern, count in zip(table.patterns, table.counts, strict=True)
    }


def test_capture_histories_from_the_register(register):
    tables = capture_histories(register)
    assert list(tables) == ["all"]
    table = tables["all"]
    assert table.lists == ("Captured contract list", "Casualty report")
    # Retired person 5 is left out; person 1 is on both lists.
    assert as_dict(table) == {"01": 1, "10": 2, "11": 1}

    kinds = capture_histories(register, lists="kind")["all"]
    assert kinds.lists == ("casualty_report", "contracts")
    assert as_dict(kinds) == {"10": 1, "01": 2, "11": 1}

    confirmed = capture_histories(register, certainty=["confirmed"])["all"]
    assert as_dict(confirmed) == {"11": 1}


def test_capture_histories_by_country_and_period(register):
    by_country = capture_histories(register, by="country")
    assert {name: t.observed for name, t in by_country.items()} == {"KP": 1, "NP": 3}
    by_period = capture_histories(register, by="period")
    assert {name: t.observed for name, t in by_period.items()} == {"2024": 3, "unknown": 1}
    # 12.01.2024, 03.2024 (month only) and 15.02.2024: all in the first quarter.
    by_quarter = capture_histories(register, by="quarter")
    assert {name: t.observed for name, t in by_quarter.items()} == {"2024-Q1": 3, "unknown": 1}


def test_quarter_of_a_contract_date():
    assert [quarter(d) for d in ("2025-07-01", "2025-09", "2024-12-31", "2024-01")] == [
        "2025-Q3", "2025-Q3", "2024-Q4", "2024-Q1"
    ]  # fmt: skip
    assert quarter("2023") == "2023 (quarter unknown)"


def test_capture_histories_reject_unknown_options(register):
    with pytest.raises(ValueError, match="unknown certainty sure"):
        capture_histories(register, certainty=["sure"])
    with pytest.raises(ValueError, match="strata must be one of"):
        capture_histories(register, by="region")


def test_cli_register_estimate_json_shape(register, monkeypatch):
    monkeypatch.setenv("NOMINA_DATABASE_URL", register.url)
    result = runner.invoke(
        app, ["estimate", "--method", "both", "--iterations", "300", "--seed", "1", "--json"]
    )
    assert result.exit_code == 0, result.output
    out = json.loads(result.stdout)
    assert out["observed"] == 4 and out["method"] == "both"
    assert {"estimate", "interval", "warnings", "lcmcr", "loglinear"} <= set(out)
    assert any("only 2 lists" in w for w in out["warnings"])


def test_cli_table_json_shape():
    result = runner.invoke(
        app,
        ["estimate", "--table", str(DATA / "kosovo.csv"), "--method", "lcmcr",
         "--iterations", "400", "--seed", "2", "--json"],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    out = json.loads(result.stdout)
    assert out["observed"] == 4_400 and out["method"] == "lcmcr"
    low, high = out["interval"]
    assert low <= out["estimate"] <= high and out["estimate"] >= 4_400
    assert isinstance(out["warnings"], list) and out["lcmcr"]["seed"] == 2
    assert out["lists"] == ["EXH", "ABA", "OSCE", "HRW"]


def test_cli_table_text_output_and_loglinear_only():
    result = runner.invoke(
        app, ["estimate", "--table", str(DATA / "hav_taiwan.csv"), "--method", "loglinear"]
    )
    assert result.exit_code == 0, result.output
    assert "1,313" in result.stdout and "[P:Q, P:E, Q:E]" in result.stdout


def test_cli_strata_json(register, monkeypatch):
    monkeypatch.setenv("NOMINA_DATABASE_URL", register.url)
    result = runner.invoke(
        app, ["estimate", "--by", "period", "--method", "lcmcr", "--iterations", "200", "--json"]
    )
    assert result.exit_code == 0, result.output
    out = json.loads(result.stdout)
    assert set(out["strata"]) == {"2024", "unknown"} and out["observed"] == 4
    # The `unknown` stratum has one person on one list: no estimate, said so.
    assert "error" in out["strata"]["unknown"]
    assert any("stratum unknown" in w for w in out["warnings"])


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--method", "magic"], "--method must be one of"),
        (["--table", "missing.csv"], "missing.csv: no such file"),
        (["--table", "{bad}"], "line 2, column `B`: '2' is not 0 or 1"),
        (["--table", "{bad}", "--by", "country"], "a --table is used as given"),
    ],
)
def test_cli_errors_are_one_line(tmp_path, args, message):
    bad = tmp_path / "bad.csv"
    bad.write_text("A,B,count\n1,2,3\n", encoding="utf-8")
    result = runner.invoke(app, ["estimate", *[a.replace("{bad}", str(bad)) for a in args]])
    assert result.exit_code == 1
    assert message in result.stderr and "Traceback" not in result.output


def test_long_list_names_are_lettered_in_model_formulas():
    from nomina.cli.estimate import _letters, _short_model

    lists = ["Captured contract lists", "Captured contract lists (3)", "Prisoner registrations"]
    letters = _letters(lists)
    assert letters == {lists[0]: "A", lists[1]: "B", lists[2]: "C"}
    model = f"[{lists[0]}:{lists[1]}, {lists[1]}:{lists[2]}]"
    assert _short_model(model, letters) == "[A:B, B:C]"
    assert _letters(["P", "Q", "E"]) == {}
