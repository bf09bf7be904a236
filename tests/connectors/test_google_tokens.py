"""The tokens of the people a Google batch acts as are fetched side by side before it is
sent, not one after another: each is a round trip to the token endpoint; and batches sent
side by side as the same person wait for one fetch of their token."""

from __future__ import annotations

import threading
from dataclasses import replace
from pathlib import Path
from typing import Any

import httplib2
import pytest
from google.auth.exceptions import RefreshError

from sync.connectors.google.away_pipeline import EarlyListings
from sync.connectors.google.connector import GoogleConnector
from sync.connectors.google.tokens import Tokens
from sync.connectors.request_count import Tally
from tests.batch_helpers import LENA, booked
from tests.connectors.test_google_batch import WINDOW, away_day, ref, time_off
from tests.emulators import GoogleCalendarEmulator
from tests.google_helpers import connector

PEOPLE = [f"p{i:02d}@example.com" for i in range(20)]
ORGANISER = "o00@example.com"
ASKED_WITHIN = 30.0
"""Seconds a test waits for a token request that should come at once: it bounds only a
failing test."""


@pytest.fixture
def emulator(google_emulator: GoogleCalendarEmulator) -> GoogleCalendarEmulator:
    for email in PEOPLE:
        google_emulator.add_user(email, timezone="UTC")
        away_day(google_emulator, email)
    return google_emulator


class TokensInFlight:
    """The most token requests the emulator was answering at once."""

    def __init__(self, emulator: GoogleCalendarEmulator) -> None:
        self.handle = emulator.handle
        self.lock = threading.Lock()
        self.now = self.peak = 0

    def __call__(self, method: str, raw_path: str, headers: dict[str, str], body: bytes) -> Any:
        token = raw_path.split("?")[0] == "/token"
        if token:
            with self.lock:
                self.now += 1
                self.peak = max(self.peak, self.now)
        try:
            return self.handle(method, raw_path, headers, body)
        finally:
            if token:
                with self.lock:
                    self.now -= 1


