"""The VEVENTs of a series, in two steps: first what each event says (`EventFacts`: plain
values, every time already in the zone it is written in), then the icalendar object made from
those facts alone. Equal facts make equal text, which is what lets an event's text be kept
and reused (sync/ical/event_texts.py) instead of being built again.

A master VEVENT holds the rule and the skipped dates (EXDATE); each moved date is an
overriding VEVENT with a RECURRENCE-ID; a one-off check-in is one VEVENT without a rule.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from icalendar import Event, vCalAddress, vRecur

from sync.model.said import Said, say
from sync.model.values import Attendee, BookedSeries, Occurrence, OccurrenceStatus, SeriesStatus


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


@dataclass(frozen=True)
class EventFacts:
    """Everything one VEVENT says. `render_event` reads nothing else, so the repr of these
    facts identifies the event's text exactly (times carry their zone and wall-clock value,
    so even a change in the zone database shows)."""

    uid: str
    sequence: int
    stamp: datetime
    """DTSTAMP and LAST-MODIFIED, in UTC."""
    start: datetime
    end: datetime
    summary: str
    description: str
    organiser: Attendee
    attendee: Attendee
    series_cancelled: bool
    style: Style
    rrule: str = ""
    """The master's rule, without UNTIL; empty for an override or a one-off."""
    until: datetime | None = None
    """The master's end, in UTC."""
    exdates: tuple[datetime, ...] = ()
    recurrence_id: datetime | None = None
    """An override's date as the rule has it."""
    one_off_cancelled: bool = False
    """A one-off whose date was skipped or that ended."""


def series_events(s: BookedSeries, style: Style, *, masters_only: bool = False) -> list[EventFacts]:
    """The facts of the events of `s` in the order a calendar lists them: the master (or
    the one-off), then each moved date by its rule time unless `masters_only`."""
    if s.one_off:
        return [_single(s, style)]
    events = [_master(s, style)]
    if not masters_only:
        moved = [o for o in s.occurrences if o.status is OccurrenceStatus.MOVED]
        events += [_override(s, o, style) for o in sorted(moved, key=lambda o: o.original_start)]
    return events


def _master(s: BookedSeries, style: Style) -> EventFacts:
    zone = ZoneInfo(s.timezone)
    start = s.first_start.astimezone(zone)
    end = (s.first_start.astimezone(UTC) + timedelta(minutes=s.duration)).astimezone(zone)
    skipped = sorted(
        o.original_start.astimezone(zone)
        for o in s.occurrences
        if o.status is OccurrenceStatus.SKIPPED
    )
    return _facts(
        s,
        start,
        end,
        s.description,
        style,
        rrule=s.rrule,
        # RFC 5545 3.3.10: with a zoned DTSTART, UNTIL must be in UTC.
        until=None if s.until is None else s.until.astimezone(UTC),
        exdates=tuple(skipped),
    )


def _single(s: BookedSeries, style: Style) -> EventFacts:
    """A one-off check-in at its date as it stands now (a moved one simply has a new time),
    cancelled when its date was skipped or the check-in ended."""
    zone = ZoneInfo(s.timezone)
    (occurrence,) = s.occurrences or (None,)
    if occurrence is None:
        start = s.first_start.astimezone(zone)
        end = (s.first_start.astimezone(UTC) + timedelta(minutes=s.duration)).astimezone(zone)
        cancelled = True
    else:
        start, end = occurrence.start.astimezone(zone), occurrence.end.astimezone(zone)
        cancelled = not occurrence.takes_place
    return _facts(s, start, end, s.description, style, one_off_cancelled=cancelled)


def moved_note(occurrence: Occurrence) -> Said:
    """What a moved date's event adds to the series' description."""
    if occurrence.reason:
        return say("Moved: %(why)s", why=occurrence.reason)
    return say("Moved from its usual time.")


def _override(s: BookedSeries, occurrence: Occurrence, style: Style) -> EventFacts:
    zone = ZoneInfo(s.timezone)
    note = dict(s.moved_notes).get(occurrence.original_start) or str(moved_note(occurrence))
    description = f"{s.description}\n\n{note}" if s.description else note
    start, end = occurrence.start.astimezone(zone), occurrence.end.astimezone(zone)
    return _facts(
        s,
        start,
        end,
        description,
        style,
        recurrence_id=occurrence.original_start.astimezone(zone),
    )


def _facts(
    s: BookedSeries,
    start: datetime,
    end: datetime,
    description: str,
    style: Style,
    *,
    rrule: str = "",
    until: datetime | None = None,
    exdates: tuple[datetime, ...] = (),
    recurrence_id: datetime | None = None,
    one_off_cancelled: bool = False,
) -> EventFacts:
    return EventFacts(
        uid=s.uid,
        sequence=s.sequence,
        stamp=s.stamp.astimezone(UTC),
        start=start,
        end=end,
        summary=s.summary,
        description=description,
        organiser=s.organiser,
        attendee=s.attendee,
        series_cancelled=s.status is SeriesStatus.CANCELLED,
        style=style,
        rrule=rrule,
        until=until,
        exdates=exdates,
        recurrence_id=recurrence_id,
        one_off_cancelled=one_off_cancelled,
    )


def render_event(facts: EventFacts) -> Event:
    """The VEVENT that `facts` describe."""
    style = facts.style
    event = Event()
    event.add("uid", facts.uid)
    event.add("sequence", facts.sequence)
    event.add("dtstamp", facts.stamp)
    event.add("last-modified", facts.stamp)
    event.add("dtstart", facts.start)
    event.add("dtend", facts.end)
    event.add("summary", facts.summary)
    event.add("description", facts.description)
    event.add("organizer", address(facts.organiser))
    if style.organiser_attends:
        event.add("attendee", address(facts.organiser, chair=True))
    attendee = address(facts.attendee, participant=True, asks_reply=style.asks_replies)
    if style.schedule_agent is not None:
        attendee.params["SCHEDULE-AGENT"] = style.schedule_agent
    event.add("attendee", attendee)
    event.add("status", "CANCELLED" if facts.series_cancelled else "CONFIRMED")
    event.add("transp", "OPAQUE")
    if facts.rrule:
        rule = vRecur.from_ical(facts.rrule)
        if facts.until is not None:
            rule["UNTIL"] = [facts.until]
        event.add("rrule", rule)
        if facts.exdates:
            event.add("exdate", list(facts.exdates))
    if facts.recurrence_id is not None:
        event.add("recurrence-id", facts.recurrence_id)
    if facts.one_off_cancelled:
        event["status"] = "CANCELLED"
    return event


def address(
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
