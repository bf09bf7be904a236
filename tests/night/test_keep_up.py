"""Booked series stay healthy night after night: new conflicts move or skip an occurrence,
dates entering the horizon are checked, and nothing is touched on missing data."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import icalendar
import pytest
import recurring_ical_events

from tests.cli.test_cli_end_to_end import KARIN_CALENDAR, NOW, PEOPLE, by_employee, proposals, run
from tests.conftest import ConfigDir, Result

CLI = Callable[..., Result]


def propose_lena(cli: CLI, config: ConfigDir) -> dict[str, Any]:
    """Karin and Lena (both ics:) after a first night: Lena's weekly series proposed."""
    config.calendar("karin.ics", KARIN_CALENDAR)
    config.calendar("lena.ics")
    config.people(PEOPLE)
    assert run(cli, config).code == 0
    return by_employee(proposals(cli, config))["lena@example.com"]


@pytest.fixture
def booked(cli: CLI, config: ConfigDir) -> dict[str, Any]:
    store_approve(config, propose_lena(cli, config)["id"])
    assert run(cli, config).code == 0
    return by_employee(proposals(cli, config, "--state", "booked"))["lena@example.com"]


def store_approve(config: ConfigDir, proposal_id: int) -> None:
    from sync.config.roster import load_roster
    from sync.night import workflow
    from sync.store import Store

    store = Store.open(config.data / "state.sqlite")
    workflow.approve(store, [proposal_id], "karin", roster=load_roster(config.root / "people.toml"))
    store.close()


def busy_event(start: datetime, minutes: int, uid: str) -> str:
    start = start.astimezone(UTC)
    end = start + timedelta(minutes=minutes)
    return (
        "BEGIN:VCALENDAR\nVERSION:2.0\nPRODID:-//test//test//EN\nBEGIN:VEVENT\n"
        f"UID:{uid}\nDTSTAMP:20260101T000000Z\n"
        f"DTSTART:{start:%Y%m%dT%H%M%SZ}\nDTEND:{end:%Y%m%dT%H%M%SZ}\n"
        "SUMMARY:Dentist\nEND:VEVENT\nEND:VCALENDAR\n"
    )


def lena_instances(config: ConfigDir) -> list[datetime]:
    calendar = icalendar.Calendar.from_ical((config.export / "lena@example.com.ics").read_bytes())
    events = recurring_ical_events.of(calendar).between(datetime(2027, 1, 1), datetime(2027, 6, 1))
    return sorted(e["DTSTART"].dt for e in events)


def test_a_new_conflict_moves_that_occurrence_within_its_week(
    cli: CLI, config: ConfigDir, booked: dict[str, Any]
) -> None:
    third = booked["occurrences"][2]
    start = datetime.fromisoformat(third["start"])
    config.calendar("lena.ics", busy_event(start - timedelta(minutes=15), 60, "dentist-1"))
    result = run(cli, config)
    assert result.code == 0, result.out
    assert "Occurrences moved or skipped tonight:" in result.out
    assert "because Lena is busy" in result.out
    after = by_employee(proposals(cli, config, "--state", "booked"))["lena@example.com"]
    moved = after["occurrences"][2]
    assert moved["status"] == "moved"
    assert moved["original_start"] == third["original_start"]
    moved_start = datetime.fromisoformat(moved["start"])
    assert moved_start.isocalendar()[:2] == start.isocalendar()[:2]
    instances = lena_instances(config)
    assert start not in instances
    assert moved_start in instances
    # the others stay where they were
    for before, now in zip(booked["occurrences"], after["occurrences"], strict=False):
        if before is not third:
            assert before["start"] == now["start"]


def test_dates_entering_the_horizon_are_checked_and_added(
    cli: CLI, config: ConfigDir, booked: dict[str, Any]
) -> None:
    count = len(booked["occurrences"])
    later = (datetime.fromisoformat(NOW) + timedelta(weeks=2)).isoformat()
    assert run(cli, config, now=later).code == 0
    after = by_employee(proposals(cli, config, "--state", "booked"))["lena@example.com"]
    assert len(after["occurrences"]) == count + 2
    assert after["occurrences"][:count] == booked["occurrences"]


def test_an_unreadable_calendar_changes_nothing(
    cli: CLI, config: ConfigDir, booked: dict[str, Any]
) -> None:
    (config.root / "lena.ics").unlink()
    later = (datetime.fromisoformat(NOW) + timedelta(weeks=2)).isoformat()
    result = run(cli, config, now=later)
    assert result.code == 1
    after = by_employee(proposals(cli, config, "--state", "booked"))["lena@example.com"]
    assert after["occurrences"] == booked["occurrences"]
    assert json.dumps(after["occurrences"]) == json.dumps(booked["occurrences"])
