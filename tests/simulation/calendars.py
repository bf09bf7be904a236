"""The provider side of the simulation: people's Google or Microsoft 365 calendars in an
emulator, what people do in them (meetings, time off, declining a series), and the check-ins
an organiser's calendar shows."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, Protocol

from tests.emulators import GoogleCalendarEmulator, GraphEmulator
from tests.emulators.graph_time import point as graph_point
from tests.emulators.graph_time import when as graph_when
from tests.google_helpers import settings_section as google_settings
from tests.outlook_helpers import settings_section as graph_settings

SERIES_KEY = "checkinSeries"  # Google: the private extended property naming our series


@dataclass(frozen=True)
class Meeting:
    """One check-in a calendar shows: its series, its two people and its time."""

    uid: str
    organizer: str
    attendee: str
    start: datetime
    end: datetime
    recurring: bool
    source: str

    @property
    def pair(self) -> tuple[str, str]:
        return (self.organizer, self.attendee)


class Calendars(Protocol):
    kind: str  # the roster's calendar value: "google" or "outlook"

    def add_person(self, email: str, timezone: str) -> None: ...
    def settings(self, folder: Path) -> str: ...
    def add_meeting(self, email: str, start: datetime, end: datetime) -> str:
        """A busy meeting in the person's calendar; returns its event id."""
        ...

    def remove_meeting(self, email: str, event_id: str) -> None: ...
    def add_time_off(self, email: str, start: datetime, end: datetime) -> None: ...
    def decline(self, organizer: str, uid: str, attendee: str) -> tuple[datetime, datetime]:
        """Decline the whole series; returns the start and end of its first date as the
        series' own event says: its weekly time, whatever single dates were moved."""
        ...

    def checkins(self, organizer: str, lower: datetime, upper: datetime) -> list[Meeting]: ...


class GoogleCalendars:
    kind = "google"

    def __init__(self, emulator: GoogleCalendarEmulator) -> None:
        self.emulator = emulator
        self.people: set[str] = set()

    def add_person(self, email: str, timezone: str) -> None:
        if email not in self.people:
            self.emulator.add_user(email, timezone=timezone)
            self.people.add(email)

    def settings(self, folder: Path) -> str:
        return google_settings(self.emulator, folder)

    def add_meeting(self, email: str, start: datetime, end: datetime) -> str:
        event = self.emulator.add_event(email, {"summary": "Meeting", **_google_times(start, end)})
        return str(event["id"])

    def remove_meeting(self, email: str, event_id: str) -> None:
        self.emulator.delete_event(email, event_id)

    def add_time_off(self, email: str, start: datetime, end: datetime) -> None:
        self.emulator.add_event(
            email, {"summary": "Vacation", "eventType": "outOfOffice", **_google_times(start, end)}
        )

    def decline(self, organizer: str, uid: str, attendee: str) -> tuple[datetime, datetime]:
        for event in self._ours(organizer):
            if event["extendedProperties"]["private"][SERIES_KEY] == uid:
                self.emulator.decline(organizer, event["id"], attendee)
                return _google_instant(event["start"]), _google_instant(event["end"])
        raise LookupError(f"{uid} is not in {organizer}'s calendar")

    def _ours(self, organizer: str) -> list[dict[str, Any]]:
        return [
            e
            for e in self.emulator.events(organizer, include_cancelled=False)
            if SERIES_KEY in e.get("extendedProperties", {}).get("private", {})
            and not e.get("recurringEventId")
        ]

    def checkins(self, organizer: str, lower: datetime, upper: datetime) -> list[Meeting]:
        found = []
        for event in self._ours(organizer):
            uid = event["extendedProperties"]["private"][SERIES_KEY]
            # a single event may carry an empty list: only a rule makes it recurring
            recurring = bool(event.get("recurrence"))
            items = (
                self.emulator.instances(organizer, event["id"], lower, upper)
                if recurring
                else [event]
            )
            for item in items:
                if item.get("status") == "cancelled":
                    continue
                start, end = _google_instant(item["start"]), _google_instant(item["end"])
                if start < upper and end > lower:
                    for attendee in _attendees(item, organizer):
                        found.append(
                            Meeting(uid, organizer, attendee, start, end, recurring, "google")
                        )
        return found


