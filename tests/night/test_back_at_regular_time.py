"""A date that was moved off its regular time because someone was busy goes back to it
when the regular time is free again and the moved-to time is not: the calendar must show it
back there too (Google and Graph), not only the store and the export."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from tests.night.test_wrong_entry_series import (  # noqa: F401 (fixtures)
    HORIZON,
    KARIN,
    LENA,
    Org,
    booked,
    google_org,
    graph_org,
    lena_series,
)
from tests.simulation import invariants as check
from tests.simulation.calendars import Calendars


def occurrence(org: Org, original: datetime) -> dict[str, str]:
    [found] = [
        o
        for o in lena_series(org)["occurrences"]
        if datetime.fromisoformat(o["original_start"]) == original
    ]
    return dict(found)


def lena_checkins(org: Org, calendars: Calendars) -> set[datetime]:
    lower, upper = org.night, org.night + HORIZON
    return {m.start for m in calendars.checkins(KARIN, lower, upper) if m.attendee == LENA}


@pytest.mark.parametrize("provider", ["google", "graph"])
def test_a_date_back_at_its_regular_time_is_back_in_the_calendar(
    provider: str, request: pytest.FixtureRequest
) -> None:
    org, calendars, record = booked(provider, request)
    regular = min(
        start
        for o in record["occurrences"]
        if (start := datetime.fromisoformat(o["original_start"])) > org.night + timedelta(days=3)
    )
    busy = calendars.add_meeting(
        LENA, regular - timedelta(minutes=15), regular + timedelta(minutes=45)
    )
    assert org.next_night().code == 0
    moved = occurrence(org, regular)
    assert moved["status"] == "moved"
    moved_to = datetime.fromisoformat(moved["start"])
    assert moved_to in lena_checkins(org, calendars) and regular not in lena_checkins(
        org, calendars
    )

    # the regular time frees up, and the time it was moved to fills
    calendars.remove_meeting(LENA, busy)
    calendars.add_meeting(LENA, moved_to - timedelta(minutes=15), moved_to + timedelta(minutes=45))
    assert org.next_night().code == 0
    assert occurrence(org, regular)["status"] == "ok"
    shown = lena_checkins(org, calendars)
    assert regular in shown and moved_to not in shown
    store = check.store_meetings(org.proposals(), org.night, org.night + HORIZON)
    assert shown == store[str(record["uid"])], "calendar and store agree"
