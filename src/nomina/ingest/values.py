"""Field value parsers: one cell of a source in, one stored value out (docs/source-config.md).

Each parser returns the value or raises FieldValueError whose message is the reason, for
the person reading the quarantine list. They run on every cell of large files, so the
work for a value is cached: sources repeat the same dates, countries and words.

Dates: numeric with ".", "/" or "-" (05.03.1998, 5/3/1998 by the date order; a
four-digit year first is always year-month-day: 1998-03-05, 1998/3/5), year-month
(1998-03, 03.1998), year (1998), month names in English (full or abbreviated), Russian
and Ukrainian in any case ("5 марта 1998 г.", "в марте 1998", "5 березня 1998 р.",
"березень 1998"), a trailing time (Excel's "05.03.1998 0:00:00"), any Unicode digits,
and date/datetime objects. Two-digit years and day-month without a year are refused.
With calendar="bikram_sambat" the same forms (and Nepali month names: "21 Falgun
2055", "२१ फागुन २०५५") are read as Bikram Sambat and converted by nepali-datetime.
"""

from __future__ import annotations

import calendar as _calendar
import datetime
import re
import unicodedata
from dataclasses import dataclass
from functools import cache, lru_cache
from typing import Literal

import nepali_datetime

from nomina.concepts import EVENT_KINDS
from nomina.names.parse import INVISIBLE_JOINERS
from nomina.reference import lookup_territory, territory_codes_in
from nomina.reference.vocabulary import (
    BIKRAM_SAMBAT_FILLERS,
    BIKRAM_SAMBAT_MONTH_NAMES,
    BIKRAM_SAMBAT_MONTHS,
    DATE_FILLERS,
    GREGORIAN_MONTHS,
    SEX_WORDS,
    STATUS_DOUBT,
    STATUS_PHRASES,
    STATUS_STEMS,
)

MIN_YEAR = 1900  # no one in the register was born, or did anything, before this
MAX_YEAR = 2100  # a sanity bound for typos when no received date bounds the date
DATE_ORDERS = ("DMY", "MDY", "YMD")
CALENDARS = ("gregorian", "bikram_sambat")
_CACHE = 1 << 16


class FieldValueError(ValueError):
    """A cell that cannot be parsed; the message is the reason, for the user."""


@dataclass(frozen=True, slots=True)
class PartialDate:
    """A date known to the year, the month or the day."""

    year: int
    month: int | None = None
    day: int | None = None

    @property
    def precision(self) -> Literal["year", "month", "day"]:
        if self.month is None:
            return "year"
        return "month" if self.day is None else "day"

    def iso(self) -> str:
        """ISO 8601 prefix: "1998", "1998-03" or "1998-03-05"."""
        if self.month is None:
            return f"{self.year:04d}"
        if self.day is None:
            return f"{self.year:04d}-{self.month:02d}"
        return f"{self.year:04d}-{self.month:02d}-{self.day:02d}"

    def earliest(self) -> datetime.date:
        """First day the date can mean."""
        return datetime.date(self.year, self.month or 1, self.day or 1)

    def latest(self) -> datetime.date:
        """Last day the date can mean."""
        month = self.month or 12
        return datetime.date(
            self.year, month, self.day or _calendar.monthrange(self.year, month)[1]
        )

    @classmethod
    def from_iso(cls, text: str) -> PartialDate:
        """Inverse of iso()."""
        parts = [int(p) for p in text.split("-")]
        return cls(*parts)

    def __str__(self) -> str:
        return self.iso()


# --- dates ----------------------------------------------------------------------------

_TIME = re.compile(
    r"[t ]+[0-9]{1,2}:[0-9]{2}(?::[0-9]{2}(?:\.[0-9]+)?)?\s*(?:z|[+-][0-9]{2}:?[0-9]{2})?$"
)
_TRAILING_YEAR_WORD = re.compile(r"(?<=[0-9])\s*(?:гг?|года?|р|року|рік)\.?$")
_NUMERIC = re.compile(r"([0-9]+)([./-])([0-9]+)(?:\2([0-9]+))?")
_TOKEN_SPLIT = re.compile(r"[\s,./\\\-–—'\"«»“”„()]+")
_YEAR_FIRST = re.compile(r"\s*[0-9]{4}")
_ORDINAL = re.compile(r"([0-9]{1,2})(?:st|nd|rd|th|го|е)")
# Fixed English names for messages (calendar.month_name follows the process locale).
_MONTH_NAMES = (
    None,
    *"January February March April May June July August September October November December".split(),
)


