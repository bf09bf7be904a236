"""Plain values that flow between the roster, connectors, planner, store and export.

Everything here is immutable and free of I/O. Instants are timezone-aware; the planner and
store keep them in UTC and render them in a person's zone only for display and export.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time
from enum import StrEnum
from typing import NamedTuple

from sync.model.cadence import Cadence
from sync.model.said import Day, Said, say

REGULAR_CADENCE = say("regular cadence")
NOTHING_SAID = Said("")
"""No reason: a date that takes place as planned."""


class Interval(NamedTuple):
    """A half-open span [start, end) of time. A named tuple: the planner makes millions."""

    start: datetime
    end: datetime

    def overlaps(self, other: Interval) -> bool:
        return self.start < other.end and other.start < self.end


class CheckinKind(StrEnum):
    """A recurring series at the pair's cadence, or a single extra check-in and why."""

    REGULAR = "regular"
    REQUESTED = "requested"
    """Asked for by the employee (`checkin-sync request`, or `request` in people.toml)."""
    WELCOME_BACK = "welcome_back"
    """The employee comes back from a long absence."""

    @property
    def one_off(self) -> bool:
        return self is not CheckinKind.REGULAR


class BusyKind(StrEnum):
    BUSY = "busy"
    TIME_OFF = "time_off"


@dataclass(frozen=True, order=True, slots=True)
class BusyBlock:
    """Time a calendar says a person is not available. Carries no title or other content.
    Slotted: a night holds everyone's blocks from reading on, hundreds per person, and an
    instance dictionary would be 40 of the about 70 bytes each takes (the times are shared
    where they are parsed)."""

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
    own_keys: frozenset[str] = frozenset()
    holiday_categories: tuple[str, ...] = ()
    """Which of the country's holidays are days off (sync.config.days_off); empty = the usual
    ones."""
    works: str | None = None
    """"remote", "hybrid" or "office"; None when neither the person nor [defaults] says."""
    """Keys the person's own entry sets (not inherited from [defaults]): these win over what a
    calendar provider says, such as Outlook's working hours."""

    @property
    def first_name(self) -> str:
        return first_name(self.name, self.email)


@dataclass(frozen=True)
class WorkingHours:
    """Working hours as a calendar provider knows them, in that provider's stated zone."""

    days: frozenset[int]
    hours: TimeRange
    timezone: str


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
    cadence_source: Said = REGULAR_CADENCE
    """Which rule of people.toml set `cadence` ("Lena works remotely")."""
    request: CheckinAsk | None = None
    """A one-off check-in the employee asks for in people.toml."""
    return_after_days: int = 5
    """Working days away after which a welcome-back check-in is proposed; 0 = never."""

    def cadence_on(self, day: date) -> tuple[Cadence, Said]:
        """The cadence in force on `day`, and why."""
        if self.more_often_on(day):
            assert self.more_often is not None
            until = Day.of(self.more_often.until)
            if self.more_often.reason:
                reason = say(
                    "more often until %(day)s: %(reason)s", day=until, reason=self.more_often.reason
                )
            else:
                reason = say("more often until %(day)s", day=until)
            return self.more_often.cadence, reason
        return self.cadence, self.cadence_source

    def more_often_on(self, day: date) -> bool:
        return self.more_often is not None and day <= self.more_often.until


@dataclass(frozen=True)
class CheckinAsk:
    """An employee asking for one extra check-in within `within_days` of their working days.
    `made` is the day they asked, if they said; otherwise the night it was first seen."""

    within_days: int
    reason: str = ""
    made: date | None = None


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
    reason: Said = NOTHING_SAID
    fixed: bool = False
    """Set by a person in their calendar: respected, and never moved back."""
    away: bool = False
    """Skipped because someone was away (time off, a paused span, a holiday): an
    excused date, which does not count against the pair's health."""

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
    explanation: Said
    alternatives: tuple[PlannedSeries, ...] = field(default=())
    kind: CheckinKind = CheckinKind.REGULAR
    """A one-off has no rule (`rrule` is empty) and exactly one occurrence."""


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
    moved_notes: tuple[tuple[datetime, str], ...] = ()
    """Why each moved date moved, by its rule time (`original_start`), in the words its
    readers read; a moved date without one says so in English."""

    @property
    def one_off(self) -> bool:
        """A single event rather than a recurring one: written without an RRULE."""
        return not self.rrule


@dataclass(frozen=True)
class FoundSeries:
    """A series this service booked, as a calendar holds it: enough to rebuild the store."""

    uid: str
    organiser: str
    attendee: str
    attendee_name: str
    timezone: str
    first_start: datetime
    duration: int
    rrule: str
    """Without UNTIL; `until` carries the end, if the series was ended."""
    until: datetime | None = None
    cancelled: bool = False
    sequence: int = 0
    exceptions: Mapping[datetime, Interval | None] = field(default_factory=dict)


def first_name(name: str, fallback: str = "") -> str:
    """ "Karin" of "Karin Lind", and of "Lind, Karin" (written surname first, as directories
    often write names); `fallback` for a name with no word."""
    given = name.split(",", 1)[1] if "," in name else name
    words = given.split() or name.split()
    return words[0].rstrip(",") if words else fallback
