"""Writing the series checkin-sync books into the organiser's Google Calendar, and reading
back what people did to them.

The event id is derived from the series identity (base32hex, as Google allows), so inserting
the same series twice answers 409 and is treated as done. Every write compares first and
changes only what differs, so running it again changes nothing and notifies nobody twice.

Series are written together through Google's batch endpoint (write_rounds.py): each round
carries the next calls of every series, 50 to a round trip. A series tonight's read-back
saw is compared with what it saw (its event and every changed date), so it is neither
inserted to find out that it exists nor read again; a series whose state is uncertain (not
seen: new, or recorded before a run that stopped) is inserted, and a 409 reads what is there.
"""

from __future__ import annotations

from collections.abc import Callable, Generator, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sync.connectors.base import ToWrite, WriteFailed, Written
from sync.connectors.batch_rounds import Outcome
from sync.connectors.google import batching
from sync.connectors.google.auth import SCOPE_EVENTS
from sync.connectors.google.client import CalendarApi, GoogleClient
from sync.connectors.google.errors import describe, status_of
from sync.connectors.google.held import GoogleHeld
from sync.connectors.google.times import parse_instant, rfc3339
from sync.connectors.retry import GaveUpTonight
from sync.connectors.write_rounds import Program, drive, write_one
from sync.model.series_end import dates_to_bring_in_line
from sync.model.values import (
    BookedSeries,
    Interval,
    Occurrence,
    OccurrenceStatus,
    SeriesStatus,
)

TAG = "checkinSync"
SERIES_KEY = "checkinSeries"
GONE = (404, 410)
EXCEPTION_REACH_DAYS = 400
"""How far past an ended series' last date a moved date is looked for: beyond any horizon."""
Item = dict[str, Any]
Steps = Generator[list[batching.Call], list[Outcome], Any]


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

    def write_series(self, series: BookedSeries) -> int:
        return write_one(self.write_many, series)

    def write_many(self, items: Sequence[ToWrite]) -> list[Written]:
        programs = [
            self._program(series, seen.held if seen and isinstance(seen.held, GoogleHeld) else None)
            for series, seen in items
        ]
        organisers = [series.organiser.email for series, _ in items]
        return drive(programs, lambda calls: batching.run(self.client, calls), organisers)

    def _program(self, series: BookedSeries, held: GoogleHeld | None) -> Program[batching.Call]:
        organiser = series.organiser.email
        event = event_id(series.uid)
        calls = _Calls(organiser)
        if series.status is SeriesStatus.CANCELLED or (
            series.one_off and not any(o.takes_place for o in series.occurrences)
        ):
            _check(series, (yield [calls.delete(event)]), allowed=GONE)
            return
        body = event_body(series)
        if held is None:
            (inserted,) = yield [calls.insert(body)]
            if not isinstance(inserted, Exception):
                yield from self._exceptions(series, {}, created=True)
                return
            if status_of(inserted) != 409:
                _check(series, [inserted])
            # the id is taken: by this series from an earlier (perhaps interrupted) write, or
            # by something else, which must never be overwritten
            (existing,) = yield [calls.get(event)]
            if status_of(existing) in GONE:
                raise _deleted(organiser)
            _check(series, [existing])
            current = None
        else:
            existing, current = held.master, held.dates
        private = existing.get("extendedProperties", {}).get("private", {})
        if private.get(SERIES_KEY) != series.uid:
            raise WriteFailed(
                f"event {event} in {organiser}'s calendar was not made by checkin-sync"
            )
        if existing.get("status") == "cancelled":
            raise _deleted(organiser)
        if _differs(existing, body):
            patch = {key: value for key, value in body.items() if key != "id"}
            _check(series, (yield [calls.patch(event, patch)]))
        if series.one_off:
            return  # its one date is the event itself
        if current is None:
            changes = dates_to_bring_in_line(series, created=False)
            current = (yield from self._listed(series, event, _reach(changes))) if changes else {}
        yield from self._exceptions(series, current, created=False)
        if series.until is not None:
            yield from self._drop_after_end(series, event, series.until, held)

    def _exceptions(
        self, series: BookedSeries, current: dict[datetime, Item], *, created: bool
    ) -> Steps:
        """Bring each changed date in line, all in one round. ``created``: the event was
        made just now, so every instance is still where the rule puts it, under its
        documented id. ``current``: the instances the calendar holds apart from the rule,
        by their rule start; a date not in it is where the rule puts it."""
        if series.one_off:
            return
        calls = _Calls(series.organiser.email)
        event = event_id(series.uid)
        writes, gone_is_done = [], []
        for occurrence in dates_to_bring_in_line(series, created=created):
            item = current.get(occurrence.original_start)
            if item is None and occurrence.status is OccurrenceStatus.OK:
                continue  # not in the calendar as a date of its own: where the rule puts it
            target = item["id"] if item else instance_id(event, occurrence.original_start)
            if occurrence.status is OccurrenceStatus.SKIPPED:
                if item is None or item.get("status") != "cancelled":
                    writes.append(calls.delete(target))
                    gone_is_done.append(True)
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
            writes.append(calls.patch(target, patch))
            gone_is_done.append(False)
        if writes:
            outcomes = yield writes
            for outcome, deleting in zip(outcomes, gone_is_done, strict=True):
                _check(series, [outcome], allowed=GONE if deleting else ())

    def _drop_after_end(
        self, series: BookedSeries, event: str, until: datetime, held: GoogleHeld | None
    ) -> Steps:
        """An ended series keeps no date after its last one. A date that had been moved is
        an exception of its own, which a shorter rule does not remove: it is deleted."""
        if held is not None:
            dates = {original: held.dates[original] for original in held.changed}
        else:
            reach = Interval(
                until + timedelta(seconds=1), until + timedelta(days=EXCEPTION_REACH_DAYS)
            )
            dates = yield from self._listed(series, event, reach)
        calls = _Calls(series.organiser.email)
        doomed = [
            calls.delete(item["id"])
            for original, item in sorted(dates.items())
            if original > until and item.get("status") != "cancelled"
        ]
        if doomed:
            _check(series, (yield doomed), allowed=GONE)

    def _listed(self, series: BookedSeries, event: str, window: Interval) -> Steps:
        """The series' instances in `window`, by rule start, page after page."""
        organiser = series.organiser.email
        found: dict[datetime, Item] = {}
        token: str | None = None
        while True:

            def page(cal: CalendarApi, token: str | None = token) -> Any:
                return cal.events().instances(
                    calendarId=organiser,
                    eventId=event,
                    timeMin=rfc3339(window.start),
                    timeMax=rfc3339(window.end),
                    showDeleted=True,
                    pageToken=token,
                )

            (answer,) = yield [batching.Call("events.instances", organiser, SCOPES, page)]
            _check(series, [answer])
            for item in answer.get("items", []):
                if "originalStartTime" in item:
                    found[parse_instant(item["originalStartTime"])] = item
            token = answer.get("nextPageToken")
            if not token:
                return found


