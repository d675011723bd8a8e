"""Field value parsers: dates, countries, identifiers, sex, status, text."""

from __future__ import annotations

import datetime
import time
from collections.abc import Callable

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from nomina.concepts import EVENT_KINDS
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

RECEIVED = datetime.date(2025, 10, 1)


def d(year: int, month: int | None = None, day: int | None = None) -> PartialDate:
    return PartialDate(year, month, day)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("05.03.1998", d(1998, 3, 5)),
        ("5.3.1998", d(1998, 3, 5)),
        ("5/3/1998", d(1998, 3, 5)),
        ("5-3-1998", d(1998, 3, 5)),
        ("1998-03-05", d(1998, 3, 5)),
        ("1998/03/05", d(1998, 3, 5)),
        ("1998-03", d(1998, 3)),
        ("03.1998", d(1998, 3)),
        ("1998", d(1998)),
        ("1998 г.", d(1998)),
        ("5 марта 1998", d(1998, 3, 5)),
        ("«05» марта 1998 г.", d(1998, 3, 5)),
        ("5 березня 1998 р.", d(1998, 3, 5)),
        ("3 вересня 2024 року", d(2024, 9, 3)),
        ("березень 1998", d(1998, 3)),
        ("март 1998 г.", d(1998, 3)),
        ("в марте 1998 года", d(1998, 3)),
        ("у березні 1998", d(1998, 3)),
        ("5 мая 1998", d(1998, 5, 5)),
        ("5 лютого 1998", d(1998, 2, 5)),
        ("March 5, 1998", d(1998, 3, 5)),
        ("5th March 1998", d(1998, 3, 5)),
        ("05-Mar-1998", d(1998, 3, 5)),
        ("Sept 1998", d(1998, 9)),
        ("1998-03-05T00:00:00", d(1998, 3, 5)),
        ("05.03.1998 0:00:00", d(1998, 3, 5)),
        ("०५.०३.१९९८", d(1998, 3, 5)),  # Devanagari digits
        ("29.02.2000", d(2000, 2, 29)),
    ],
)
def test_date_forms(text: str, expected: PartialDate) -> None:
    assert parse_date(text, not_after=RECEIVED) == expected


def test_date_order() -> None:
    assert parse_date("5/3/1998", order="MDY") == d(1998, 5, 3)
    assert parse_date("5/3/1998", order="DMY") == d(1998, 3, 5)
    assert parse_date("1998-03-05", order="MDY") == d(1998, 3, 5)  # year first is always YMD
    with pytest.raises(ValueError, match="date order"):
        parse_date("1998", order="DDMM")


def test_date_objects_and_numbers() -> None:
    assert parse_date(datetime.date(1998, 3, 5)).precision == "day"
    assert parse_date(datetime.datetime(1998, 3, 5, 14, 30)) == d(1998, 3, 5)
    assert parse_date(1998) == d(1998)
    assert parse_date(1998.0) == d(1998)
    with pytest.raises(FieldValueError, match="future date 2031-01-01"):
        parse_date(datetime.date(2031, 1, 1), not_after=RECEIVED)


def test_partial_date() -> None:
    assert d(1998).iso() == "1998" and d(1998).precision == "year"
    assert d(1998, 3).iso() == "1998-03" and d(1998, 3).precision == "month"
    assert d(1998, 3, 5).iso() == "1998-03-05" and d(1998, 3, 5).precision == "day"
    assert PartialDate.from_iso("1998-03") == d(1998, 3)
    assert d(2000, 2).latest() == datetime.date(2000, 2, 29)
    assert d(1998).earliest() == datetime.date(1998, 1, 1)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("31.02.1998", "impossible date 31.02.1998: February has 28 or 29 days"),
        ("29.02.1999", "impossible date 29.02.1999: February 1999 has 28 days"),
        ("31.04.1998", "impossible date 31.04.1998: April has 30 days"),
        ("05.13.1998", "month 13 in '05.13.1998' does not exist (is the date order MDY"),
        ("13.13.1998", "month 13 in '13.13.1998' does not exist"),
        ("00.03.1998", "day 0 in '00.03.1998' does not exist"),
        ("1850", "year 1850 in '1850' is before 1900"),
        ("2031-01-01", "future date 2031-01-01: after the source's received date 2025-10-01"),
        ("12 квітня", "cannot read '12 квітня' as a date"),
        ("05.03.98", "two-digit year in '05.03.98' is ambiguous"),
        ("март 98", "two-digit year"),
        ("Нарния", "cannot read 'Нарния' as a date"),
        ("19980305", "cannot read"),
        ("   ", "empty date"),
    ],
)
def test_date_errors(text: str, message: str) -> None:
    with pytest.raises(FieldValueError) as error:
        parse_date(text, not_after=RECEIVED)
    assert str(error.value).startswith(message)


