"""The timeline stage: each person's events ordered, its current status derived, and
contradictions flagged for review (never silently resolved). See `rules` for the
precedence rules and `register` for what is counted as of a past moment.

>>> build_timeline(store)          # after resolution; materialises the tables figures read
"""

from nomina.timeline.build import (
    TimelineBuild,
    build_timeline,
    ensure_timeline,
    latest_build,
    timeline_is_stale,
)
from nomina.timeline.dates import parse_as_of
from nomina.timeline.rules import FLAG_KINDS, Flag, Timeline, TimelineEvent, derive_timeline

__all__ = [
    "FLAG_KINDS",
    "Flag",
    "Timeline",
    "TimelineBuild",
    "TimelineEvent",
    "build_timeline",
    "derive_timeline",
    "ensure_timeline",
    "latest_build",
    "parse_as_of",
    "timeline_is_stale",
]
