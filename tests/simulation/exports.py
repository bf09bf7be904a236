"""The check-ins in the exported .ics files, as any calendar subscribed to them shows them."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import recurring_ical_events
from icalendar import Calendar

from tests.simulation.calendars import Meeting


def _address(value: object) -> str:
    return str(value).lower().removeprefix("mailto:")


def _instant(value: date | datetime) -> datetime:
    if not isinstance(value, datetime):
        return datetime(value.year, value.month, value.day, tzinfo=UTC)
    return value.astimezone(UTC)


def exported(folder: Path, lower: datetime, upper: datetime) -> dict[str, list[Meeting]]:
    """Each person's file: the check-ins it shows in [lower, upper), cancelled ones left out."""
    found: dict[str, list[Meeting]] = {}
    for path in sorted(folder.glob("*.ics")):
        calendar = Calendar.from_ical(path.read_bytes())
        meetings = []
        recurring_uids = {
            str(e["UID"]) for e in calendar.walk("VEVENT") if "RRULE" in e or "RECURRENCE-ID" in e
        }
        for event in recurring_ical_events.of(calendar).between(lower, upper):
            if str(event.get("STATUS", "")).upper() == "CANCELLED":
                continue
            uid = str(event["UID"])
            organizer = _address(event["ORGANIZER"])
            attendees = event.get("ATTENDEE", [])
            if not isinstance(attendees, list):
                attendees = [attendees]
            start, end = _instant(event["DTSTART"].dt), _instant(event["DTEND"].dt)
            for attendee in attendees:
                if _address(attendee) == organizer:
                    continue
                meetings.append(
                    Meeting(
                        uid,
                        organizer,
                        _address(attendee),
                        start,
                        end,
                        uid in recurring_uids,
                        f"export {path.name}",
                    )
                )
        found[path.name.removesuffix(".ics")] = meetings
    return found
