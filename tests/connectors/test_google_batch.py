"""Out-of-office listings through Google's batch endpoint: one round trip for up to 50
people, a failing part sent again on its own, a failing batch sent again whole; and the
emulator's batch endpoint refusing what Google refuses."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import httplib2
import pytest

from sync.config.provider_settings import GoogleSettings
from sync.connectors.base import CalendarRef
from sync.connectors.google.auth import GoogleAuth
from sync.connectors.google.client import GoogleClient
from sync.connectors.google.connector import GoogleConnector
from sync.model.values import BusyBlock, BusyKind, Interval
from tests.emulators import GoogleCalendarEmulator
from tests.google_helpers import FAST, connector, key_file

WINDOW = Interval(datetime(2027, 2, 1, tzinfo=UTC), datetime(2027, 3, 1, tzinfo=UTC))
PEOPLE = [f"p{i:02d}@example.com" for i in range(60)]
WORKDAYS = frozenset(range(5))


def away_day(emulator: GoogleCalendarEmulator, email: str, day: int = 15) -> None:
    """A whole working day out of office (Monday 15 February 2027, UTC)."""
    emulator.add_event(
        email,
        {
            "eventType": "outOfOffice",
            "start": {"dateTime": f"2027-02-{day}T08:00:00Z", "timeZone": "UTC"},
            "end": {"dateTime": f"2027-02-{day}T16:00:00Z", "timeZone": "UTC"},
        },
    )


def ref(email: str) -> CalendarRef:
    """Works 09:00-17:00 UTC, Monday to Friday: four hours away is half the day."""
    return CalendarRef(email, "UTC", "google", timedelta(hours=4), WORKDAYS)


@pytest.fixture
def emulator(google_emulator: GoogleCalendarEmulator) -> GoogleCalendarEmulator:
    for email in PEOPLE:
        google_emulator.add_user(email, timezone="UTC")
        away_day(google_emulator, email)
    return google_emulator


def parts(emulator: GoogleCalendarEmulator, email: str | None = None) -> int:
    return sum(
        1
        for r in emulator.requests
        if r.kind == "events.list" and email in (None, r.calendar_id) and r.status == 200
    )


def time_off(blocks: list[BusyBlock]) -> int:
    return sum(1 for b in blocks if b.kind is BusyKind.TIME_OFF)


def test_free_busy_and_out_of_office_of_sixty_people_take_three_round_trips(
    emulator: GoogleCalendarEmulator, tmp_path: Path
) -> None:
    reading = connector(emulator, tmp_path).read_busy([ref(p) for p in PEOPLE], WINDOW)
    assert all(time_off(reading.busy[p]) == 1 for p in PEOPLE)
    assert emulator.count("batch") == 1 + 2  # both freeBusy requests, then 50 + 10 listings
    assert parts(emulator) == 60
    assert emulator.count("freebusy.query") == 2
    assert all(r.in_batch for r in emulator.requests if r.kind not in ("batch", "token"))
    assert emulator.round_trips() == 3


@pytest.mark.parametrize("status", [429, 500, 503])
def test_a_failing_part_is_sent_again_alone(
    emulator: GoogleCalendarEmulator, tmp_path: Path, status: int
) -> None:
    sleeps: list[float] = []
    emulator.inject(r"/calendars/p07%40example\.com/events", status, retry_after=7)
    reading = connector(emulator, tmp_path, sleeps).read_busy([ref(p) for p in PEOPLE], WINDOW)
    assert all(time_off(reading.busy[p]) == 1 for p in PEOPLE)
    assert parts(emulator) == 60, "every other part was answered the first time"
    assert emulator.count("events.list", status=status) == 1
    assert emulator.count("batch") == 4  # freeBusy, 50 + 10, then the one part again
    assert sleeps == [7], "Google's Retry-After for that part"


def test_a_part_failing_every_time_costs_only_that_persons_label(
    emulator: GoogleCalendarEmulator, tmp_path: Path
) -> None:
    emulator.inject(r"/calendars/p07%40example\.com/events", 500, times=100)
    reading = connector(emulator, tmp_path).read_busy([ref(p) for p in PEOPLE], WINDOW)
    assert emulator.count("events.list", status=500) == FAST.attempts
    assert time_off(reading.busy["p07@example.com"]) == 0
    assert [b.kind for b in reading.busy["p07@example.com"]] == [BusyKind.BUSY]
    assert all(time_off(reading.busy[p]) == 1 for p in PEOPLE if p != "p07@example.com")
    assert reading.errors == {}


def test_a_failing_batch_is_sent_again_whole(
    emulator: GoogleCalendarEmulator, tmp_path: Path
) -> None:
    emulator.inject("batch", 503)
    reading = connector(emulator, tmp_path).read_busy([ref(p) for p in PEOPLE[:30]], WINDOW)
    assert all(time_off(reading.busy[p]) == 1 for p in PEOPLE[:30])
    assert emulator.count("batch", status=503) == 1
    assert emulator.count("batch", status=200) == 2  # freeBusy and the listings
    assert parts(emulator) == 30


def test_a_batch_that_times_out_is_sent_again(
    emulator: GoogleCalendarEmulator, tmp_path: Path
) -> None:
    settings = GoogleSettings(
        credentials_file=key_file(emulator, tmp_path),
        api_endpoint=emulator.api_endpoint,
        timeout_seconds=2,
    )
    client = GoogleClient(GoogleAuth(settings.credentials_file), settings, FAST, lambda _: None)
    google = GoogleConnector(settings, client)
    emulator.inject("batch", None, delay=8)  # answers long after the client gave up
    reading = google.read_busy([ref(p) for p in PEOPLE[:5]], WINDOW)
    assert all(time_off(reading.busy[p]) == 1 for p in PEOPLE[:5])
    assert emulator.count("batch") >= 1
    assert parts(emulator) >= 5


def test_out_of_office_is_read_only_where_free_busy_shows_a_long_span(
    google_emulator: GoogleCalendarEmulator, tmp_path: Path
) -> None:
    busy, away, short, weekend = (f"{n}@example.com" for n in ("busy", "away", "short", "sat"))
    for email in (busy, away, short, weekend):
        google_emulator.add_user(email, timezone="UTC")
    for hour in (9, 11, 14):  # three meetings with gaps: never a span of four hours
        google_emulator.add_event(
            busy,
            {
                "start": {"dateTime": f"2027-02-16T{hour:02d}:00:00Z"},
                "end": {"dateTime": f"2027-02-16T{hour + 1:02d}:30:00Z"},
            },
        )
    # exactly half of a working day out of office: that day counts as a day away
    google_emulator.add_event(
        away,
        {
            "eventType": "outOfOffice",
            "start": {"dateTime": "2027-02-16T09:00:00Z"},
            "end": {"dateTime": "2027-02-16T13:00:00Z"},
        },
    )
    google_emulator.add_event(  # out of office for an hour: busy is as good
        short,
        {
            "eventType": "outOfOffice",
            "start": {"dateTime": "2027-02-16T09:00:00Z"},
            "end": {"dateTime": "2027-02-16T10:00:00Z"},
        },
    )
    away_day(google_emulator, weekend, day=13)  # a Saturday, not a working day
    people = [ref(e) for e in (busy, away, short, weekend)]
    reading = connector(google_emulator, tmp_path).read_busy(people, WINDOW)
    assert time_off(reading.busy[away]) == 1
    assert [r.calendar_id for r in google_emulator.requests if r.kind == "events.list"] == [away]
    assert [b.kind for b in reading.busy[short]] == [BusyKind.BUSY]


# ---------------------------------------------------------------------------- the endpoint


def post(emulator: GoogleCalendarEmulator, body: str, content_type: str) -> tuple[int, bytes]:
    base = emulator.api_endpoint.removesuffix("calendar/v3/")
    response, content = httplib2.Http(timeout=10).request(
        base + "batch/calendar/v3", "POST", body=body, headers={"content-type": content_type}
    )
    return int(response.status), content


def multipart(requests: list[str], part_type: str = "application/http") -> str:
    chunks = [
        f"--b\r\nContent-Type: {part_type}\r\nContent-ID: <{i}>\r\n\r\n{request}\r\n"
        for i, request in enumerate(requests)
    ]
    return "".join(chunks) + "--b--\r\n"


LIST = "GET /calendar/v3/calendars/p00%40example.com/events HTTP/1.1\r\n\r\n"


def test_the_batch_endpoint_answers_each_part_with_its_content_id(
    emulator: GoogleCalendarEmulator,
) -> None:
    status, content = post(emulator, multipart([LIST]), "multipart/mixed; boundary=b")
    assert status == 200
    assert b"Content-ID: <response-0>" in content
    assert b"HTTP/1.1 401" in content, "no Authorization: the part, not the batch, is refused"


@pytest.mark.parametrize(
    ("body", "content_type", "why"),
    [
        (multipart([LIST] * 51), "multipart/mixed; boundary=b", b"Too many requests"),
        (multipart([LIST]), "application/json", b"multipart/mixed"),
        (multipart([LIST], "application/json"), "multipart/mixed; boundary=b", b"application/http"),
        (
            multipart([LIST.replace("/calendar", "https://www.googleapis.com/calendar", 1)]),
            "multipart/mixed; boundary=b",
            b"path only",
        ),
        (
            multipart([LIST.replace("/calendar/v3", "/gmail/v1", 1)]),
            "multipart/mixed; boundary=b",
            b"same API",
        ),
    ],
)
def test_the_batch_endpoint_refuses_what_google_refuses(
    emulator: GoogleCalendarEmulator, body: str, content_type: str, why: bytes
) -> None:
    status, content = post(emulator, body, content_type)
    assert status == 400
    assert why in content
    assert parts(emulator) == 0