SCOPES = (SCOPE_EVENTS,)


class _Calls:
    """The writing calls on one organiser's calendar, each telling everyone concerned."""

    def __init__(self, organiser: str) -> None:
        self.organiser = organiser

    def _call(self, kind: str, request: Callable[[CalendarApi], Any]) -> batching.Call:
        return batching.Call(kind, self.organiser, SCOPES, request)

    def insert(self, body: Item) -> batching.Call:
        return self._call(
            "events.insert",
            lambda cal: cal.events().insert(
                calendarId=self.organiser, body=body, sendUpdates="all"
            ),
        )

    def get(self, event: str) -> batching.Call:
        return self._call(
            "events.get", lambda cal: cal.events().get(calendarId=self.organiser, eventId=event)
        )

    def patch(self, event: str, body: Item) -> batching.Call:
        return self._call(
            "events.patch",
            lambda cal: cal.events().patch(
                calendarId=self.organiser, eventId=event, body=body, sendUpdates="all"
            ),
        )

    def delete(self, event: str) -> batching.Call:
        return self._call(
            "events.delete",
            lambda cal: cal.events().delete(
                calendarId=self.organiser, eventId=event, sendUpdates="all"
            ),
        )


def _reach(changes: Sequence[Occurrence]) -> Interval:
    """Where the dates a write compares lie, with a margin for dates moved within a week."""
    first = min(o.original_start for o in changes) - timedelta(days=1)
    last = max(max(o.original_start, o.start) for o in changes) + timedelta(days=8)
    return Interval(first, last)


def _check(
    series: BookedSeries, outcomes: Sequence[Outcome], allowed: tuple[int, ...] = ()
) -> None:
    """Every call answered (or failed in a way that means done, `allowed`); else the series
    is not written, and the report says why."""
    for outcome in outcomes:
        if isinstance(outcome, GaveUpTonight):
            raise outcome
        if isinstance(outcome, Exception) and status_of(outcome) not in allowed:
            raise WriteFailed(
                f"writing to {series.organiser.email}'s Google Calendar failed: {describe(outcome)}"
            ) from outcome


def _deleted(organiser: str) -> WriteFailed:
    return WriteFailed(f"the series was deleted in {organiser}'s calendar; it is not re-created")
