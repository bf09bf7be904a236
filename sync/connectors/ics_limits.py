"""How much work a calendar's recurrence rules may cost, judged before they are expanded.

Calendars arrive from outside (feeds, invitations from strangers): a 227-byte event with
`RRULE:FREQ=SECONDLY` and no end has five million occurrences in eight weeks, and an hourly
rule that starts in 1900 makes the expander step through a million dates before reaching the
planned weeks. Neither can be interrupted once the expander runs, so each rule's cost is
bounded from its text first: how many dates lie between its DTSTART and the end of the
window, counting every BYxxx part that adds dates within a period.

A calendar over the limits is refused as a whole (its people's pairs are skipped tonight and
nothing is cancelled, as for any unreadable calendar). Turning the event into one long busy
block was the other choice; it would quietly mark the person busy for weeks on the word of
whoever sent the invitation, and plan around time that nobody really has.
"""

from __future__ import annotations

import contextlib
import math
from collections.abc import Sequence
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

import recurring_ical_events
from icalendar import Calendar, Component, vRecur

from sync.plumbing.deadline import Deadline

MIN_REPEAT = timedelta(minutes=15)
"""Events repeating more often than this are refused: the planner works on a 15-minute
grid, so no real meeting series is denser, and free/busy would gain nothing from it."""
MAX_STEPS_PER_EVENT = 100_000
"""Dates one rule may produce from its start to the end of the window: a daily event since
1990 is about 14,000; an hourly one for eleven years reaches the limit."""
MAX_STEPS_PER_SOURCE = 500_000
MAX_OCCURRENCES_PER_SOURCE = 100_000
"""Occurrences kept from one source in the window (checked while expanding, so RDATE lists
and whatever the estimate misses are bounded too)."""

_PERIOD = {
    "SECONDLY": timedelta(seconds=1),
    "MINUTELY": timedelta(minutes=1),
    "HOURLY": timedelta(hours=1),
    "DAILY": timedelta(days=1),
    "WEEKLY": timedelta(weeks=1),
    "MONTHLY": timedelta(days=28),  # the shortest month: more periods, a safe overestimate
    "YEARLY": timedelta(days=365),
}
_ORDER = list(_PERIOD)
# how many dates a BYxxx part can add within one period of a coarser FREQ, per value given
_EXPANDS: dict[str, dict[str, int]] = {
    "BYSECOND": {f: 1 for f in _ORDER[1:]},
    "BYMINUTE": {f: 1 for f in _ORDER[2:]},
    "BYHOUR": {f: 1 for f in _ORDER[3:]},
    "BYDAY": {"WEEKLY": 1, "MONTHLY": 5, "YEARLY": 53},
    "BYMONTHDAY": {"MONTHLY": 1, "YEARLY": 12},
    "BYYEARDAY": {"YEARLY": 1},
    "BYWEEKNO": {"YEARLY": 7},
    "BYMONTH": {"YEARLY": 1},
}


class TooCostly(ValueError):
    """A reason, in words safe to show (no event content), why a calendar is not expanded."""


class DeadlinePassed(Exception):
    """The run's deadline passed while a calendar was being expanded."""


class Budget:
    """Occurrences one source may yield, and the run's deadline, checked as they come."""

    def __init__(self, deadline: Deadline | None) -> None:
        self.spent = 0
        self.deadline = deadline

    def spend(self) -> None:
        self.spent += 1
        if self.spent > MAX_OCCURRENCES_PER_SOURCE:
            raise TooCostly(f"more than {MAX_OCCURRENCES_PER_SOURCE:,} events in the planned weeks")
        if self.deadline is not None and self.spent % 256 == 0 and self.deadline.passed():
            raise DeadlinePassed


class BoundedQuery(recurring_ical_events.CalendarQuery):  # type: ignore[misc]  # untyped library
    """The expander, spending a Budget on every occurrence. The library's `between` collects
    all series' occurrences before returning; this is its per-series loop with the budget
    in it (recurring_ical_events lets a CalendarQuery subclass be used for that)."""

    budget: Budget | None = None

    def _occurrences_between(self, start: Any, end: Any) -> list[Any]:
        occurrences = []
        for series in self.series:
            with contextlib.suppress(*self._skip_errors):
                for occurrence in series.between(start, end):
                    occurrences.append(occurrence)
                    if self.budget is not None:
                        self.budget.spend()
        return occurrences


def check_costs(calendars: Sequence[Calendar], window_end: datetime) -> None:
    """Raise TooCostly when a rule repeats too often or would take too many steps."""
    total = 0
    for calendar in calendars:
        for event in calendar.walk("VEVENT"):
            for rule in _rules(event):
                total += _steps(event, rule, window_end)
                if total > MAX_STEPS_PER_SOURCE:
                    raise TooCostly(
                        f"its recurring events together repeat more than "
                        f"{MAX_STEPS_PER_SOURCE:,} times before the end of the planned weeks"
                    )


def _rules(event: Component) -> list[dict[str, list[Any]]]:
    value: Any = event.get("RRULE")
    values = value if isinstance(value, list) else [] if value is None else [value]
    # a rule icalendar could not read is not a mapping; the expander reports it
    return [rule for rule in values if isinstance(rule, vRecur) and rule.get("FREQ")]


def _steps(event: Component, rule: dict[str, list[Any]], window_end: datetime) -> int:
    freq = str(rule["FREQ"][0]).upper()
    if freq not in _PERIOD:
        return 0  # not a frequency at all: the expander refuses it with its own reason
    interval = max(1, _int(rule.get("INTERVAL", [1])[0]))
    per_period = math.prod(
        len(rule[part]) * factors[freq]
        for part, factors in _EXPANDS.items()
        if part in rule and freq in factors
    )
    every = _PERIOD[freq] * interval / per_period
    count = _int(rule["COUNT"][0]) if "COUNT" in rule else None
    if every < MIN_REPEAT and (count is None or count > MAX_STEPS_PER_EVENT):
        raise TooCostly(f"an event repeats every {_words(every)}, more often than every 15 minutes")
    start = _instant(getattr(event.get("DTSTART"), "dt", None))
    if start is None:
        return 0  # an event without a start is reported by the expander
    until_values = rule.get("UNTIL")
    end = window_end
    if until_values:
        until = _instant(until_values[0])
        end = min(end, until) if until is not None else end
    periods = max(0.0, (end - start) / (_PERIOD[freq] * interval)) + 1
    steps = math.ceil(periods) * per_period
    if count is not None:
        steps = min(steps, count)
    if steps > MAX_STEPS_PER_EVENT:
        raise TooCostly(
            f"an event repeats about {steps:,} times from its start to the end of the planned "
            f"weeks (at most {MAX_STEPS_PER_EVENT:,} are expanded)"
        )
    return steps


def _int(value: Any) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return 1


def _instant(value: Any) -> datetime | None:
    """Dates and floating times as UTC: the estimate is off by hours at most."""
    if isinstance(value, datetime):
        return value if value.tzinfo is not None else value.replace(tzinfo=UTC)
    if isinstance(value, date):
        return datetime.combine(value, time(0), UTC)
    return None


def _words(every: timedelta) -> str:
    seconds = every.total_seconds()
    if seconds < 60:
        return f"{seconds:g} second{'s' if seconds != 1 else ''}"
    return f"{seconds / 60:g} minutes"
