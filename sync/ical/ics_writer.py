"""One person's check-ins as an iCalendar (RFC 5545) feed.

Each series becomes a master VEVENT with an RRULE; skipped meetings are EXDATEs and moved ones
are overriding VEVENTs with a RECURRENCE-ID. Times are written in the series' own zone, never
in UTC, so the rule keeps its wall-clock time across daylight-saving changes.

The output depends only on the input: subscribers and the file writer compare bytes, and a
calendar that changed on every run would be re-downloaded and rewritten for nothing.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import replace
from datetime import date, timedelta
from itertools import pairwise
from zoneinfo import ZoneInfo

from icalendar import Calendar, vDuration

from sync.ical.event_lines import event_text
from sync.ical.event_texts import EventTexts
from sync.ical.events import Style, render_event, series_events
from sync.ical.folding import ical_bytes
from sync.ical.vtimezone import vtimezone
from sync.model.identity import OWN_UID_SUFFIX
from sync.model.values import BookedSeries

PRODID = "-//checkin-sync//checkin-sync//EN"
PUBLISH = "PUBLISH"
CALENDAR_NAME = "Check-ins"
_END = b"END:VCALENDAR\r\n"
PLAIN = Style()

OPEN_ENDED_YEARS = 10
"""How far the explicit transitions in a VTIMEZONE of an open-ended series reach, in zones whose
rule cannot be written as a yearly RRULE. Clients that use our VTIMEZONE rather than their own
zone database keep the last offset after its end, so it must outlast the series in practice."""


def calendar_for(
    owner_email: str,
    series: Sequence[BookedSeries],
    *,
    refresh: timedelta | None = None,
    texts: EventTexts | None = None,
) -> bytes:
    """The calendar of the series among `series` that `owner_email` organises or attends
    (compared case-insensitively); series of other people are left out. `refresh` is the
    refresh period suggested to subscribers (REFRESH-INTERVAL, RFC 7986, and Outlook's
    X-PUBLISHED-TTL). With `texts`, each event's text is taken from there (and made there
    when it is not known): the same bytes as without, built without the events' icalendar
    objects when their text is known."""
    owner = owner_email.lower()
    mine = [s for s in series if owner in (s.organiser.email.lower(), s.attendee.email.lower())]
    if texts is not None:
        return _from_texts(mine, refresh, texts)
    cal = build_calendar(mine, method=PUBLISH)
    _published(cal, refresh)
    return ical_bytes(cal)


def _published(cal: Calendar, refresh: timedelta | None) -> None:
    """The properties of a published calendar, on `cal`."""
    cal.add("x-wr-calname", CALENDAR_NAME)
    if refresh is not None:
        cal.add("refresh-interval", refresh, parameters={"VALUE": "DURATION"})
        # an X- property has no known type, so the duration is made one by hand
        cal.add("x-published-ttl", vDuration(refresh))


def _from_texts(
    series: Sequence[BookedSeries], refresh: timedelta | None, texts: EventTexts
) -> bytes:
    mine = sorted(series, key=lambda s: s.uid)
    _check_uids(mine)
    style = replace(PLAIN, asks_replies=False)  # as build_calendar makes a PUBLISH
    events = [texts.text(facts) for s in mine for facts in series_events(s, style)]
    header = _calendar(PUBLISH)
    _published(header, refresh)
    head = ical_bytes(header).removesuffix(_END)
    return _assembled(head, mine, [(event.text, event.tzids) for event in events])


def calendar_text(
    series: Sequence[BookedSeries],
    *,
    method: str | None,
    style: Style = PLAIN,
    masters_only: bool = False,
) -> bytes:
    """The text of `build_calendar(series, ...)`, byte for byte, without building its
    icalendar objects: a series' invitation or CalDAV resource is made several times a night
    (for each recipient, after each change), its VTIMEZONE and most of its lines the same."""
    mine = sorted(series, key=lambda s: s.uid)
    _check_uids(mine)
    if method == PUBLISH:
        style = replace(style, asks_replies=False)
    events = [
        event_text(facts)
        for s in mine
        for facts in series_events(s, style, masters_only=masters_only)
    ]
    return _assembled(_header_text(method), mine, events)


def _assembled(
    header: bytes, series: Sequence[BookedSeries], events: Sequence[tuple[bytes, tuple[str, ...]]]
) -> bytes:
    # What build_calendar and Calendar.to_ical make, part by part: a component's text is the
    # same alone as inside its calendar (each line is folded by itself), so the calendar is
    # its own properties, its VTIMEZONEs and its events' texts, in that order.
    parts = [header]
    tzids = sorted({tzid for _, zones in events for tzid in zones})
    if tzids:
        first, last = _timezone_span(series)
        parts += [_vtimezone_text(tzid, first, last) for tzid in tzids]
    parts += [text for text, _ in events]
    parts.append(_END)
    return b"".join(parts)


@functools.lru_cache(maxsize=4)
def _header_text(method: str | None) -> bytes:
    return ical_bytes(_calendar(method)).removesuffix(_END)


@functools.lru_cache(maxsize=256)
def _vtimezone_text(tzid: str, first: date, last: date) -> bytes:
    return ical_bytes(vtimezone(tzid, first, last))


def build_calendar(
    series: Sequence[BookedSeries],
    *,
    method: str | None,
    style: Style = PLAIN,
    masters_only: bool = False,
) -> Calendar:
    """A calendar holding `series` (master, plus one override per moved occurrence unless
    `masters_only`) and the VTIMEZONEs they need. `method` None is for a CalDAV resource,
    which must not carry one (RFC 4791 4.1)."""
    mine = sorted(series, key=lambda s: s.uid)
    _check_uids(mine)
    if method == PUBLISH:
        style = replace(style, asks_replies=False)

    cal = _calendar(method)
    for s in mine:
        for facts in series_events(s, style, masters_only=masters_only):
            cal.add_component(render_event(facts))

    # Not Calendar.add_missing_timezones(): it adds zones in set order, which changes with the
    # hash seed from one process to the next and so would break byte-identical output.
    tzids = sorted(cal.get_missing_tzids())
    if tzids:
        first, last = _timezone_span(mine)
        cal.subcomponents[:0] = [vtimezone(tzid, first, last) for tzid in tzids]
    return cal


def _calendar(method: str | None) -> Calendar:
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    if method is not None:
        cal.add("method", method)
    return cal


def _check_uids(series: Sequence[BookedSeries]) -> None:
    # Connectors skip our own events by this suffix; without it an exported check-in would be
    # read back as busy time. Two masters with one UID are invalid and clients keep either.
    for s in series:
        if not s.uid.endswith(OWN_UID_SUFFIX):
            raise ValueError(f"series UID {s.uid!r} does not end with {OWN_UID_SUFFIX!r}")
    for previous, current in pairwise(series):
        if previous.uid == current.uid:
            raise ValueError(f"two series share the UID {current.uid!r}")


def _timezone_span(series: Sequence[BookedSeries]) -> tuple[date, date]:
    """Whole years covering every time written for `series`, so the VTIMEZONEs stay small
    (icalendar's default, 1970-2038, lists ~70 transitions per observance)."""
    days: list[date] = []
    for s in series:
        zone = ZoneInfo(s.timezone)
        moments = [s.first_start] if s.until is None else [s.first_start, s.until]
        moments += [t for o in s.occurrences for t in (o.original_start, o.start, o.end)]
        days += [m.astimezone(zone).date() for m in moments]
        if s.until is None:
            days.append(date(max(s.first_start, s.stamp).year + OPEN_ENDED_YEARS, 1, 1))
    return date(min(days).year, 1, 1), date(max(days).year + 1, 1, 1)
