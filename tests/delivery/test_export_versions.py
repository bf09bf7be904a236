"""Night after night, an exported series gets a new SEQUENCE only when what calendars show of
it changes, and the run report counts the files that were really rewritten. Read from the
export files, as a subscriber sees them."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import icalendar

from tests.conftest import EMPLOYEE_LENA, MANAGER_KARIN, ConfigDir, Result
from tests.night.test_keep_up import busy_event

CLI = Callable[..., Result]
FIRST_NIGHT = datetime.fromisoformat("2027-02-01T02:00:00+00:00")

PEOPLE = f"""
[defaults]
timezone = "Europe/Stockholm"
holidays = ""
{MANAGER_KARIN}{EMPLOYEE_LENA}"""


def night(cli: CLI, org: ConfigDir, number: int) -> Result:
    now = FIRST_NIGHT + timedelta(days=number)
    result = cli("--config", str(org.root), "run", "--now", now.isoformat())
    assert result.code == 0, result.out + result.err
    return result


def versions(export: Path) -> dict[tuple[str, str], int]:
    """SEQUENCE of every event in every file, by file and UID (overrides included)."""
    found = {}
    for path in sorted(export.glob("*.ics")):
        calendar = icalendar.Calendar.from_ical(path.read_bytes())
        for event in calendar.walk("VEVENT"):
            key = (path.name, f"{event['UID']} {event.get('RECURRENCE-ID', '')}")
            found[key] = int(event["SEQUENCE"])
    return found


def contents(export: Path) -> dict[str, bytes]:
    return {path.name: path.read_bytes() for path in sorted(export.glob("*.ics"))}


def test_sequence_and_files_change_only_when_a_calendar_would_show_it(
    cli: CLI, config: ConfigDir
) -> None:
    config.calendar("karin.ics")
    config.calendar("lena.ics")
    config.people(PEOPLE)
    night(cli, config, 0)
    assert (
        cli("--config", str(config.root), "approve", "--all", "--manager", "karin@example.com").code
        == 0
    )
    booked = json.loads(cli("--config", str(config.root), "proposals", "--json").out)
    (series,) = booked
    assert series["state"] == "booked"
    first = versions(config.export)
    files = contents(config.export)
    assert len(files) == 2

    # a week of nights: each one brings a new date into the horizon, as the rule has it
    for number in range(1, 8):
        result = night(cli, config, number)
        assert versions(config.export) == first, f"night {number}"
        assert contents(config.export) == files, f"night {number}"
        assert "Calendar files: 0 of 2 changed" in result.out, result.out

    # a meeting lands on an upcoming check-in: that is a visible change, seen once
    upcoming = next(
        datetime.fromisoformat(o["start"]).astimezone(UTC)
        for o in series["occurrences"]
        if datetime.fromisoformat(o["start"]) > FIRST_NIGHT + timedelta(days=10)
    )
    config.calendar("lena.ics", busy_event(upcoming, 60, "offsite-1"))
    result = night(cli, config, 8)
    moved = versions(config.export)
    assert "Calendar files: 2 of 2 changed" in result.out, result.out
    masters = {key: v for key, v in moved.items() if key[1].endswith(" ")}
    assert masters == {key: v + 1 for key, v in first.items()}
    assert len(moved) == len(first) + 2, "an override for the moved date in both files"

    files = contents(config.export)
    for number in range(9, 12):
        result = night(cli, config, number)
        assert versions(config.export) == moved, f"night {number}"
        assert contents(config.export) == files, f"night {number}"
        assert "Calendar files: 0 of 2 changed" in result.out, result.out
