"""Out-of-office listings go out while free/busy is still being read: a person is listed as
soon as the freeBusy request that held them has answered, and the reading is the same as
when the listings waited for everyone's free/busy."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from sync.connectors.base import CalendarRef, clip
from sync.connectors.google import batching
from sync.connectors.google.away_pipeline import EarlyListings
from sync.connectors.google.connector import GoogleConnector
from sync.connectors.google.out_of_office import may_be_away
from sync.connectors.request_count import Tally
from sync.model.values import BusyBlock, BusyKind, Interval
from tests.emulators import GoogleCalendarEmulator
from tests.google_helpers import connector

WORKDAYS = frozenset(range(5))
HELD_AT_MOST = 30.0
"""Seconds the last free/busy batch waits for a listing: without the pipeline none comes."""


def ref(email: str, zone: str = "UTC") -> CalendarRef:
    return CalendarRef(email, zone, "google", timedelta(hours=4), WORKDAYS)


def away(emulator: GoogleCalendarEmulator, email: str, day: datetime) -> None:
    emulator.add_event(
        email,
        {
            "eventType": "outOfOffice",
            "start": {"dateTime": day.isoformat(), "timeZone": "UTC"},
            "end": {"dateTime": (day + timedelta(hours=8)).isoformat(), "timeZone": "UTC"},
        },
    )


def test_listings_start_before_the_last_free_busy_batch_has_answered(
    google_emulator: GoogleCalendarEmulator, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    window = Interval(datetime(2027, 2, 1, tzinfo=UTC), datetime(2027, 3, 1, tzinfo=UTC))
    people = [f"p{i:02d}@example.com" for i in range(60)]
    for email in people:
        google_emulator.add_user(email)
        away(google_emulator, email, datetime(2027, 2, 15, 8, tzinfo=UTC))
    # one call per round trip: p00-p49's freeBusy and p50-p59's go out as two batches
    monkeypatch.setattr(batching, "BATCH_SIZE", 1)
    listed = threading.Event()
    held_in_vain: list[bool] = []
    answer = google_emulator.handle

    def holding(method: str, path: str, headers: dict[str, str], body: bytes) -> Any:
        if b"/events" in body:
            listed.set()
        elif b"/freeBusy" in body and b"p59@example.com" in body:
            held_in_vain.append(not listed.wait(HELD_AT_MOST))
        return answer(method, path, headers, body)

    monkeypatch.setattr(google_emulator, "handle", holding)
    google = connector(google_emulator, tmp_path, timeout_seconds=3 * HELD_AT_MOST)
    reading = google.read_busy([ref(p) for p in people], window)
    assert held_in_vain == [False], "a listing went out while p50-p59's free/busy was held"
    assert len(reading.busy) == 60
    assert google_emulator.count("events.list") == 60


def one_after_the_other(
    google: GoogleConnector, people: list[CalendarRef], window: Interval
) -> tuple[dict[str, list[BusyBlock]], dict[str, str]]:
    """The reading as it was made before: everyone's free/busy, then the listings."""
    reader = google.reader
    reader.read_out_of_office = False
    plain = reader.read_busy(people, window)
    maybe = [p for p in people if p.email in plain.busy and may_be_away(p, plain.busy[p.email])]
    found = reader.away.read(maybe, window)
    busy = {
        email: clip(blocks + found.get(email, []), window) for email, blocks in plain.busy.items()
    }
    return busy, plain.errors


def test_the_reading_is_the_same_as_listing_after_free_busy(
    google_emulator: GoogleCalendarEmulator, tmp_path: Path
) -> None:
    # 130 days: three freeBusy chunks for each batch of 50 people
    window = Interval(datetime(2027, 1, 4, tzinfo=UTC), datetime(2027, 5, 14, tzinfo=UTC))
    people: list[CalendarRef] = []
    for i in range(120):
        email = f"p{i:03d}@example.com"
        zone = ("UTC", "Europe/Stockholm", "America/New_York")[i % 3]
        google_emulator.add_user(email, timezone=zone)
        people.append(ref(email, zone))
        if i % 2 == 0:  # away on a working day, in the first or the last chunk
            away(google_emulator, email, datetime(2027, 1, 5, 9, tzinfo=UTC) + timedelta(days=i))
        elif i % 5 == 0:  # busy but not away: a short meeting
            google_emulator.add_event(
                email,
                {
                    "start": {"dateTime": "2027-02-02T10:00:00Z", "timeZone": "UTC"},
                    "end": {"dateTime": "2027-02-02T11:00:00Z", "timeZone": "UTC"},
                },
            )
    for day in range(260):  # more than a page of time off: a second page
        away(
            google_emulator,
            "p010@example.com",
            datetime(2027, 1, 4, tzinfo=UTC) + timedelta(hours=12 * day),
        )
    google_emulator.hide_free_busy("p020@example.com")  # an error of their own

    reading = connector(google_emulator, tmp_path).read_busy(people, window)
    pipelined = (google_emulator.round_trips(), google_emulator.count("events.list"))
    google_emulator.clear_log()
    busy, errors = one_after_the_other(connector(google_emulator, tmp_path), people, window)

    assert reading.busy == busy
    assert list(reading.busy) == list(busy)
    assert reading.errors == errors == {"p020@example.com": reading.errors["p020@example.com"]}
    assert (
        sum(1 for b in reading.busy["p010@example.com"] if b.kind is BusyKind.TIME_OFF) == 1 + 260
    )
    sequential = (google_emulator.round_trips(), google_emulator.count("events.list"))
    assert pipelined == sequential
    assert reading.requests == 9 + pipelined[1], "freeBusy: 3 batches of people x 3 chunks"


class HeldListings:
    """Stands for `OutOfOffice`: each round of listings waits until released."""

    def __init__(self) -> None:
        self.denied = False
        self.rounds: list[list[str]] = []
        self.release = threading.Event()
        self.ended = threading.Event()

    def list_round(self, by_email: Any, pages: Any, *_: Any) -> dict[str, str | None]:
        self.rounds.append(sorted(pages))
        self.release.wait(HELD_AT_MOST)
        self.ended.set()
        return {}

    def tokens_ahead(self, people: Any) -> None:
        pass


def test_listings_not_yet_sent_are_dropped_when_free_busy_fails(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(batching, "BATCH_SIZE", 1)
    held = HeldListings()
    window = Interval(datetime(2027, 2, 1, tzinfo=UTC), datetime(2027, 3, 1, tzinfo=UTC))
    listings = EarlyListings(held, window, Tally(), threads=1)  # type: ignore[arg-type]
    listings.add([ref("a@example.com"), ref("b@example.com"), ref("c@example.com")])
    listings.abandon()
    held.release.set()
    assert held.ended.wait(HELD_AT_MOST)
    assert held.rounds == [["a@example.com"]]
