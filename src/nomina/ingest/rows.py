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
    "residence",
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
    # Values that did not parse in columns configured `on_error: blank`: the row lands
    # without them (they stay in the verbatim row).
    set_aside: list[Problem] = field(default_factory=list)


_NO_DATA_FORMS = frozenset(
    form for marker in NO_DATA for form in (marker, marker.upper(), marker.capitalize())
)


class _NoValue:
    """A cell that holds nothing (empty, or a no-data marker)."""


NO_VALUE = _NoValue()


class CellTooLarge(FieldValueError):
    pass


def cell_text(value: Any) -> str | _NoValue:
    """A cell as trimmed text, or NO_VALUE when empty or a no-data marker."""
    if isinstance(value, float) and value.is_integer():
        value = int(value)  # spreadsheets store 1998 and 123456 as floats
    text = value.strip() if isinstance(value, str) else str(value).strip()
    if not text or text in _NO_DATA_FORMS or (len(text) < 12 and text.casefold() in NO_DATA):
        return NO_VALUE
    if len(text) > MAX_CELL_CHARS:
        raise CellTooLarge(
            f"cell too large ({len(text):,} characters; the limit is {MAX_CELL_CHARS:,})"
        )
    return text


class _Remembered:
    """A cell parser that remembers each distinct raw cell's outcome.

    Dates, countries and codes repeat a great deal across a million rows; parsing each
    distinct cell once (and not even trimming it again) keeps ingest fast. Errors are
    remembered too.
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
            raise type(outcome)(str(outcome))
        return outcome


def _cleaned(parse: Callable[[Any], Any]) -> Callable[[Any], Any]:
    """`parse` applied to the trimmed cell; NO_VALUE passes through."""

    def parse_cell(value: Any) -> Any:
        if isinstance(value, dt.date):
            return parse(value)
        text = cell_text(value)
        return text if text is NO_VALUE else parse(text)

    return parse_cell


# Where a parsed cell goes in the row.
_TO_FIELD, _TO_EVENT, _TO_BIRTH_DATE, _TO_STATUS, _TO_STATUS_DATE, _TO_REPORTED = range(6)


class RowParser:
    """Parses rows of one file by its source config."""

    def __init__(self, config: SourceConfig, columns_present: set[str]) -> None:
        self.received = config.source.received
        self.plan: list[tuple[str, str, Callable[[Any], Any], int]] = []
        self.blank_on_error = {
            column for column, mapping in config.columns.items() if mapping.on_error == "blank"
        }
        mapped = [mapping.field for mapping in config.columns.values()]
        # Only fields fed by several columns need "first non-empty wins" bookkeeping.
        self.shared_fields = {name for name in mapped if mapped.count(name) > 1}
        for column, mapping in config.columns.items():
            if column not in columns_present:
                continue
            order = mapping.date_order or config.file.date_order
            parse = self._parser_for(mapping.field, order, mapping.calendar)
            self.plan.append((column, mapping.field, parse, self._sink_for(mapping.field)))

    @staticmethod
    def _sink_for(name: str) -> int:
        if name in EVENT_KINDS:
            return _TO_EVENT
        return {
            "birth_date": _TO_BIRTH_DATE,
            "status": _TO_STATUS,
            "status_date": _TO_STATUS_DATE,
            "reported_date": _TO_REPORTED,
        }.get(name, _TO_FIELD)

    def _parser_for(self, name: str, order: str, calendar: str) -> Callable[[Any], Any]:
        if name in DATE_FIELDS or name in EVENT_KINDS:
            received = self.received

            def date_parser(value: Any) -> tuple[str, str] | dt.date | None:
                if isinstance(value, dt.date):
                    date = parse_date(value, not_after=received)
                elif name in EVENT_KINDS and value.casefold() in EVENT_HAPPENED:
                    return None  # the event happened; its date is not given
                else:
                    date = parse_date(value, order=order, calendar=calendar, not_after=received)
                if name == "reported_date":
                    return dt.date(date.year, date.month or 1, date.day or 1)
                return date.iso(), date.precision

            return _Remembered(_cleaned(date_parser))
        if name in COUNTRY_FIELDS:
            return _Remembered(_cleaned(parse_country))
        if name == "sex":
            return _Remembered(_cleaned(parse_sex))
        if name == "status":
            return _Remembered(_cleaned(parse_status))
        if name in IDENTIFIER_FIELDS:
            return _cleaned(parse_identifier)
        return _cleaned(parse_text)

    def parse(self, row: RawRow) -> ParsedRow:
        fields: dict[str, Any] = dict.fromkeys(FIELD_COLUMNS)
        parsed = ParsedRow(fields=fields, events=[], reported_date=self.received)
        if row.problems:
            parsed.problems.extend(Problem(None, None, None, reason) for reason in row.problems)
        status = status_date = None
        cells = row.cells
        shared, filled = self.shared_fields, set()
        for column, name, parse, sink in self.plan:
            value = cells.get(column)
            if value is None or value == "":
                continue
            if shared and name in shared:
                if name in filled:
                    continue
            try:
                result = parse(value)
            except FieldValueError as error:
                shown = str(value)
                shown = shown[:80] + "…" if isinstance(error, CellTooLarge) else shown[:200]
                problem = Problem(name, column, shown, str(error))
                if column in self.blank_on_error:
                    parsed.set_aside.append(problem)
                else:
                    parsed.problems.append(problem)
                continue
            if result is NO_VALUE:
                continue
            if shared:
                filled.add(name)
            if sink == _TO_FIELD:
                fields[name] = result
            elif sink == _TO_EVENT:
                parsed.events.append((name, result))
            elif sink == _TO_BIRTH_DATE:
                fields["birth_date"], fields["birth_date_precision"] = result
            elif sink == _TO_STATUS:
                status = result
            elif sink == _TO_STATUS_DATE:
                status_date = result
            else:
                parsed.reported_date = result
        if status is not None:
            parsed.events.append((status, status_date))
        self._derive_name_keys(fields)
        if not parsed.problems and not any(fields[name] for name in IDENTIFYING_FIELDS):
            parsed.problems.append(
                Problem(None, None, None, "no name, document number or service number in this row")
            )
        if parsed.problems and parsed.set_aside:  # quarantined whole: list every problem
            parsed.problems[:0] = parsed.set_aside
            parsed.set_aside = []
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
