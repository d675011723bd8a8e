"""From a raw row to parsed fields and events, by the source's column mapping.

The mapping is compiled once per file into a list of (column, field, parser), so the
per-row work is a loop over cells with cached parsers.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from nomina.concepts import (
    COUNTRY_FIELDS,
    DATE_FIELDS,
    EVENT_KINDS,
    IDENTIFIER_FIELDS,
    IDENTIFYING_FIELDS,
    NAME_FIELDS,
)
from nomina.ingest.config import SourceConfig
from nomina.ingest.readers import MAX_CELL_CHARS, RawRow
from nomina.ingest.values import (
    FieldValueError,
    PartialDate,
    parse_country,
    parse_date,
    parse_identifier,
    parse_sex,
    parse_status,
    parse_text,
)
from nomina.names import detect_script, romanise

# Cells that mean "nothing known" in the languages of our sources; they are empty, not errors.
NO_DATA = frozenset(
    {
        "-",
        "--",
        "—",
        "–",
        "?",
        "n/a",
        "na",
        "none",
        "null",
        "unknown",
        "нет",
        "н/д",
        "нет данных",
        "неизвестно",
        "не известно",
        "невідомо",
        "немає даних",
    }
)
# An event column may say only that the event happened.
EVENT_HAPPENED = frozenset({"да", "так", "yes", "y", "x", "х", "+", "1", "true"})

FIELD_COLUMNS = (
    *NAME_FIELDS,
    "name_script",
    "name_latin",
    "birth_date",
    "birth_date_precision",
    "birth_place",
    "birth_country",
    "citizenship",
    "document_issuer",
    "document_number",
    "service_number",
    "sex",
    "military_unit",
    "rank",
    "recruitment_channel",
    "source_key",
    "note",
)


@dataclass
class Problem:
    field: str | None
    column: str | None
    value: str | None
    reason: str


@dataclass
class ParsedRow:
    fields: dict[str, Any]
    events: list[tuple[str, tuple[str, str] | None]]  # (kind, (iso date, precision))
    reported_date: dt.date
    problems: list[Problem] = field(default_factory=list)


def cell_text(value: Any) -> str | None:
    """A cell as trimmed text; None when empty or a no-data marker."""
    if value is None:
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)  # spreadsheets store 1998 and 123456 as floats
    text = str(value).strip()
    if not text or text.casefold() in NO_DATA:
        return None
    return text


class _Remembered:
    """A column parser that remembers each distinct cell's outcome.

    Dates, countries and codes repeat a great deal across a million rows; parsing each
    distinct cell once keeps ingest fast. Errors are remembered too.
    """

    LIMIT = 200_000

    def __init__(self, parse: Callable[[Any], Any]) -> None:
        self.parse = parse
        self.seen: dict[Any, Any] = {}

    def __call__(self, value: Any) -> Any:
        try:
            outcome = self.seen[value]
        except KeyError:
            try:
                outcome = self.parse(value)
            except FieldValueError as error:
                outcome = error
            if len(self.seen) >= self.LIMIT:
                self.seen.clear()
            self.seen[value] = outcome
        if isinstance(outcome, FieldValueError):
            raise FieldValueError(str(outcome))
        return outcome


def _date_as_stored(date: PartialDate) -> tuple[str, str]:
    return date.iso(), date.precision


class RowParser:
    """Parses rows of one file by its source config."""

    def __init__(self, config: SourceConfig, columns_present: set[str]) -> None:
        self.received = config.source.received
        self.plan: list[tuple[str, str, Callable[[Any], Any]]] = []
        for column, mapping in config.columns.items():
            if column not in columns_present:
                continue
            order = mapping.date_order or config.file.date_order
            self.plan.append(
                (column, mapping.field, self._parser_for(mapping.field, order, mapping.calendar))
            )

    def _parser_for(self, name: str, order: str, calendar: str) -> Callable[[Any], Any]:
        if name in DATE_FIELDS or name in EVENT_KINDS:
            received = self.received

            def date_parser(value: Any) -> tuple[str, str] | dt.date:
                if isinstance(value, dt.date):
                    date = parse_date(value, not_after=received)
                else:
                    date = parse_date(value, order=order, calendar=calendar, not_after=received)
                if name == "reported_date":
                    return dt.date(date.year, date.month or 1, date.day or 1)
                return _date_as_stored(date)

            return _Remembered(date_parser)
        if name in COUNTRY_FIELDS:
            return _Remembered(parse_country)
        if name in IDENTIFIER_FIELDS:
            return parse_identifier
        if name == "sex":
            return _Remembered(parse_sex)
        if name == "status":
            return _Remembered(parse_status)
        return parse_text

    def parse(self, row: RawRow) -> ParsedRow:
        fields: dict[str, Any] = dict.fromkeys(FIELD_COLUMNS)
        parsed = ParsedRow(fields=fields, events=[], reported_date=self.received)
        if row.problems:
            parsed.problems.extend(Problem(None, None, None, reason) for reason in row.problems)
        status = status_date = None
        cells = row.cells
        filled: set[str] = set()
        for column, name, parser in self.plan:
            value = cells.get(column)
            if value is None or value == "" or name in filled:
                continue
            if not isinstance(value, dt.date):
                value = cell_text(value)
                if value is None:
                    continue
                if len(value) > MAX_CELL_CHARS:
                    parsed.problems.append(_too_large(name, column, value))
                    continue
                if name in EVENT_KINDS and value.casefold() in EVENT_HAPPENED:
                    parsed.events.append((name, None))
                    filled.add(name)
                    continue
            try:
                result = parser(value)
            except FieldValueError as error:
                parsed.problems.append(Problem(name, column, str(value)[:200], str(error)))
                continue
            filled.add(name)
            if name in EVENT_KINDS:
                parsed.events.append((name, result))
            elif name == "status":
                status = result
            elif name == "status_date":
                status_date = result
            elif name == "reported_date":
                parsed.reported_date = result
            elif name == "birth_date":
                fields["birth_date"], fields["birth_date_precision"] = result
            else:
                fields[name] = result
        if status is not None:
            parsed.events.append((status, status_date))
        self._derive_name_keys(fields)
        if not parsed.problems and not any(fields[name] for name in IDENTIFYING_FIELDS):
            parsed.problems.append(
                Problem(None, None, None, "no name, document number or service number in this row")
            )
        return parsed

    @staticmethod
    def _derive_name_keys(fields: dict[str, Any]) -> None:
        name = fields["full_name"] or " ".join(
            part
            for part in (fields["family_name"], fields["given_name"], fields["patronymic"])
            if part
        )
        if name:
            fields["name_script"] = detect_script(name)
            fields["name_latin"] = romanise(name)


def _too_large(name: str, column: str, value: str) -> Problem:
    return Problem(
        name,
        column,
        value[:80] + "…",
        f"cell too large ({len(value):,} characters; the limit is {MAX_CELL_CHARS:,})",
    )
