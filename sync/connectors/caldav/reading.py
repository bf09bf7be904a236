"""Busy time from CalDAV calendars: a free-busy query (RFC 4791 7.10) where the server
answers one, which reveals no titles; where it does not, the events in the window, expanded
and judged like any iCalendar file (transparent, cancelled and declined events leave the
person free). Nothing of an event but its times is kept.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from caldav.lib import error as dav_error
from icalendar import Calendar

from sync.connectors.base import BusyReading, CalendarRef, clip
from sync.connectors.caldav.account import HostNotAllowed
from sync.connectors.caldav.address import CalendarUrl, parse_source
from sync.connectors.caldav.client import CalDavClient, describe
from sync.connectors.ics_busy import IcsError, busy_from_ics
from sync.connectors.retry import RetriesExhausted
from sync.model.values import BusyBlock, BusyKind, Interval

NO_FREE_BUSY = (400, 403, 405, 415, 501)
"""Answers of servers that do not offer free-busy queries (or not to this account)."""
BUSY_TYPES = ("BUSY", "BUSY-TENTATIVE", "BUSY-UNAVAILABLE")
NOT_FOUND = 404


class CalDavReader:
    def __init__(self, client: CalDavClient) -> None:
        self.client = client

    def read_busy(self, people: Sequence[CalendarRef], window: Interval) -> BusyReading:
        # every request of this read is sent on this thread, one calendar after another
        before = self.client.requests_by_this_thread()
        reading = BusyReading()
        for person in people:
            calendar = parse_source(person.source)
            try:
                blocks = self._free_busy(calendar, window)
                if blocks is None:
                    blocks = self._from_events(calendar, person, window, reading)
            except IcsError as error:
                reading.errors[person.email] = str(error)
            except HostNotAllowed as error:
                reading.errors[person.email] = (
                    f"{error} (the calendar of {person.email} in people.toml)"
                )
            except (dav_error.DAVError, RetriesExhausted, OSError, ValueError) as error:
                reading.errors[person.email] = _why(error, calendar)
            else:
                reading.busy[person.email] = clip(blocks, window)
        reading.requests = self.client.requests_by_this_thread() - before
        return reading

    def _free_busy(self, calendar: CalendarUrl, window: Interval) -> list[BusyBlock] | None:
        """Busy periods from the server, or None where it answers no free-busy queries."""
        collection = self.client.client(calendar).calendar(url=calendar.url)
        try:
            answer: Any = self.client.call(
                "free-busy", lambda: collection.freebusy_request(window.start, window.end)
            )
        except dav_error.NotFoundError:
            raise
        except dav_error.DAVError as error:
            if error.status in NO_FREE_BUSY and not isinstance(error, dav_error.AuthorizationError):
                return None
            raise
        return _periods(str(answer.data))

    def _from_events(
        self, calendar: CalendarUrl, person: CalendarRef, window: Interval, reading: BusyReading
    ) -> list[BusyBlock]:
        collection = self.client.client(calendar).calendar(url=calendar.url)
        found: Any = self.client.call(
            "events",
            lambda: collection.search(start=window.start, end=window.end, event=True),
        )
        data = "".join(str(item.data) for item in found).encode()
        if not data:
            return []
        blocks, own = busy_from_ics(
            data,
            person_email=person.email,
            person_timezone=person.timezone,
            window=window,
            source_label=calendar.label,
        )
        if own:
            reading.own_events.setdefault(person.email, set()).update(own)
        return blocks


def _periods(text: str) -> list[BusyBlock]:
    blocks = []
    for component in Calendar.from_ical(text).walk("VFREEBUSY"):
        values: Any = component.get("FREEBUSY", [])
        for value in values if isinstance(values, list) else [values]:
            kind = str(value.params.get("FBTYPE", "BUSY")).upper()
            if kind not in BUSY_TYPES:
                continue
            start, end_or_length = value.dt
            end = end_or_length if isinstance(end_or_length, datetime) else start + end_or_length
            blocks.append(BusyBlock(_utc(start), _utc(end), BusyKind.BUSY))
    return sorted(blocks)


def _utc(instant: datetime) -> datetime:
    return instant.astimezone(UTC) if instant.tzinfo else instant.replace(tzinfo=UTC)


def _why(error: BaseException, calendar: CalendarUrl) -> str:
    if isinstance(error, dav_error.NotFoundError) or getattr(error, "status", None) == NOT_FOUND:
        return f"{calendar.label}: no such calendar on the server (404)"
    return describe(error, calendar.label)
