"""VTIMEZONE blocks (RFC 5545 3.6.5) in the form Google, Outlook and Apple publish: one
STANDARD and one DAYLIGHT observance with yearly RRULEs, from the zone's current rule (the
POSIX TZ string of its TZif file). Transitions are listed one by one only where no such rule
states them: before the rule took effect, and in zones whose rule is not "the nth or last
weekday of a month" (or that change by decree, like Morocco's Ramadan time).

Readers differ most on explicit lists: vobject, and so Radicale, read an RDATE-list block
that starts with a zero-length STANDARD observance (what icalendar's own builder writes) an
hour off for zones whose standard offset is zero, such as London after the October change.
"""

from __future__ import annotations

import functools
from datetime import UTC, date, datetime, timedelta

from icalendar import Timezone, TimezoneDaylight, TimezoneStandard, vRecur

from sync.ical.posix_tz import Change, PosixRule, parse_posix_tz
from sync.ical.tzif import LocalTime, Transition, zone_history

Observance = TimezoneStandard | TimezoneDaylight
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


@functools.lru_cache(maxsize=256)
def vtimezone(tzid: str, first: date, last: date) -> Timezone:
    """The VTIMEZONE of `tzid` for times from `first` until `last`. With a yearly rule it
    also holds after `last`; explicit transitions stop there, and a reader keeps the last
    offset. Cached and never changed once built: an organisation's export needs a handful."""
    history = zone_history(tzid)
    rule = parse_posix_tz(history.footer)
    begin = datetime.combine(first, datetime.min.time(), UTC) - timedelta(days=1)
    end = datetime.combine(last, datetime.min.time(), UTC)
    changes = _all_changes(history.transitions, rule, end)
    regular = _regular_from(history.transitions, rule, end)
    prevailing = max((c.at for c in changes if c.at <= _seconds(begin)), default=None)
    start = prevailing if prevailing is not None else _seconds(begin)
    until = regular if regular is not None else _seconds(end)

    zone = Timezone()
    zone.add("tzid", tzid)
    listed = [c for c in changes if start <= c.at < until]
    if prevailing is None:  # nothing changes before the span: what holds there, from 1970
        held = next((c.before for c in changes if c.at > start), history.initial)
        listed.insert(0, Transition(_seconds(min(begin, _EPOCH)), held, held))
    for change in listed:
        observance = _observance(_utc(change.at), change.before, change.after)
        # The onset again as an RDATE, which RFC 5545 allows: the `ical` library (Home
        # Assistant's) ignores an observance that has neither RRULE nor RDATE.
        observance.add("rdate", observance.DTSTART)
        zone.add_component(observance)
    if rule is not None and regular is not None and regular < _seconds(end):
        # From when the rule took effect, not from `first`, as Google, Outlook and Apple
        # write it: vobject compares a VTIMEZONE with UTC over 2000-2020 and, finding a zone
        # with offset zero and no change there, takes it for UTC and reads the TZID from
        # pytz instead, whose offsets it then gets wrong after each change (Europe/London).
        for observance in _yearly(rule, regular):
            zone.add_component(observance)
    return zone


def _all_changes(
    table: tuple[Transition, ...], rule: PosixRule | None, end: datetime
) -> list[Transition]:
    """Every change until `end`: the file's own list, then what its rule says after it."""
    after = table[-1].at if table else _seconds(_EPOCH)
    found = list(table)
    for year in range(_utc(after).year, end.year + 1):
        for at, before, changed in rule.changes(year) if rule is not None else []:
            if after < _seconds(at) < _seconds(end):
                found.append(Transition(_seconds(at), before, changed))
    return [c for c in found if c.at < _seconds(end)]


def _regular_from(
    table: tuple[Transition, ...], rule: PosixRule | None, end: datetime
) -> int | None:
    """The first change from which every later one follows the yearly rule, so the rule can
    stand for them all; None where the rule cannot be written as RRULEs."""
    if rule is None or rule.starts is None or rule.ends is None:
        return None
    if rule.starts.rrule() is None or rule.ends.rrule() is None:
        return None
    regular: int | None = None
    for transition in reversed(table):
        if not _follows(transition, rule):
            break
        regular = transition.at
    if regular is None:  # the rule's own first change after the table (within two years)
        later = _all_changes(table, rule, end + timedelta(days=800))
        regular = next((c.at for c in later if not table or c.at > table[-1].at), None)
    return regular


def _follows(transition: Transition, rule: PosixRule) -> bool:
    year = _utc(transition.at).year
    for at, before, after in [c for y in (year - 1, year, year + 1) for c in rule.changes(y)]:
        if _seconds(at) == transition.at:
            return (before.offset, after.offset) == (
                transition.before.offset,
                transition.after.offset,
            )
    return False


def _yearly(rule: PosixRule, start: int) -> list[Observance]:
    """The two observances of `rule`, each starting at its first onset from `start` on."""
    assert rule.daylight is not None and rule.starts is not None and rule.ends is not None
    kinds: list[tuple[Change, LocalTime, LocalTime]] = [
        (rule.starts, rule.standard, rule.daylight),
        (rule.ends, rule.daylight, rule.standard),
    ]
    observances = []
    for change, before, after in kinds:
        year = _utc(start).year - 1
        while (onset := change.local_onset(year) - timedelta(seconds=before.offset)).replace(
            tzinfo=UTC
        ) < _utc(start):
            year += 1
        observance = _observance(onset.replace(tzinfo=UTC), before, after)
        observance.add("rrule", vRecur(change.rrule()))
        observances.append(observance)
    return observances


def _observance(at: datetime, before: LocalTime, after: LocalTime) -> Observance:
    observance: Observance = (
        TimezoneDaylight() if _is_daylight(before, after) else TimezoneStandard()
    )
    # RFC 5545 3.6.5: an onset is the local time in the offset it ends
    local = (at + timedelta(seconds=before.offset)).replace(tzinfo=None)
    observance.add("dtstart", local)
    observance.add("tzname", after.name)
    observance.add("tzoffsetfrom", timedelta(seconds=before.offset))
    observance.add("tzoffsetto", timedelta(seconds=after.offset))
    return observance


def _is_daylight(before: LocalTime, after: LocalTime) -> bool:
    """DAYLIGHT for the summer offset. The tz database marks Irish winter time (GMT) as its
    daylight-saving time ("negative DST"); like the data Google, Outlook and Apple publish,
    the block shows summer as DAYLIGHT, which is what readers expect."""
    if before.is_dst != after.is_dst:
        return after.offset > before.offset
    return after.is_dst


def _utc(seconds: int) -> datetime:
    return _EPOCH + timedelta(seconds=seconds)


def _seconds(moment: datetime) -> int:
    return int((moment - _EPOCH).total_seconds())
