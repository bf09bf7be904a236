"""Our series as an Outlook event: its body, its recurrence in Graph's terms and back, and
whether an event in a calendar differs from what the series says."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sync.connectors.outlook.times import graph_time
from sync.model.values import BookedSeries

# PS_PUBLIC_STRINGS: the property set Microsoft documents for custom named properties
SERIES_PROPERTY = "String {00020329-0000-0000-C000-000000000046} Name checkinSeries"
DAY_NAMES = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
RRULE_DAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
INDEX = {"1": "first", "2": "second", "3": "third", "4": "fourth", "-1": "last"}


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


def local_time(instant: datetime, zone: str) -> dict[str, str]:
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
        "start": local_time(start, series.timezone),
        "end": local_time(end, series.timezone),
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


def differs(existing: dict[str, Any], body: dict[str, Any]) -> bool:
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
