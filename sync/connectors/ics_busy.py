"""Busy time from iCalendar data: parsing, recurrence expansion and what counts as busy.

Pure (bytes in, blocks out) so every real-world quirk can be tested without I/O. Parsing and
expansion do not depend on the person, so a shared source is parsed and expanded once and
then read for each person (`busy_from_events`): declined invitations, floating times and
all-day events are the only per-person parts.

Messages never quote calendar content: parser errors from icalendar repeat the offending
line, which may be an event title, so every reason here is written by hand.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import recurring_ical_events
import x_wr_timezone
from icalendar import Calendar, Component
from icalendar.timezone import tzp

from sync.connectors.base import clip
from sync.connectors.ics_cache import PersonBusy
from sync.connectors.ics_limits import (
    BoundedQuery,
    Budget,
    DeadlinePassed,
    TooCostly,
    check_costs,
)
from sync.model.errors import CalendarError
from sync.model.identity import is_own_uid
from sync.model.values import BusyBlock, BusyKind, Interval
from sync.plumbing.deadline import Deadline

# recurring_ical_events compares floating and all-day times as if they were in the zone of
# the query bounds (UTC here). They can be up to 14 h away from UTC in a person's own zone,
# so the query is widened and the exact cut is made after conversion.
_QUERY_MARGIN = timedelta(days=1)

TIME_OFF_CATEGORIES = frozenset(
    {
        "vacation",
        "holiday",
        "holidays",
        "out of office",
        "ooo",
        "time off",
        "leave",
        "parental leave",
        "sick leave",
        "semester",
        "ledig",
        "ledighet",
        "tjänstledig",
        "föräldraledig",
        "sjukledig",
    }
)
"""All-day events in one of these categories are time off (compared in lower case)."""

_BROKEN_PROPERTY = re.compile(r"broken property '([A-Z0-9-]+)'")


class IcsError(CalendarError):
    """A calendar source could not be read or understood. The message starts with the
    source as the user wrote it and is safe to show: it carries no event content."""


def busy_from_ics(
    data: bytes,
    *,
    person_email: str,
    person_timezone: str,
    window: Interval,
    source_label: str,
) -> tuple[list[BusyBlock], set[str]]:
    """Busy blocks of one person inside `window`, and the UIDs of this service's own
    check-ins seen there (which are not busy). Raises IcsError for unusable data."""
    events = expand_events(parse_calendars(data, source_label), window, source_label)
    return busy_from_events(
        events,
        person_email=person_email,
        person_timezone=person_timezone,
        window=window,
        source_label=source_label,
    )


def parse_calendars(data: bytes, source_label: str) -> list[Calendar]:
    """Every VCALENDAR in `data`, with X-WR-TIMEZONE applied."""
    # icalendar caches a custom VTIMEZONE process-wide under its TZID and keeps the first
    # definition it saw. Outlook names each user's own zone "Customized Time Zone", so a
    # second file would silently get the first file's offsets. Resetting the provider clears
    # that cache; zoneinfo is icalendar's default provider, so nothing else changes.
    tzp.use_zoneinfo()
    try:
        components = Calendar.from_ical(data, multiple=True)
    except ValueError as exc:
        raise _invalid(source_label, _parse_failure_reason(data, exc)) from None
    calendars = [c for c in components if isinstance(c, Calendar) and c.name == "VCALENDAR"]
    if not calendars:
        names = sorted({c.name for c in components})
        raise _invalid(source_label, _no_calendar_reason(data, names))
    return [_standardise(c) for c in calendars]


def expand_events(
    calendars: Sequence[Calendar],
    window: Interval,
    source_label: str,
    deadline: Deadline | None = None,
) -> list[Component]:
    """One component per event occurrence near `window`: recurrences expanded, EXDATEs
    removed, RDATEs added and moved occurrences replaced by their overrides.

    Bounded (see ics_limits): rules that would cost too much are refused before expanding,
    the occurrences kept are counted, and a run's `deadline` is checked as they come."""
    start, end = window.start - _QUERY_MARGIN, window.end + _QUERY_MARGIN
    occurrences: list[Component] = []
    budget = Budget(deadline)
    try:
        check_costs(calendars, end)
        for calendar in calendars:
            query = BoundedQuery(calendar)
            query.budget = budget
            occurrences.extend(query.between(start, end))
    except DeadlinePassed:
        raise IcsError(f"{source_label}: the run's deadline passed while reading it") from None
    except TooCostly as exc:
        raise IcsError(f"{source_label}: too costly to read ({exc})") from None
    except recurring_ical_events.BadRuleStringFormat as exc:
        raise _invalid(source_label, f"unreadable RRULE {exc.rule!r}") from None
    except ZoneInfoNotFoundError:
        raise _invalid(source_label, "it names an unknown time zone") from None
    except KeyError as exc:
        raise _invalid(source_label, f"an event has no {exc.args[0]}") from None
    except ValueError as exc:
        raise _invalid(source_label, _expansion_failure_reason(exc)) from None
    except Exception as exc:  # why: untrusted input must never take down the whole run
        raise _invalid(source_label, f"cannot be expanded ({type(exc).__name__})") from None
    return occurrences


