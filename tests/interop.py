"""Reading our calendars with parsers that share no code with the writer (icalendar), to
check that every client sees the same meetings: vobject, `ical`, recurring-ical-events, a
CalDAV server (Radicale, which expands the series itself) and ical.js (icaljs_reader.py).
Each returns (start, end) pairs in UTC."""

from __future__ import annotations

import itertools
import re
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta, tzinfo
from typing import Any
from xml.etree import ElementTree

import recurring_ical_events
import vobject
from ical.calendar_stream import IcsCalendarStream
from icalendar import Calendar

from sync.model.values import Occurrence
from tests.caldav_server import RadicaleServer

Times = list[tuple[datetime, datetime]]
START, END = datetime(2026, 1, 1, tzinfo=UTC), datetime(2029, 1, 1, tzinfo=UTC)


def expected(occurrences: Sequence[Occurrence]) -> Times:
    """What the store says takes place."""
    return sorted(
        (o.start.astimezone(UTC), o.end.astimezone(UTC)) for o in occurrences if o.takes_place
    )


def utc_pairs(pairs: Any) -> Times:
    return sorted((s.astimezone(UTC), e.astimezone(UTC)) for s, e in pairs)


def own_zones_only(data: bytes) -> bytes:
    """`data` with its TZIDs renamed to names no zone database knows. icalendar and `ical`
    look a known TZID such as Europe/London up in their own database and ignore the file's
    VTIMEZONE; renamed, they must read it, as clients without that database do. Each call
    gives new names: icalendar keeps the zones it has read by TZID for the whole process."""
    prefix = f"X-Test-{next(_RENAMED)}-".encode()
    return re.sub(rb"(TZID[:=])([^;:\r\n]+)", rb"\1" + prefix + rb"\2", data)


_RENAMED = itertools.count()


def with_recurring_ical_events(data: bytes) -> Times:
    events = recurring_ical_events.of(Calendar.from_ical(data)).between(START, END)
    return utc_pairs((e.decoded("DTSTART"), e.decoded("DTEND")) for e in events)


def with_vobject(data: bytes) -> Times:
    # vobject keeps a process-wide TZID -> tzinfo map in which the first VTIMEZONE seen wins
    registry: dict[str, tzinfo] = getattr(vobject.icalendar, "__tzidMap")
    for tzid in [t for t in registry if t != "UTC"]:
        del registry[tzid]
    calendar = vobject.readOne(data.decode())
    # keyed and compared in UTC: vobject's own tzinfo is slow to ask for offsets
    times: dict[datetime, tuple[datetime, datetime]] = {}
    events = calendar.vevent_list
    for master in (e for e in events if not hasattr(e, "recurrence_id")):
        length = master.dtend.value - master.dtstart.value
        for start in master.getrruleset(addRDate=True).between(START, END, inc=True):
            times[start.astimezone(UTC)] = (start, start + length)
    for override in (e for e in events if hasattr(e, "recurrence_id")):
        times.pop(override.recurrence_id.value.astimezone(UTC), None)
        times[override.dtstart.value.astimezone(UTC)] = (
            override.dtstart.value,
            override.dtend.value,
        )
    return utc_pairs(t for t in times.values() if START <= t[0] < END)


def with_ical(data: bytes) -> Times:
    calendar = IcsCalendarStream.calendar_from_ics(data.decode())
    times = []
    for event in calendar.timeline_tz(UTC):  # in time order, and open-ended series never end
        if not isinstance(event.dtstart, datetime):
            continue
        if event.dtstart >= END:
            break
        if event.dtstart >= START:
            times.append((event.dtstart, event.dtend))
    return utc_pairs(times)


def with_radicale(server: RadicaleServer, data: bytes, name: str = "interop") -> Times:
    """Upload as a client that accepted the invitation would (RFC 4791 resources carry no
    METHOD), then let the server expand the series into instances."""
    text = "\r\n".join(
        line for line in data.decode().split("\r\n") if not line.startswith("METHOD:")
    )
    url = server.calendar(name)
    server.put(url, "series.ics", text)
    span = f'start="{START:%Y%m%dT%H%M%SZ}" end="{END:%Y%m%dT%H%M%SZ}"'
    query = (
        '<?xml version="1.0"?><C:calendar-query xmlns:D="DAV:" '
        'xmlns:C="urn:ietf:params:xml:ns:caldav"><D:prop><C:calendar-data>'
        f"<C:expand {span}/></C:calendar-data></D:prop><C:filter>"
        '<C:comp-filter name="VCALENDAR"><C:comp-filter name="VEVENT">'
        f"<C:time-range {span}/></C:comp-filter></C:comp-filter></C:filter></C:calendar-query>"
    )
    with server.session() as http:
        answer = http.request(
            "REPORT", url, data=query.encode(), headers={"Depth": "1", "Content-Type": "text/xml"}
        )
    assert answer.status_code == 207, answer.status_code
    tree = ElementTree.fromstring(answer.content or b"")
    times: Times = []
    for element in tree.iter("{urn:ietf:params:xml:ns:caldav}calendar-data"):
        for event in Calendar.from_ical(element.text or "").walk("VEVENT"):
            start = event.decoded("DTSTART")
            end = event.decoded("DTEND") if "DTEND" in event else start + timedelta(0)
            times.append((start, end))
    return utc_pairs(times)