def _number(token: str) -> bool:
    return token.isascii() and token.isdigit()


@cache
def _digit_table() -> dict[int, int]:
    # Any Unicode decimal digit (Devanagari २०५५, Arabic-Indic, full-width) → ASCII.
    return {
        cp: ord("0") + unicodedata.digit(chr(cp))
        for cp in range(0x0660, 0x10000)
        if unicodedata.category(chr(cp)) == "Nd"
    }


def _fields(text: str, order: str, bs: bool) -> tuple[int, int | None, int | None] | str:
    """Split a date cell into (year, month, day); a str is the reason it cannot be read."""
    s = unicodedata.normalize("NFC", text.strip().casefold().replace("ё", "е"))
    if not s.isascii():
        s = s.translate(_digit_table())
    s = _TIME.sub("", s).strip(" \"'«»“”")
    s = _TRAILING_YEAR_WORD.sub("", s)
    if _number(s):
        return (int(s), None, None) if len(s) == 4 else f"cannot read {text!r} as a date"
    if m := _NUMERIC.fullmatch(s):
        a, _, b, c = m.groups()
        if c is None:  # two parts: 1998-03 or 03.1998
            if len(a) == 4 and len(b) <= 2:
                return int(a), int(b), None
            if len(b) == 4 and len(a) <= 2:
                return int(b), int(a), None
            if len(a) <= 2 and len(b) <= 2:  # 05.03 or 03.98
                return f"cannot read {text!r} as a date: it has no four-digit year"
        elif len(a) == 4 and len(b) <= 2 and len(c) <= 2:  # 1998-03-05, 1998/03/05
            return int(a), int(b), int(c)
        elif len(c) == 4 and len(a) <= 2 and len(b) <= 2:
            if order == "MDY":
                return int(c), int(a), int(b)
            return int(c), int(b), int(a)  # DMY, and YMD files' day-first dates
        if c is not None and max(len(a), len(b), len(c)) <= 2:
            return f"two-digit year in {text!r} is ambiguous: write the year in full"
        return f"cannot read {text!r} as a date"
    months = BIKRAM_SAMBAT_MONTHS if bs else GREGORIAN_MONTHS
    year: int | None = None
    month: int | None = None
    day: int | None = None
    short: list[str] = []
    for token in _TOKEN_SPLIT.split(s):
        if not token or token in DATE_FILLERS or (bs and token in BIKRAM_SAMBAT_FILLERS):
            continue
        if m := _ORDINAL.fullmatch(token):
            token = m.group(1)
        if _number(token) and len(token) == 4 and year is None:
            year = int(token)
        elif _number(token) and len(token) <= 2:
            short.append(token)
        elif token in months and month is None:
            month = months[token]
        else:
            return f"cannot read {text!r} as a date"
    if year is None:
        if month is not None and (len(short) == 2 or (short and int(short[0]) > 31)):
            return f"two-digit year in {text!r} is ambiguous: write the year in full"
        if month is not None:
            return f"cannot read {text!r} as a date: it has no year"
        return f"cannot read {text!r} as a date"
    if len(short) > 1 or (short and month is None):
        return f"cannot read {text!r} as a date"
    if short:
        day = int(short[0])
    return year, month, day


def _check(text: str, year: int, month: int | None, day: int | None, order: str) -> str | None:
    """Why (year, month, day) is not a date, or None."""
    if month is not None and not 1 <= month <= 12:
        hint = ""
        year_last = not _YEAR_FIRST.match(text)
        if day is not None and 1 <= day <= 12 and order != "YMD" and year_last:
            other = "MDY" if order == "DMY" else "DMY"
            hint = f" (is the date order {other}, not {order}?)"
        return f"month {month} in {text!r} does not exist{hint}"
    if day is not None and month is not None:
        if day < 1:
            return f"day {day} in {text!r} does not exist"
        length = _calendar.monthrange(year, month)[1]
        if day > length:
            name = _MONTH_NAMES[month]
            if month == 2 and day <= 29:
                return f"impossible date {text}: February {year} has 28 days"
            if month == 2:
                return f"impossible date {text}: February has 28 or 29 days"
            return f"impossible date {text}: {name} has {length} days"
    if year < MIN_YEAR:
        return f"year {year} in {text!r} is before {MIN_YEAR}"
    if year > MAX_YEAR:
        return f"year {year} in {text!r} is after {MAX_YEAR}"
    return None