def test_partial_date_in_the_received_month_is_not_future() -> None:
    assert parse_date("10.2025", not_after=RECEIVED) == d(2025, 10)
    with pytest.raises(FieldValueError, match="future date 2025-11"):
        parse_date("11.2025", not_after=RECEIVED)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2055-11-21", d(1999, 3, 5)),
        ("2055/11/21", d(1999, 3, 5)),
        ("21.11.2055", d(1999, 3, 5)),
        ("२०५५-११-२१", d(1999, 3, 5)),
        ("21 Falgun 2055", d(1999, 3, 5)),
        ("२१ फागुन २०५५", d(1999, 3, 5)),
        ("2082-01-01", d(2025, 4, 14)),  # Nepali new year 2082 BS
    ],
)
def test_bikram_sambat(text: str, expected: PartialDate) -> None:
    assert parse_date(text, calendar="bikram_sambat") == expected


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("2055-11", "Bikram Sambat date '2055-11' has no day"),
        ("2055-02-32", "impossible Bikram Sambat date 2055-02-32: Jestha 2055 has 31 days"),
        ("2101-01-01", "Bikram Sambat year 2101"),
        ("2085-01-01", "future date 2028-04-13"),
    ],
)
def test_bikram_sambat_errors(text: str, message: str) -> None:
    with pytest.raises(FieldValueError) as error:
        parse_date(text, calendar="bikram_sambat", not_after=RECEIVED)
    assert str(error.value).startswith(message)


# --- property tests: every supported rendering of a valid date reads back -------------------

EN = "January February March April May June July August September October November December"
EN_MONTHS = EN.split()
RU_GENITIVE = (
    "января февраля марта апреля мая июня июля августа сентября октября ноября декабря".split()
)
RU_NOMINATIVE = (
    "январь февраль март апрель май июнь июль август сентябрь октябрь ноябрь декабрь".split()
)
RU_PREPOSITIONAL = (
    "январе феврале марте апреле мае июне июле августе сентябре октябре ноябре декабре".split()
)
UK_GENITIVE = (
    "січня лютого березня квітня травня червня липня серпня вересня жовтня листопада грудня".split()
)
UK_NOMINATIVE = "січень лютий березень квітень травень червень липень серпень вересень жовтень листопад грудень".split()

Render = Callable[[datetime.date], str]
DAY_FORMATS: list[tuple[str, Render]] = [
    ("DMY", lambda x: x.strftime("%d.%m.%Y")),
    ("DMY", lambda x: f"{x.day}.{x.month}.{x.year}"),
    ("DMY", lambda x: f"{x.day}/{x.month}/{x.year}"),
    ("DMY", lambda x: f"{x.day}-{x.month}-{x.year}"),
    ("MDY", lambda x: f"{x.month}/{x.day}/{x.year}"),
    ("MDY", lambda x: x.strftime("%m-%d-%Y")),
    ("DMY", lambda x: x.isoformat()),
    ("MDY", lambda x: x.strftime("%Y/%m/%d")),
    ("DMY", lambda x: f"{x.day} {EN_MONTHS[x.month - 1]} {x.year}"),
    ("DMY", lambda x: f"{EN_MONTHS[x.month - 1]} {x.day}, {x.year}"),
    ("DMY", lambda x: f"{x.day:02d}-{EN_MONTHS[x.month - 1][:3]}-{x.year}"),
    ("DMY", lambda x: f"{x.day} {RU_GENITIVE[x.month - 1]} {x.year} г."),
    ("DMY", lambda x: f"{x.day} {UK_GENITIVE[x.month - 1]} {x.year} р."),
]
MONTH_FORMATS: list[Render] = [
    lambda x: f"{x.year}-{x.month:02d}",
    lambda x: f"{x.month:02d}.{x.year}",
    lambda x: f"{x.month}/{x.year}",
    lambda x: f"{EN_MONTHS[x.month - 1]} {x.year}",
    lambda x: f"{EN_MONTHS[x.month - 1][:3].upper()} {x.year}",
    lambda x: f"{RU_NOMINATIVE[x.month - 1]} {x.year} г.",
    lambda x: f"в {RU_PREPOSITIONAL[x.month - 1]} {x.year} года",
    lambda x: f"{UK_NOMINATIVE[x.month - 1].capitalize()} {x.year}",
]
dates = st.dates(min_value=datetime.date(1900, 1, 1), max_value=datetime.date(2100, 12, 31))