def busy_from_events(
    events: Sequence[Component],
    *,
    person_email: str,
    person_timezone: str,
    window: Interval,
    source_label: str,
) -> tuple[list[BusyBlock], set[str]]:
    """Busy blocks of one person from expanded occurrences (see `expand_events`)."""
    return person_busy(
        events,
        person_email=person_email,
        person_timezone=person_timezone,
        window=window,
        source_label=source_label,
    ).within(window)


def person_busy(
    events: Sequence[Component],
    *,
    person_email: str,
    person_timezone: str,
    window: Interval,
    source_label: str,
) -> PersonBusy:
    """What `busy_from_events` tells, with the times of the service's own check-ins kept,
    so that a narrower window can be cut from it later (see `ics_cache`)."""
    try:
        zone = ZoneInfo(person_timezone)
    except (ZoneInfoNotFoundError, ValueError):
        raise IcsError(f"{source_label}: unknown time zone {person_timezone!r}") from None
    utc_window = Interval(window.start.astimezone(UTC), window.end.astimezone(UTC))
    blocks: list[BusyBlock] = []
    own: list[tuple[datetime, datetime, str]] = []
    for event in events:
        if str(event.get("STATUS", "")).upper() == "CANCELLED":
            continue
        try:
            span = _utc_span(event, zone)
        except (ValueError, TypeError, OverflowError):
            raise _invalid(source_label, "an event has an unusable start or end") from None
        # Zero-length events overlap nothing once clipped; `clip` drops them.
        if not utc_window.overlaps(span):
            continue
        uid = str(event.get("UID", ""))
        if is_own_uid(uid):
            own.append((span.start, span.end, uid))
            continue
        kind = _busy_kind(event, person_email)
        if kind is not None:
            blocks.append(BusyBlock(span.start, span.end, kind))
    return PersonBusy(tuple(clip(blocks, utc_window)), tuple(own))


def _standardise(calendar: Calendar) -> Calendar:
    try:
        standard: Calendar = x_wr_timezone.to_standard(calendar)
    except (ZoneInfoNotFoundError, ValueError):
        # An X-WR-TIMEZONE that is no IANA name cannot be applied. Times with a zone or in
        # UTC stay exact without it and floating ones fall back to the person's zone, which
        # beats refusing the whole calendar. It is removed because recurring_ical_events
        # applies it again on its own and would fail the same way.
        calendar.pop("X-WR-TIMEZONE", None)
        return calendar
    return standard


def _busy_kind(event: Component, person_email: str) -> BusyKind | None:
    """How the event blocks the person, or None if it leaves them free."""
    if _declined_by(event, person_email):
        return None
    if _is_time_off_day(event):
        return BusyKind.TIME_OFF
    if str(event.get("TRANSP", "")).upper() == "TRANSPARENT":
        return None
    status = str(event.get("X-MICROSOFT-CDO-BUSYSTATUS", "")).upper()
    if status == "FREE":
        return None
    if status == "OOF":
        return BusyKind.TIME_OFF
    return BusyKind.BUSY


