"""An event's iCalendar text put together from its content lines, each line built once.

Every content line is folded by itself, so a VEVENT's text is its lines in icalendar's
order between BEGIN and END, and a line depends only on its own property. Most lines of a
night's events repeat (a series' UID, stamp, summary and people are on the master and on every
moved date; a manager is the organiser of a dozen series), so each line is made by icalendar
once, from exactly what `render_event` adds, and reused; the text is byte for byte
`ical_bytes(render_event(facts))` (tests/delivery/test_event_lines.py compares the two).
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from datetime import datetime, tzinfo

from icalendar import Event, vRecur
from icalendar.caselessdict import canonsort_keys

from sync.ical.events import EventFacts, address
from sync.ical.folding import fold, ical_bytes
from sync.model.values import Attendee

Line = tuple[bytes, tuple[str, ...]]
"""A property's folded content line(s) with their line breaks, and the zones they name."""

_BEGIN, _END = b"BEGIN:VEVENT\r\n", b"END:VEVENT\r\n"
_CACHED_LINES = 8192
"""Distinct lines kept: a night's people, series and times, not its whole history."""

Moment = tuple[datetime, int, tzinfo | None, str | None]
"""A datetime as a cache key: its wall clock, fold and zone object and the zone's name at
that time. Datetimes alone compare by instant, so 13:00 in Stockholm would find 12:00 in
London's line."""


def event_text(facts: EventFacts) -> Line:
    """The VEVENT of `facts` and the zones its times are written in (UTC needing none)."""
    style = facts.style
    lines: dict[str, list[Line]] = {
        "UID": [_text("uid", facts.uid)],
        "SEQUENCE": [_integer("sequence", facts.sequence)],
        "DTSTAMP": [_moment("dtstamp", _key(facts.stamp))],
        "LAST-MODIFIED": [_moment("last-modified", _key(facts.stamp))],
        "DTSTART": [_moment("dtstart", _key(facts.start))],
        "DTEND": [_moment("dtend", _key(facts.end))],
        "SUMMARY": [_text("summary", facts.summary)],
        "DESCRIPTION": [_text("description", facts.description)],
        "ORGANIZER": [_person("organizer", facts.organiser, "organiser", True, None)],
        "ATTENDEE": [],
        "STATUS": [_status(facts.series_cancelled, facts.one_off_cancelled)],
        "TRANSP": [_text("transp", "OPAQUE")],
    }
    if style.organiser_attends:
        lines["ATTENDEE"].append(_person("attendee", facts.organiser, "chair", True, None))
    lines["ATTENDEE"].append(
        _person("attendee", facts.attendee, "participant", style.asks_replies, style.schedule_agent)
    )
    if facts.rrule:
        until = None if facts.until is None else _key(facts.until)
        lines["RRULE"] = [_rule(facts.rrule, until)]
        if facts.exdates:
            lines["EXDATE"] = [_exdates(tuple(_key(t) for t in facts.exdates))]
    if facts.recurrence_id is not None:
        lines["RECURRENCE-ID"] = [_moment("recurrence-id", _key(facts.recurrence_id))]
    ordered = [line for name in _order(tuple(lines)) for line in lines[name]]
    text = b"".join([_BEGIN, *(line for line, _ in ordered), _END])
    tzids = sorted({tzid for _, zones in ordered for tzid in zones})
    return text, tuple(tzids)


@functools.lru_cache(maxsize=64)
def _order(names: tuple[str, ...]) -> tuple[str, ...]:
    # the order of Component.sorted_keys: Event's canonical properties, then by name
    return tuple(canonsort_keys(names, Event.canonical_order))


def _key(moment: datetime) -> Moment:
    return moment.replace(tzinfo=None), moment.fold, moment.tzinfo, moment.tzname()


def _datetime(key: Moment) -> datetime:
    wall, fold, zone, _ = key
    return wall.replace(tzinfo=zone, fold=fold)


