"""Each part of a Google batch is taken in as the library hands it over: while one part's
answer is taken in, the other parts' answers are not held parsed beside it."""

from __future__ import annotations

import gc
from pathlib import Path
from typing import Any

import pytest

from sync.connectors.google import batching
from sync.connectors.google.auth import SCOPE_EVENTS
from sync.connectors.google.client import CalendarApi
from tests.emulators import GoogleCalendarEmulator
from tests.google_helpers import connector

PEOPLE = [f"p{i:02d}@example.com" for i in range(12)]
MARK = "Held answer mark"


def listing(email: str) -> batching.Call:
    def request(cal: CalendarApi) -> Any:
        return cal.events().list(calendarId=email, maxResults=250)

    return batching.Call("events.list", email, (SCOPE_EVENTS,), request)


def parsed_answers_alive() -> int:
    """How many listings of the marked events exist as parsed answers right now."""
    return sum(
        1
        for thing in gc.get_objects()
        if isinstance(thing, dict)
        and isinstance(thing.get("items"), list)
        and any(isinstance(i, dict) and i.get("summary") == MARK for i in thing["items"])
    )


def test_only_the_part_being_taken_in_is_held_parsed(
    google_emulator: GoogleCalendarEmulator, tmp_path: Path
) -> None:
    for email in PEOPLE:
        google_emulator.add_user(email, timezone="UTC")
        google_emulator.add_event(
            email,
            {
                "summary": MARK,
                "start": {"dateTime": "2027-02-15T08:00:00Z", "timeZone": "UTC"},
                "end": {"dateTime": "2027-02-15T09:00:00Z", "timeZone": "UTC"},
            },
        )
    client = connector(google_emulator, tmp_path).client
    alive: list[int] = []

    def take(index: int, answer: Any) -> str:
        alive.append(parsed_answers_alive())
        return str(answer["items"][0]["summary"])

    outcomes = batching.run(client, [listing(email) for email in PEOPLE], take)

    assert outcomes == [MARK] * len(PEOPLE)
    assert alive == [1] * len(PEOPLE)


def test_a_part_that_cannot_be_taken_in_fails_the_reading_not_the_round_trip(
    google_emulator: GoogleCalendarEmulator, tmp_path: Path
) -> None:
    google_emulator.add_user(PEOPLE[0], timezone="UTC")
    client = connector(google_emulator, tmp_path).client

    def take(index: int, answer: Any) -> Any:
        raise LookupError("not what was expected")

    with pytest.raises(LookupError):
        batching.run(client, [listing(PEOPLE[0])], take)
    assert google_emulator.round_trips() == 1
