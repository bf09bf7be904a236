"""A Google manager with an Outlook report and an Outlook manager with a Google report,
planned and booked end to end in one run, against both emulators."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from tests.conftest import ConfigDir, Result
from tests.emulators import GoogleCalendarEmulator, GraphEmulator
from tests.google_helpers import settings_section as google_settings
from tests.outlook_helpers import settings_section as outlook_settings

CLI = Callable[..., Result]
NOW = "2027-02-01T07:00:00+00:00"
KARIN, LENA, ADE, PRIYA = (
    "karin@example.com",
    "lena@example.com",
    "ade@example.com",
    "priya@example.com",
)

PEOPLE = """
[[managers]]
email = "karin@example.com"
name = "Karin Lind"
calendar = "google"

[[managers]]
email = "ade@example.com"
name = "Ade Okafor"
timezone = "Europe/London"
holidays = "GB"
calendar = "outlook"

[[employees]]
email = "lena@example.com"
name = "Lena Berg"
manager = "karin@example.com"
timezone = "America/New_York"
holidays = "US"
calendar = "outlook"
cadence = "weekly"

[[employees]]
email = "priya@example.com"
name = "Priya Natarajan"
manager = "ade@example.com"
timezone = "Europe/London"
holidays = "GB"
calendar = "google"
cadence = "weekly"
"""


@pytest.fixture
def org(
    config: ConfigDir, google_emulator: GoogleCalendarEmulator, graph_emulator: GraphEmulator
) -> ConfigDir:
    google_emulator.add_user(KARIN, timezone="Europe/Stockholm")
    google_emulator.add_user(PRIYA, timezone="Europe/London")
    graph_emulator.add_user(ADE, timezone="GMT Standard Time")
    # Lena's own entry sets no working hours: Outlook's (08:00-16:00 New York) apply
    graph_emulator.add_user(
        LENA,
        timezone="Eastern Standard Time",
        working_hours={
            "daysOfWeek": ["monday", "tuesday", "wednesday", "thursday", "friday"],
            "startTime": "08:00:00.0000000",
            "endTime": "16:00:00.0000000",
            "timeZone": {"name": "Eastern Standard Time"},
        },
    )
    config.settings(
        google_settings(google_emulator, config.root) + "\n" + outlook_settings(graph_emulator)
    )
    config.people(PEOPLE)
    return config


def weekday_mornings(start: datetime, zone: str) -> dict[str, Any]:
    """Busy 09:00-10:00 local every weekday: the only hours the pairs could otherwise share."""
    return {
        "subject": "Support rota",
        "start": {"dateTime": start.isoformat(), "timeZone": zone},
        "end": {"dateTime": (start + timedelta(hours=1)).isoformat(), "timeZone": zone},
        "showAs": "busy",
        "recurrence": {
            "pattern": {
                "type": "weekly",
                "interval": 1,
                "daysOfWeek": ["monday", "tuesday", "wednesday", "thursday", "friday"],
            },
            "range": {"type": "noEnd", "startDate": start.date().isoformat()},
        },
    }


def test_each_series_lives_with_its_manager_and_respects_both_providers_busy_time(
    cli: CLI, org: ConfigDir, google_emulator: GoogleCalendarEmulator, graph_emulator: GraphEmulator
) -> None:
    graph_emulator.add_event(
        LENA, weekday_mornings(datetime(2027, 1, 4, 9), "Eastern Standard Time")
    )
    first = cli("--config", str(org.root), "run", "--now", NOW)
    assert first.code == 0, first.out + first.err
    assert "google" in first.out and "outlook" in first.out  # both providers were read
    for manager in (KARIN, ADE):
        result = cli("--config", str(org.root), "approve", "--manager", manager, "--all")
        assert "Booked #" in result.out, result.out + result.err

    listing = json.loads(cli("--config", str(org.root), "proposals", "--json").out)
    by_employee = {p["employee"]: p for p in listing}
    assert by_employee[LENA]["series"]["calendar"] == "google"
    assert by_employee[PRIYA]["series"]["calendar"] == "outlook"

    karins = [e for e in google_emulator.events(KARIN) if "recurrence" in e]
    assert [[a["email"] for a in e["attendees"]] for e in karins] == [[LENA]]
    ades = [e for e in graph_emulator.events(ADE) if e.get("type") == "seriesMaster"]
    assert [[a["emailAddress"]["address"] for a in e["attendees"]] for e in ades] == [[PRIYA]]

    # the series in Karin's Google calendar honours Lena's Outlook rota (09:00-10:00 New York,
    # 10 minutes' buffer) and her Outlook working hours (from 08:00)
    new_york = ZoneInfo("America/New_York")
    for occurrence in by_employee[LENA]["occurrences"]:
        if occurrence["status"] != "skipped":
            start = datetime.fromisoformat(occurrence["start"]).astimezone(new_york)
            end = datetime.fromisoformat(occurrence["end"]).astimezone(new_york)
            assert time(8) <= start.time(), occurrence
            assert end.time() <= time(8, 50) or start.time() >= time(10, 10), occurrence

    quiet = cli("--config", str(org.root), "run", "--now", NOW)
    assert quiet.code == 0, quiet.out
    assert "Proposed:" not in quiet.out