def _from_bikram_sambat(
    text: str, year: int, month: int | None, day: int | None
) -> PartialDate | str:
    # Conversion by nepali-datetime (maintained, MIT), whose month-length table covers
    # Bikram Sambat 1975-2100 (1918-2044 AD).
    if month is None or day is None:
        return (
            f"Bikram Sambat date {text!r} has no day: a Bikram Sambat year or month spans"
            " two Gregorian ones, so only full dates convert"
        )
    if not nepali_datetime.MINYEAR <= year <= nepali_datetime.MAXYEAR:
        return (
            f"Bikram Sambat year {year} in {text!r} is outside the convertible range"
            f" {nepali_datetime.MINYEAR}-{nepali_datetime.MAXYEAR}"
        )
    if not 1 <= month <= 12:
        return f"month {month} in {text!r} does not exist"
    first = nepali_datetime.date(year, month, 1)
    after = (
        nepali_datetime.date(year + (month == 12), month % 12 + 1, 1)
        if (year < nepali_datetime.MAXYEAR or month < 12)
        else None
    )
    length = (after.toordinal() - first.toordinal()) if after else 30
    if not 1 <= day <= length:
        name = BIKRAM_SAMBAT_MONTH_NAMES[month - 1]
        return f"impossible Bikram Sambat date {text}: {name} {year} has {length} days"
    g = nepali_datetime.date(year, month, day).to_datetime_date()
    return PartialDate(g.year, g.month, g.day)


@lru_cache(maxsize=_CACHE)
def _parse_date(
    text: str, order: str, cal: str, not_after: datetime.date | None
) -> PartialDate | str:
    parts = _fields(text, order, cal == "bikram_sambat")
    if isinstance(parts, str):
        return parts
    year, month, day = parts
    if cal == "bikram_sambat":
        result = _from_bikram_sambat(text.strip(), year, month, day)
        if isinstance(result, str):
            return result
        year, month, day = result.year, result.month, result.day
    if why := _check(text.strip(), year, month, day, order):
        return why
    date = PartialDate(year, month, day)
    if not_after is not None and date.earliest() > not_after:
        return f"future date {date.iso()}: after the source's received date {not_after.isoformat()}"
    return date


def parse_date(
    text: str | datetime.date | int,
    *,
    order: str = "DMY",
    calendar: str = "gregorian",
    not_after: datetime.date | None = None,
) -> PartialDate:
    """A date cell as a PartialDate (the accepted forms are in the module docstring).

    `order` settles numeric dates with the year last (05/03/1998); a four-digit year first
    is always year-month-day, and a YMD file's dates with the year last are read
    day-month-year. Two-digit years are refused: a birth date's century cannot
    be told from "05.03.98" without guessing. `date`/`datetime` cells from XLSX are day
    dates; an integer cell is a year.
    """
    if order not in DATE_ORDERS:
        raise ValueError(f"date order must be one of {DATE_ORDERS}, not {order!r}")
    if calendar not in CALENDARS:
        raise ValueError(f"calendar must be one of {CALENDARS}, not {calendar!r}")
    if isinstance(text, datetime.datetime):
        text = text.date()
    if isinstance(text, datetime.date):
        text = text.isoformat()
        calendar = "gregorian"
    elif isinstance(text, int | float) and not isinstance(text, bool):
        # A spreadsheet's year cell: 1998 or 1998.0.
        if not (isinstance(text, int) or text.is_integer()) or not 0 < text < 10_000:
            raise FieldValueError("cannot read the number as a date: only a year can be a number")
        text = str(int(text))
    if not isinstance(text, str):
        raise FieldValueError(f"cannot read {text!r} as a date")
    if not text.strip():
        raise FieldValueError("empty date")
    result = _parse_date(text, order, calendar, not_after)
    if isinstance(result, str):
        raise FieldValueError(result)
    return result


# --- countries, identifiers, words -------------------------------------------------------


def parse_country(text: str) -> str:
    """Territory code of a country cell ("Непал", "гражданин Непала", "NPL" → "NP")."""
    if not isinstance(text, str) or not text.strip():
        raise FieldValueError("empty country")
    territory = lookup_territory(text)
    if territory is not None:
        return territory.code
    codes = territory_codes_in(text)
    if len(codes) > 1:
        raise FieldValueError(
            f"several countries or territories in {text.strip()!r} ({', '.join(codes)}):"
            " a cell takes one"
        )
    raise FieldValueError(f"unknown country or territory {text.strip()!r}")


