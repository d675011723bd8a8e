"""Partial dates as intervals, and the as-of moment.

An event date is an ISO prefix with its precision: `2024` (year), `2024-03` (month) or
`2024-03-05` (day). It stands for every day it could be, from its first to its last
day. Both ends are kept as ISO text, so they compare as strings; a month's end is
written `-31` whatever its length (no real day of the month sorts after it, and the
next month's first day sorts after it), a year's end `-12-31`.
"""

from __future__ import annotations

import datetime as dt

UNKNOWN_START = "0000-00-00"  # an undated event: it happened some time before it was reported


def date_start(prefix: str | None) -> str:
    """The first day a date prefix can stand for."""
    if not prefix:
        return UNKNOWN_START
    if len(prefix) == 4:
        return prefix + "-01-01"
    if len(prefix) == 7:
        return prefix + "-01"
    return prefix


def date_end(prefix: str | None, reported: str) -> str:
    """The last day a date prefix can stand for; an undated event, its reported date."""
    if not prefix:
        return reported
    if len(prefix) == 4:
        return prefix + "-12-31"
    if len(prefix) == 7:
        return prefix + "-31"
    return prefix


def parse_as_of(text: str) -> dt.datetime:
    """`2025-10-01` (the end of that day, UTC) or an ISO timestamp (UTC unless it says).

    Raises ValueError with a readable message.
    """
    value = text.strip()
    try:
        if len(value) == 10:
            day = dt.date.fromisoformat(value)
            return dt.datetime.combine(day, dt.time.max, tzinfo=dt.UTC)
        moment = dt.datetime.fromisoformat(value)
    except ValueError:
        raise ValueError(
            f"--as-of {text!r}: expected a date YYYY-MM-DD or a timestamp YYYY-MM-DDTHH:MM[:SS]"
        ) from None
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)


def utc_naive(moment: dt.datetime) -> dt.datetime:
    """A moment as naive UTC, the way both backends hand back a batch's landing time."""
    if moment.tzinfo is not None:
        return moment.astimezone(dt.UTC).replace(tzinfo=None)
    return moment
