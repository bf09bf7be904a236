"""Writing many series through Google's batch endpoint: thirty new series in one round trip,
their moved dates in the next; a throttled or failing part sent again on its own while the
others' answers are kept; a part that keeps failing fails only its own series; a batch that
fails whole, or times out, sent again whole without a duplicate; and the emulator refusing
a write part Google refuses."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

import google_auth_httplib2
import httplib2
import pytest

from sync.connectors.base import WriteFailed
from sync.connectors.google.auth import SCOPE_EVENTS
from tests.batch_helpers import LENA, SECOND, booked, moved, organisers, uid
from tests.connectors.test_google_batch import multipart, post
from tests.emulators import GoogleCalendarEmulator
from tests.google_helpers import connector

ORGANISERS = organisers(30)


@pytest.fixture
def emulator(google_emulator: GoogleCalendarEmulator) -> GoogleCalendarEmulator:
    for email in [LENA, *ORGANISERS]:
        google_emulator.add_user(email, timezone="Europe/Stockholm")
    return google_emulator


def events(emulator: GoogleCalendarEmulator, organiser: str) -> list[str]:
    """The series events the organiser's calendar holds (a duplicate would show twice)."""
    return [
        e["id"]
        for e in emulator.events(organiser, include_cancelled=False)
        if "recurrence" in e and "recurringEventId" not in e
    ]


def second_date(emulator: GoogleCalendarEmulator, organiser: str) -> str:
    (item,) = [
        i
        for i in emulator.instances(
            organiser,
            uid(organiser).split("@")[0],
            SECOND - timedelta(hours=1),
            SECOND + timedelta(hours=3),
        )
        if i.get("status") != "cancelled"
    ]
    return str(item["start"]["dateTime"])


def test_thirty_new_series_take_one_round_trip_and_their_moved_dates_one_more(
    emulator: GoogleCalendarEmulator, tmp_path: Path
) -> None:
    google = connector(emulator, tmp_path)
    written = google.write_many([(moved(o), None) for o in ORGANISERS])
    assert [w.error for w in written] == [None] * 30
    assert [w.requests for w in written] == [2] * 30
    assert emulator.count("events.insert") == emulator.count("events.patch") == 30
    assert emulator.round_trips() == emulator.count("batch") == 2
    assert all(events(emulator, o) == [uid(o).split("@")[0]] for o in ORGANISERS)
    assert all(second_date(emulator, o).startswith("2027-02-09T16:00") for o in ORGANISERS)


@pytest.mark.parametrize(("status", "retry_after"), [(429, 2.0), (500, None), (503, 1.0)])
def test_a_throttled_or_failing_part_is_sent_again_alone(
    emulator: GoogleCalendarEmulator, tmp_path: Path, status: int, retry_after: float | None
) -> None:
    sleeps: list[float] = []
    google = connector(emulator, tmp_path, sleeps)
    emulator.inject(r"/calendars/o07%40example\.com/events$", status, retry_after=retry_after)
    written = google.write_many([(booked(o), None) for o in ORGANISERS[:10]])
    assert [w.error for w in written] == [None] * 10
    assert emulator.count("events.insert", status=status) == 1
    assert emulator.count("events.insert", status=200) == 10
    assert emulator.count("batch") == 2  # all ten, then the one part again
    if retry_after is not None:
        assert sleeps == [retry_after]
    assert all(len(events(emulator, o)) == 1 for o in ORGANISERS[:10])


def test_a_part_that_keeps_failing_fails_only_its_own_series(
    emulator: GoogleCalendarEmulator, tmp_path: Path
) -> None:
    google = connector(emulator, tmp_path)
    # o03's moved date cannot be written: its series is created, but not yet as it should be
    emulator.inject(r"/calendars/o03%40example\.com/events/.*_2027", 500, times=100)
    written = google.write_many([(moved(o), None) for o in ORGANISERS[:6]])
    failed = written[3].error
    assert isinstance(failed, WriteFailed) and "500" in str(failed)
    assert [w.error for i, w in enumerate(written) if i != 3] == [None] * 5
    assert all(
        second_date(emulator, o).startswith("2027-02-09T16:00")
        for o in ORGANISERS[:6]
        if o != ORGANISERS[3]
    )
    # the next write finds the event it made (409), writes only the date, makes no duplicate
    emulator.clear_faults()
    emulator.clear_log()
    (again,) = google.write_many([(moved(ORGANISERS[3]), None)])
    assert again.error is None
    assert emulator.count("events.insert", status=409) == 1
    assert emulator.count("events.patch") == 1
    assert events(emulator, ORGANISERS[3]) == [uid(ORGANISERS[3]).split("@")[0]]
    assert second_date(emulator, ORGANISERS[3]).startswith("2027-02-09T16:00")


def test_a_failing_batch_is_sent_again_whole(
    emulator: GoogleCalendarEmulator, tmp_path: Path
) -> None:
    google = connector(emulator, tmp_path)
    emulator.inject("batch", 502)
    written = google.write_many([(booked(o), None) for o in ORGANISERS[:5]])
    assert [w.error for w in written] == [None] * 5
    assert emulator.count("batch", status=502) == 1
    assert emulator.count("events.insert") == 5
    assert all(len(events(emulator, o)) == 1 for o in ORGANISERS[:5])


def test_a_batch_that_times_out_is_sent_again_without_a_duplicate(
    emulator: GoogleCalendarEmulator, tmp_path: Path
) -> None:
    google = connector(emulator, tmp_path, timeout_seconds=2)
    emulator.inject("batch", None, delay=8)  # answers long after the client gave up
    written = google.write_many([(moved(o), None) for o in ORGANISERS[:5]])
    assert [w.error for w in written] == [None] * 5
    assert emulator.count("batch") >= 2
    assert all(len(events(emulator, o)) == 1 for o in ORGANISERS[:5])
    assert all(second_date(emulator, o).startswith("2027-02-09T16:00") for o in ORGANISERS[:5])


def test_the_batch_endpoint_refuses_a_write_part_google_refuses(
    emulator: GoogleCalendarEmulator, tmp_path: Path
) -> None:
    credentials = connector(emulator, tmp_path).client.credentials(ORGANISERS[0], [SCOPE_EVENTS])
    credentials.refresh(google_auth_httplib2.Request(httplib2.Http()))
    insert = (
        f"POST /calendar/v3/calendars/{ORGANISERS[0].replace('@', '%40')}/events HTTP/1.1\r\n"
        f"Authorization: Bearer {credentials.token}\r\n"
    )
    body = json.dumps(
        {"start": {"dateTime": "2027-02-02T15:00:00Z"}, "end": {"dateTime": "2027-02-02T15:30:00Z"}}
    )
    typed = "Content-Type: application/json\r\n"
    status, content = post(
        emulator,
        multipart([insert + "\r\n", insert + "\r\n" + body, insert + typed + "\r\n" + body]),
        "multipart/mixed; boundary=b",
    )
    assert status == 200
    # no body; a body that does not say what it is; only the third is taken
    assert content.count(b"HTTP/1.1 400") == 2
    assert emulator.count("events.insert", status=200) == 1
