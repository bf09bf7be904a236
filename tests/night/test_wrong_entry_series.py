"""An employee whose entry turns wrong (here a `more_often` no more often than their cadence)
is skipped: nothing new is planned for them. Their booked series goes on in the calendar, so
the dates that enter the horizon night after night are still checked against their busy time
and days off, and the store knows every date the calendar shows."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import pytest

from tests.night.test_series_lifecycle import (  # noqa: F401 (fixtures: google_org, graph_org)
    ADE,
    KARIN,
    LENA,
    Org,
    google_or_graph,
    google_org,
    graph_org,
)
from tests.simulation import invariants as check
from tests.simulation.calendars import Calendars, GoogleCalendars, GraphCalendars

HORIZON = timedelta(weeks=4)  # tests.conftest.ConfigDir.settings
WRONG_SPAN = 'more_often = { cadence = "weekly", until = "2027-06-30", reason = "a mistake" }'


def lena_series(org: Org) -> dict[str, Any]:
    [record] = [
        r
        for r in org.proposals()
        if r["employee"] == LENA and r["kind"] == "regular" and r["state"] == "booked"
    ]
    return record


def booked(provider: str, request: pytest.FixtureRequest) -> tuple[Org, Calendars, dict[str, Any]]:
    """Everyone's series booked on `provider`; the organisation, its calendars as the year
    simulation reads them, and Lena's series."""
    org, emulator = google_or_graph(provider, request)
    calendars: Calendars = (
        GoogleCalendars(emulator) if provider == "google" else GraphCalendars(emulator)
    )
    org.book_everyone()
    return org, calendars, lena_series(org)


def next_date_to_enter(first_start: datetime, horizon_end: datetime) -> datetime:
    """The weekly series' first date beyond tonight's horizon: it enters within a week."""
    start = first_start
    while start < horizon_end:
        start += timedelta(weeks=1)
    return start


@pytest.mark.parametrize("provider", ["google", "graph"])
def test_a_wrong_entry_keeps_its_booked_series_kept_up(
    provider: str, request: pytest.FixtureRequest
) -> None:
    org, calendars, record = booked(provider, request)
    first = datetime.fromisoformat(str(record["first_start"]))
    entering = next_date_to_enter(first, org.night + HORIZON)
    # Lena is busy at the date that enters the horizon next; her entry is wrong by then
    calendars.add_meeting(LENA, entering - timedelta(minutes=15), entering + timedelta(hours=1))
    org.people(lena_extra=WRONG_SPAN)
    while org.night + HORIZON <= entering + timedelta(hours=1):
        result = org.next_night()
        assert result.code == 1, result.out
        assert "is not more often than the regular cadence" in result.out

    lower, upper = org.night, org.night + HORIZON
    shown = [m for m in calendars.checkins(KARIN, lower, upper) if m.attendee == LENA]
    assert shown, "the series goes on"
    assert not [m for m in shown if m.start < entering + timedelta(hours=1) and m.end > entering]
    store = check.store_meetings(org.proposals(), lower, upper)
    assert {m.start for m in shown} == store[str(record["uid"])], "calendar and store agree"
    assert lena_series(org)["uid"] == record["uid"], "nothing new is booked or proposed"
    assert not [r for r in org.proposals("pending") if r["employee"] == LENA]


@pytest.mark.parametrize("provider", ["google", "graph"])
def test_a_wrong_entry_that_names_a_new_manager_ends_the_old_pair(
    provider: str, request: pytest.FixtureRequest
) -> None:
    org, calendars, _ = booked(provider, request)
    org.people(lena_manager=ADE, lena_extra=WRONG_SPAN)
    result = org.next_night()
    assert result.code == 1, result.out
    assert "now reports to ade@example.com" in result.out
    lower, upper = org.night, org.night + HORIZON
    assert not [m for m in calendars.checkins(KARIN, lower, upper) if m.attendee == LENA]
    assert not [r for r in org.proposals("pending") if r["employee"] == LENA], "nothing new"
