"""What must hold after every night, judged from what calendars and exports show. Each check
returns the violations it found, one readable line each."""

from __future__ import annotations

import itertools
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from typing import Any
from zoneinfo import ZoneInfo

import holidays

from tests.simulation.calendars import Meeting
from tests.simulation.people import WORKING_DAYS, WORKING_HOURS, Roster


def _distinct(meetings: Iterable[Meeting]) -> list[Meeting]:
    """One entry per meeting, whichever calendars or files show it."""
    seen: dict[tuple[str, str, str, datetime], Meeting] = {}
    for m in meetings:
        seen.setdefault((m.uid, m.organizer, m.attendee, m.start), m)
    return sorted(seen.values(), key=lambda m: (m.start, m.uid))


def _show(m: Meeting) -> str:
    return f"{m.start:%a %Y-%m-%d %H:%M}Z–{m.end:%H:%M}Z ({m.uid.split('@')[0][:8]}, {m.source})"


def _overlaps(meetings: Sequence[Meeting]) -> list[tuple[Meeting, Meeting]]:
    found = []
    ordered = sorted(meetings, key=lambda m: m.start)
    for i, first in enumerate(ordered):
        for second in ordered[i + 1 :]:
            if second.start >= first.end:
                break
            found.append((first, second))
    return found


def pair_doubles(meetings: Iterable[Meeting]) -> list[str]:
    """No two check-ins of one pair at the same time."""
    by_pair: dict[tuple[str, str], list[Meeting]] = defaultdict(list)
    for m in _distinct(meetings):
        by_pair[m.pair].append(m)
    return [
        f"{pair[0]} and {pair[1]} have two check-ins at once: {_show(a)} and {_show(b)}"
        for pair, items in sorted(by_pair.items())
        for a, b in _overlaps(items)
    ]


def person_overlaps(meetings: Iterable[Meeting], people: Iterable[str]) -> list[str]:
    """Nobody (a manager above all) is in two check-ins at once."""
    by_person: dict[str, list[Meeting]] = defaultdict(list)
    for m in _distinct(meetings):
        by_person[m.organizer].append(m)
        by_person[m.attendee].append(m)
    wanted = set(people)
    return [
        f"{person} has overlapping check-ins: {a.pair} {_show(a)} and {b.pair} {_show(b)}"
        for person, items in sorted(by_person.items())
        if person in wanted
        for a, b in _overlaps(items)
        if a.pair != b.pair
    ]


def vanished_pairs(meetings: Iterable[Meeting], roster: Roster) -> list[str]:
    """No check-in lives on for a pair the roster no longer has."""
    pairs = roster.pairs()
    seen: dict[tuple[str, str], Meeting] = {}
    for m in _distinct(meetings):
        if m.pair not in pairs:
            seen.setdefault(m.pair, m)
    return [
        f"{pair[0]} and {pair[1]} are no longer a pair in the roster, but meet {_show(m)}"
        for pair, m in sorted(seen.items())
    ]


def live_series(meetings: Iterable[Meeting]) -> list[str]:
    """A pair has at most one recurring series at any instant: one series' dates all come
    before the next one's."""
    spans: dict[tuple[str, str], dict[str, list[datetime]]] = defaultdict(dict)
    for m in _distinct(meetings):
        if m.recurring:
            span = spans[m.pair].setdefault(m.uid, [m.start, m.end])
            span[0], span[1] = min(span[0], m.start), max(span[1], m.end)
    found = []
    for pair, by_uid in sorted(spans.items()):
        ordered = sorted(by_uid.items(), key=lambda item: item[1][0])
        for (uid_a, (_, end_a)), (uid_b, (start_b, _)) in itertools.pairwise(ordered):
            if start_b < end_a:
                found.append(
                    f"{pair[0]} and {pair[1]} have two live series: {uid_a.split('@')[0][:8]} "
                    f"meets until {end_a:%Y-%m-%d %H:%M}Z, {uid_b.split('@')[0][:8]} from "
                    f"{start_b:%Y-%m-%d %H:%M}Z"
                )
    return found


@cache
def _holidays(country: str, year: int) -> Any:
    return holidays.country_holidays(country, years=year)


def _outside_hours(m: Meeting, roster: Roster, email: str) -> str | None:
    person = roster.people[email]
    zone = ZoneInfo(person.timezone)
    start, end = m.start.astimezone(zone), m.end.astimezone(zone)
    day = start.date()
    if start.weekday() not in WORKING_DAYS:
        return f"a {start:%A}, not a working day of {email}"
    if end.date() != day or start.time() < WORKING_HOURS[0] or end.time() > WORKING_HOURS[1]:
        return f"{start:%H:%M}–{end:%H:%M} in {person.timezone}, outside {email}'s hours"
    if day in _holidays(person.country, day.year):
        return f"{day} is a public holiday for {email} ({person.country})"
    if person.paused and person.paused[0] <= day <= person.paused[1]:
        return f"{day} is inside {email}'s pause"
    return None


