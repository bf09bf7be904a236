"""Each free/busy answer is made busy time on the thread that received it, as it arrives,
so a night never holds the whole organisation's raw answers at once (bench/README.md,
"Peak memory of a night")."""

from __future__ import annotations

import threading
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from sync.connectors.base import BusyReading, CalendarRef
from sync.connectors.google.reading import GoogleReader
from sync.connectors.outlook.reading import GraphReader
from sync.model.values import Interval
from tests.emulators import GoogleCalendarEmulator, GraphEmulator
from tests.google_helpers import connector as google_connector
from tests.outlook_helpers import connector as outlook_connector

WINDOW = Interval(datetime(2027, 2, 1, tzinfo=UTC), datetime(2027, 4, 5, tzinfo=UTC))
PEOPLE = [f"p{i:02d}@example.com" for i in range(60)]
BUSY = {
    "start": {"dateTime": "2027-02-16T10:00:00Z", "timeZone": "UTC"},
    "end": {"dateTime": "2027-02-16T11:00:00Z", "timeZone": "UTC"},
}


def taken_on(monkeypatch: pytest.MonkeyPatch, reader: type[Any]) -> list[str]:
    """The names of the threads `reader.take` ran on."""
    threads: list[str] = []
    take = reader.take

    def recorded(self: Any, batch: list[CalendarRef], answer: Any) -> BusyReading:
        threads.append(threading.current_thread().name)
        result: BusyReading = take(self, batch, answer)
        return result

    monkeypatch.setattr(reader, "take", recorded)
    return threads


def test_google_answers_are_taken_as_they_arrive(
    google_emulator: GoogleCalendarEmulator, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for email in PEOPLE:
        google_emulator.add_user(email, timezone="UTC")
        google_emulator.add_event(email, dict(BUSY))
    threads = taken_on(monkeypatch, GoogleReader)
    google = google_connector(google_emulator, tmp_path)
    reading = google.read_busy([CalendarRef(p, "UTC", "google") for p in PEOPLE], WINDOW)
    assert all(len(reading.busy[p]) == 1 for p in PEOPLE)
    assert len(threads) == 4  # two batches of people, two 60-day chunks
    assert threading.main_thread().name not in threads


def test_graph_answers_are_taken_as_they_arrive(
    graph_emulator: GraphEmulator, monkeypatch: pytest.MonkeyPatch
) -> None:
    for email in PEOPLE:
        graph_emulator.add_user(email)
    outlook = outlook_connector(graph_emulator, [])
    outlook.verify(PEOPLE[0])
    threads = taken_on(monkeypatch, GraphReader)
    reading = outlook.read_busy([CalendarRef(p, "UTC", "outlook") for p in PEOPLE], WINDOW)
    assert reading.errors == {} and set(reading.busy) == set(PEOPLE)
    assert len(threads) == 6  # three batches of 20 people, two chunks
    assert threading.main_thread().name not in threads
