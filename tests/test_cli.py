"""The CLI, in process: exit codes, one-line errors, --json/--csv, folders of sources."""

from __future__ import annotations

import csv
import io
import json
import re

import pytest
from typer.testing import CliRunner

from nomina.cli import app
from tests.conftest import CONTRACTS_ROWS, CONTRACTS_YAML, write_csv

runner = CliRunner()


@pytest.fixture
def db(tmp_path, monkeypatch):
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    monkeypatch.setenv("NOMINA_DATABASE_URL", url)
    return url


def invoke(*args: str):
    return runner.invoke(app, list(args))


def test_ingest_folder_then_again_says_nothing_added(db, contracts, tmp_path):
    data, _ = contracts
    (tmp_path / "truth.csv").write_text("source,row_number,person_id\n", encoding="utf-8")
    first = invoke("ingest", str(tmp_path), "--json")
    assert first.exit_code == 0, first.output
    [outcome] = json.loads(first.stdout)
    assert outcome["records_added"] == 3 and outcome["duplicate_of"] is None
    assert "skipped truth.csv" in first.stderr

    again = invoke("ingest", str(data))
    assert again.exit_code == 0
    assert "already ingested as batch 1; nothing added" in again.stdout


def test_user_errors_are_one_line_and_exit_1(db, tmp_path):
    (tmp_path / "list.csv").write_bytes(b"")
    (tmp_path / "list.yaml").write_text("source: {}\n", encoding="utf-8")
    result = invoke("ingest", str(tmp_path / "list.csv"))
    assert result.exit_code == 1
    assert "Traceback" not in result.output
    assert "list.yaml" in result.stderr and "source.title" in result.stderr

    missing = invoke("ingest", str(tmp_path / "nothing.csv"))
    assert missing.exit_code == 1 and "no such file" in missing.stderr


def test_a_failing_file_does_not_stop_the_folder(db, contracts, tmp_path):
    (tmp_path / "broken.csv").write_bytes(b"")
    (tmp_path / "broken.yaml").write_text(
        (tmp_path / "contracts.yaml").read_text(encoding="utf-8"), encoding="utf-8"
    )
    result = invoke("ingest", str(tmp_path), "--json")
    assert result.exit_code == 1
    outcomes = json.loads(result.stdout)
    assert "empty" in outcomes[0]["error"]
    assert outcomes[1]["records_added"] == 3


def test_quarantine_list_as_json_and_csv(db, tmp_path):
    write_csv(
        tmp_path / "list.csv", CONTRACTS_ROWS + [["Рай Сурадж", "31.02.1999", "Нарния", "", "", ""]]
    )
    (tmp_path / "list.yaml").write_text(CONTRACTS_YAML, encoding="utf-8")
    assert invoke("ingest", str(tmp_path)).exit_code == 0

    as_json = json.loads(invoke("quarantine", "list", "--json").stdout)
    assert {(p["row"], p["field"]) for p in as_json} == {(5, "birth_date"), (5, "citizenship")}
    as_csv = list(csv.DictReader(io.StringIO(invoke("quarantine", "list", "--csv").stdout)))
    assert [row["file"] for row in as_csv] == ["list.csv", "list.csv"]
    table = invoke("quarantine", "list")
    assert "Нарния" in table.stdout


def test_sources_list_and_audit_verify(db, contracts, tmp_path):
    assert invoke("ingest", str(tmp_path)).exit_code == 0
    [source] = json.loads(invoke("sources", "list", "--json").stdout)
    assert (source["title"], source["records"], source["batches"]) == (
        "Captured contract list",
        3,
        1,
    )
    verified = invoke("audit", "verify")
    assert verified.exit_code == 0 and "intact: 1 entries" in verified.stdout


def test_synth_then_demo_on_a_small_world(db, tmp_path):
    world = tmp_path / "world"
    made = invoke("synth", "--out", str(world), "--persons", "400", "--seed", "3", "--json")
    assert made.exit_code == 0, made.output
    summary = json.loads(made.stdout)
    assert summary["persons_true"] == 400 and (world / "truth.csv").exists()

    demo = invoke("demo", "--out", str(tmp_path / "demo"), "--persons", "400", "--seed", "3")
    assert demo.exit_code == 0, demo.output
    assert "3. the register" in demo.stdout
    found = re.search(r"register: \d+ sources, ([\d,]+) records, ([\d,]+) quarantined", demo.stdout)
    stored, quarantined = (int(group.replace(",", "")) for group in found.groups())
    # Every row of the world is either a record or in quarantine: nothing is dropped.
    assert stored + quarantined == summary["records"]


def test_names_compare_adds_a_score_column(tmp_path):
    pairs = tmp_path / "pairs.csv"
    pairs.write_text(
        "left,right,case\nКим Чен Ын,Kim Jong Un,same\nRam Bahadur Thapa,Bishal Thapa,different\n",
        encoding="utf-8",
    )
    result = invoke("names", "compare", str(pairs))
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert [row["case"] for row in rows] == ["same", "different"]
    same, different = (float(row["score"]) for row in rows)
    assert 0.0 <= different < same <= 1.0 and same > 0.8 and different < 0.6

    wrong = tmp_path / "wrong.csv"
    wrong.write_text("a,b\nx,y\n", encoding="utf-8")
    refused = invoke("names", "compare", str(wrong))
    assert refused.exit_code == 1 and "left" in refused.stderr


def test_resolve_then_person_and_unknown_person(db, tmp_path):
    assert (
        invoke("synth", "--out", str(tmp_path / "w"), "--persons", "300", "--seed", "4").exit_code
        == 0
    )
    assert invoke("ingest", str(tmp_path / "w")).exit_code == 0
    resolved = invoke("resolve", "--json")
    assert resolved.exit_code == 0, resolved.output
    result = json.loads(resolved.stdout)
    assert 0 < result["persons"] <= result["records"]
    shown = invoke("person", "1")
    assert shown.exit_code == 0 and "record " in shown.stdout and "field" in shown.stdout
    missing = invoke("person", "999999")
    assert missing.exit_code == 1 and "no person 999999" in missing.stderr
