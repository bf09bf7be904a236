"""A welcome-back check-in proposed before a pause was added, for a date inside that pause,
is withdrawn at the next run: approving it later would book a check-in into the pause."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from tests.night.test_series_lifecycle import (
    KARIN,
    LENA,
    Org,
    google_or_graph,
    google_org,  # noqa: F401 (fixture)
)
from tests.simulation.calendars import GoogleCalendars

AWAY = date(2027, 2, 15)  # a Monday: Lena is away that week and back on the 22nd
PAUSE = 'paused = { from = "2027-02-20", until = "2027-02-26" }'


def welcome_backs(org: Org) -> list[dict[str, object]]:
    return [p for p in org.proposals() if p["employee"] == LENA and p["kind"] == "welcome_back"]


def test_a_pending_welcome_back_inside_a_later_pause_is_withdrawn(
    request: pytest.FixtureRequest,
) -> None:
    org, emulator = google_or_graph("google", request)
    org.book_everyone()
    start = datetime.combine(AWAY, datetime.min.time(), ZoneInfo("Europe/Stockholm"))
    GoogleCalendars(emulator).add_time_off(LENA, start, start + timedelta(days=7))
    assert org.next_night().code == 0
    [first] = welcome_backs(org)
    assert first["state"] == "pending" and str(first["first_start"]).startswith("2027-02-22")

    org.people(lena_extra=PAUSE)
    result = org.next_night()
    assert result.code == 0, result.out
    by_id = {p["id"]: p for p in welcome_backs(org)}
    assert by_id[first["id"]]["state"] == "superseded"
    assert "falls in a pause" in result.out
    org.approve(KARIN)
    for proposal in welcome_backs(org):
        if proposal["state"] == "booked":
            day = date.fromisoformat(str(proposal["first_start"])[:10])
            assert not date(2027, 2, 20) <= day <= date(2027, 2, 26), proposal
