"""Writing the series checkin-sync books into the organiser's Google Calendar, and reading
back what people did to them.

The event id is derived from the series identity (base32hex, as Google allows), so inserting
the same series twice answers 409 and is treated as done. Every write compares first and
changes only what differs, so running it again changes nothing and notifies nobody twice.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from googleapiclient.errors import HttpError

from sync.connectors.base import WriteFailed
from sync.connectors.google.auth import SCOPE_EVENTS
from sync.connectors.google.client import GoogleClient
from sync.connectors.google.errors import describe, status_of
from sync.connectors.google.times import parse_instant, rfc3339
from sync.connectors.retry import RetriesExhausted
from sync.model.series_end import dates_to_bring_in_line
from sync.model.values import BookedSeries, Interval, OccurrenceStatus, SeriesStatus

TAG = "checkinSync"
SERIES_KEY = "checkinSeries"
GONE = (404, 410)
EXCEPTION_REACH_DAYS = 400
"""How far past an ended series' last date a moved date is looked for: beyond any horizon."""


def event_id(uid: str) -> str:
    """The part of a series UID before "@": already base32hex, a valid Google event id."""
    return uid.split("@", 1)[0]


def instance_id(event: str, original_start: datetime) -> str:
    """Google's id for one occurrence of a recurring event."""
    return f"{event}_{original_start.astimezone(UTC):%Y%m%dT%H%M%SZ}"


def _when(instant: datetime, zone: str) -> dict[str, str]:
    return {"dateTime": instant.isoformat(), "timeZone": zone}


def event_body(series: BookedSeries) -> dict[str, Any]:
    """The event as it should be: a recurring one, or for a one-off a single event at its
    date as it stands now."""
    start = series.first_start
    end = start + timedelta(minutes=series.duration)
    recurrence: list[str] = []
    if series.one_off:
        if series.occurrences:
            start, end = series.occurrences[0].start, series.occurrences[0].end
    else:
        rule = series.rrule
        if series.until is not None:
            rule += f";UNTIL={series.until.astimezone(UTC):%Y%m%dT%H%M%SZ}"
        recurrence = [f"RRULE:{rule}"]
    return {
        "id": event_id(series.uid),
        "summary": series.summary,
        "description": series.description,
        "start": _when(start.astimezone(ZoneInfo(series.timezone)), series.timezone),
        "end": _when(end.astimezone(ZoneInfo(series.timezone)), series.timezone),
        "recurrence": recurrence,
        "attendees": [{"email": series.attendee.email, "displayName": series.attendee.name}],
        "extendedProperties": {"private": {TAG: "1", SERIES_KEY: series.uid}},
        "transparency": "opaque",
        "guestsCanModify": False,
    }


def _differs(existing: dict[str, Any], body: dict[str, Any]) -> bool:
    def instant(value: dict[str, Any]) -> datetime | None:
        return parse_instant(value) if value and "dateTime" in value else None

    return (
        existing.get("summary") != body["summary"]
        or existing.get("description") != body["description"]
        or (existing.get("recurrence") or []) != body["recurrence"]
        or instant(existing.get("start", {})) != instant(body["start"])
        or instant(existing.get("end", {})) != instant(body["end"])
        or existing.get("start", {}).get("timeZone") != body["start"]["timeZone"]
        or {a.get("email", "").lower() for a in existing.get("attendees", [])}
        != {a["email"].lower() for a in body["attendees"]}
    )


