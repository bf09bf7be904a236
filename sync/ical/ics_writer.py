"""One person's check-ins as an iCalendar (RFC 5545) feed.

Each series becomes a master VEVENT with an RRULE; skipped meetings are EXDATEs and moved ones
are overriding VEVENTs with a RECURRENCE-ID. Times are written in the series' own zone, never
in UTC, so the rule keeps its wall-clock time across daylight-saving changes.

The output depends only on the input: subscribers and the file writer compare bytes, and a
calendar that changed on every run would be re-downloaded and rewritten for nothing.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, timedelta
from itertools import pairwise
from zoneinfo import ZoneInfo

from icalendar import Calendar, Event, vCalAddress, vDuration, vRecur

from sync.ical.vtimezone import vtimezone
from sync.model.identity import OWN_UID_SUFFIX
from sync.model.said import Said, say
from sync.model.values import Attendee, BookedSeries, Occurrence, OccurrenceStatus, SeriesStatus

PRODID = "-//checkin-sync//checkin-sync//EN"
PUBLISH = "PUBLISH"
CALENDAR_NAME = "Check-ins"

OPEN_ENDED_YEARS = 10
"""How far the explicit transitions in a VTIMEZONE of an open-ended series reach, in zones whose
rule cannot be written as a yearly RRULE. Clients that use our VTIMEZONE rather than their own
zone database keep the last offset after its end, so it must outlast the series in practice."""


def calendar_for(
    owner_email: str,
    series: Sequence[BookedSeries],
    *,
    refresh: timedelta | None = None,
) -> bytes:
    """The calendar of the series among `series` that `owner_email` organises or attends
    (compared case-insensitively); series of other people are left out. `refresh` is the
    refresh period suggested to subscribers (REFRESH-INTERVAL, RFC 7986, and Outlook's
    X-PUBLISHED-TTL)."""
    owner = owner_email.lower()
    mine = [s for s in series if owner in (s.organiser.email.lower(), s.attendee.email.lower())]
    cal = build_calendar(mine, method=PUBLISH)
    cal.add("x-wr-calname", CALENDAR_NAME)
    if refresh is not None:
        cal.add("refresh-interval", refresh, parameters={"VALUE": "DURATION"})
        # an X- property has no known type, so the duration is made one by hand
        cal.add("x-published-ttl", vDuration(refresh))
    ical: bytes = cal.to_ical()
    return ical


@dataclass(frozen=True)
class Style:
    """How the people appear in an event, which differs by where it goes."""

    organiser_attends: bool = False
    """iTIP invitations list the organiser as an attendee too (CHAIR, accepted), so that a
    manager whose calendar only gets our emails can add the series like anyone invited."""
    schedule_agent: str | None = None
    """RFC 6638 SCHEDULE-AGENT on attendees of a CalDAV resource: CLIENT when checkin-sync
    sends the invitations itself, so a scheduling server does not send a second one."""
    asks_replies: bool = True
    """Attendees carry RSVP=TRUE and PARTSTAT=NEEDS-ACTION: right for an invitation and a
    CalDAV resource, wrong in a published calendar, which nobody answers (RFC 5546 3.2.1)."""


def build_calendar(
    series: Sequence[BookedSeries],
    *,
    method: str | None,
    style: Style = Style(),
    masters_only: bool = False,
) -> Calendar:
    """A calendar holding `series` (master, plus one override per moved occurrence unless
    `masters_only`) and the VTIMEZONEs they need. `method` None is for a CalDAV resource,
    which must not carry one (RFC 4791 4.1)."""
    mine = sorted(series, key=lambda s: s.uid)
    _check_uids(mine)
    if method == PUBLISH:
        style = replace(style, asks_replies=False)

    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    if method is not None:
        cal.add("method", method)

    for s in mine:
        if s.one_off:
            cal.add_component(_single(s, style))
            continue
        cal.add_component(_master(s, style))
        if masters_only:
            continue
        moved = [o for o in s.occurrences if o.status is OccurrenceStatus.MOVED]
        for occurrence in sorted(moved, key=lambda o: o.original_start):
            cal.add_component(_override(s, occurrence, style))

    # Not Calendar.add_missing_timezones(): it adds zones in set order, which changes with the
    # hash seed from one process to the next and so would break byte-identical output.
    tzids = sorted(cal.get_missing_tzids())
    if tzids:
        first, last = _timezone_span(mine)
        cal.subcomponents[:0] = [vtimezone(tzid, first, last) for tzid in tzids]
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


def _master(s: BookedSeries, style: Style) -> Event:
    zone = ZoneInfo(s.timezone)
    start = s.first_start.astimezone(zone)
    end = (s.first_start.astimezone(UTC) + timedelta(minutes=s.duration)).astimezone(zone)
    event = _event(s, start, end, s.description, style)
    rule = vRecur.from_ical(s.rrule)
    if s.until is not None:
        # RFC 5545 3.3.10: with a zoned DTSTART, UNTIL must be in UTC.
        rule["UNTIL"] = [s.until.astimezone(UTC)]
    event.add("rrule", rule)
    skipped = sorted(
        o.original_start.astimezone(zone)
        for o in s.occurrences
        if o.status is OccurrenceStatus.SKIPPED
    )
    if skipped:
        event.add("exdate", skipped)
    return event


def _single(s: BookedSeries, style: Style) -> Event:
    """A one-off check-in: one VEVENT without a rule, at its date as it stands now (a moved
    one simply has a new time), cancelled when its date was skipped or the check-in ended."""
    zone = ZoneInfo(s.timezone)
    (occurrence,) = s.occurrences or (None,)
    if occurrence is None:
        start = s.first_start.astimezone(zone)
        end = (s.first_start.astimezone(UTC) + timedelta(minutes=s.duration)).astimezone(zone)
        cancelled = True
    else:
        start, end = occurrence.start.astimezone(zone), occurrence.end.astimezone(zone)
        cancelled = not occurrence.takes_place
    event = _event(s, start, end, s.description, style)
    if cancelled:
        event["status"] = "CANCELLED"
    return event


def moved_note(occurrence: Occurrence) -> Said:
    """What a moved date's event adds to the series' description."""
    if occurrence.reason:
        return say("Moved: %(why)s", why=occurrence.reason)
    return say("Moved from its usual time.")


def _override(s: BookedSeries, occurrence: Occurrence, style: Style) -> Event:
    zone = ZoneInfo(s.timezone)
    note = dict(s.moved_notes).get(occurrence.original_start) or str(moved_note(occurrence))
    description = f"{s.description}\n\n{note}" if s.description else note
    start, end = occurrence.start.astimezone(zone), occurrence.end.astimezone(zone)
    event = _event(s, start, end, description, style)
    event.add("recurrence-id", occurrence.original_start.astimezone(zone))
    return event


def _event(
    s: BookedSeries, start: datetime, end: datetime, description: str, style: Style
) -> Event:
    event = Event()
    event.add("uid", s.uid)
    event.add("sequence", s.sequence)
    event.add("dtstamp", s.stamp.astimezone(UTC))
    event.add("last-modified", s.stamp.astimezone(UTC))
    event.add("dtstart", start)
    event.add("dtend", end)
    event.add("summary", s.summary)
    event.add("description", description)
    event.add("organizer", _address(s.organiser))
    if style.organiser_attends:
        event.add("attendee", _address(s.organiser, chair=True))
    attendee = _address(s.attendee, participant=True, asks_reply=style.asks_replies)
    if style.schedule_agent is not None:
        attendee.params["SCHEDULE-AGENT"] = style.schedule_agent
    event.add("attendee", attendee)
    event.add("status", "CANCELLED" if s.status is SeriesStatus.CANCELLED else "CONFIRMED")
    event.add("transp", "OPAQUE")
    return event


def _address(
    person: Attendee, *, participant: bool = False, chair: bool = False, asks_reply: bool = True
) -> vCalAddress:
    # icalendar quotes CN and applies RFC 6868 (^' for ", ^n for a newline, ^^ for ^).
    if chair:
        return vCalAddress.new(
            person.email, cn=person.name or None, role="CHAIR", partstat="ACCEPTED"
        )
    if not participant:
        return vCalAddress.new(person.email, cn=person.name or None)
    if not asks_reply:
        return vCalAddress.new(person.email, cn=person.name or None, role="REQ-PARTICIPANT")
    return vCalAddress.new(
        person.email,
        cn=person.name or None,
        role="REQ-PARTICIPANT",
        partstat="NEEDS-ACTION",
        rsvp=True,
    )


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
