"""Listing every series of many organisers at once (a rebuild of a lost database): both
listings of each organiser carried through the provider's batch endpoint (Google: 50 calls
per round trip; Graph: 20, four per mailbox), a part answered 429 sent again alone, a whole
batch that fails sent again whole, and a calendar that cannot be read reported for its
organiser only while the others are listed."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from sync.connectors.base import CalendarWriter, WriteFailed
from sync.model.values import Interval
from tests.batch_helpers import LENA, booked, organisers, uid
from tests.emulators import GoogleCalendarEmulator, GraphEmulator
from tests.google_helpers import FAST
from tests.google_helpers import connector as google_connector
from tests.outlook_helpers import connector as outlook_connector

WINDOW = Interval(datetime(2027, 2, 1, tzinfo=UTC), datetime(2027, 4, 5, tzinfo=UTC))
ORGANISERS = organisers(30)


@dataclass
class Provider:
    writer: CalendarWriter
    emulator: Any
    round_trips_for_all: int
    """Batches for 30 organisers' 60 listings: Google 50 + 10; Graph 20 + 20 + 20."""
    calendar_path: str
    """A pattern of the paths of one organiser's listings, for injecting faults."""

    def listings(self, status: int | None = None) -> int:
        kinds = ("events.list", "calendarView")
        return sum(self.emulator.count(kind, status=status) for kind in kinds)


@pytest.fixture(params=["google", "outlook"])
def provider(
    request: pytest.FixtureRequest,
    google_emulator: GoogleCalendarEmulator,
    graph_emulator: GraphEmulator,
    tmp_path: Path,
) -> Provider:
    made: Provider
    if request.param == "google":
        google_emulator.add_user(LENA, timezone="Europe/Stockholm")
        for organiser in ORGANISERS:
            google_emulator.add_user(organiser, timezone="Europe/Stockholm")
        writer: CalendarWriter = google_connector(google_emulator, tmp_path)
        made = Provider(writer, google_emulator, 2, r"/calendars/o07%40example\.com/events")
    else:
        graph_emulator.add_user(LENA)
        for organiser in ORGANISERS:
            graph_emulator.add_user(organiser)
        writer = outlook_connector(graph_emulator)
        made = Provider(writer, graph_emulator, 3, r"/users/o07@example\.com/")
    for organiser in ORGANISERS:
        writer.write_series(booked(organiser))
    made.emulator.clear_log()
    return made


def listed_all(found: dict[str, Any], organisers: list[str]) -> bool:
    return all(
        not isinstance(found[o], WriteFailed) and [s.uid for s in found[o]] == [uid(o)]
        for o in organisers
    )


def test_thirty_calendars_are_listed_in_a_few_round_trips(provider: Provider) -> None:
    found = provider.writer.list_series_many(ORGANISERS, WINDOW)
    assert listed_all(found, ORGANISERS)
    series = found[ORGANISERS[3]]
    assert not isinstance(series, WriteFailed)
    assert (series[0].organiser, series[0].attendee) == (ORGANISERS[3], LENA)
    assert provider.listings() == 60
    assert provider.emulator.round_trips() == provider.round_trips_for_all


def test_a_throttled_listing_is_sent_again_alone(provider: Provider) -> None:
    provider.emulator.inject(provider.calendar_path, 429, retry_after=1)
    found = provider.writer.list_series_many(ORGANISERS, WINDOW)
    assert listed_all(found, ORGANISERS)
    assert provider.listings(status=429) == 1
    assert provider.listings(status=200) == 60
    assert provider.emulator.round_trips() == provider.round_trips_for_all + 1


def test_an_unreadable_calendar_fails_alone(provider: Provider) -> None:
    provider.emulator.inject(provider.calendar_path, 500, times=100)
    found = provider.writer.list_series_many(ORGANISERS, WINDOW)
    broken = found[ORGANISERS[7]]
    assert isinstance(broken, WriteFailed) and "o07@example.com" in str(broken)
    assert "500" in str(broken)
    assert listed_all(found, [o for o in ORGANISERS if o != ORGANISERS[7]])
    assert provider.listings(status=500) <= 2 * FAST.attempts
    with pytest.raises(WriteFailed):
        provider.writer.list_series(ORGANISERS[7], WINDOW)


def test_a_failing_batch_is_sent_again_whole(provider: Provider) -> None:
    provider.emulator.inject("batch", 502)
    found = provider.writer.list_series_many(ORGANISERS, WINDOW)
    assert listed_all(found, ORGANISERS)
    assert provider.emulator.count("batch", status=502) == 1
    assert provider.listings(status=200) == 60