def test_a_batch_s_tokens_are_fetched_side_by_side(
    emulator: GoogleCalendarEmulator, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    in_flight = TokensInFlight(emulator)
    monkeypatch.setattr(emulator, "handle", in_flight)
    emulator.inject("token", None, times=100, delay=0.05)  # a distant token endpoint
    reading = connector(emulator, tmp_path).read_busy([ref(p) for p in PEOPLE], WINDOW)
    assert reading.errors == {}
    assert all(time_off(reading.busy[p]) == 1 for p in PEOPLE)
    assert emulator.count("token") >= len(PEOPLE)  # each out-of-office listing acts as its person
    assert emulator.count("batch") == 2  # free/busy, then the 20 listings
    assert in_flight.peak > 1


def test_batches_side_by_side_acting_as_one_person_fetch_one_token(
    google_emulator: GoogleCalendarEmulator, tmp_path: Path
) -> None:
    google_emulator.add_user(ORGANISER, timezone="Europe/Stockholm")
    google_emulator.add_user(LENA, timezone="Europe/Stockholm")
    google_emulator.inject("token", None, times=100, delay=0.05)
    series = [
        replace(booked(ORGANISER), uid=f"o{n:02d}abcdefghijklmnop@checkin-sync") for n in range(60)
    ]
    written = connector(google_emulator, tmp_path).write_many([(s, None) for s in series])
    assert [w.error for w in written] == [None] * 60
    assert google_emulator.count("batch") == 2  # 50 and 10 inserts, side by side
    assert google_emulator.count("token") == 1


def test_a_night_fetches_one_token_per_person(
    google_emulator: GoogleCalendarEmulator, tmp_path: Path
) -> None:
    """The organiser's calendar is read back first, as a night does; the token that did it
    also lists their out-of-office events. The person checked at start-up asks for the
    free/busy with the token checked."""
    google_emulator.add_user(ORGANISER, timezone="UTC")
    away_day(google_emulator, ORGANISER)
    for email in PEOPLE:
        google_emulator.add_user(email, timezone="UTC")
        away_day(google_emulator, email)
    google = connector(google_emulator, tmp_path)
    google.verify(ORGANISER)
    assert google.list_series_many([ORGANISER], WINDOW) == {ORGANISER: []}
    reading = google.read_busy([ref(p) for p in [ORGANISER, *PEOPLE]], WINDOW)
    assert reading.errors == {}
    assert all(time_off(reading.busy[p]) == 1 for p in [ORGANISER, *PEOPLE])
    tokens = [r.subject for r in google_emulator.requests if r.kind == "token"]
    assert sorted(tokens) == sorted([ORGANISER, ORGANISER, *PEOPLE])  # free/busy, events
    assert len(google_emulator.granted_scopes()[ORGANISER]) == 2


def test_tokens_and_batches_go_over_connections_kept_alive(
    emulator: GoogleCalendarEmulator, tmp_path: Path
) -> None:
    """Each thread keeps its connection to Google (a TLS handshake there costs more than
    the request): twenty tokens and three batches do not open twenty-three connections."""
    reading = connector(emulator, tmp_path).read_busy([ref(p) for p in PEOPLE], WINDOW)
    assert reading.errors == {}
    assert emulator.count("token") == len(PEOPLE) + 1  # the free/busy's acting person too
    assert emulator.count("batch") == 2
    # three batch threads and three token threads at most (parallel_requests = 3)
    assert emulator.connections <= 6


def test_tokens_go_more_at_once_than_batches(
    emulator: GoogleCalendarEmulator, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The token endpoint is not the Calendar API: its requests are paced by
    `token_requests`, not by the batches in flight."""
    in_flight = TokensInFlight(emulator)
    monkeypatch.setattr(emulator, "handle", in_flight)
    emulator.inject("token", None, times=100, delay=0.05)
    google = connector(emulator, tmp_path, parallel_requests=1, token_requests=4)
    reading = google.read_busy([ref(p) for p in PEOPLE], WINDOW)
    assert all(time_off(reading.busy[p]) == 1 for p in PEOPLE)
    assert in_flight.peak > 1


class TokenAsked:
    """Notes the first token request the emulator receives."""

    def __init__(self, emulator: GoogleCalendarEmulator) -> None:
        self.handle = emulator.handle
        self.event = threading.Event()

    def __call__(self, method: str, raw_path: str, headers: dict[str, str], body: bytes) -> Any:
        if raw_path.split("?")[0] == "/token":
            self.event.set()
        return self.handle(method, raw_path, headers, body)


def early_listings(google: GoogleConnector) -> EarlyListings:
    return EarlyListings(google.reader.away, WINDOW, Tally(), threads=1)


def test_a_listing_s_token_is_fetched_before_its_round_trip_is_full(
    emulator: GoogleCalendarEmulator, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    asked = TokenAsked(emulator)
    monkeypatch.setattr(emulator, "handle", asked)
    listings = early_listings(connector(emulator, tmp_path))
    listings.add([ref(PEOPLE[0])])  # one of the fifty a round trip of listings carries
    assert asked.event.wait(ASKED_WITHIN), "no token was asked for before the round trip"
    found = listings.finish()
    assert time_off(found[PEOPLE[0]]) == 1
    assert emulator.count("token") == 1


class Refused:
    """Credentials whose token cannot be had (a delegation without the scope)."""

    def __init__(self, started: threading.Event | None = None) -> None:
        self.valid = False
        self.refreshes = 0
        self.started = started
        self.release = threading.Event()

    def refresh(self, request: Any) -> None:
        self.refreshes += 1
        if self.started is not None:  # holds the only token thread until released
            self.started.set()
            assert self.release.wait(ASKED_WITHIN)
        raise RefreshError("unauthorized_client")


def test_a_token_refused_ahead_is_the_answer_not_a_reason_to_ask_again() -> None:
    next_started = threading.Event()
    refused, holding = Refused(), Refused(next_started)
    people = {("p@example.com", ("s",)): refused, ("q@example.com", ("s",)): holding}
    tokens = Tokens(lambda email, scopes: people[(email, scopes)], httplib2.Http, threads=1)
    tokens.ahead(people)
    # one token thread: once q's fetch has begun, p's has ended
    assert next_started.wait(ASKED_WITHIN)
    failed = tokens.fresh([("p@example.com", ("s",))])
    holding.release.set()
    assert isinstance(failed[("p@example.com", ("s",))], RefreshError)
    assert refused.refreshes == 1