# Cyrillic letters that look like Latin ones, as typed into Latin-letter document numbers
# (А,В,Е,К,М,Н,О,Р,С,Т,Х in Russian passports; І and У too), mapped to the Latin letter.
_LOOKALIKES = str.maketrans("АВЕКМНОРСТХІУ", "ABEKMHOPCTXIY")
_DIGIT = re.compile(r"\d")
_ID_DROP = re.compile(r"[\s\-‐‑‒–—_.·№#]+")


@lru_cache(maxsize=_CACHE)
def _parse_identifier(text: str) -> str:
    # № first: NFKC would turn it into "No".
    value = unicodedata.normalize("NFKC", text.replace("№", " ")).upper()
    value = _ID_DROP.sub("", value).translate(_LOOKALIKES)
    if not value:
        return ""
    return value


def parse_identifier(text: str) -> str:
    """A document or service number: upper case, separators removed, look-alikes Latin.

    A value needs at least one digit: every document and service number has some, and
    this keeps "НЕТ", "отсутствует" or a name in the wrong column from becoming an
    identifier that links unrelated records.
    """
    if not isinstance(text, str):
        text = str(text)
    value = _parse_identifier(text)
    if not value:
        raise FieldValueError("empty identifier")
    if not _DIGIT.search(value):
        raise FieldValueError(f"identifier {text.strip()!r} has no digits")
    return value


def _words(text: str) -> str:
    """Lower-case words separated by single spaces (letters, digits and their marks)."""
    folded = text.casefold().replace("ё", "е")
    kept = (c if c.isalnum() or unicodedata.category(c)[0] == "M" else " " for c in folded)
    return " ".join("".join(kept).split())


@lru_cache(maxsize=4096)
def _sex(text: str) -> str | None:
    return SEX_WORDS.get(_words(text))


def parse_sex(text: str) -> str:
    """'M' or 'F' from м/ж, муж/жен, ч/ж (Ukrainian чоловіча/жіноча), male/female ..."""
    value = _sex(text) if isinstance(text, str) else None
    if value is None:
        raise FieldValueError(
            f"cannot read {text!r} as sex: expected M or F (м/ж, ч/ж, male/female)"
        )
    return value


@lru_cache(maxsize=_CACHE)
def _parse_status(text: str) -> str:
    normal = _words(text)
    tokens = normal.split()
    if "?" in text or any(t in STATUS_DOUBT for t in tokens):
        return f"status {text.strip()!r} is uncertain or negated: a reviewer should read it"
    found: list[str] = []
    padded = f" {normal} "
    for phrase in sorted(STATUS_PHRASES, key=len, reverse=True):
        if f" {phrase} " in padded:
            found.append(STATUS_PHRASES[phrase])
            padded = padded.replace(f" {phrase} ", " | ")
    for token in padded.split():
        for stem, kind in STATUS_STEMS.items():
            if token.startswith(stem):
                found.append(kind)
                break
    kinds = set(found)
    if len(kinds) > 1:  # "погиб на фронте": the context (contract, front) is no status
        kinds -= {"contracted", "deployed"}
    if len(kinds) == 1:
        return next(iter(kinds))
    if kinds:
        names = ", ".join(k for k in EVENT_KINDS if k in kinds)
        return f"status {text.strip()!r} names several events ({names}): a cell takes one"
    return f"cannot read {text.strip()!r} as a status: expected one of {', '.join(EVENT_KINDS)}"


def parse_status(text: str) -> str:
    """The event kind a status cell names (погиб → killed, в плену → captured, MIA → missing)."""
    if not isinstance(text, str) or not text.strip():
        raise FieldValueError("empty status")
    result = _parse_status(text)
    if result not in EVENT_KINDS:
        raise FieldValueError(result)
    return result


_SPACE = re.compile(r"[\s\u200b]+")


def parse_text(text: str) -> str:
    """Trimmed text with inner whitespace (tabs, newlines, no-break spaces, zero-width
    spaces) collapsed, and joiners removed."""
    if not isinstance(text, str):
        text = str(text)
    if not unicodedata.is_normalized("NFC", text):
        text = unicodedata.normalize("NFC", text)
    return _SPACE.sub(" ", text.translate(INVISIBLE_JOINERS)).strip()
