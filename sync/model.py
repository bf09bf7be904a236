"""Plain values that flow between the roster, connectors, planner, store and export.

Everything here is immutable and free of I/O. Instants are timezone-aware; the planner and
store keep them in UTC and render them in a person's zone only for display and export.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time
from enum import StrEnum

from sync.cadence import Cadence


@dataclass(frozen=True, order=True)
class Interval:
    """A half-open span [start, end) of time."""

    start: datetime
    end: datetime

    def overlaps(self, other: Interval) -> bool:
        return self.start < other.end and other.start < self.end


class BusyKind(StrEnum):
    BUSY = "busy"
    TIME_OFF = "time_off"


@dataclass(frozen=True, order=True)
class BusyBlock:
    """Time a calendar says a person is not available. Carries no title or other content."""

    start: datetime
    end: datetime
    kind: BusyKind = BusyKind.BUSY


@dataclass(frozen=True)
class TimeRange:
    """A local wall-clock range within one day, e.g. working hours 09:00-17:00."""

    start: time
    end: time

    @property
    def minutes(self) -> int:
        return (self.end.hour * 60 + self.end.minute) - (self.start.hour * 60 + self.start.minute)

    def contains(self, start: time, end: time) -> bool:
        return self.start <= start and end <= self.end

    def __str__(self) -> str:
        return f"{self.start:%H:%M}-{self.end:%H:%M}"


@dataclass(frozen=True)
class Window:
    """A preferred time: a local time range on some weekdays (0 = Monday)."""

    days: frozenset[int]
    hours: TimeRange


@dataclass(frozen=True)
class DateSpan:
    """Calendar days from `start` to `end`, both included."""

    start: date
    end: date

    def contains(self, day: date) -> bool:
        return self.start <= day <= self.end


@dataclass(frozen=True)
class MoreOften:
    """A temporary tighter cadence that lapses by itself after `until`."""

    cadence: Cadence
    until: date
    reason: str = ""


@dataclass(frozen=True)
class Person:
    email: str
    name: str
    timezone: str
    working_hours: TimeRange
    working_days: frozenset[int]
    holidays: str
    calendar: str

    @property
    def first_name(self) -> str:
        return self.name.split()[0] if self.name.split() else self.email


@dataclass(frozen=True)
class Manager:
    person: Person
    max_checkins_per_day: int


@dataclass(frozen=True)
class Employee:
    person: Person
    manager: str
    cadence: Cadence
    duration: int
    preferred: tuple[Window, ...] = ()
    more_often: MoreOften | None = None
    paused: DateSpan | None = None

    def cadence_on(self, day: date) -> tuple[Cadence, str]:
        """The cadence in force on `day`, and in words why."""
        if self.more_often is not None and day <= self.more_often.until:
            reason = f"more often until {self.more_often.until.isoformat()}"
            if self.more_often.reason:
                reason += f": {self.more_often.reason}"
            return self.more_often.cadence, reason
        return self.cadence, "regular cadence"


class OccurrenceStatus(StrEnum):
    OK = "ok"
    MOVED = "moved"
    SKIPPED = "skipped"


@dataclass(frozen=True)
class Occurrence:
    """One meeting of a series. `original_start` is where the rule puts it; `start`/`end` where
    it actually is (equal unless moved). A skipped occurrence keeps its rule time."""

    original_start: datetime
    start: datetime
    end: datetime
    status: OccurrenceStatus = OccurrenceStatus.OK
    reason: str = ""
    fixed: bool = False
    """Set by a person in their calendar: respected, and never moved back."""

    @property
    def takes_place(self) -> bool:
        return self.status is not OccurrenceStatus.SKIPPED

    @property
    def interval(self) -> Interval:
        return Interval(self.start, self.end)


@dataclass(frozen=True)
class PlannedSeries:
    """A recurring check-in the planner found for one pair."""

    manager: str
    employee: str
    cadence: Cadence
    duration: int
    timezone: str
    first_start: datetime
    rrule: str
    occurrences: tuple[Occurrence, ...]
    explanation: str
    alternatives: tuple[PlannedSeries, ...] = field(default=())


@dataclass(frozen=True)
class Attendee:
    email: str
    name: str


class SeriesStatus(StrEnum):
    CONFIRMED = "confirmed"
    CANCELLED = "cancelled"


@dataclass(frozen=True)
class BookedSeries:
    """A series as it is written to calendars: identity, timing, people, purpose and version."""

    uid: str
    sequence: int
    status: SeriesStatus
    organiser: Attendee
    attendee: Attendee
    timezone: str
    first_start: datetime
    duration: int
    rrule: str
    occurrences: tuple[Occurrence, ...]
    summary: str
    description: str
    stamp: datetime
    until: datetime | None = None
