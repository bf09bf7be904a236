"""The Google emulator refuses what Google refuses, as Google does: paths outside Calendar
v3, and (checked against the discovery document shipped in google-api-python-client)
unknown parameters, unknown fields, values outside an enum and malformed RFC 3339 times."""

from __future__ import annotations

import json
import urllib.request
from collections.abc import Iterator
from typing import Any
from urllib.error import HTTPError

import pytest
from googleapiclient.discovery import build
from googleapiclient.errors import HttpError

from tests.emulators import CALENDAR_SCOPE, GoogleCalendarEmulator

KARIN = "karin@example.com"


@pytest.fixture
def emu() -> Iterator[GoogleCalendarEmulator]:
    with GoogleCalendarEmulator() as emulator:
        emulator.add_user(KARIN, timezone="Europe/Berlin")
        yield emulator


def root_service(emu: GoogleCalendarEmulator) -> Any:
    """A client whose api_endpoint lacks the service path, as `https://www.googleapis.com/`."""
    credentials = emu.service_account_credentials(KARIN, [CALENDAR_SCOPE])
    origin = emu.api_endpoint.removesuffix("calendar/v3/")
    return build(
        "calendar",
        "v3",
        credentials=credentials,
        static_discovery=True,
        client_options={"api_endpoint": origin},
    )


def test_calls_outside_calendar_v3_answer_the_front_ends_404(emu: GoogleCalendarEmulator) -> None:
    svc = root_service(emu)
    with pytest.raises(HttpError) as raised:
        svc.freebusy().query(body={"timeMin": "2027-01-01T00:00:00Z"}).execute()
    assert raised.value.resp.status == 404
    assert (
        raised.value.uri.split("?")[0] == emu.api_endpoint.removesuffix("calendar/v3/") + "freeBusy"
    )
    with pytest.raises(HttpError) as listing:
        svc.events().list(calendarId="primary").execute()
    assert listing.value.resp.status == 404
    assert [(r.kind, r.status) for r in emu.requests if r.kind != "token"] == [
        ("outside", 404),
        ("outside", 404),
    ]


def test_the_front_ends_404_comes_before_any_token_check(emu: GoogleCalendarEmulator) -> None:
    origin = emu.api_endpoint.removesuffix("calendar/v3/")
    for path in ("freeBusy", "calendar/v2/freeBusy", "calendar/v3"):
        with pytest.raises(HTTPError) as raised:
            urllib.request.urlopen(f"{origin}{path}", timeout=10)
        assert raised.value.code == 404, path
        assert raised.value.headers["Content-Type"].startswith("text/html")
    # under /calendar/v3/, an unknown method is the API's own JSON 404 (after the token check)
    with pytest.raises(HTTPError) as inside:
        urllib.request.urlopen(f"{emu.api_endpoint}nothing", timeout=10)
    assert inside.value.code == 401
    assert json.loads(inside.value.read())["error"]["status"] == "UNAUTHENTICATED"
