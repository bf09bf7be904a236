"""A read reports the requests it sent itself, however other reads overlap it: a night reads
its kinds of calendar side by side, and a read's batches go out on its client's pool of
threads, so neither the client's total nor a thread's own count is the read's."""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from sync.connectors.base import BusyReading, CalendarRef, Connector
from sync.model.values import Interval
from tests import google_helpers, outlook_helpers
from tests.emulators import GoogleCalendarEmulator, GraphEmulator

WEEK = Interval(datetime(2027, 2, 1, tzinfo=UTC), datetime(2027, 2, 8, tzinfo=UTC))
"""One request window for either provider."""


def held_together(
    monkeypatch: pytest.MonkeyPatch, emulator: Any, is_batch: Callable[[str, str], bool]
) -> None:
    """The emulator answers its first two batch round trips only once both have arrived:
    two reads that each send one are then both in flight, each having counted what it sent,
    before either is answered. A read that never sends its batch breaks the wait (and the
    test) rather than hanging."""
    together = threading.Barrier(2, timeout=60)
    arrived = iter(range(2))
    lock = threading.Lock()
    answer = emulator.handle

    def handle(method: str, raw_path: str, headers: dict[str, str], body: bytes) -> Any:
        if is_batch(method, raw_path):
            with lock:
                held = next(arrived, None) is not None
            if held:
                together.wait()
        return answer(method, raw_path, headers, body)

    monkeypatch.setattr(emulator, "handle", handle)


def side_by_side(
    connector: Connector, few: Sequence[CalendarRef], many: Sequence[CalendarRef]
) -> tuple[BusyReading, BusyReading]:
    with ThreadPoolExecutor(2) as pool:
        first = pool.submit(connector.read_busy, few, WEEK)
        second = pool.submit(connector.read_busy, many, WEEK)
        return first.result(), second.result()


def test_overlapping_google_reads_each_count_their_own_requests(
    google_emulator: GoogleCalendarEmulator, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    people = [f"person{i:02d}@example.com" for i in range(60)]
    for email in people:
        google_emulator.add_user(email)
    google = google_helpers.connector(google_emulator, tmp_path, read_out_of_office=False)
    held_together(monkeypatch, google_emulator, lambda _, path: "/batch/" in path)

    refs = [CalendarRef(email, "UTC", "google") for email in people]
    # one freeBusy request for one person; two (50 people a request) for sixty, one batch each
    few, many = side_by_side(google, refs[:1], refs)

    assert few.errors == many.errors == {}
    assert (few.requests, many.requests) == (1, 2)
    assert google_emulator.count("freebusy.query") == 3


def test_overlapping_outlook_reads_each_count_their_own_requests(
    graph_emulator: GraphEmulator, monkeypatch: pytest.MonkeyPatch
) -> None:
    people = [f"person{i:02d}@example.com" for i in range(30)]
    for email in people:
        graph_emulator.add_user(email)
    outlook = outlook_helpers.connector(graph_emulator)
    outlook.verify(people[0])
    held_together(monkeypatch, graph_emulator, lambda method, path: path.endswith("/$batch"))

    refs = [CalendarRef(email, "UTC", "outlook") for email in people]
    # one getSchedule request for one person; two (20 people a request) for thirty
    few, many = side_by_side(outlook, refs[:1], refs)

    assert few.errors == many.errors == {}
    assert (few.requests, many.requests) == (1, 2)
    assert graph_emulator.count("getSchedule") == 3


def test_a_read_counts_its_retries(
    graph_emulator: GraphEmulator, monkeypatch: pytest.MonkeyPatch
) -> None:
    people = [f"person{i:02d}@example.com" for i in range(3)]
    for email in people:
        graph_emulator.add_user(email)
    outlook = outlook_helpers.connector(graph_emulator)
    outlook.verify(people[0])
    graph_emulator.inject("getSchedule", status=429, times=1, retry_after=0)
    reading = outlook.read_busy([CalendarRef(e, "UTC", "outlook") for e in people], WEEK)
    assert reading.errors == {}
    assert reading.requests == graph_emulator.count("getSchedule") == 2  # one sent again
