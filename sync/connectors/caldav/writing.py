"""Writing the series checkin-sync books into the organiser's CalDAV calendar, and reading
back what people did to them.

Each series is one calendar object resource, named after the series UID. The first write
uses `If-None-Match: *`, so a retried create never makes a second copy; later writes use
`If-Match` with the ETag just read, so a change a person makes at the same moment is not
overwritten unseen. Attendees' replies (PARTSTAT) already in the calendar are kept.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from typing import Any

from caldav.lib import error as dav_error
from icalendar import Calendar, Component

from sync.connectors.base import Observation, RemoteSeries, WriteFailed
from sync.connectors.caldav.address import CalendarUrl, parse_source
from sync.connectors.caldav.client import CalDavClient, describe
from sync.connectors.retry import RetriesExhausted
from sync.ical.found import found_in_calendar
from sync.ical.itip import caldav_resource
from sync.model.identity import is_own_uid
from sync.model.values import BookedSeries, FoundSeries, Interval, SeriesStatus

CREATED, NO_CONTENT, NOT_FOUND, GONE, PRECONDITION_FAILED = 201, 204, 404, 410, 412
COMPARED = (
    *("DTSTART", "DTEND", "RRULE", "EXDATE", "RECURRENCE-ID"),
    *("SUMMARY", "DESCRIPTION", "STATUS", "ORGANIZER"),
)


def resource_name(uid: str) -> str:
    """The part of a series UID before "@" (base32hex: safe in a URL path), plus ".ics"."""
    return uid.split("@", 1)[0] + ".ics"


class CalDavWriter:
    def __init__(
        self, client: CalDavClient, calendars: Mapping[str, str], server_invites: bool
    ) -> None:
        self.client = client
        self.calendars = {email.lower(): source for email, source in calendars.items()}
        self.server_invites = server_invites

    def calendar_of(self, organiser: str) -> CalendarUrl:
        source = self.calendars.get(organiser.lower())
        if source is None:
            raise WriteFailed(f"{organiser} has no caldav: calendar in people.toml")
        return parse_source(source)

    # ------------------------------------------------------------------ writing

    def write_series(self, series: BookedSeries) -> int:
        before = self.client.requests_by_this_thread()
        calendar = self.calendar_of(series.organiser.email)
        try:
            self._write(calendar, series)
        except (dav_error.DAVError, RetriesExhausted, OSError, ValueError) as error:
            raise WriteFailed(
                f"writing to {series.organiser.email}'s CalDAV calendar failed: "
                f"{describe(error, calendar.label)}"
            ) from error
        return self.client.requests_by_this_thread() - before

    def _write(self, calendar: CalendarUrl, series: BookedSeries) -> None:
        url = calendar.url + resource_name(series.uid)
        if series.status is SeriesStatus.CANCELLED:
            answer = self.client.request(calendar, "DELETE", url, "DELETE")
            if answer.status not in (200, NO_CONTENT, NOT_FOUND, GONE):
                raise WriteFailed(f"{calendar.label}: deleting answered {answer.status}")
            return
        body = caldav_resource(series, server_invites=self.server_invites)
        if series.sequence == 0:
            # the first version: created only if absent, so a repeated write is not a copy
            answer = self._put(calendar, url, body, {"If-None-Match": "*"})
            if answer.status in (CREATED, NO_CONTENT):
                return
            if answer.status != PRECONDITION_FAILED:
                raise WriteFailed(f"{calendar.label}: creating answered {answer.status}")
        current = self.client.request(calendar, "GET", url, "GET")
        if current.status in (NOT_FOUND, GONE):
            raise WriteFailed(
                f"the series was deleted in {series.organiser.email}'s calendar; "
                "it is not re-created"
            )
        if current.status != 200:
            raise WriteFailed(f"{calendar.label}: reading the series answered {current.status}")
        existing = Calendar.from_ical(str(current.raw))
        if _uid(existing) != series.uid:
            raise WriteFailed(f"{url} in {calendar.label} was not made by checkin-sync")
        wanted = _keep_replies(Calendar.from_ical(body), existing)
        if _essence(wanted) == _essence(existing):
            return  # already there, e.g. written just before a crash
        etag = current.headers.get("ETag")
        answer = self._put(calendar, url, wanted.to_ical(), {"If-Match": etag} if etag else {})
        if answer.status == PRECONDITION_FAILED:
            raise WriteFailed(
                f"the series changed in {series.organiser.email}'s calendar while it was "
                "written; the next run tries again"
            )
        if answer.status not in (200, CREATED, NO_CONTENT):
            raise WriteFailed(f"{calendar.label}: updating answered {answer.status}")

    def _put(self, calendar: CalendarUrl, url: str, body: bytes, headers: dict[str, str]) -> Any:
        headers = {"Content-Type": "text/calendar; charset=utf-8", **headers}
        return self.client.request(calendar, "PUT", url, "PUT", body, headers)

    # ------------------------------------------------------------------ reading back

    def observe(
        self, organiser: str, expected: Mapping[str, Sequence[datetime]], window: Interval
    ) -> Observation:
        before = self.client.requests_by_this_thread()
        # a CalDAV resource shows cancelled occurrences itself (EXDATE, STATUS:CANCELLED),
        # so `expected` is not needed here
        observation = Observation()
        try:
            calendar = self.calendar_of(organiser)
        except WriteFailed as error:
            observation.error = str(error)
            return observation
        try:
            for uid in expected:
                answer = self.client.request(
                    calendar, "GET", calendar.url + resource_name(uid), "GET"
                )
                if answer.status in (NOT_FOUND, GONE):
                    observation.series[uid] = RemoteSeries(uid, exists=False)
                elif answer.status == 200:
                    observation.series[uid] = _remote(uid, str(answer.raw), window)
                else:
                    raise WriteFailed(f"{calendar.label}: reading answered {answer.status}")
        except (dav_error.DAVError, RetriesExhausted, OSError, ValueError, WriteFailed) as error:
            observation.series = {}
            detail = (
                str(error) if isinstance(error, WriteFailed) else describe(error, calendar.label)
            )
            observation.error = f"{organiser}'s CalDAV calendar: {detail}"
        observation.requests = self.client.requests_by_this_thread() - before
        return observation

    def list_series(self, organiser: str, window: Interval) -> list[FoundSeries]:
        """Every series this service booked in the organiser's CalDAV calendar (those it
        cancelled were deleted, so they are not there to find)."""
        calendar = self.calendar_of(organiser)
        collection = self.client.client(calendar).calendar(url=calendar.url)
        try:
            items: Any = self.client.call("events", lambda: collection.search(event=True))
            return [
                series
                for item in items
                if is_own_uid(str(item.icalendar_component.get("UID", "")))
                for series in _found(str(item.data), organiser, window)
            ]
        except (dav_error.DAVError, RetriesExhausted, OSError, ValueError) as error:
            raise WriteFailed(
                f"{organiser}'s CalDAV calendar: {describe(error, calendar.label)}"
            ) from error


def _found(text: str, organiser: str, window: Interval) -> list[FoundSeries]:
    found = []
    for series in found_in_calendar(Calendar.from_ical(text), organiser):
        # the calendar's own view of each changed date, as the nightly reconcile reads it
        seen = _remote(series.uid, text, window)
        found.append(replace(series, exceptions=seen.exceptions))
    return found


def _remote(uid: str, text: str, window: Interval) -> RemoteSeries:
    events = [e for e in Calendar.from_ical(text).walk("VEVENT") if str(e.get("UID")) == uid]
    master = next((e for e in events if "RECURRENCE-ID" not in e), None)
    if master is None or str(master.get("STATUS", "")).upper() == "CANCELLED":
        return RemoteSeries(uid, exists=False)
    organiser = str(master.get("ORGANIZER", "")).lower().removeprefix("mailto:")
    declined = frozenset(
        address
        for attendee in _list(master.get("ATTENDEE"))
        if str(attendee.params.get("PARTSTAT", "")).upper() == "DECLINED"
        and (address := str(attendee).lower().removeprefix("mailto:")) != organiser
    )
    exceptions: dict[datetime, Interval | None] = {}
    for exdate in _list(master.get("EXDATE")):
        for value in exdate.dts:
            exceptions[_utc(value.dt)] = None
    for override in events:
        if "RECURRENCE-ID" not in override:
            continue
        original = _utc(override.decoded("RECURRENCE-ID"))
        if str(override.get("STATUS", "")).upper() == "CANCELLED":
            exceptions[original] = None
            continue
        start = _utc(override.decoded("DTSTART"))
        end = _utc(override.decoded("DTEND")) if "DTEND" in override else start
        if start != original:
            exceptions[original] = Interval(start, end)
    margin = timedelta(days=1)
    inside = {
        original: where
        for original, where in exceptions.items()
        if window.start - margin <= original <= window.end + margin
    }
    return RemoteSeries(uid, exists=True, declined_by=declined, exceptions=inside)


def _keep_replies(wanted: Calendar, existing: Calendar) -> Calendar:
    """Our new version, with each attendee's answer as the calendar has it: per occurrence
    where the calendar has one for it, else as given for the whole series."""
    replies: dict[tuple[bytes, str], Any] = {}
    for event in existing.walk("VEVENT"):
        occurrence = _text(event.get("RECURRENCE-ID"))
        for attendee in _list(event.get("ATTENDEE")):
            if "PARTSTAT" in attendee.params:
                replies[(occurrence, str(attendee).lower())] = attendee.params["PARTSTAT"]
    for event in wanted.walk("VEVENT"):
        occurrence = _text(event.get("RECURRENCE-ID"))
        for attendee in _list(event.get("ATTENDEE")):
            email = str(attendee).lower()
            answer = replies.get((occurrence, email), replies.get((b"", email)))
            if answer is not None:
                attendee.params["PARTSTAT"] = answer
    return wanted


def _essence(calendar: Calendar) -> list[tuple[bytes, ...]]:
    """What a write would change, ignoring property order and server-side additions."""
    return sorted(
        (*(_text(event.get(name)) for name in COMPARED), _attendees(event))
        for event in calendar.walk("VEVENT")
    )


def _text(value: Any) -> bytes:
    if value is None:
        return b""
    return b"|".join(sorted(item.to_ical() for item in _list(value)))


def _attendees(event: Component) -> bytes:
    return b"|".join(
        sorted(
            str(a).lower().encode() + b";" + str(a.params.get("PARTSTAT", "")).encode()
            for a in _list(event.get("ATTENDEE"))
        )
    )


def _uid(calendar: Calendar) -> str | None:
    for event in calendar.walk("VEVENT"):
        return str(event.get("UID"))
    return None


def _list(value: Any) -> list[Any]:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def _utc(value: date | datetime) -> datetime:
    if not isinstance(value, datetime):
        return datetime(value.year, value.month, value.day, tzinfo=UTC)
    return value.astimezone(UTC) if value.tzinfo else value.replace(tzinfo=UTC)
