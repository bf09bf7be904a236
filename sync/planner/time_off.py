"""Noticing that someone comes back from a long absence: working days they are away, from
time off in their calendar (out of office, vacation) or a `paused` span, counted in their own
zone. Weekends and holidays neither count nor break an absence.

Pure: the employee, their busy blocks and the window that was read come in, the returns
go out. Only what the calendar shows is counted: an absence is noticed on the nights its
time off is visible, which for planned leave is long before it starts.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from sync.model.values import BusyBlock, BusyKind, Employee, Interval
from sync.planner.availability import Availability, next_workdays
from sync.planner.intervals import intersect, normalise, total

FIRST_DAYS_BACK = 2
"""A welcome-back check-in is placed within this many working days after the return."""


@dataclass(frozen=True)
class Return:
    """The employee is back on `back` after `away_days` working days away."""

    back: date
    last_day: date
    """The last day the welcome-back check-in may fall on (the second working day back)."""
    away_days: int


def returns(employee: Employee, blocks: Sequence[BusyBlock], window: Interval) -> list[Return]:
    """Every return inside `window` after at least `return_after_days` working days away."""
    threshold = employee.return_after_days
    if threshold <= 0:
        return []
    time_off = normalise(Interval(b.start, b.end) for b in blocks if b.kind is BusyKind.TIME_OFF)
    paused = employee.paused
    if not time_off and paused is None:
        # no day can be away: so for most people, every night, and walking their window's
        # days to find that out was most of a steady night's extra check-ins
        return []
    person = employee.person
    # without the pause: days in a paused span are working days spent away
    calendar = Availability(person)
    with_pause = Availability(person, paused)
    first = window.start.astimezone(calendar.zone).date()
    last = window.end.astimezone(calendar.zone).date()
    if paused is not None and paused.start < first <= paused.end + timedelta(days=1):
        first = paused.start  # a pause is known in full, not only from tonight on
    found = []
    run = 0
    day = first
    while day <= last:
        if calendar.is_workday(day):
            if (paused is not None and paused.contains(day)) or _mostly_off(
                calendar, day, time_off
            ):
                run += 1
            else:
                if run >= threshold:
                    second = next_workdays(with_pause, day, FIRST_DAYS_BACK - 1)
                    found.append(Return(day, second[-1] if second else day, run))
                run = 0
        day += timedelta(days=1)
    return found


def _mostly_off(calendar: Availability, day: date, time_off: list[Interval]) -> bool:
    """Time off covers at least half of the person's working hours that day."""
    hours = calendar.person.working_hours
    start = datetime.combine(day, hours.start, calendar.zone).astimezone(UTC)
    end = datetime.combine(day, hours.end, calendar.zone).astimezone(UTC)
    covered = total(intersect([Interval(start, end)], time_off))
    return covered * 2 >= end - start