def _is_time_off_day(event: Component) -> bool:
    """An all-day event filed under a time-off category ("Vacation", "Out of office",
    "Semester", ...): the person is away, even when the event leaves them "free", as
    all-day events in many calendar apps do by default. Only the category is read."""
    start: Any = event.get("DTSTART")
    if start is None or not _is_date(start.dt):
        return False
    value: Any = event.get("CATEGORIES")
    items = value if isinstance(value, list) else [] if value is None else [value]
    names = {str(name).strip().lower() for item in items for name in getattr(item, "cats", [])}
    return bool(names & TIME_OFF_CATEGORIES)


def _declined_by(event: Component, person_email: str) -> bool:
    attendees: Any = event.get("ATTENDEE", [])
    if not isinstance(attendees, list):
        attendees = [attendees]
    wanted = person_email.strip().lower()
    for attendee in attendees:
        address = str(attendee).strip()
        if address.lower().startswith("mailto:"):
            address = address[len("mailto:") :]
        if address.strip().lower() != wanted:
            continue
        params: Any = getattr(attendee, "params", {})
        if str(params.get("PARTSTAT", "")).upper() == "DECLINED":
            return True
    return False


def _utc_span(event: Component, zone: tzinfo) -> Interval:
    """The occurrence as a UTC interval; empty (start == end) when it takes no time."""
    start: date = _value(event, "DTSTART")
    end: date | None = _value(event, "DTEND")
    duration: timedelta | None = _value(event, "DURATION")
    if end is None and duration is not None:
        end = start + duration
    start_utc = _to_utc(start, zone)
    if _is_date(start):
        # DTEND of an all-day event is exclusive; when it is missing, or (as some
        # exporters write it) equal to DTSTART, the event still covers its one day.
        if end is None or _to_utc(end, zone) <= start_utc:
            end = start + timedelta(days=1)
    elif end is None:
        end = start
    return Interval(start_utc, max(start_utc, _to_utc(end, zone)))


def _value(event: Component, name: str) -> Any:
    prop: Any = event.get(name)
    return None if prop is None else prop.dt


def _to_utc(value: date, zone: tzinfo) -> datetime:
    """Dates mean local midnight and floating times local wall time, both in `zone`."""
    if not isinstance(value, datetime):
        value = datetime.combine(value, time(0))
    if value.tzinfo is None:
        value = value.replace(tzinfo=zone)
    return value.astimezone(UTC)


def _is_date(value: date) -> bool:
    return not isinstance(value, datetime)


def _invalid(source_label: str, reason: str) -> IcsError:
    return IcsError(f"{source_label}: not a valid iCalendar file ({reason})")


def _parse_failure_reason(data: bytes, exc: ValueError) -> str:
    message = str(exc)
    if message.startswith("Content line could not be parsed"):
        return _shape_problem(data) or "a line is not in iCalendar format"
    return _no_calendar_reason(data, [])


def _no_calendar_reason(data: bytes, found: Sequence[str]) -> str:
    if found:
        return f"no VCALENDAR in it, only {', '.join(found)}"
    if shape := _shape_problem(data):
        return shape
    return "no complete VCALENDAR; is the file cut short?"


def _shape_problem(data: bytes) -> str | None:
    """What is wrong with data that is not an iCalendar file at all."""
    text = data.lstrip(b"\xef\xbb\xbf \t\r\n")
    if not text:
        return "the file is empty"
    if text.startswith(b"<"):
        return "got an HTML or XML page instead of a calendar"
    if text[:15].upper() != b"BEGIN:VCALENDAR":
        return "it does not start with BEGIN:VCALENDAR"
    return None


def _expansion_failure_reason(exc: ValueError) -> str:
    match = _BROKEN_PROPERTY.search(str(exc))
    if match:
        return f"an event has a malformed {match.group(1)}"
    if isinstance(exc, recurring_ical_events.PeriodEndBeforeStart):
        return "an event ends before it starts"
    return "an event cannot be expanded"