def _alone(add: Callable[[Event], None]) -> Line:
    """The content line(s) that `add` puts on an event, as icalendar writes them."""
    event = Event()
    add(event)
    text = ical_bytes(event).removeprefix(_BEGIN).removesuffix(_END)
    # the TZIDs icalendar itself would find (Calendar.get_used_tzids), UTC needing none
    used = {
        value.params.get("TZID")
        for _, value in event.property_items(sorted=False)
        if hasattr(value, "params")
    }
    return text, tuple(sorted(t for t in used if t is not None and t != "UTC"))


@functools.lru_cache(maxsize=_CACHED_LINES)
def _text(name: str, value: str) -> Line:
    return _alone(lambda event: event.add(name, value))


@functools.lru_cache(maxsize=_CACHED_LINES)
def _integer(name: str, value: int) -> Line:
    return _alone(lambda event: event.add(name, value))


def _moment(name: str, key: Moment) -> Line:
    """A date-time line: its name and TZID made by icalendar once per zone, its value
    written here (most of an event's lines that are not already known are its times)."""
    wall, _, zone, zone_name = key
    head = _HEADS.get((name, zone, zone_name))
    if head is None:
        head = _HEADS[name, zone, zone_name] = _head(name, key)
    if not head:
        return _alone_moment(name, key)
    prefix, suffix, tzids = head
    return fold(f"{prefix}{_wall_text(wall)}{suffix}") + b"\r\n", tzids


def _wall_text(wall: datetime) -> str:
    """A date-time value as iCalendar writes it (RFC 5545 3.3.5), without its zone."""
    return (
        f"{wall.year:04}{wall.month:02}{wall.day:02}T{wall.hour:02}{wall.minute:02}{wall.second:02}"
    )


_HEADS: dict[
    tuple[str, tzinfo | None, str | None], tuple[str, str, tuple[str, ...]] | tuple[()]
] = {}
"""By property name and zone: what comes before a date-time line's value (name and
parameters) and after it ("Z" in UTC), and the zones the line names; () where icalendar's
line is not that shape, so the line is always made by icalendar."""


def _head(name: str, key: Moment) -> tuple[str, str, tuple[str, ...]] | tuple[()]:
    event = Event()
    event.add(name, _datetime(key))
    (line,) = [str(line) for line in event.content_lines()[1:-2]]
    _, tzids = _alone_moment(name, key)
    prefix, found, suffix = line.rpartition(_wall_text(key[0]))
    if not found or suffix not in ("", "Z") or not prefix.endswith(":"):
        return ()
    return prefix, suffix, tzids


@functools.lru_cache(maxsize=_CACHED_LINES)
def _alone_moment(name: str, key: Moment) -> Line:
    return _alone(lambda event: event.add(name, _datetime(key)))


@functools.lru_cache(maxsize=_CACHED_LINES)
def _exdates(keys: tuple[Moment, ...]) -> Line:
    return _alone(lambda event: event.add("exdate", [_datetime(key) for key in keys]))


@functools.lru_cache(maxsize=_CACHED_LINES)
def _rule(rrule: str, until: Moment | None) -> Line:
    def add(event: Event) -> None:
        rule = vRecur.from_ical(rrule)
        if until is not None:
            rule["UNTIL"] = [_datetime(until)]
        event.add("rrule", rule)

    return _alone(add)


@functools.lru_cache(maxsize=_CACHED_LINES)
def _person(
    name: str, person: Attendee, role: str, asks_reply: bool, schedule_agent: str | None
) -> Line:
    def add(event: Event) -> None:
        value = address(
            person,
            participant=role == "participant",
            chair=role == "chair",
            asks_reply=asks_reply,
        )
        if schedule_agent is not None:
            value.params["SCHEDULE-AGENT"] = schedule_agent
        event.add(name, value)

    return _alone(add)


@functools.lru_cache(maxsize=4)
def _status(series_cancelled: bool, one_off_cancelled: bool) -> Line:
    def add(event: Event) -> None:
        event.add("status", "CANCELLED" if series_cancelled else "CONFIRMED")
        if one_off_cancelled:
            event["status"] = "CANCELLED"

    return _alone(add)