class GoogleWriter:
    def __init__(self, client: GoogleClient) -> None:
        self.client = client

    def _call(self, kind: str, organiser: str, request: Any) -> Any:
        return self.client.call(kind, organiser, [SCOPE_EVENTS], request)

    def _pages(self, kind: str, organiser: str, request: Any) -> Iterator[dict[str, Any]]:
        """Every item of a paged listing; ``request(calendar, page_token)`` asks for a page."""
        token: str | None = None
        while True:
            answer = self._call(kind, organiser, lambda cal, token=token: request(cal, token))
            yield from answer.get("items", [])
            token = answer.get("nextPageToken")
            if not token:
                return

    def write_series(self, series: BookedSeries) -> int:
        before = self.client.requests_by_this_thread()
        try:
            self._write(series)
        except (HttpError, RetriesExhausted, OSError) as error:
            raise WriteFailed(
                f"writing to {series.organiser.email}'s Google Calendar failed: {describe(error)}"
            ) from error
        return self.client.requests_by_this_thread() - before

    def _write(self, series: BookedSeries) -> None:
        organiser = series.organiser.email
        event = event_id(series.uid)
        if series.status is SeriesStatus.CANCELLED or (
            series.one_off and not any(o.takes_place for o in series.occurrences)
        ):
            self._delete(organiser, event)
            return
        body = event_body(series)
        try:
            self._call(
                "events.insert",
                organiser,
                lambda cal: cal.events().insert(calendarId=organiser, body=body, sendUpdates="all"),
            )
        except HttpError as error:
            if status_of(error) != 409:
                raise
            self._update_existing(series, body)
            self._write_exceptions(series)
            if series.until is not None and not series.one_off:
                self._drop_after_end(organiser, event, series.until)
        else:
            self._write_exceptions(series, created=True)

    def _update_existing(self, series: BookedSeries, body: dict[str, Any]) -> None:
        """The id is taken: by this series from an earlier (perhaps interrupted) write, or by
        something else, which must never be overwritten."""
        organiser = series.organiser.email
        event = body["id"]
        try:
            existing = self._call(
                "events.get",
                organiser,
                lambda cal: cal.events().get(calendarId=organiser, eventId=event),
            )
        except HttpError as error:
            if status_of(error) in GONE:
                raise WriteFailed(
                    f"the series was deleted in {organiser}'s calendar; it is not re-created"
                ) from error
            raise
        private = existing.get("extendedProperties", {}).get("private", {})
        if private.get(SERIES_KEY) != series.uid:
            raise WriteFailed(
                f"event {event} in {organiser}'s calendar was not made by checkin-sync"
            )
        if existing.get("status") == "cancelled":
            raise WriteFailed(
                f"the series was deleted in {organiser}'s calendar; it is not re-created"
            )
        if _differs(existing, body):
            patch = {key: value for key, value in body.items() if key != "id"}
            self._call(
                "events.patch",
                organiser,
                lambda cal: cal.events().patch(
                    calendarId=organiser, eventId=event, body=patch, sendUpdates="all"
                ),
            )

    def _write_exceptions(self, series: BookedSeries, *, created: bool = False) -> None:
        """Bring each changed date in line. ``created``: the event was made just now, so every
        instance is still where the rule puts it, under its documented id, and there is
        nothing to list first."""
        if series.one_off:
            return  # its one date is the event itself
        changes = dates_to_bring_in_line(series, created=created)
        if not changes:
            return
        organiser = series.organiser.email
        event = event_id(series.uid)
        first = min(o.original_start for o in changes) - timedelta(days=1)
        last = max(max(o.original_start, o.start) for o in changes) + timedelta(days=8)
        current = (
            {}
            if created
            else {
                parse_instant(item["originalStartTime"]): item
                for item in self._instances(organiser, event, Interval(first, last))
                if "originalStartTime" in item
            }
        )
        for occurrence in changes:
            item = current.get(occurrence.original_start)
            if item is None and occurrence.status is OccurrenceStatus.OK:
                continue  # not in the calendar as a date of its own: where the rule puts it
            target = item["id"] if item else instance_id(event, occurrence.original_start)
            if occurrence.status is OccurrenceStatus.SKIPPED:
                if item is None or item.get("status") != "cancelled":
                    self._delete(organiser, target)
                continue
            if (
                item is not None
                and item.get("status") != "cancelled"
                and (parse_instant(item["start"]) == occurrence.start)
            ):
                continue
            patch = {
                "start": _when(occurrence.start.astimezone(UTC), series.timezone),
                "end": _when(occurrence.end.astimezone(UTC), series.timezone),
                "status": "confirmed",
            }
            self._call(
                "events.patch",
                organiser,
                lambda cal, target=target, patch=patch: cal.events().patch(
                    calendarId=organiser, eventId=target, body=patch, sendUpdates="all"
                ),
            )

    def _delete(self, organiser: str, event: str) -> None:
        try:
            self._call(
                "events.delete",
                organiser,
                lambda cal: cal.events().delete(
                    calendarId=organiser, eventId=event, sendUpdates="all"
                ),
            )
        except HttpError as error:
            if status_of(error) not in GONE:
                raise

    def _drop_after_end(self, organiser: str, event: str, until: datetime) -> None:
        """An ended series keeps no date after its last one. A date that had been moved is
        an exception of its own, which a shorter rule does not remove: it is deleted."""
        after = Interval(until + timedelta(seconds=1), until + timedelta(days=EXCEPTION_REACH_DAYS))
        for item in self._instances(organiser, event, after):
            original = item.get("originalStartTime")
            if item.get("status") != "cancelled" and original and parse_instant(original) > until:
                self._delete(organiser, item["id"])

    def _instances(self, organiser: str, event: str, window: Interval) -> Iterator[dict[str, Any]]:
        return self._pages(
            "events.instances",
            organiser,
            lambda cal, token: cal.events().instances(
                calendarId=organiser,
                eventId=event,
                timeMin=rfc3339(window.start),
                timeMax=rfc3339(window.end),
                showDeleted=True,
                pageToken=token,
            ),
        )
