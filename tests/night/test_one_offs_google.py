"""One-off check-ins in Google Calendar: a single event without recurrence, followed when a
person moves or declines it, and never duplicated by a second night."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from tests.conftest import ConfigDir, Result
from tests.emulators import GoogleCalendarEmulator
from tests.end_to_end.test_google_end_to_end import KARIN, LENA, NOW, book, event_id, live, org, run

__all__ = ["org"]
CLI = Callable[..., Result]


def asked_for(cli: CLI, config: ConfigDir) -> dict[str, Any]:
    (item,) = [p for p in live(cli, config)[LENA] if p["cadence"] == "once"]
    return item


def test_a_requested_check_in_is_one_event_and_a_persons_move_or_decline_is_followed(
    cli: CLI, org: ConfigDir, google_emulator: GoogleCalendarEmulator
) -> None:
    book(cli, org)
    asked = cli(
        "--config", str(org.root), "request", LENA, "--reason", "a tricky project", "--now", NOW
    )
    assert asked.code == 0, asked.err
    assert run(cli, org).code == 0
    one_off = asked_for(cli, org)
    assert cli("--config", str(org.root), "approve", str(one_off["id"])).code == 0

    event = google_emulator.event(KARIN, event_id(one_off["uid"]))
    assert event is not None
    assert "recurrence" not in event or not event["recurrence"]
    assert [a["email"] for a in event["attendees"]] == [LENA]
    start = datetime.fromisoformat(one_off["first_start"])
    assert datetime.fromisoformat(event["start"]["dateTime"]) == start
    assert event["summary"] == "Check-in (asked for): Karin Lind / Lena Berg"
    assert "a tricky project" in event["description"]

    writes = len(google_emulator.writes)
    assert run(cli, org).code == 0
    assert len(google_emulator.writes) == writes, "a second night writes nothing"

    moved_to = start + timedelta(hours=1)
    google_emulator.update_event(
        KARIN,
        event_id(one_off["uid"]),
        {
            "start": {"dateTime": moved_to.isoformat()},
            "end": {"dateTime": (moved_to + timedelta(minutes=30)).isoformat()},
        },
    )
    assert run(cli, org).code == 0
    (kept,) = asked_for(cli, org)["occurrences"]
    assert (kept["status"], kept["fixed"]) == ("moved", True)
    assert datetime.fromisoformat(kept["start"]) == moved_to

    google_emulator.decline(KARIN, event_id(one_off["uid"]), LENA)
    night = run(cli, org)
    assert "lena@example.com declined the check-in on" in night.out
    assert "Proposed:" not in night.out, "a declined one-off is not proposed again"
    after = datetime.fromisoformat(NOW) + timedelta(weeks=2)
    health = cli("--config", str(org.root), "health", "--json", "--now", after.isoformat())
    assert '"declined"' in health.out
