"""Timeline rules: order by date (partial dates as intervals), status, and every
contradiction flagged, never silently resolved."""

from __future__ import annotations

import datetime as dt

import pytest

from nomina.timeline import derive_timeline, parse_as_of
from nomina.timeline.rules import TimelineEvent, order_events

_ids = iter(range(1, 10_000))


def event(kind, date, grade="B", reported="2025-11-01", record=None, source=1):
    number = next(_ids)
    return TimelineEvent.of(number, record or number, source, kind, date,
                            {4: "year", 7: "month", 10: "day"}.get(len(date or "")),
                            reported, grade)  # fmt: skip


def kinds(timeline):
    return [e.kind for e in timeline.events]


def test_events_are_ordered_by_date_and_the_last_sets_the_status():
    timeline = derive_timeline(
        [
            event("captured", "2024-09-01"),
            event("contracted", "2024-01-12"),
            event("deployed", "2024-03-02"),
        ]  # fmt: skip
    )
    assert kinds(timeline) == ["contracted", "deployed", "captured"]
    assert timeline.status == "captured" and timeline.status_event.date == "2024-09-01"
    assert not timeline.contested and timeline.flags == []


def test_overlapping_partial_dates_follow_the_course_of_a_service():
    # "2024" could be before or after 2024-05-10: the kind order decides.
    timeline = derive_timeline([event("killed", "2024-05-10"), event("missing", "2024")])
    assert kinds(timeline) == ["missing", "killed"] and timeline.status == "killed"
    # A unit reports a captured man missing on the day of capture: still captured.
    held = derive_timeline([event("missing", "2024-07-01"), event("captured", "2024-07-01")])
    assert held.status == "captured" and not held.contested


def test_a_definite_date_still_wins_over_kind_order():
    timeline = derive_timeline([event("killed", "2023-12"), event("wounded", "2024-02-01")])
    assert kinds(timeline) == ["killed", "wounded"]
    assert timeline.status == "killed"  # the later wounded is after the death: set aside
    assert [f.kind for f in timeline.flags] == ["event_after_death"]


def test_killed_then_captured_later_by_a_weaker_source_is_flagged_and_death_stands():
    death = event("killed", "2024-06-10", grade="C")
    capture = event("captured", "2024-08", grade="D")
    timeline = derive_timeline([capture, death])
    assert timeline.status == "killed" and timeline.status_event == death
    assert timeline.contested and capture.event_id in timeline.set_aside
    (flag,) = timeline.flags
    assert flag.kind == "event_after_death" and flag.other == capture
    assert "stands" in flag.detail and str(death.record_id) in flag.detail


def test_a_stronger_source_alive_after_the_death_outranks_it():
    death = event("killed", "2024-06-10", grade="D")
    capture = event("captured", "2024-08-01", grade="A")
    timeline = derive_timeline([death, capture])
    assert timeline.status == "captured" and death.event_id in timeline.set_aside
    assert timeline.contested and timeline.flags[0].kind == "event_after_death"


def test_two_death_dates_that_cannot_both_be_true():
    weak = event("killed", "2024-03-01", grade="D", reported="2025-01-01")
    strong = event("killed", "2024-05-20", grade="B", reported="2024-06-01")
    timeline = derive_timeline([weak, strong])
    assert timeline.status == "killed" and timeline.status_event == strong
    assert [f.kind for f in timeline.flags] == ["two_death_dates"]
    # A month and a day inside it can both be true: no flag.
    same = derive_timeline([event("killed", "2024-05"), event("killed", "2024-05-20")])
    assert same.flags == [] and same.status_event.date == "2024-05-20"


def test_killed_and_captured_at_dates_that_cannot_be_ordered():
    death = event("killed", "2024", grade="D")
    capture = event("captured", "2024-06-15", grade="A")
    timeline = derive_timeline([death, capture])
    assert [f.kind for f in timeline.flags] == ["fate_conflict"]
    assert timeline.status == "captured"
    # At equal grades the later report wins.
    later = derive_timeline(
        [
            event("killed", "2024", grade="C", reported="2025-05-01"),
            event("captured", "2024-06-15", grade="C", reported="2024-07-01"),
        ]  # fmt: skip
    )
    assert later.status == "killed" and later.contested


def test_exchanged_without_a_capture_is_flagged_but_discharge_is_not():
    timeline = derive_timeline(
        [event("contracted", "2024-01-01"), event("exchanged", "2025-02-01")]
    )
    assert timeline.status == "exchanged"
    assert [f.kind for f in timeline.flags] == ["freed_without_capture"]
    released = derive_timeline(
        [
            event("contracted", "2024-01-01"),
            event("released", "2024-09-01"),
            event("repatriated", "2024-09-20"),
        ]  # fmt: skip
    )
    assert released.status == "repatriated" and not released.contested
    freed = derive_timeline([event("captured", "2024-05-01"), event("exchanged", "2025-02-01")])
    assert freed.status == "exchanged" and not freed.contested


def test_service_while_held_is_flagged_and_the_capture_stands():
    timeline = derive_timeline(
        [event("captured", "2024-05-01", grade="A"), event("deployed", "2024-08-01", grade="B")]
    )
    assert timeline.status == "captured"
    assert [f.kind for f in timeline.flags] == ["serving_while_held"]
    # After an exchange a new contract is a new service, not a contradiction.
    again = derive_timeline(
        [
            event("captured", "2024-05-01"),
            event("exchanged", "2024-07-01"),
            event("contracted", "2025-01-10"),
        ]  # fmt: skip
    )
    assert again.status == "contracted" and not again.contested


def test_an_undated_event_counts_by_its_report():
    timeline = derive_timeline(
        [event("contracted", "2024-01-01"), event("killed", None, reported="2024-10-01")]
    )
    assert timeline.status == "killed" and timeline.status_event.date is None


def test_equal_dates_stronger_source_sets_the_status_date_and_record():
    weak = event("killed", "2024-05-20", grade="D")
    strong = event("killed", "2024-05-20", grade="A")
    timeline = derive_timeline([strong, weak])
    assert timeline.status_event == strong and not timeline.contested


def test_order_is_the_same_whatever_the_input_order():
    events = [event("contracted", "2024"), event("deployed", "2024-03"),
              event("wounded", "2024-03-15"), event("captured", "2024-04-01"),
              event("exchanged", "2024-12")]  # fmt: skip
    expected = order_events(events)
    assert order_events(list(reversed(events))) == expected
    assert [e.kind for e in expected] == ["contracted", "deployed", "wounded", "captured",
                                          "exchanged"]  # fmt: skip


def test_as_of_dates_and_timestamps():
    assert parse_as_of("2025-10-01") == dt.datetime(2025, 10, 1, 23, 59, 59, 999999, tzinfo=dt.UTC)
    assert parse_as_of("2025-10-01T12:30").hour == 12
    for bad in ("2025-13-01", "yesterday", "01.10.2025"):
        with pytest.raises(ValueError, match="--as-of"):
            parse_as_of(bad)