def working_time(meetings: Iterable[Meeting], roster: Roster, after: datetime) -> list[str]:
    """Every check-in of a current pair from `after` on lies inside both people's working
    hours and days, off their public holidays and the employee's pause."""
    pairs = roster.pairs()
    found = []
    for m in _distinct(meetings):
        if m.pair not in pairs or m.start < after:
            continue
        for email in m.pair:
            problem = _outside_hours(m, roster, email)
            if problem:
                found.append(f"{m.pair[0]} and {m.pair[1]} meet {_show(m)}: {problem}")
    return found


def _by_uid(meetings: Iterable[Meeting]) -> dict[str, set[datetime]]:
    found: dict[str, set[datetime]] = defaultdict(set)
    for m in meetings:
        found[m.uid].add(m.start)
    return found


def store_meetings(
    records: Sequence[dict[str, Any]], lower: datetime, upper: datetime
) -> dict[str, set[datetime]]:
    """The dates `proposals --json --state all` says each booked series meets in the window."""
    found: dict[str, set[datetime]] = defaultdict(set)
    for record in records:
        series = record.get("series")
        if not series or series["state"] not in ("booked", "booking", "superseded"):
            continue
        until = datetime.fromisoformat(series["until"]) if series["until"] else None
        for occurrence in record["occurrences"]:
            start = datetime.fromisoformat(occurrence["start"])
            if occurrence["status"] == "skipped" or not lower <= start < upper:
                continue
            # UNTIL ends the rule: a date is the series' by where the rule put it, so one
            # kept before the replacement may have been moved past UNTIL and still be held
            if until is not None and datetime.fromisoformat(occurrence["original_start"]) > until:
                continue
            found[record["uid"]].add(start)
    return found


def same_meetings(
    ours: dict[str, set[datetime]], theirs: dict[str, set[datetime]], what: str
) -> list[str]:
    """Two views of the same series agree date for date."""
    found = []
    for uid in sorted(set(ours) | set(theirs)):
        a, b = ours.get(uid, set()), theirs.get(uid, set())
        if a != b:
            only_a = ", ".join(f"{d:%Y-%m-%d %H:%M}Z" for d in sorted(a - b))
            only_b = ", ".join(f"{d:%Y-%m-%d %H:%M}Z" for d in sorted(b - a))
            found.append(f"{what} disagree on {uid.split('@')[0][:8]}: [{only_a}] vs [{only_b}]")
    return found


def calendars_match(
    calendar: Iterable[Meeting], store: dict[str, set[datetime]], exports: Iterable[Meeting]
) -> list[str]:
    """The organisers' calendars show what the store holds, and the exports show it too."""
    in_calendar = _by_uid(calendar)
    in_exports = _by_uid(exports)
    found = same_meetings(in_calendar, store, "calendar and store")
    exported = {uid: dates for uid, dates in in_exports.items() if uid in in_calendar}
    found += same_meetings(in_calendar, exported, "calendar and export")
    return found


@dataclass(frozen=True)
class Avoid:
    """A weekly time a pair said no to: declined in a calendar or rejected by the manager."""

    pair: tuple[str, str]
    weekday: int
    start: int  # minutes after midnight, in `zone`
    minutes: int
    zone: str
    after_id: int  # proposals made after this id must stay clear
    why: str

    def hit(self, start: datetime, minutes: int) -> bool:
        local = start.astimezone(ZoneInfo(self.zone))
        if local.weekday() != self.weekday:
            return False
        begin = local.hour * 60 + local.minute
        return begin < self.start + self.minutes + 60 and begin + minutes > self.start - 60


def avoided(records: Sequence[dict[str, Any]], avoids: Sequence[Avoid]) -> list[str]:
    """A re-proposal stays clear of the time the pair declined or rejected (±1 hour)."""
    found = []
    for record in records:
        if record["state"] != "pending" or record["kind"] != "regular":
            continue
        pair = (record["manager"], record["employee"])
        for avoid in avoids:
            if avoid.pair != pair or record["id"] <= avoid.after_id:
                continue
            for occurrence in record["occurrences"]:
                start = datetime.fromisoformat(occurrence["original_start"])
                if avoid.hit(start, record["duration_minutes"]):
                    found.append(
                        f"proposal #{record['id']} for {pair[0]} and {pair[1]} meets "
                        f"{start:%a %Y-%m-%d %H:%M %Z}, the time {avoid.why}"
                    )
                    break
    return found
