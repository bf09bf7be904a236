"""With no `api_endpoint` set, the Google connector calls exactly the URLs Google documents
(https://www.googleapis.com/calendar/v3/...), and a base URL without the service path is
refused when the settings are read, not by a 404 from Google in the night."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httplib2
import pytest

from sync.config.provider_settings import GoogleSettings
from sync.config.settings import load_settings
from sync.connectors.base import CalendarRef
from sync.connectors.google.auth import GoogleAuth
from sync.connectors.google.client import GoogleClient
from sync.connectors.google.connector import GoogleConnector
from sync.model.errors import ConfigError
from sync.model.values import Interval, OccurrenceStatus
from tests.connectors.test_google_connector import EVENT_ID, KARIN, LENA, series, week
from tests.emulators import GoogleCalendarEmulator
from tests.google_helpers import FAST, key_file

GOOGLE = "https://www.googleapis.com/"
CALENDAR_V3 = "https://www.googleapis.com/calendar/v3/"
MOVED = OccurrenceStatus.MOVED
WINDOW = Interval(datetime(2027, 2, 1, tzinfo=UTC), datetime(2027, 3, 1, tzinfo=UTC))


def test_each_thread_builds_its_calendar_collections_once(tmp_path: Path) -> None:
    """The library makes a collection's every method anew on each `events()`: a thread's
    client hands out the ones it made, whoever the call acts as."""
    with GoogleCalendarEmulator() as emulator:  # only for a well-formed key file
        settings = GoogleSettings(credentials_file=key_file(emulator, tmp_path))
    client = GoogleClient(GoogleAuth(settings.credentials_file), settings)
    calendar = client.service()
    assert client.service() is calendar
    assert calendar.events() is calendar.events()
    assert calendar.freebusy() is calendar.freebusy()
    other: list[object] = []
    thread = threading.Thread(target=lambda: other.append(client.service().events()))
    thread.start()
    thread.join()
    assert other[0] is not calendar.events()  # httplib2 is not thread-safe: one per thread


def test_default_settings_build_the_documented_calendar_v3_uris(tmp_path: Path) -> None:
    with GoogleCalendarEmulator() as emulator:  # only for a well-formed key file
        settings = GoogleSettings(credentials_file=key_file(emulator, tmp_path))
    client = GoogleClient(GoogleAuth(settings.credentials_file), settings)
    calendar = client.service()  # builds offline, sends nothing
    events = calendar.events()
    uris = {
        "freeBusy": calendar.freebusy().query(body={}).uri,
        "list": events.list(calendarId=KARIN).uri,
        "insert": events.insert(calendarId=KARIN, body={}).uri,
        "get": events.get(calendarId=KARIN, eventId="abc12").uri,
        "patch": events.patch(calendarId=KARIN, eventId="abc12", body={}).uri,
        "delete": events.delete(calendarId=KARIN, eventId="abc12").uri,
        "instances": events.instances(calendarId=KARIN, eventId="abc12").uri,
    }
    # the discovery document's batchPath, on the same host as the API
    assert client.batch_uri == "https://www.googleapis.com/batch/calendar/v3"
    events_uri = f"{CALENDAR_V3}calendars/karin%40example.com/events"
    assert {name: uri.split("?")[0] for name, uri in uris.items()} == {
        "freeBusy": f"{CALENDAR_V3}freeBusy",
        "list": events_uri,
        "insert": events_uri,
        "get": f"{events_uri}/abc12",
        "patch": f"{events_uri}/abc12",
        "delete": f"{events_uri}/abc12",
        "instances": f"{events_uri}/abc12/instances",
    }


@pytest.fixture
def sent(
    google_emulator: GoogleCalendarEmulator, monkeypatch: pytest.MonkeyPatch
) -> Iterator[list[str]]:
    """Every URI the client library sends to Google, each then answered by the emulator in
    Google's place (same path, same query): a wrong path gets the emulator's 404."""
    uris: list[str] = []
    emulator_origin = google_emulator.api_endpoint.removesuffix("calendar/v3/")
    real_request = httplib2.Http.request

    def request(self: httplib2.Http, uri: str, *args: Any, **kwargs: Any) -> Any:
        if uri.startswith(GOOGLE):
            uris.append(uri)
            uri = emulator_origin + uri.removeprefix(GOOGLE)
        return real_request(self, uri, *args, **kwargs)

    monkeypatch.setattr(httplib2.Http, "request", request)
    yield uris


def test_default_settings_read_and_book_through_calendar_v3_only(
    google_emulator: GoogleCalendarEmulator, sent: list[str], tmp_path: Path
) -> None:
    google_emulator.add_user(KARIN, timezone="Europe/Stockholm")
    google_emulator.add_user(LENA, timezone="America/New_York")
    settings = GoogleSettings(credentials_file=key_file(google_emulator, tmp_path))
    assert settings.api_endpoint == CALENDAR_V3
    client = GoogleClient(GoogleAuth(settings.credentials_file), settings, policy=FAST)
    google = GoogleConnector(settings, client)

    refs = [CalendarRef(KARIN, "Europe/Stockholm", "google"), CalendarRef(LENA, "UTC", "google")]
    reading = google.read_busy(refs, WINDOW)
    moved = week(1).start + timedelta(days=1)
    google.write_series(
        series(
            occurrences=(
                week(0),
                week(1, start=moved, end=moved + timedelta(minutes=30), status=MOVED),
                week(2, status=OccurrenceStatus.SKIPPED),
            )
        )
    )
    found = google.list_series(KARIN, WINDOW)

    assert not reading.errors
    assert [s.uid for s in found] == [f"{EVENT_ID}@checkin-sync"]
    kinds = {r.kind for r in google_emulator.requests if r.kind != "token"}
    assert {"freebusy.query", "events.insert", "events.patch", "events.list"} <= kinds
    # and Google's batch endpoint beside it, whose parts the emulator takes only under /calendar/v3
    batch = "https://www.googleapis.com/batch/calendar/v3"
    assert sent and all(uri.startswith(CALENDAR_V3) or uri == batch for uri in sent), sent
    assert batch in sent
    assert not [r for r in google_emulator.requests if r.status in (400, 404)]


@pytest.mark.parametrize(
    ("configured", "used"),
    [
        ("https://proxy.example.com/google/calendar/v3/", None),
        (
            "https://proxy.example.com/google/calendar/v3",
            "https://proxy.example.com/google/calendar/v3/",
        ),
    ],
)
def test_a_configured_endpoint_keeps_its_full_base_path(configured: str, used: str | None) -> None:
    assert GoogleSettings(api_endpoint=configured).api_endpoint == (used or configured)


@pytest.mark.parametrize(
    "configured", ["https://www.googleapis.com/", "https://www.googleapis.com", "/calendar/v3/"]
)
def test_an_endpoint_without_the_calendar_service_path_is_a_configuration_error(
    configured: str, tmp_path: Path
) -> None:
    (tmp_path / "settings.toml").write_text(f'[google]\napi_endpoint = "{configured}"\n')
    with pytest.raises(ConfigError) as raised:
        load_settings(tmp_path)
    [problem] = raised.value.problems
    assert problem.startswith(f"{tmp_path / 'settings.toml'}: google.api_endpoint: ")
    assert CALENDAR_V3 in problem or "absolute" in problem
