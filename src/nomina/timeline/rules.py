"""A person's timeline from its events: order, current status, contradictions.

Pure functions over `TimelineEvent`s; nothing here reads the store.

**Order.** Events are ordered by date. A date is an interval (a year-only date is any
day of that year, see `dates`); an event whose interval ends before another's starts
comes first. When two intervals overlap (equal dates, or a partial date around a
precise one), the order cannot come from the dates, and the usual course of a service
decides (`KIND_ORDER`: contracted, deployed, wounded, missing, captured, exchanged,
released, repatriated, killed), then the weaker source before the stronger (so the
stronger one's event is the later and sets the status), then the earlier report, then
the record id. An undated event ("killed", no date) is known only to have happened by
the day it was reported.

**Status.** The status is the kind of the last event in that order, with two
exceptions: while a person is held (captured, not yet exchanged, released or
repatriated), service events (contracted, deployed, wounded, missing) do not change
the status (a unit reports a captured man missing); and events set aside by a
contradiction (below) do not count. Its date and precision are those of the event that
set it.

**Contradictions** are flagged for review, never silently resolved: each names the
events and says which one the status follows, and the person's status is *contested*.

- `event_after_death`: an event dated certainly after a death. The source with the
  better reliability grade wins (A best, F worst); at equal grades the death stands.
  The loser is set aside.
- `two_death_dates`: two deaths whose dates cannot both be true given their
  precisions. The status is killed either way; its date comes from the better source
  (equal grades: the later report, then the more precise date).
- `fate_conflict`: killed, and captured / exchanged / released / repatriated at a date
  that cannot be ordered against the death. The better source wins; at equal grades
  the later report, then the death. The loser is set aside.
- `freed_without_capture`: exchanged with no capture at or before it (an exchange is of
  prisoners). `released` and `repatriated` without a capture are not flagged: in the
  sources they also mean discharge from the Russian forces and the journey home.
- `serving_while_held`: contracted or deployed certainly after a capture, with no
  exchange, release or repatriation in between. The capture stands.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from nomina.concepts import EVENT_KINDS
from nomina.timeline.dates import date_end, date_start

# Order of kinds at equal or overlapping dates: the usual course of a service.
KIND_ORDER = ("contracted", "deployed", "wounded", "missing", "captured", "exchanged",
              "released", "repatriated", "killed")  # fmt: skip
_KIND_RANK = {kind: rank for rank, kind in enumerate(KIND_ORDER)}
# Reliability grades, strongest first (F: cannot be judged, weighs least).
GRADE_ORDER = "ABCDEF"
_STRENGTH = {grade: len(GRADE_ORDER) - rank for rank, grade in enumerate(GRADE_ORDER)}
# Bit of each kind in `Timeline.kinds` (and the materialised `event_kinds` column).
KIND_BIT = {kind: 1 << index for index, kind in enumerate(EVENT_KINDS)}

SERVICE = frozenset({"contracted", "deployed", "wounded", "missing"})
FREED = frozenset({"exchanged", "released", "repatriated"})
HELD_FATES = frozenset({"captured"}) | FREED
FLAG_KINDS = ("event_after_death", "two_death_dates", "fate_conflict",
              "freed_without_capture", "serving_while_held")  # fmt: skip


@dataclass(frozen=True, slots=True)
class TimelineEvent:
    """One dated fact from one record, with what the timeline weighs it by."""

    event_id: int
    record_id: int
    source_id: int
    kind: str
    date: str | None  # ISO prefix
    precision: str | None  # day | month | year
    reported: str  # ISO date the source learned of it
    reliability: str  # A … F
    start: str = field(default="", compare=False)
    end: str = field(default="", compare=False)

    @classmethod
    def of(
        cls,
        event_id: int,
        record_id: int,
        source_id: int,
        kind: str,
        date: str | None,
        precision: str | None,
        reported: str,
        reliability: str,
    ) -> TimelineEvent:
        return cls(event_id, record_id, source_id, kind, date, precision, reported, reliability,
                   date_start(date), date_end(date, reported))  # fmt: skip

    @property
    def strength(self) -> int:
        return _STRENGTH.get(self.reliability, 0)

    def before(self, other: TimelineEvent) -> bool:
        """Certainly before `other`: it ends before the other can start."""
        return self.end < other.start

    def describe(self) -> str:
        when = self.date or f"undated, reported {self.reported}"
        return f"{self.kind} {when} (record {self.record_id}, grade {self.reliability})"


@dataclass(frozen=True, slots=True)
class Flag:
    """A contradiction for a reviewer: its kind, the two events, and what was done."""

    kind: str
    event: TimelineEvent
    other: TimelineEvent | None
    detail: str


@dataclass
class Timeline:
    events: list[TimelineEvent]  # in timeline order
    set_aside: set[int]  # event ids a contradiction set aside (they do not count)
    status: str | None  # None: no event at all
    status_event: TimelineEvent | None
    flags: list[Flag]

    @property
    def contested(self) -> bool:
        return bool(self.flags)

    @property
    def kinds(self) -> int:
        """Bitmask (KIND_BIT) of the kinds among the events that count."""
        mask = 0
        for event in self.events:
            if event.event_id not in self.set_aside:
                mask |= KIND_BIT.get(event.kind, 0)
        return mask

    def first(self, kind: str) -> TimelineEvent | None:
        """The earliest counted event of `kind`."""
        for event in self.events:
            if event.kind == kind and event.event_id not in self.set_aside:
                return event
        return None


def _compare(a: TimelineEvent, b: TimelineEvent) -> int:
    if a.end < b.start:
        return -1
    if b.end < a.start:
        return 1
    left = (_KIND_RANK.get(a.kind, 0), a.strength, a.reported, a.start, a.record_id, a.event_id)
    right = (_KIND_RANK.get(b.kind, 0), b.strength, b.reported, b.start, b.record_id, b.event_id)
    return (left > right) - (left < right)


_ORDER_KEY = functools.cmp_to_key(_compare)


def order_events(events: Iterable[TimelineEvent]) -> list[TimelineEvent]:
    """The events in timeline order (see the module's docstring)."""
    ordered = sorted(events, key=lambda e: (e.start, e.end, e.event_id))
    if len(ordered) > 1:
        ordered.sort(key=_ORDER_KEY)
    return ordered


def derive_timeline(events: Sequence[TimelineEvent]) -> Timeline:
    """Order the events, flag contradictions, and derive the current status."""
    ordered = order_events(events)
    if len(ordered) == 1:  # most persons: nothing to weigh
        only = ordered[0]
        return Timeline(ordered, set(), only.kind, only, [])
    flags: list[Flag] = []
    set_aside: set[int] = set()
    deaths = [e for e in ordered if e.kind == "killed"]
    if deaths:
        _weigh_deaths(ordered, deaths, flags, set_aside)
    _check_freed(ordered, set_aside, flags)
    status, status_event = _status(ordered, set_aside, flags)
    return Timeline(ordered, set_aside, status, status_event, flags)


def _weigh_deaths(
    ordered: list[TimelineEvent],
    deaths: list[TimelineEvent],
    flags: list[Flag],
    set_aside: set[int],
) -> None:
    # Two deaths that cannot both be true: keep the better one for the status date.
    best = max(deaths, key=lambda e: (e.strength, e.reported, _precise(e), e.event_id))
    for death in deaths:
        if death is not best and (death.before(best) or best.before(death)):
            set_aside.add(death.event_id)
            flags.append(
                Flag(
                    "two_death_dates",
                    best,
                    death,
                    f"two death dates: {best.describe()} and {death.describe()}; "
                    f"the status date follows record {best.record_id}",
                )
            )
    for death in deaths:
        if death.event_id in set_aside:
            continue
        for event in ordered:
            if event.kind == "killed" or event.event_id in set_aside:
                continue
            if death.before(event):
                kind = "event_after_death"
                death_wins = death.strength >= event.strength
            elif event.kind in HELD_FATES and not event.before(death):
                kind = "fate_conflict"
                death_wins = (death.strength, death.reported) >= (event.strength, event.reported)
            else:
                continue
            loser = event if death_wins else death
            set_aside.add(loser.event_id)
            winner = death if death_wins else event
            what = "after" if kind == "event_after_death" else "at a date not to be ordered with"
            flags.append(
                Flag(
                    kind,
                    death,
                    event,
                    f"{event.describe()} {what} {death.describe()}; "
                    f"the {winner.kind} of record {winner.record_id} stands",
                )
            )
            if not death_wins:
                break  # this death is set aside: it contradicts nothing more


def _precise(event: TimelineEvent) -> int:
    return len(event.date or "")


def _check_freed(ordered: list[TimelineEvent], set_aside: set[int], flags: list[Flag]) -> None:
    for event in ordered:
        if event.kind != "exchanged" or event.event_id in set_aside:
            continue
        captured = any(
            other.kind == "captured" and other.event_id not in set_aside and not event.before(other)
            for other in ordered
        )
        if not captured:
            flags.append(
                Flag(
                    "freed_without_capture",
                    event,
                    None,
                    f"{event.describe()} with no capture at or before it",
                )
            )


def _status(
    ordered: list[TimelineEvent], set_aside: set[int], flags: list[Flag]
) -> tuple[str | None, TimelineEvent | None]:
    status: str | None = None
    status_event: TimelineEvent | None = None
    capture: TimelineEvent | None = None
    for event in ordered:
        if event.event_id in set_aside:
            continue
        if status == "captured" and event.kind in SERVICE:
            assert capture is not None
            if event.kind in ("contracted", "deployed") and capture.before(event):
                flags.append(
                    Flag(
                        "serving_while_held",
                        capture,
                        event,
                        f"{event.describe()} after {capture.describe()} with no release "
                        "in between; the capture stands",
                    )
                )
            continue
        if event.kind == "captured":
            capture = event
        status, status_event = event.kind, event
    return status, status_event
