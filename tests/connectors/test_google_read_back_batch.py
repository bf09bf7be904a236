"""Reading back many organisers' calendars through Google's batch endpoint: both listings of
50/2 organisers per round trip, a failing listing sent again alone, and an organiser whose
calendar cannot be read reported as such (never as deleted series) while the others are
taken in."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from sync.connectors.google.connector import GoogleConnector
from sync.connectors.google.held import GoogleHeld
from sync.model.values import Interval
from tests.batch_helpers import FIRST, LENA, SECOND, booked, organisers, uid
from tests.emulators import GoogleCalendarEmulator
from tests.google_helpers import FAST, connector

WINDOW = Interval(datetime(2027, 2, 1, tzinfo=UTC), datetime(2027, 4, 5, tzinfo=UTC))
ORGANISERS = organisers(30)


@pytest.fixture
def google(google_emulator: GoogleCalendarEmulator, tmp_path: Path) -> GoogleConnector:
    google_emulator.add_user(LENA, timezone="Europe/Stockholm")
    for organiser in ORGANISERS:
        google_emulator.add_user(organiser, timezone="Europe/Stockholm")
    google = connector(google_emulator, tmp_path)
    for organiser in ORGANISERS:
        google.write_series(booked(organiser))
    google_emulator.clear_log()
    return google


def groups() -> dict[str, dict[str, list[datetime]]]:
    return {organiser: {uid(organiser): []} for organiser in ORGANISERS}


def test_thirty_calendars_are_read_back_in_two_round_trips(
    google: GoogleConnector, google_emulator: GoogleCalendarEmulator
) -> None:
    google_emulator.cancel_instance(ORGANISERS[3], uid(ORGANISERS[3]).split("@")[0], FIRST)
    seen = google.observe_many(groups(), WINDOW)
    assert all(seen[o].error is None and seen[o].series[uid(o)].exists for o in ORGANISERS)
    assert seen[ORGANISERS[3]].series[uid(ORGANISERS[3])].exceptions == {
        FIRST.astimezone(UTC): None
    }
    assert google_emulator.count("events.list") == 60
    assert google_emulator.round_trips() == google_emulator.count("batch") == 2


def test_a_failing_listing_is_sent_again_alone(
    google: GoogleConnector, google_emulator: GoogleCalendarEmulator
) -> None:
    google_emulator.inject(r"/calendars/o07%40example\.com/events", 429, retry_after=1)
    seen = google.observe_many(groups(), WINDOW)
    assert all(seen[o].error is None and seen[o].series[uid(o)].exists for o in ORGANISERS)
    assert google_emulator.count("events.list", status=429) == 1
    assert google_emulator.count("events.list", status=200) == 60
    assert google_emulator.count("batch") == 3


def test_an_unreadable_calendar_is_an_error_and_the_others_are_read(
    google: GoogleConnector, google_emulator: GoogleCalendarEmulator
) -> None:
    google_emulator.inject(r"/calendars/o07%40example\.com/events", 500, times=100)
    seen = google.observe_many(groups(), WINDOW)
    broken = seen[ORGANISERS[7]]
    assert broken.series == {} and broken.error is not None and "500" in broken.error
    others = [o for o in ORGANISERS if o != ORGANISERS[7]]
    assert all(seen[o].error is None and seen[o].series[uid(o)].exists for o in others)
    assert google_emulator.count("events.list", status=500) <= 2 * FAST.attempts


def test_a_failing_batch_is_sent_again_whole(
    google: GoogleConnector, google_emulator: GoogleCalendarEmulator
) -> None:
    google_emulator.inject("batch", 502)
    seen = google.observe_many(groups(), WINDOW)
    assert all(seen[o].error is None and seen[o].series[uid(o)].exists for o in ORGANISERS)
    assert google_emulator.count("batch", status=502) == 1
    assert google_emulator.count("events.list", status=200) == 60


def test_one_calendar_read_back_alone_is_still_one_round_trip(
    google: GoogleConnector, google_emulator: GoogleCalendarEmulator
) -> None:
    seen = google.observe(ORGANISERS[0], {uid(ORGANISERS[0]): []}, WINDOW)
    assert seen.series[uid(ORGANISERS[0])].exists
    assert google_emulator.round_trips() == 1 and google_emulator.count("events.list") == 2
    later = FIRST + timedelta(weeks=1)
    assert [s.uid for s in google.list_series(ORGANISERS[0], Interval(later, later))] == [
        uid(ORGANISERS[0])
    ]


def test_the_dates_of_a_series_are_read_without_its_texts(
    google: GoogleConnector, google_emulator: GoogleCalendarEmulator
) -> None:
    """Every date in the window is listed every night: only what is read of a date comes
    back, not the series' summary, description and properties with each of them."""
    organiser = ORGANISERS[0]
    event = uid(organiser).split("@")[0]
    google_emulator.decline(organiser, google_emulator.instance_id(event, FIRST), LENA)
    seen = google.observe_many(groups(), WINDOW)[organiser].series[uid(organiser)]
    assert seen.declined_dates == {FIRST.astimezone(UTC): frozenset({LENA})}
    assert isinstance(seen.held, GoogleHeld) and len(seen.held.dates) == 9
    second = seen.held.dates[SECOND.astimezone(UTC)]  # where the rule puts it
    # the dates are listed with a selection of their fields, without the series' texts
    selections = [
        r.query["fields"][-1]
        for r in google_emulator.requests
        if r.kind == "events.list" and "singleEvents" in r.query
    ]
    assert selections and all("description" not in fields for fields in selections)
    # held until booking, through the night: only what a write of the date reads
    assert set(second) == {"id", "status", "start"}


def test_a_series_is_held_with_what_its_writer_and_rebuilding_read(
    google: GoogleConnector, google_emulator: GoogleCalendarEmulator
) -> None:
    """Every booked series is held from the read-back until booking: with what the writer
    compares and rebuilding takes, not its links, creator, organiser, reminders or stamps."""
    organiser = ORGANISERS[0]
    seen = google.observe_many(groups(), WINDOW)[organiser].series[uid(organiser)]
    assert isinstance(seen.held, GoogleHeld)
    master = seen.held.master
    assert {"summary", "description", "recurrence", "start", "end", "attendees"} <= set(master)
    assert master["extendedProperties"]["private"]
    assert not {"htmlLink", "creator", "organizer", "created", "updated", "etag"} & set(master)
    assert all(set(a) <= {"email", "displayName", "responseStatus"} for a in master["attendees"])
    found = google.list_series(organiser, WINDOW)
    assert [s.uid for s in found] == [uid(organiser)] and found[0].attendee == LENA
