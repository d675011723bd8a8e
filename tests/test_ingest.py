"""Ingest: formats, encodings, provenance, idempotence, atomicity — on both backends."""

from __future__ import annotations

import json

import openpyxl
import pytest
from sqlalchemy import func, select

from nomina.ingest import file_sha256, ingest_file, list_quarantine, load_source_config
from nomina.store.schema import batches, record_events, record_fields, records, sources
from tests.conftest import CONTRACTS_ROWS, CONTRACTS_YAML, write_csv


def count(store, table) -> int:
    with store.engine.connect() as connection:
        return connection.execute(select(func.count()).select_from(table)).scalar()


def stored(store, query):
    with store.engine.connect() as connection:
        return [dict(row) for row in connection.execute(query).mappings()]


def test_csv_rows_stored_verbatim_with_provenance_and_parsed_fields(store, contracts):
    data, config = contracts
    result = ingest_file(store, data, load_source_config(config))

    assert (result.records_added, result.rows_quarantined) == (3, 0)
    assert result.delimiter == ";" and result.encoding == "utf-8"
    rows = stored(store, select(records).order_by(records.c.row_number))
    assert [row["row_number"] for row in rows] == [2, 3, 4]
    header = CONTRACTS_ROWS[0]
    assert json.loads(rows[0]["raw"]) == dict(zip(header, CONTRACTS_ROWS[1], strict=True))
    batch = stored(store, select(batches))[0]
    assert batch["file_sha256"] == file_sha256(data)
    assert batch["config"] == CONTRACTS_YAML

    fields = {row["full_name"]: row for row in stored(store, select(record_fields))}
    thapa = fields["Тхапа Рам Бахадур"]
    assert thapa["citizenship"] == "NP"
    assert (thapa["birth_date"], thapa["birth_date_precision"]) == ("1998-03-05", "day")
    assert thapa["document_number"] == "PA123456"
    assert thapa["name_script"] == "Cyrillic"
    assert thapa["name_latin"].isascii()
    kim = fields["Ким Чен Ын"]
    assert kim["citizenship"] == "KP"
    assert (kim["birth_date"], kim["birth_date_precision"]) == ("1990", "year")
    assert fields["Гурунг Бишал"]["birth_date"] == "1995-03-05"


def test_event_columns_become_events_reported_on_the_received_date(store, contracts):
    data, config = contracts
    ingest_file(store, data, load_source_config(config))
    events = stored(store, select(record_events).order_by(record_events.c.record_id))
    assert [(e["kind"], e["date"], e["date_precision"]) for e in events] == [
        ("contracted", "2024-01-12", "day"),
        ("contracted", "2024-03", "month"),
        ("contracted", "2024-02-15", "day"),
    ]
    assert {str(e["reported_date"]) for e in events} == {"2025-10-01"}


def test_reingesting_the_same_file_adds_nothing(store, contracts):
    data, config = contracts
    first = ingest_file(store, data, load_source_config(config))
    second = ingest_file(store, data, load_source_config(config))
    assert second.duplicate_of == first.batch_id
    assert second.records_added == 0
    assert count(store, records) == 3 and count(store, batches) == 1


def test_a_second_file_of_the_same_source_is_a_new_batch(store, contracts, tmp_path):
    data, config = contracts
    ingest_file(store, data, load_source_config(config))
    more = write_csv(
        tmp_path / "more.csv", [CONTRACTS_ROWS[0], ["Рай Сурадж", "1999", "Непал", "", "", ""]]
    )
    ingest_file(store, more, load_source_config(config))
    assert count(store, sources) == 1 and count(store, batches) == 2 and count(store, records) == 4


@pytest.mark.parametrize("encoding", ["utf-8-sig", "cp1251", "koi8-r"])
def test_encodings_are_detected(sqlite_store, tmp_path, encoding):
    data = write_csv(
        tmp_path / "list.csv", CONTRACTS_ROWS * 1 + CONTRACTS_ROWS[1:] * 20, encoding=encoding
    )
    config = tmp_path / "list.yaml"
    config.write_text(CONTRACTS_YAML, encoding="utf-8")
    result = ingest_file(sqlite_store, data, load_source_config(config))
    assert result.encoding == encoding
    assert result.rows_quarantined == 0
    names = {row["full_name"] for row in stored(sqlite_store, select(record_fields))}
    assert "Тхапа Рам Бахадур" in names