@given(date=dates, fmt=st.sampled_from(DAY_FORMATS))
def test_day_dates_round_trip(date: datetime.date, fmt: tuple[str, Render]) -> None:
    order, render = fmt
    assert parse_date(render(date), order=order) == d(date.year, date.month, date.day)


@given(date=dates, render=st.sampled_from(MONTH_FORMATS))
def test_month_dates_round_trip(date: datetime.date, render: Render) -> None:
    assert parse_date(render(date)) == d(date.year, date.month)


@given(date=dates)
def test_year_dates_round_trip(date: datetime.date) -> None:
    assert parse_date(str(date.year)) == d(date.year)
    assert parse_date(date) == d(date.year, date.month, date.day)


@settings(max_examples=300)
@given(
    text=st.one_of(
        st.text(),
        st.text(alphabet="0123456789./- марта2055गते"),
        st.from_regex(r"\d{1,5}[./-]\d{1,5}([./-]\d{1,5})?", fullmatch=True),
    ),
    order=st.sampled_from(["DMY", "MDY", "YMD"]),
    calendar=st.sampled_from(["gregorian", "bikram_sambat"]),
)
def test_parse_date_raises_only_field_value_error(text: str, order: str, calendar: str) -> None:
    try:
        result = parse_date(text, order=order, calendar=calendar, not_after=RECEIVED)
    except FieldValueError as error:
        assert str(error)
    else:
        assert isinstance(result, PartialDate)
        assert 1900 <= result.year and result.earliest() <= RECEIVED


@settings(max_examples=200)
@given(text=st.text())
def test_other_parsers_raise_only_field_value_error(text: str) -> None:
    for parser in (parse_country, parse_identifier, parse_sex, parse_status):
        try:
            parser(text)
        except FieldValueError as error:
            assert str(error)
    assert isinstance(parse_text(text), str)


# --- countries, identifiers, sex, status, text ----------------------------------------------


def test_parse_country() -> None:
    assert parse_country("Непал") == "NP"
    assert parse_country("гражданин КНДР") == "KP"
    assert parse_country("Абхазия") == "GE-AB"
    with pytest.raises(FieldValueError, match="unknown country or territory 'Нарния'"):
        parse_country("Нарния")
    with pytest.raises(FieldValueError, match=r"several countries .*\(RU, NP\)"):
        parse_country("Россия / Непал")
    with pytest.raises(FieldValueError, match="unknown country or territory 'Moscow'"):
        parse_country("Moscow")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("ab 123-456", "AB123456"),
        ("АВ 1234567", "AB1234567"),  # Cyrillic А, В
        ("ХМ.12.34", "XM1234"),
        ("№ 45 06 123456", "4506123456"),
        ("1234 567890", "1234567890"),
        ("АБ-1234567", "AБ1234567"),  # Б has no Latin twin and stays
    ],
)
def test_parse_identifier(text: str, expected: str) -> None:
    assert parse_identifier(text) == expected


@pytest.mark.parametrize("text", ["", " - ", "НЕТ", "отсутствует"])
def test_parse_identifier_rejects(text: str) -> None:
    with pytest.raises(FieldValueError):
        parse_identifier(text)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("м", "M"),
        ("М.", "M"),
        ("муж", "M"),
        ("Мужской", "M"),
        ("ч", "M"),
        ("чоловіча", "M"),
        ("male", "M"),
        ("M", "M"),
        ("ж", "F"),
        ("жен.", "F"),
        ("жіноча", "F"),
        ("Female", "F"),
        ("f", "F"),
        ("महिला", "F"),
    ],
)
def test_parse_sex(text: str, expected: str) -> None:
    assert parse_sex(text) == expected


