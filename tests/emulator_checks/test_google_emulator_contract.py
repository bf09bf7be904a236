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


# --------------------------------------------------------------------------- the contract


def service(emu: GoogleCalendarEmulator) -> Any:
    return emu.build_service(emu.service_account_credentials(KARIN, [CALENDAR_SCOPE]))


def refusal(request: Any) -> dict[str, Any]:
    """Google's error body for a request the emulator must refuse with 400."""
    with pytest.raises(HttpError) as raised:
        request.execute(num_retries=0)
    assert raised.value.resp.status == 400, raised.value.content
    error: dict[str, Any] = json.loads(raised.value.content)["error"]
    assert (error["code"], error["status"]) == (400, "INVALID_ARGUMENT")
    assert error["errors"][0]["message"] == error["message"]
    return error


def with_query(request: Any, extra: str) -> Any:
    """googleapiclient checks names and enums itself; this sends what it would not."""
    request.uri += ("&" if "?" in request.uri else "?") + extra
    return request


@pytest.mark.parametrize(
    ("extra", "reason", "words"),
    [
        ("sendUpdate=all", "invalid", 'Unknown name "sendUpdate"'),  # a typo Google ignores
        ("showDeleted=yes", "invalid", "Invalid boolean value"),
        ("maxResults=0", "invalid", "maxResults"),
        ("orderBy=start", "invalid", "(startTime|updated)"),
        ("eventTypes=meeting", "invalid", "(birthday|default"),
        ("timeMin=2027-02-01T10:00Z", "invalid", "timeMin"),  # no seconds
        ("timeMin=2027-02-01%2010:00:00Z", "invalid", "timeMin"),  # no "T"
        ("timeMin=2027-02-01T10:00:00%2B0100", "invalid", "timeMin"),  # no colon in the offset
        ("timeMin=2027-02-01T10:00:00", "invalid", "timeMin"),  # no offset
        ("q=a&q=b", "invalid", "given 2 times"),
    ],
)
def test_list_refuses_what_the_discovery_document_does_not_allow(
    emu: GoogleCalendarEmulator, extra: str, reason: str, words: str
) -> None:
    error = refusal(with_query(service(emu).events().list(calendarId="primary"), extra))
    assert error["errors"][0]["reason"] == reason
    assert words in error["message"]


def test_write_parameters_are_checked_too(emu: GoogleCalendarEmulator) -> None:
    events = service(emu).events()
    body = event()
    error = refusal(with_query(events.insert(calendarId="primary", body=body), "sendUpdates=some"))
    assert "(all|externalOnly|none)" in error["message"]
    error = refusal(with_query(events.delete(calendarId="primary", eventId="abcde"), "timeMin=x"))
    assert 'Unknown name "timeMin"' in error["message"]
    assert not emu.writes


def event(**changes: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "summary": "Check-in",
        "start": {"dateTime": "2027-02-02T15:00:00", "timeZone": "Europe/Berlin"},
        "end": {"dateTime": "2027-02-02T15:30:00", "timeZone": "Europe/Berlin"},
        "attendees": [{"email": "lena@example.com"}],
    }
    body.update(changes)
    return body


@pytest.mark.parametrize(
    ("body", "words"),
    [
        (event(sumary="Check-in"), "Unknown name \"sumary\" at 'resource'"),
        (
            event(attendees=[{"mail": "lena@example.com"}]),
            "Unknown name \"mail\" at 'resource.attendees[0]'",
        ),
        (event(extendedProperties={"privat": {"a": "b"}}), 'Unknown name "privat"'),
        (event(extendedProperties={"private": {"a": 1}}), "resource.extendedProperties.private.a"),
        (event(summary=5), "Invalid value at 'resource.summary' (string)"),
        (event(recurrence="RRULE:FREQ=WEEKLY"), "Invalid value at 'resource.recurrence' (array)"),
        (event(transparency="invisible"), "Invalid value for transparency: invisible"),
        (event(visibility="secret"), "Invalid value for visibility: secret"),
        (event(status="booked"), "Invalid value for status: booked"),
        (
            event(attendees=[{"email": "lena@example.com", "responseStatus": "yes"}]),
            "responseStatus",
        ),
        (event(start={"dateTime": "2027-02-02T15:00", "timeZone": "Europe/Berlin"}), "dateTime"),
        (event(start={"dateTime": "2027-02-02 15:00:00+01:00"}), "dateTime"),
        (event(start={"date": "2027-2-2"}, end={"date": "2027-02-03"}), "start.date"),
    ],
)
def test_insert_refuses_bodies_outside_the_event_schema(
    emu: GoogleCalendarEmulator, body: dict[str, Any], words: str
) -> None:
    error = refusal(service(emu).events().insert(calendarId="primary", body=body))
    assert words in error["message"]
    assert not emu.writes


def test_required_fields_follow_the_documents_annotations(emu: GoogleCalendarEmulator) -> None:
    events = service(emu).events()
    body = event()
    del body["end"]
    error = refusal(events.insert(calendarId="primary", body=body))
    assert (error["errors"][0]["reason"], error["message"]) == ("required", "Missing end time.")
    created = events.insert(calendarId="primary", body=event()).execute()
    # a patch needs neither: the document marks start and end required for insert and update
    events.patch(calendarId="primary", eventId=created["id"], body={"summary": "x"}).execute()


@pytest.mark.parametrize(
    ("body", "words"),
    [
        ({"timeMin": "2027-02-01T00:00:00", "timeMax": "2027-02-02T00:00:00Z"}, "timeMin"),
        ({"timeMin": "2027-02-01T00:00:00Z", "timeMax": "2027-02-02"}, "timeMax"),
        (
            {"timeMin": "2027-02-01T00:00:00Z", "timeMax": "2027-02-02T00:00:00Z", "item": []},
            'Unknown name "item"',
        ),
        (
            {
                "timeMin": "2027-02-01T00:00:00Z",
                "timeMax": "2027-02-02T00:00:00Z",
                "items": [{"email": KARIN}],
            },
            "Unknown name \"email\" at 'resource.items[0]'",
        ),
    ],
)
def test_freebusy_refuses_bodies_outside_its_schema(
    emu: GoogleCalendarEmulator, body: dict[str, Any], words: str
) -> None:
    error = refusal(service(emu).freebusy().query(body=body))
    assert words in error["message"]


def test_what_the_client_library_sends_for_valid_calls_is_accepted(
    emu: GoogleCalendarEmulator,
) -> None:
    events = service(emu).events()
    created = events.insert(calendarId="primary", body=event(), sendUpdates="all").execute()
    events.list(
        calendarId="primary",
        timeMin="2027-02-01T00:00:00.5+01:00",
        timeMax="2027-03-01T00:00:00Z",
        singleEvents=True,
        orderBy="startTime",
        eventTypes=["default", "outOfOffice"],
        privateExtendedProperty=["a=b"],
    ).execute()
    events.patch(calendarId="primary", eventId=created["id"], body={"description": None}).execute()
    assert {r.status for r in emu.requests} == {200}