def _google_times(start: datetime, end: datetime) -> dict[str, Any]:
    return {
        "start": {"dateTime": start.isoformat(), "timeZone": "UTC"},
        "end": {"dateTime": end.isoformat(), "timeZone": "UTC"},
    }


def _google_instant(value: dict[str, str]) -> datetime:
    # in UTC, as every check prints its times with a Z
    return datetime.fromisoformat(value["dateTime"]).astimezone(UTC)


def _attendees(event: dict[str, Any], organizer: str) -> list[str]:
    return [
        a["email"].lower()
        for a in event.get("attendees", [])
        if a["email"].lower() != organizer and not a.get("resource")
    ]


class GraphCalendars:
    kind = "outlook"

    def __init__(self, emulator: GraphEmulator) -> None:
        self.emulator = emulator
        self.people: set[str] = set()

    def add_person(self, email: str, timezone: str) -> None:
        if email not in self.people:
            # the same hours as the roster's, so that neither source can widen the other
            hours = {
                "daysOfWeek": ["monday", "tuesday", "wednesday", "thursday", "friday"],
                "startTime": "09:00:00.0000000",
                "endTime": "17:00:00.0000000",
                "timeZone": {"name": timezone},
            }
            self.emulator.add_user(email, timezone=timezone, working_hours=hours)
            self.people.add(email)

    def settings(self, folder: Path) -> str:
        return graph_settings(self.emulator)

    def add_meeting(self, email: str, start: datetime, end: datetime) -> str:
        return str(
            self.emulator.add_event(email, _graph_event("Meeting", start, end, "busy"))["id"]
        )

    def remove_meeting(self, email: str, event_id: str) -> None:
        self.emulator.delete_event(email, event_id)

    def add_time_off(self, email: str, start: datetime, end: datetime) -> None:
        self.emulator.add_event(email, _graph_event("Vacation", start, end, "oof"))

    def _masters(self, organizer: str) -> dict[str, tuple[str, dict[str, Any]]]:
        """Our events in the organiser's mailbox by id, each with the series uid it carries."""
        ours = {}
        for event in self.emulator.events(organizer):
            for extended in event.get("singleValueExtendedProperties") or []:
                if extended.get("value", "").endswith("@checkin-sync"):
                    ours[event["id"]] = (extended["value"], event)
        return ours

    def decline(self, organizer: str, uid: str, attendee: str) -> tuple[datetime, datetime]:
        for event_id, (series, master) in self._masters(organizer).items():
            if series == uid:
                self.emulator.decline(organizer, event_id, attendee)
                return _graph_instant(master["start"], "start"), _graph_instant(
                    master["end"], "end"
                )
        raise LookupError(f"{uid} is not in {organizer}'s mailbox")

    def checkins(self, organizer: str, lower: datetime, upper: datetime) -> list[Meeting]:
        masters = self._masters(organizer)
        found = []
        for item in self.emulator.view(organizer, lower, upper):
            if item.get("isCancelled"):
                continue
            known = masters.get(item.get("seriesMasterId") or item["id"])
            if known is None:
                continue
            uid, master = known
            start, end = _graph_instant(item["start"], "start"), _graph_instant(item["end"], "end")
            recurring = master.get("type") == "seriesMaster"
            for attendee in master.get("attendees", []):
                address = attendee["emailAddress"]["address"].lower()
                if address != organizer:
                    found.append(Meeting(uid, organizer, address, start, end, recurring, "graph"))
        return found


def _graph_instant(value: dict[str, str], what: str) -> datetime:
    return graph_point(value, what).astimezone(UTC)


def _graph_event(subject: str, start: datetime, end: datetime, show_as: str) -> dict[str, Any]:
    return {
        "subject": subject,
        "start": graph_when(start, "UTC"),
        "end": graph_when(end, "UTC"),
        "showAs": show_as,
    }


def window(now: datetime, weeks: int) -> tuple[datetime, datetime]:
    """What every check is about: from tonight to the end of the planning horizon."""
    return now, now + timedelta(weeks=weeks) - timedelta(days=1)