@pytest.mark.parametrize("delimiter", [",", "\t", "|"])
def test_delimiter_is_sniffed(sqlite_store, tmp_path, delimiter):
    data = write_csv(tmp_path / "list.csv", CONTRACTS_ROWS, delimiter=delimiter)
    config = tmp_path / "list.yaml"
    config.write_text(CONTRACTS_YAML, encoding="utf-8")
    result = ingest_file(sqlite_store, data, load_source_config(config))
    assert result.delimiter == delimiter and result.records_added == 3


def test_xlsx_with_real_dates(store, tmp_path):
    import datetime as dt

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["Surname", "Given names", "Date of birth", "Nationality", "Captured"])
    sheet.append(
        ["THAPA", "RAM BAHADUR", dt.datetime(1998, 3, 5), "Nepal", dt.datetime(2024, 6, 1)]
    )
    sheet.append(["RI", "SONG MIN", 1999, "DPRK", None])
    book.save(tmp_path / "pows.xlsx")
    (tmp_path / "pows.yaml").write_text(
        "source: {title: POW registration, kind: prisoner_registration, reliability: A, received: 2025-09-01}\n"
        "columns:\n  Surname: family_name\n  Given names: given_name\n  Date of birth: birth_date\n"
        "  Nationality: citizenship\n  Captured: captured\n",
        encoding="utf-8",
    )
    result = ingest_file(store, tmp_path / "pows.xlsx", load_source_config(tmp_path / "pows.yaml"))
    assert result.records_added == 2 and result.file_format == "xlsx"
    fields = stored(store, select(record_fields).order_by(record_fields.c.record_id))
    assert fields[0]["birth_date"] == "1998-03-05" and fields[0]["citizenship"] == "NP"
    assert (fields[1]["birth_date"], fields[1]["citizenship"]) == ("1999", "KP")
    raw = json.loads(stored(store, select(records.c.raw).order_by(records.c.id))[0]["raw"])
    assert raw["Date of birth"] == "1998-03-05"
    events = stored(store, select(record_events))
    assert [(e["kind"], e["date"]) for e in events] == [("captured", "2024-06-01")]


def test_json_lines_with_row_numbers_as_lines(store, tmp_path):
    lines = [
        {"name": "Ram Bahadur Thapa", "country": "Nepal", "status": "killed", "date": "2024-05"},
        {"name": "Bishal Gurung", "country": "Непал"},
        {"name": "Kim Jong Un", "country": "North Korea", "born": "1984"},
    ]
    (tmp_path / "osint.jsonl").write_text(
        "\n".join(json.dumps(x, ensure_ascii=False) for x in lines) + "\n"
    )
    (tmp_path / "osint.yaml").write_text(
        "source: {title: Open list, kind: open_source, reliability: D, received: 2025-08-01}\n"
        "columns:\n  name: full_name\n  country: citizenship\n  status: status\n"
        "  date: {field: status_date, optional: true}\n  born: {field: birth_date, optional: true}\n",
        encoding="utf-8",
    )
    result = ingest_file(
        store, tmp_path / "osint.jsonl", load_source_config(tmp_path / "osint.yaml")
    )
    assert (result.records_added, result.rows_quarantined) == (3, 0)
    assert [r["row_number"] for r in stored(store, select(records).order_by(records.c.id))] == [
        1,
        2,
        3,
    ]
    events = stored(store, select(record_events))
    assert [(e["kind"], e["date"], e["date_precision"]) for e in events] == [
        ("killed", "2024-05", "month")
    ]


def test_quarantined_rows_keep_file_row_field_and_reason(store, tmp_path):
    rows = CONTRACTS_ROWS + [["Лимбу Дипак", "31.02.1997", "Непал", "", "", ""]]
    data = write_csv(tmp_path / "list.csv", rows)
    (tmp_path / "list.yaml").write_text(CONTRACTS_YAML, encoding="utf-8")
    result = ingest_file(store, data, load_source_config(tmp_path / "list.yaml"))
    assert (result.records_added, result.rows_quarantined) == (3, 1)
    [problem] = list_quarantine(store)
    assert problem["file"] == "list.csv" and problem["row"] == 5
    assert problem["field"] == "birth_date" and problem["column"] == "Дата рождения"
    assert problem["value"] == "31.02.1997"
    assert "31.02.1997" in problem["reason"] or "February" in problem["reason"]


