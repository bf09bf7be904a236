"""Writing the series checkin-sync books into the organiser's Outlook calendar through Graph,
and reading back what people did to them.

Graph chooses event ids itself, so a series is found by its extended property (the series
UID) before anything is created, and creation carries a `transactionId` so that a retried
POST does not make a second event. Every write compares first and changes only what differs.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sync.connectors.base import Observation, WriteFailed
from sync.connectors.outlook.auth import TokenRefused, TokenUnavailable
from sync.connectors.outlook.client import GraphClient, GraphError, describe
from sync.connectors.outlook.observing import (
    CalendarReadBack,
    changed_dates,
    pages,
    utc_window,
)
from sync.connectors.outlook.reading import graph_time, iana_zone
from sync.connectors.outlook.reading_back import observe_many
from sync.connectors.retry import RetriesExhausted
from sync.model.series_end import dates_to_bring_in_line
from sync.model.values import BookedSeries, FoundSeries, Interval, OccurrenceStatus, SeriesStatus

# PS_PUBLIC_STRINGS: the property set Microsoft documents for custom named properties
SERIES_PROPERTY = "String {00020329-0000-0000-C000-000000000046} Name checkinSeries"
DAY_NAMES = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
RRULE_DAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
INDEX = {"1": "first", "2": "second", "3": "third", "4": "fourth", "-1": "last"}
CANCEL_COMMENT = "This check-in series has ended."
PROVIDER_ERRORS = (GraphError, TokenRefused, TokenUnavailable, RetriesExhausted, OSError)


def recurrence(series: BookedSeries) -> dict[str, Any]:
    """The series' RRULE as Graph's patternedRecurrence."""
    parts = dict(part.split("=", 1) for part in series.rrule.split(";"))
    byday = parts["BYDAY"]
    day = DAY_NAMES[RRULE_DAYS.index(byday[-2:])]
    pattern: dict[str, Any]
    if parts["FREQ"] == "MONTHLY":
        pattern = {
            "type": "relativeMonthly",
            "interval": 1,
            "daysOfWeek": [day],
            "index": INDEX[byday[:-2]],
        }
    else:
        pattern = {
            "type": "weekly",
            "interval": int(parts.get("INTERVAL", "1")),
            "daysOfWeek": [day],
            "firstDayOfWeek": "monday",
        }
    zone = ZoneInfo(series.timezone)
    start = series.first_start.astimezone(zone).date().isoformat()
    span: dict[str, Any] = {"type": "noEnd", "startDate": start}
    if series.until is not None:
        # `until` is the start of the last date kept; endDate is that local date (inclusive)
        last = series.until.astimezone(zone).date().isoformat()
        span = {"type": "endDate", "startDate": start, "endDate": last}
    span["recurrenceTimeZone"] = series.timezone
    return {"pattern": pattern, "range": span}


def rule_from(value: dict[str, Any], zone: str) -> tuple[str, datetime | None]:
    """Graph's patternedRecurrence back to the RRULE this service wrote (the inverse of
    `recurrence`), and the instant the series ends, if it has an end date."""
    pattern, span = value.get("pattern", {}), value.get("range", {})
    day = RRULE_DAYS[DAY_NAMES.index(str(pattern["daysOfWeek"][0]).lower())]
    if pattern.get("type") == "relativeMonthly":
        nth = {name: number for number, name in INDEX.items()}[pattern.get("index", "first")]
        rule = f"FREQ=MONTHLY;BYDAY={nth}{day}"
    else:
        interval = int(pattern.get("interval", 1))
        rule = f"FREQ=WEEKLY;BYDAY={day}" if interval == 1 else (
            f"FREQ=WEEKLY;INTERVAL={interval};BYDAY={day}"
        )  # fmt: skip
    until = None
    if span.get("type") == "endDate" and span.get("endDate"):
        # endDate is the last local day that may hold an occurrence: the rule is read as
        # ending at that day's last moment (rebuild turns it into the last date's start)
        after = datetime.fromisoformat(span["endDate"]).date() + timedelta(days=1)
        until = datetime.combine(after, datetime.min.time(), ZoneInfo(zone))
        until -= timedelta(microseconds=1)
    return rule, until


def _local(instant: datetime, zone: str) -> dict[str, str]:
    local = instant.astimezone(ZoneInfo(zone)).replace(tzinfo=None)
    return {"dateTime": local.isoformat(timespec="seconds"), "timeZone": zone}


def event_body(series: BookedSeries) -> dict[str, Any]:
    """The event as it should be: a recurring one, or for a one-off a single event at its
    date as it stands now."""
    start = series.first_start
    end = start + timedelta(minutes=series.duration)
    if series.one_off and series.occurrences:
        start, end = series.occurrences[0].start, series.occurrences[0].end
    body: dict[str, Any] = {
        "subject": series.summary,
        "body": {"contentType": "text", "content": series.description},
        "start": _local(start, series.timezone),
        "end": _local(end, series.timezone),
        "attendees": [
            {
                "emailAddress": {"address": series.attendee.email, "name": series.attendee.name},
                "type": "required",
            }
        ],
        "showAs": "busy",
        "singleValueExtendedProperties": [{"id": SERIES_PROPERTY, "value": series.uid}],
    }
    if not series.one_off:
        body["recurrence"] = recurrence(series)
    return body


def _differs(existing: dict[str, Any], body: dict[str, Any]) -> bool:
    def instant(value: dict[str, str] | None) -> datetime | None:
        return graph_time(value) if value else None

    def text(value: dict[str, Any] | None) -> str:
        return str((value or {}).get("content", "")).strip()

    existing_attendees = {
        str(a.get("emailAddress", {}).get("address", "")).lower()
        for a in existing.get("attendees", [])
    }
    return (
        existing.get("subject") != body["subject"]
        or text(existing.get("body")) != text(body["body"])
        or instant(existing.get("start")) != instant(body["start"])
        or instant(existing.get("end")) != instant(body["end"])
        or _range(existing.get("recurrence")) != _range(body.get("recurrence"))
        or (existing.get("recurrence") or {}).get("pattern", {}).get("interval")
        != (body.get("recurrence") or {}).get("pattern", {}).get("interval")
        or existing_attendees != {a["emailAddress"]["address"].lower() for a in body["attendees"]}
    )


def _range(value: dict[str, Any] | None) -> tuple[str, str]:
    span = (value or {}).get("range", {})
    return str(span.get("type", "")), str(span.get("endDate", ""))


class GraphWriter:
    def __init__(self, client: GraphClient) -> None:
        self.client = client

    def write_series(self, series: BookedSeries) -> int:
        before = self.client.requests_by_this_thread()
        try:
            self._write(series)
        except PROVIDER_ERRORS as error:
            raise WriteFailed(
                f"writing to {series.organiser.email}'s Outlook calendar failed: {describe(error)}"
            ) from error
        return self.client.requests_by_this_thread() - before

    def _write(self, series: BookedSeries) -> None:
        organiser = series.organiser.email
        existing = self.find(organiser, series.uid)
        if series.status is SeriesStatus.CANCELLED or (
            series.one_off and not any(o.takes_place for o in series.occurrences)
        ):
            if existing is not None and not existing.get("isCancelled"):
                self.client.call(
                    "events.cancel",
                    organiser,
                    "POST",
                    self.client.url(organiser, f"/events/{existing['id']}/cancel"),
                    body={"comment": CANCEL_COMMENT},
                )
            return
        body = event_body(series)
        if existing is None:
            created = self.client.call(
                "events.create",
                organiser,
                "POST",
                self.client.url(organiser, "/events"),
                body={**body, "transactionId": series.uid.split("@", 1)[0]},
            )
            event = str(created["id"])
        else:
            event = str(existing["id"])
            if existing.get("isCancelled"):
                raise WriteFailed(
                    f"the series was cancelled in {organiser}'s calendar; it is not re-created"
                )
            if _differs(existing, body):
                self.client.call(
                    "events.patch",
                    organiser,
                    "PATCH",
                    self.client.url(organiser, f"/events/{event}"),
                    body={k: v for k, v in body.items() if k != "singleValueExtendedProperties"},
                )
        self._write_exceptions(series, event, created=existing is None)

    def find(self, organiser: str, uid: str) -> dict[str, Any] | None:
        """The series' event in the organiser's calendar, found by its tag."""
        answer = self.client.call(
            "events.list",
            organiser,
            "GET",
            self.client.url(organiser, "/events"),
            params={
                "$filter": (
                    "singleValueExtendedProperties/Any(ep: ep/id eq "
                    f"'{SERIES_PROPERTY}' and ep/value eq '{uid}')"
                ),
                "$expand": f"singleValueExtendedProperties($filter=id eq '{SERIES_PROPERTY}')",
            },
        )
        for item in answer.get("value", []):
            if item.get("type", "seriesMaster") in ("seriesMaster", "singleInstance"):
                return dict(item)
        return None

    def _write_exceptions(self, series: BookedSeries, event: str, *, created: bool) -> None:
        if series.one_off:
            return  # its one date is the event itself
        changes = dates_to_bring_in_line(series, created=created)
        if not changes:
            return
        organiser = series.organiser.email
        first = min(o.original_start for o in changes) - timedelta(days=1)
        last = max(max(o.original_start, o.start) for o in changes) + timedelta(days=8)
        current = {
            graph_time(_utc(item["originalStart"])): item
            for item in self.instances(organiser, event, Interval(first, last))
            if "originalStart" in item
        }
        for occurrence in changes:
            item = current.get(occurrence.original_start)
            if item is None:
                continue  # cancelled already (Graph leaves cancelled occurrences out)
            if occurrence.status is OccurrenceStatus.SKIPPED:
                self.client.call(
                    "events.delete",
                    organiser,
                    "DELETE",
                    self.client.url(organiser, f"/events/{item['id']}"),
                )
                continue
            if graph_time(item["start"]) == occurrence.start:
                continue
            self.client.call(
                "events.patch",
                organiser,
                "PATCH",
                self.client.url(organiser, f"/events/{item['id']}"),
                body={
                    "start": _local(occurrence.start, series.timezone),
                    "end": _local(occurrence.end, series.timezone),
                },
            )

    def instances(self, organiser: str, event: str, window: Interval) -> Iterator[dict[str, Any]]:
        path = f"/events/{event}/instances"
        yield from pages(self.client, "events.instances", organiser, path, utc_window(window))

    # ------------------------------------------------------------------ reading back

    def observe(
        self, organiser: str, expected: Mapping[str, Sequence[datetime]], window: Interval
    ) -> Observation:
        before = self.client.requests_by_this_thread()
        observation = Observation()
        read_back = CalendarReadBack(self.client, organiser, SERIES_PROPERTY, self.instances)
        try:
            observation.series = read_back.observe(expected, window)
        except PROVIDER_ERRORS as error:
            observation.series = {}
            observation.error = f"{organiser}'s Outlook calendar: {describe(error)}"
        observation.requests = self.client.requests_by_this_thread() - before
        return observation

    def observe_many(
        self, groups: Mapping[str, Mapping[str, Sequence[datetime]]], window: Interval
    ) -> dict[str, Observation]:
        return observe_many(
            self.client, SERIES_PROPERTY, self.instances, groups, window, PROVIDER_ERRORS
        )

    def list_series(self, organiser: str, window: Interval) -> list[FoundSeries]:
        read_back = CalendarReadBack(self.client, organiser, SERIES_PROPERTY, self.instances)
        try:
            events = read_back.tagged_events()
            dates = read_back.tagged_dates(window)
            return [
                _found(organiser, uid, item, read_back.dates_of(str(item["id"]), window, dates))
                for uid, item in events.items()
                if item.get("type", "seriesMaster") == "seriesMaster"
            ]
        except PROVIDER_ERRORS as error:
            raise WriteFailed(f"{organiser}'s Outlook calendar: {describe(error)}") from error


def _utc(value: str) -> dict[str, str]:
    """`originalStart` is a bare instant ("2027-02-02T14:00:00Z"), unlike start and end."""
    return {"dateTime": value, "timeZone": "UTC"}


def _found(
    organiser: str, uid: str, item: dict[str, Any], dates: Iterable[dict[str, Any]]
) -> FoundSeries:
    """A series master as the store needs it to rebuild the series."""
    start, end = graph_time(item["start"]), graph_time(item["end"])
    # Graph answers in UTC unless asked otherwise; the series' own zone is kept here
    zone = iana_zone(
        item["recurrence"].get("range", {}).get("recurrenceTimeZone")
        or item.get("originalStartTimeZone")
        or item["start"].get("timeZone", "UTC")
    )
    rule, until = rule_from(item["recurrence"], zone)
    attendee = (item.get("attendees") or [{}])[0].get("emailAddress", {})
    cancelled = bool(item.get("isCancelled"))
    exceptions = {} if cancelled else changed_dates(dates, [])[0]
    return FoundSeries(
        uid=uid,
        organiser=organiser,
        attendee=str(attendee.get("address", "")).lower(),
        attendee_name=str(attendee.get("name", "")),
        timezone=zone,
        first_start=start.astimezone(ZoneInfo(zone)),
        duration=int((end - start).total_seconds() // 60),
        rrule=rule,
        until=until,
        cancelled=cancelled,
        exceptions=exceptions,
    )
