"""Approving books against the calendars as they are then: a meeting that came in after the
proposal moves that date before any invitation goes out (and nothing is sent again later);
a proposal most of whose dates no longer fit is not booked, and a fresh one follows."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import icalendar
import pytest
import recurring_ical_events

from tests.cli.test_cli_end_to_end import by_employee, proposals, run
from tests.conftest import ConfigDir, Result
from tests.delivery.test_invitations import calendar_part, lena_series, sent
from tests.night.test_keep_up import propose_lena

CLI = Callable[..., Result]
APPROVED_AT = "2027-02-01T09:00:00+00:00"  # two hours after the proposal
NEXT_NIGHT = "2027-02-02T02:00:00+00:00"
LENA = "lena@example.com"


def meeting(start: datetime, minutes: int, weekly: int = 0) -> str:
    """Lena's calendar with one meeting at `start`, repeated `weekly` times if given."""
    start = start.astimezone(UTC)
    rule = f"RRULE:FREQ=WEEKLY;COUNT={weekly}\n" if weekly else ""
    return (
        "BEGIN:VCALENDAR\nVERSION:2.0\nPRODID:-//test//test//EN\nBEGIN:VEVENT\n"
        "UID:meeting-1\nDTSTAMP:20260101T000000Z\n"
        f"DTSTART:{start:%Y%m%dT%H%M%SZ}\n"
        f"DTEND:{start + timedelta(minutes=minutes):%Y%m%dT%H%M%SZ}\n"
        f"{rule}SUMMARY:Customer visit\nEND:VEVENT\nEND:VCALENDAR\n"
    )


@pytest.fixture
def proposed(cli: CLI, config: ConfigDir) -> dict[str, Any]:
    """Karin and Lena (both ics:) with Lena's weekly series proposed, not yet approved."""
    return propose_lena(cli, config)


def approve(cli: CLI, config: ConfigDir, proposal_id: int) -> Result:
    return cli("--config", str(config.root), "approve", str(proposal_id), "--now", APPROVED_AT)


def instances(data: bytes) -> list[tuple[datetime, datetime]]:
    calendar = icalendar.Calendar.from_ical(data)
    events = recurring_ical_events.of(calendar).between(datetime(2027, 1, 1), datetime(2027, 6, 1))
    return sorted((e["DTSTART"].dt, e["DTEND"].dt) for e in events)


def test_a_meeting_added_after_the_proposal_moves_that_date_before_anyone_is_invited(
    cli: CLI, config: ConfigDir, proposed: dict[str, Any]
) -> None:
    second = proposed["occurrences"][1]
    busy_from = datetime.fromisoformat(second["start"])
    busy_to = busy_from + timedelta(hours=1)
    config.calendar("lena.ics", meeting(busy_from, 60))

    result = approve(cli, config, proposed["id"])
    assert result.code == 0, result.err
    assert f"Booked #{proposed['id']}" in result.out

    invitations = sent(config)
    assert sorted(who for who, _ in invitations) == ["karin@example.com", LENA]
    for _, message in invitations:
        _, data = calendar_part(message)
        held = instances(data)
        assert not [(s, e) for s, e in held if s < busy_to and busy_from < e], "over the meeting"
    exported = instances((config.export / f"{LENA}.ics").read_bytes())
    assert not [(s, e) for s, e in exported if s < busy_to and busy_from < e]

    # and the manager is told
    day = f"{busy_from:%Y-%m-%d}"
    assert f"Checked #{proposed['id']} against the calendars: {day} moved to" in result.out
    assert "because Lena is busy" in result.out

    # the next night finds nothing to move: no second invitation, no new version
    assert run(cli, config, now=NEXT_NIGHT).code == 0
    assert len(sent(config)) == 2
    assert lena_series(config).sequence == 0


def test_a_proposal_most_of_whose_dates_became_busy_is_not_booked_and_is_proposed_afresh(
    cli: CLI, config: ConfigDir, proposed: dict[str, Any]
) -> None:
    first = datetime.fromisoformat(proposed["occurrences"][0]["start"])
    config.calendar("lena.ics", meeting(first, 60, weekly=12))

    result = approve(cli, config, proposed["id"])
    assert result.code == 0, result.err
    assert f"Booked #{proposed['id']}" not in result.out
    assert f"Not booked #{proposed['id']}: karin@example.com → {LENA}: since it was proposed" in (
        result.out
    )
    assert "so it was not booked; the next run proposes another time" in result.out
    assert sent(config) == []
    states = {p["id"]: p["state"] for p in proposals(cli, config, "--state", "all")}
    assert states[proposed["id"]] == "superseded"

    night = run(cli, config, now=NEXT_NIGHT)
    assert night.code == 0
    fresh = by_employee(proposals(cli, config))[LENA]
    assert fresh["id"] != proposed["id"] and fresh["state"] == "pending"
    busy = [(first + timedelta(weeks=n), first + timedelta(weeks=n, hours=1)) for n in range(12)]
    for occurrence in fresh["occurrences"]:
        start = datetime.fromisoformat(occurrence["start"])
        end = datetime.fromisoformat(occurrence["end"])
        assert not [b for b in busy if b[0] < end and start < b[1]], fresh["explanation"]