def test_parse_sex_rejects() -> None:
    with pytest.raises(FieldValueError, match="cannot read 'x' as sex"):
        parse_sex("x")


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("погиб", "killed"),
        ("Убит", "killed"),
        ("умер", "killed"),
        ("KIA", "killed"),
        ("killed in action", "killed"),
        ("dead", "killed"),
        ("загинув", "killed"),
        ("груз 200", "killed"),
        ("погиб на фронте", "killed"),
        ("умер от ранений", "killed"),
        ("died of wounds", "killed"),
        ("пропал без вести", "missing"),
        ("Безвісти зник", "missing"),
        ("MIA", "missing"),
        ("missing", "missing"),
        ("в плену", "captured"),
        ("попал в плен", "captured"),
        ("captured", "captured"),
        ("POW", "captured"),
        ("у полоні", "captured"),
        ("ранен", "wounded"),
        ("wounded", "wounded"),
        ("поранений", "wounded"),
        ("обменян", "exchanged"),
        ("exchanged", "exchanged"),
        ("обміняний", "exchanged"),
        ("репатриирован", "repatriated"),
        ("освобожден", "released"),
        ("освобожден из плена", "released"),
        ("released", "released"),
        ("звільнений з полону", "released"),
        ("контракт", "contracted"),
        ("в зоне СВО", "deployed"),
    ],
)
def test_parse_status(text: str, kind: str) -> None:
    assert parse_status(text) == kind
    assert kind in EVENT_KINDS


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("служит", "cannot read 'служит' as a status"),
        ("погиб?", "uncertain or negated"),
        ("вероятно погиб", "uncertain or negated"),
        ("не ранен", "uncertain or negated"),
        ("ранен, попал в плен", "names several events (wounded, captured)"),
    ],
)
def test_parse_status_rejects(text: str, message: str) -> None:
    with pytest.raises(FieldValueError, match=message.replace("(", r"\(").replace(")", r"\)")):
        parse_status(text)


def test_parse_text() -> None:
    assert parse_text("  Иванов \t Иван\n Иванович\u00a0 ") == "Иванов Иван Иванович"
    assert parse_text("a\u200bb") == "a b"
    assert parse_text(12) == "12"


def per_call_us(function: Callable[[str], object], values: list[str]) -> float:
    start = time.perf_counter()
    for value in values:
        function(value)
    return (time.perf_counter() - start) / len(values) * 1e6


def test_parsers_are_fast_on_repeated_values() -> None:
    dates = ["05.03.1998", "5 марта 1998", "1998-03", "1998"] * 2500
    countries = ["Непал", "гражданин Непала", "КНДР", "РФ"] * 2500
    for value in dates[:4]:
        parse_date(value)
    for value in countries[:4]:
        parse_country(value)
    assert per_call_us(parse_date, dates) < 20  # measured ~1 µs; generous for slow CI
    assert per_call_us(parse_country, countries) < 20


def test_date_error_hints_fit_the_form() -> None:
    with pytest.raises(FieldValueError) as error:
        parse_date("1998-13-05")
    assert str(error.value) == "month 13 in '1998-13-05' does not exist"
    with pytest.raises(FieldValueError, match="it has no four-digit year"):
        parse_date("05.03")


@pytest.mark.parametrize("value", [10**20, float("nan"), float("inf"), 1998.5, True, None, b"1998"])
def test_odd_cell_types_are_field_errors(value: object) -> None:
    with pytest.raises(FieldValueError):
        parse_date(value)  # type: ignore[arg-type]


def test_joiners_inside_a_word_do_not_split_it():
    from nomina.ingest.values import parse_text

    # Zero-width joiner after a virama (a half form), as Hindi keyboards type it.
    assert parse_text("देवेन्\u200dद्र  कुमार\u200b थापा") == "देवेन्द्र कुमार थापा"
    assert parse_text("\ufeffمحمد\u200cرضا") == "محمدرضا"
