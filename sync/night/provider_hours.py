"""Working hours from a calendar provider, for people whose own people.toml entry sets none.

The roster always wins where a person's own entry says something; the provider's hours
replace only the defaults. Where the person's own entry fixes a zone other than the
provider's, the hours are carried over at the offset between the two zones on the day of
the run.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from sync.config.roster import Roster
from sync.model.values import Employee, Person, TimeRange, WorkingHours


def with_provider_hours(roster: Roster, hours: Mapping[str, WorkingHours], now: datetime) -> Roster:
    if not hours:
        return roster
    people = {
        email: _adjusted(person, hours[email], now)
        for email, person in _people(roster).items()
        if email in hours and "working_hours" not in person.own_keys
    }
    if not people:
        return roster
    return replace(
        roster,
        managers={
            email: replace(m, person=people.get(email, m.person))
            for email, m in roster.managers.items()
        },
        employees=_with_people(roster.employees, people),
        kept_as_booked=_with_people(roster.kept_as_booked, people),
    )


def _with_people(
    employees: Mapping[str, Employee], people: Mapping[str, Person]
) -> dict[str, Employee]:
    return {email: replace(e, person=people.get(email, e.person)) for email, e in employees.items()}


def _people(roster: Roster) -> dict[str, Person]:
    found = {email: m.person for email, m in roster.managers.items()}
    for employees in (roster.employees, roster.kept_as_booked):
        found.update({email: e.person for email, e in employees.items()})
    return found


def _adjusted(person: Person, provided: WorkingHours, now: datetime) -> Person:
    if "timezone" not in person.own_keys or provided.timezone == person.timezone:
        return replace(
            person,
            timezone=provided.timezone,
            working_hours=provided.hours,
            working_days=provided.days,
        )
    shift = _offset(person.timezone, now) - _offset(provided.timezone, now)
    start, end = _shifted(provided.hours.start, shift), _shifted(provided.hours.end, shift)
    if end <= start:  # the shifted day would cross midnight: keep the person's own hours
        return person
    return replace(person, working_hours=TimeRange(start, end), working_days=provided.days)


def _offset(zone: str, now: datetime) -> timedelta:
    offset = now.astimezone(ZoneInfo(zone)).utcoffset()
    return offset or timedelta(0)


def _shifted(clock: time, shift: timedelta) -> time:
    minutes = clock.hour * 60 + clock.minute + int(shift.total_seconds() // 60)
    minutes = max(0, min(minutes, 23 * 60 + 59))
    return time(minutes // 60, minutes % 60)