def test_on_error_blank_keeps_the_row_without_the_value_and_lists_it(store, tmp_path):
    rows = CONTRACTS_ROWS + [
        ["Лимбу Дипак", "31.02.1997", "Непал", "", "", ""],  # kept, birth date set aside
        ["", "31.02.1997", "Непал", "", "", ""],  # nothing left to identify: quarantined
        ["Рай Сурадж", "1996", "Атлантида", "", "", ""],  # a column without the option
    ]
    data = write_csv(tmp_path / "list.csv", rows)
    yaml = CONTRACTS_YAML.replace(
        "Дата рождения: birth_date", "Дата рождения: {field: birth_date, on_error: blank}"
    )
    (tmp_path / "list.yaml").write_text(yaml, encoding="utf-8")
    result = ingest_file(store, data, load_source_config(tmp_path / "list.yaml"))
    assert (result.records_added, result.rows_quarantined, result.values_set_aside) == (4, 2, 1)

    limbu = stored(store, select(record_fields).where(record_fields.c.full_name == "Лимбу Дипак"))
    assert limbu[0]["birth_date"] is None and limbu[0]["citizenship"] == "NP"
    [aside] = list_quarantine(store, set_aside=True)
    assert (aside["file"], aside["row"], aside["field"]) == ("list.csv", 5, "birth_date")
    assert aside["column"] == "Дата рождения" and aside["value"] == "31.02.1997"
    # The row verbatim keeps what was set aside.
    raw = stored(store, select(records.c.raw).where(records.c.row_number == 5))[0]["raw"]
    assert json.loads(raw)["Дата рождения"] == "31.02.1997"

    quarantined = list_quarantine(store)
    assert [(p["row"], p["field"]) for p in quarantined] == [
        (6, "birth_date"),
        (6, None),
        (7, "citizenship"),
    ]


def test_blank_rows_are_counted_not_stored(sqlite_store, tmp_path):
    data = write_csv(tmp_path / "list.csv", CONTRACTS_ROWS[:2] + [[""] * 6] + CONTRACTS_ROWS[2:])
    (tmp_path / "list.yaml").write_text(CONTRACTS_YAML, encoding="utf-8")
    result = ingest_file(sqlite_store, data, load_source_config(tmp_path / "list.yaml"))
    assert (result.records_added, result.blank_rows) == (3, 1)
    # Row numbers still match the file: the blank one was row 3.
    assert [
        r["row_number"] for r in stored(sqlite_store, select(records).order_by(records.c.id))
    ] == [2, 4, 5]


def test_multiline_quoted_cells_keep_row_numbers(sqlite_store, tmp_path):
    rows = [
        CONTRACTS_ROWS[0],
        ["Тхапа\nРам", "1998", "Непал", "", "", ""],
        ["Рай Сурадж", "1999", "Непал", "", "", ""],
    ]
    data = write_csv(tmp_path / "list.csv", rows)
    (tmp_path / "list.yaml").write_text(CONTRACTS_YAML, encoding="utf-8")
    ingest_file(sqlite_store, data, load_source_config(tmp_path / "list.yaml"))
    assert [
        r["row_number"] for r in stored(sqlite_store, select(records).order_by(records.c.id))
    ] == [2, 3]


def test_a_field_from_two_columns_takes_the_first_non_empty(sqlite_store, tmp_path):
    rows = [
        ["Name", "Date of birth", "Date of birth (B.S.)", "Citizenship"],
        ["Ram Thapa", "05/03/1999", "2055-11-21", "Nepal"],
        ["Bishal Gurung", "", "2055-11-21", "Nepal"],
    ]
    data = write_csv(tmp_path / "inquiries.csv", rows, delimiter=",")
    (tmp_path / "inquiries.yaml").write_text(
        "source: {title: Inquiries, kind: inquiry, reliability: C, received: 2025-11-01}\n"
        "columns:\n  Name: full_name\n  Date of birth: birth_date\n"
        "  Date of birth (B.S.): {field: birth_date, calendar: bikram_sambat}\n  Citizenship: citizenship\n",
        encoding="utf-8",
    )
    result = ingest_file(sqlite_store, data, load_source_config(tmp_path / "inquiries.yaml"))
    assert result.records_added == 2
    births = [
        r["birth_date"]
        for r in stored(sqlite_store, select(record_fields).order_by(record_fields.c.record_id))
    ]
    # 2055-11-21 B.S. is 5 March 1999.
    assert births == ["1999-03-05", "1999-03-05"]
