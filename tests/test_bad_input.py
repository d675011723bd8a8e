"""Bad input never crashes and never loses stored data (issue #2's list, one test each).

Every test first stores a good batch, then feeds the bad input, then checks the good
batch is untouched: same counts, same verbatim rows.
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import openpyxl
import pytest
from sqlalchemy import func, select
from typer.testing import CliRunner

from nomina.cli import app
from nomina.ingest import (
    IngestError,
    SourceConfigError,
    ingest_file,
    list_quarantine,
    load_source_config,
)
from nomina.store.schema import batches, quarantine, record_fields, records
from tests.conftest import CONTRACTS_ROWS, CONTRACTS_YAML, write_csv

INJECTION = "=cmd|' /C calc'!A0"


@pytest.fixture
def stored_before(store, contracts):
    """A good batch already in the store, and a snapshot of everything in it."""
    data, config = contracts
    ingest_file(store, data, load_source_config(config))
    return snapshot(store)


def snapshot(store) -> dict:
    with store.engine.connect() as connection:
        return {
            "records": connection.execute(
                select(records.c.id, records.c.raw).order_by(records.c.id)
            ).all(),
            "batches": connection.execute(select(func.count()).select_from(batches)).scalar(),
        }


def assert_unchanged(store, before) -> None:
    after = snapshot(store)
    assert after["records"][: len(before["records"])] == before["records"]


def assert_nothing_added(store, before) -> None:
    assert snapshot(store) == before


def config_for(tmp_path: Path, name: str = "bad", text: str = CONTRACTS_YAML):
    path = tmp_path / f"{name}.yaml"
    path.write_text(text, encoding="utf-8")
    return load_source_config(path)


def ingest_rows(store, tmp_path, rows, *, encoding="utf-8", name="bad"):
    data = write_csv(tmp_path / f"{name}.csv", rows, encoding=encoding)
    return ingest_file(store, data, config_for(tmp_path, name))


# --- encodings -------------------------------------------------------------------------


def test_wrong_declared_encoding_quarantines_rows_and_keeps_their_bytes(
    store, stored_before, tmp_path
):
    data = write_csv(
        tmp_path / "bad.csv",
        CONTRACTS_ROWS[:1] + [["Тхапа Рам", "1998", "Непал", "", "", ""]],
        encoding="utf-8",
    )
    data.write_bytes(data.read_bytes().replace("Тхапа Рам".encode(), "Тхапа Рам".encode("cp1251")))
    config = config_for(tmp_path, text=CONTRACTS_YAML + "file:\n  encoding: utf-8\n")
    result = ingest_file(store, data, config)
    assert result.rows_quarantined == 1 and result.records_added == 0
    [problem] = list_quarantine(store)
    assert problem["row"] == 2 and "utf-8" in problem["reason"]
    with store.engine.connect() as connection:
        raw = json.loads(connection.execute(select(quarantine.c.raw)).scalar())
    assert "\\xd2" in raw["ФИО"]  # the undecodable bytes are kept, visibly
    assert_unchanged(store, stored_before)


def test_mixed_encoding_quarantines_only_the_odd_rows(store, stored_before, tmp_path):
    good = "\r\n".join(";".join(row) for row in CONTRACTS_ROWS).encode("utf-8")
    odd = ";".join(["Рай Сурадж", "1999", "Непал", "", "", ""]).encode("cp1251")
    (tmp_path / "bad.csv").write_bytes(good + b"\r\n" + odd + b"\r\n")
    result = ingest_file(store, tmp_path / "bad.csv", config_for(tmp_path))
    assert (result.encoding, result.records_added, result.rows_quarantined) == ("utf-8", 3, 1)
    assert list_quarantine(store)[0]["row"] == 5
    assert_unchanged(store, stored_before)


# --- columns ---------------------------------------------------------------------------


def test_missing_or_renamed_column_names_it_and_stores_nothing(store, stored_before, tmp_path):
    rows = [
        ["ФИО", "Дата рожд.", "Гражданство", "Дата контракта", "в/ч"],
        ["Рай Сурадж", "1999", "Непал", "", ""],
    ]
    with pytest.raises(IngestError) as caught:
        ingest_rows(store, tmp_path, rows)
    message = str(caught.value)
    assert (
        "bad.csv" in message
        and "'Дата рождения'" in message
        and "did you mean 'Дата рожд.'" in message
    )
    assert_nothing_added(store, stored_before)


# --- dates and countries ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "words"),
    [("not a date", "date"), ("31.02.1998", "31.02.1998"), ("05.03.2031", "after")],
)
def test_bad_dates_go_to_quarantine(store, stored_before, tmp_path, value, words):
    rows = [
        CONTRACTS_ROWS[0],
        ["Рай Сурадж", value, "Непал", "", "", ""],
        ["Лимбу Дипак", "1997", "Непал", "", "", ""],
    ]
    result = ingest_rows(store, tmp_path, rows)
    assert (result.records_added, result.rows_quarantined) == (1, 1)
    [problem] = list_quarantine(store)
    assert (problem["file"], problem["row"], problem["field"]) == ("bad.csv", 2, "birth_date")
    assert words in problem["reason"]
    assert_unchanged(store, stored_before)


def test_unknown_country_goes_to_quarantine(store, stored_before, tmp_path):
    rows = [CONTRACTS_ROWS[0], ["Рай Сурадж", "1999", "Нарния", "", "", ""]]
    ingest_rows(store, tmp_path, rows)
    [problem] = list_quarantine(store)
    assert problem["field"] == "citizenship" and "Нарния" in problem["reason"]
    assert_unchanged(store, stored_before)


# --- empty, header only, duplicate -------------------------------------------------------


def test_empty_file_is_refused(store, stored_before, tmp_path):
    (tmp_path / "bad.csv").write_bytes(b"")
    with pytest.raises(IngestError, match="empty"):
        ingest_file(store, tmp_path / "bad.csv", config_for(tmp_path))
    assert_nothing_added(store, stored_before)


def test_header_only_is_refused(store, stored_before, tmp_path):
    with pytest.raises(IngestError, match="no data rows"):
        ingest_rows(store, tmp_path, CONTRACTS_ROWS[:1])
    assert_nothing_added(store, stored_before)


def test_duplicate_file_adds_nothing(store, stored_before, contracts):
    data, config = contracts
    result = ingest_file(store, data, load_source_config(config))
    assert result.duplicate_of is not None and result.records_added == 0
    assert_nothing_added(store, stored_before)


# --- sizes and bytes ----------------------------------------------------------------------


def test_ten_megabyte_cell_is_quarantined_not_fatal(store, stored_before, tmp_path):
    rows = [
        CONTRACTS_ROWS[0],
        ["Рай Сурадж", "1999", "Непал", "", "", "x" * 10_000_000],
        CONTRACTS_ROWS[1],
    ]
    result = ingest_rows(store, tmp_path, rows)
    assert (result.records_added, result.rows_quarantined) == (1, 1)
    [problem] = list_quarantine(store)
    assert problem["row"] == 2 and "too large" in problem["reason"] and problem["column"] == "в/ч"
    assert_unchanged(store, stored_before)


def test_nul_byte_in_a_row_is_quarantined(store, stored_before, tmp_path):
    rows = [CONTRACTS_ROWS[0], ["Рай\x00Сурадж", "1999", "Непал", "", "", ""], CONTRACTS_ROWS[1]]
    result = ingest_rows(store, tmp_path, rows)
    assert (result.records_added, result.rows_quarantined) == (1, 1)
    assert "NUL" in list_quarantine(store)[0]["reason"]
    assert_unchanged(store, stored_before)


@pytest.mark.parametrize(
    "content",
    [bytes(range(256)) * 64, b"PK\x03\x04" + b"\x00" * 100, "ФИО;Дата\n".encode("utf-16")],
    ids=["random-binary", "zip", "utf-16"],
)
def test_binary_file_named_csv_is_refused(store, stored_before, tmp_path, content):
    (tmp_path / "bad.csv").write_bytes(content)
    with pytest.raises(IngestError, match="bad.csv"):
        ingest_file(store, tmp_path / "bad.csv", config_for(tmp_path))
    assert_nothing_added(store, stored_before)


# --- formula injection --------------------------------------------------------------------


def test_formula_injection_is_stored_verbatim_and_neutralised_on_export(
    store, tmp_path, monkeypatch
):
    rows = [
        CONTRACTS_ROWS[0],
        [INJECTION, "1999", "Непал", "", "", "+7 (999) 123"],
        ["@SUM(A1)", "1998", "Непал", "", "", "-2+3"],
    ]
    ingest_rows(store, tmp_path, rows)
    with store.engine.connect() as connection:
        names = (
            connection.execute(
                select(record_fields.c.full_name).order_by(record_fields.c.record_id)
            )
            .scalars()
            .all()
        )
        raw = json.loads(
            connection.execute(select(records.c.raw).order_by(records.c.id)).scalars().first()
        )
    assert names == [INJECTION, "@SUM(A1)"] and raw["ФИО"] == INJECTION

    runner = CliRunner()
    monkeypatch.setenv("NOMINA_DATABASE_URL", store.url)
    out = runner.invoke(app, ["records", "export", "--out", "-"])
    assert out.exit_code == 0, out.output
    exported = list(csv.DictReader(io.StringIO(out.stdout)))
    assert exported[0]["full_name"] == "'" + INJECTION
    assert exported[0]["military_unit"] == "'+7 (999) 123"
    assert exported[1]["full_name"] == "'@SUM(A1)"
    # The raw JSON cell starts with "{", so it is inert as it is.
    assert INJECTION in exported[0]["raw"]

    xlsx = tmp_path / "export.xlsx"
    assert runner.invoke(app, ["records", "export", "--out", str(xlsx)]).exit_code == 0
    sheet = openpyxl.load_workbook(xlsx).active
    header = [cell.value for cell in sheet[1]]
    cell = sheet.cell(row=2, column=header.index("full_name") + 1)
    assert cell.data_type == "s" and cell.value == "'" + INJECTION


# --- source YAML --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            CONTRACTS_YAML.replace("kind: contracts", "kind: contract"),
            ["line 3", "source.kind", "'contract'"],
        ),
        (
            CONTRACTS_YAML.replace("reliability: B", "reliability: Z"),
            ["line 5", "source.reliability"],
        ),
        (
            CONTRACTS_YAML.replace("received: 2025-10-01", "received: 2025-13-01"),
            ["line 6", "source.received"],
        ),
        (
            CONTRACTS_YAML.replace("  в/ч: military_unit", "  в/ч: military_units"),
            ["line 13", "columns.в/ч", "military_units"],
        ),
        (
            CONTRACTS_YAML.replace("  organisation:", "  organization:"),
            ["line 4", "source.organization", "unknown key"],
        ),
        ("source: [\n", ["line 2", "invalid YAML"]),
    ],
    ids=["kind", "reliability", "date", "field", "unknown-key", "syntax"],
)
def test_source_yaml_errors_name_key_and_line(tmp_path, text, expected):
    path = tmp_path / "bad.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(SourceConfigError) as caught:
        load_source_config(path)
    message = str(caught.value)
    assert message.startswith(str(path))
    for words in expected:
        assert words in message


def test_json_lines_oddities_never_crash(store, stored_before, tmp_path):
    lines = [
        '{"name": "Ram Thapa", "country": "Nepal", "n": 123456789012345678901234567890}',
        '{"name": "Bad \\ud800 Half", "country": "Nepal"}',
        '{"name": "Emoji \\ud83d\\ude00 Pair", "country": "Nepal"}',
        "not json at all",
        "[1, 2, 3]",
    ]
    (tmp_path / "odd.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    config = config_for(
        tmp_path,
        "odd",
        "source: {title: Odd, kind: open_source, reliability: F, received: 2025-01-01}\n"
        "columns:\n  name: full_name\n  country: citizenship\n",
    )
    result = ingest_file(store, tmp_path / "odd.jsonl", config)
    assert (result.records_added, result.rows_quarantined) == (2, 3)
    reasons = {p["row"]: p["reason"] for p in list_quarantine(store)}
    assert (
        "surrogate" in reasons[2] and "not valid JSON" in reasons[4] and "JSON object" in reasons[5]
    )
    with store.engine.connect() as connection:
        raws = connection.execute(select(records.c.raw).order_by(records.c.id)).scalars().all()
    assert json.loads(raws[-2])["n"] == 123456789012345678901234567890
    assert json.loads(raws[-1])["name"] == "Emoji 😀 Pair"
    assert_unchanged(store, stored_before)
