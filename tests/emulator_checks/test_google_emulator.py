"""The Google Calendar emulator answers the real google-api-python-client and google-auth.

Every test talks HTTP through ``build("calendar", "v3", ...)`` with credentials whose token
endpoint is the emulator, so these tests also pin down how the client library behaves
(paths, retries, token refresh) for the connector built on it.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import google.auth.exceptions
import google_auth_httplib2
import googleapiclient
import httplib2
import pytest
from google.oauth2 import credentials as user_credentials
from googleapiclient.discovery import build
from googleapiclient.errors import HttpError

from tests.emulators import (
    CALENDAR_SCOPE,
    EVENTS_FREEBUSY_SCOPE,
    EVENTS_SCOPE,
    FREEBUSY_SCOPE,
    READONLY_SCOPE,
    GoogleCalendarEmulator,
)
from tests.emulators.google_auth import METHOD_SCOPES

KARIN = "karin@example.com"
LENA = "lena@example.com"
OLA = "ola@example.com"
BERLIN = "Europe/Berlin"


@pytest.fixture
def emu() -> Iterator[GoogleCalendarEmulator]:
    with GoogleCalendarEmulator() as emulator:
        for user in (KARIN, LENA, OLA):
            emulator.add_user(user, timezone=BERLIN)
        yield emulator


def service(emu: GoogleCalendarEmulator, subject: str = KARIN, scope: str = CALENDAR_SCOPE) -> Any:
    return emu.build_service(emu.service_account_credentials(subject, [scope]))


def timed(start: str, end: str, tz: str = BERLIN, **extra: Any) -> dict[str, Any]:
    return {
        "start": {"dateTime": start, "timeZone": tz},
        "end": {"dateTime": end, "timeZone": tz},
        **extra,
    }


def no_sleep(request: Any, sleeps: list[float]) -> Any:
    """Make the client's retry back-off instant but observable (``random()`` fixed at 0.5)."""
    request._sleep = sleeps.append
    request._rand = lambda: 0.5
    return request


def spans(result: dict[str, Any], calendar: str) -> list[tuple[str, str]]:
    return [(b["start"], b["end"]) for b in result["calendars"][calendar]["busy"]]


# --------------------------------------------------------------------------- fidelity


def test_scope_table_matches_the_discovery_document() -> None:
    document = Path(googleapiclient.__file__).parent / "discovery_cache/documents/calendar.v3.json"
    resources = json.loads(document.read_text())["resources"]
    for kind, allowed in METHOD_SCOPES.items():
        resource, method = kind.split(".")
        scopes = resources[resource]["methods"][method]["scopes"]
        assert {s.rsplit("/", 1)[1] for s in scopes} == allowed, kind


def test_paths_and_parameters_the_client_sends(emu: GoogleCalendarEmulator) -> None:
    svc = service(emu)
    body = {"timeMin": "2025-03-03T00:00:00Z", "timeMax": "2025-03-04T00:00:00Z", "items": []}
    svc.freebusy().query(body=body).execute()
    svc.events().list(
        calendarId=LENA.replace("lena", "karin"),
        privateExtendedProperty=["series=a", "owner=b c"],
        eventTypes=["outOfOffice", "default"],
        singleEvents=True,
        maxResults=2,
    ).execute()
    event = timed("2025-03-03T10:00:00", "2025-03-03T10:30:00", id="abcde12345")
    svc.events().insert(calendarId="primary", body=event, sendUpdates="none").execute()
    svc.events().patch(calendarId="primary", eventId="abcde12345", body={}).execute()
    svc.events().delete(calendarId="primary", eventId="abcde12345", sendUpdates="all").execute()

    token, freebusy, listing, insert, patch, delete = emu.requests
    assert (token.method, token.path, token.kind) == ("POST", "/token", "token")
    assert token.body["grant_type"] == "urn:ietf:params:oauth:grant-type:jwt-bearer"
    assert (freebusy.method, freebusy.path, freebusy.query) == (
        "POST",
        "/calendar/v3/freeBusy",
        {"alt": ["json"]},
    )
    assert (listing.method, listing.path) == ("GET", f"/calendar/v3/calendars/{KARIN}/events")
    assert listing.query == {
        "privateExtendedProperty": ["series=a", "owner=b c"],
        "eventTypes": ["outOfOffice", "default"],
        "singleEvents": ["true"],
        "maxResults": ["2"],
        "alt": ["json"],
    }
    assert (insert.method, insert.path) == ("POST", "/calendar/v3/calendars/primary/events")
    assert insert.query == {"sendUpdates": ["none"], "alt": ["json"]}
    assert (patch.method, patch.path) == (
        "PATCH",
        "/calendar/v3/calendars/primary/events/abcde12345",
    )
    # DELETE carries no alt=json (the client expects an empty 204 body).
    assert (delete.method, delete.path, delete.query) == (
        "DELETE",
        "/calendar/v3/calendars/primary/events/abcde12345",
        {"sendUpdates": ["all"]},
    )
    assert {r.subject for r in emu.requests} == {KARIN}
    assert [(w.kind, w.send_updates) for w in emu.writes] == [
        ("events.insert", "none"),
        ("events.patch", None),
        ("events.delete", "all"),
    ]


# --------------------------------------------------------------------------- free/busy


def test_freebusy_for_three_calendars_one_unknown(emu: GoogleCalendarEmulator) -> None:
    emu.add_event(KARIN, timed("2025-03-03T09:00:00", "2025-03-03T10:00:00"))
    emu.add_event(KARIN, timed("2025-03-03T09:30:00", "2025-03-03T11:00:00"))  # overlaps: merged
    emu.add_event(
        KARIN, timed("2025-03-03T12:00:00", "2025-03-03T13:00:00", transparency="transparent")
    )
    emu.add_event(KARIN, timed("2025-03-03T14:00:00", "2025-03-03T15:00:00", status="cancelled"))
    emu.add_event(KARIN, timed("2025-03-03T23:30:00", "2025-03-04T02:00:00"))  # clipped at timeMax
    ooo = timed("2025-03-03T15:00:00", "2025-03-03T18:00:00", eventType="outOfOffice")
    emu.add_event(LENA, ooo)
    invite = emu.add_event(
        OLA, timed("2025-03-03T08:00:00", "2025-03-03T08:30:00", attendees=[{"email": LENA}])
    )
    emu.decline(OLA, invite["id"], LENA)  # Lena declined: busy for Ola only

    result = (
        service(emu)
        .freebusy()
        .query(
            body={
                "timeMin": "2025-03-03T00:00:00+01:00",
                "timeMax": "2025-03-04T00:00:00+01:00",
                "timeZone": BERLIN,
                "items": [{"id": KARIN}, {"id": LENA}, {"id": "ghost@example.com"}],
            }
        )
        .execute()
    )
    assert spans(result, KARIN) == [
        ("2025-03-03T08:00:00Z", "2025-03-03T10:00:00Z"),
        ("2025-03-03T22:30:00Z", "2025-03-03T23:00:00Z"),
    ]
    assert spans(result, LENA) == [("2025-03-03T14:00:00Z", "2025-03-03T17:00:00Z")]
    assert result["calendars"]["ghost@example.com"] == {
        "errors": [{"domain": "global", "reason": "notFound"}],
        "busy": [],
    }
    assert emu.busy(OLA, datetime(2025, 3, 3, tzinfo=UTC), datetime(2025, 3, 4, tzinfo=UTC)) == [
        (datetime(2025, 3, 3, 7, tzinfo=UTC), datetime(2025, 3, 3, 7, 30, tzinfo=UTC))
    ]


def test_recurring_busy_keeps_wall_clock_across_dst_and_honours_exdate(
    emu: GoogleCalendarEmulator,
) -> None:
    emu.add_event(
        KARIN,
        timed(
            "2025-03-17T10:00:00",
            "2025-03-17T10:30:00",
            recurrence=[
                "RRULE:FREQ=WEEKLY;BYDAY=MO;UNTIL=20250414T235959Z",
                "EXDATE;TZID=Europe/Berlin:20250407T100000",
            ],
        ),
    )
    body = {"timeMin": "2025-03-10T00:00:00Z", "timeMax": "2025-04-30T00:00:00Z"}
    result = service(emu).freebusy().query(body={**body, "items": [{"id": KARIN}]}).execute()
    assert spans(result, KARIN) == [
        ("2025-03-17T09:00:00Z", "2025-03-17T09:30:00Z"),  # CET
        ("2025-03-24T09:00:00Z", "2025-03-24T09:30:00Z"),
        ("2025-03-31T08:00:00Z", "2025-03-31T08:30:00Z"),  # CEST: still 10:00 in Berlin
        ("2025-04-14T08:00:00Z", "2025-04-14T08:30:00Z"),  # 04-07 excluded by EXDATE
    ]


def test_freebusy_whole_request_limits(emu: GoogleCalendarEmulator) -> None:
    svc = service(emu)
    window = {"timeMin": "2025-03-01T00:00:00Z", "timeMax": "2025-03-08T00:00:00Z"}
    items = [{"id": f"user{i}@example.com"} for i in range(51)]
    with pytest.raises(HttpError) as too_many:
        svc.freebusy().query(body={**window, "items": items}).execute()
    assert too_many.value.status_code == 400
    assert too_many.value.error_details[0]["reason"] == "tooManyCalendarsRequested"
    assert svc.freebusy().query(body={**window, "items": items[:50]}).execute()["calendars"]

    long_range = {"timeMin": "2025-03-01T00:00:00Z", "timeMax": "2025-05-03T00:00:00Z"}
    with pytest.raises(HttpError) as too_long:
        svc.freebusy().query(body={**long_range, "items": [{"id": KARIN}]}).execute()
    assert too_long.value.status_code == 400
    assert too_long.value.reason == "The requested time range is too long."


# --------------------------------------------------------------------------- writes


def test_insert_with_client_id_then_again_is_409_and_attendees_get_copies(
    emu: GoogleCalendarEmulator,
) -> None:
    svc = service(emu)
    body = timed("2025-03-05T10:00:00", "2025-03-05T10:30:00", id="checkin0001")
    body["attendees"] = [{"email": LENA}]
    created = svc.events().insert(calendarId="primary", body=body, sendUpdates="all").execute()
    assert created["id"] == "checkin0001"
    assert created["organizer"] == {"email": KARIN, "self": True}
    assert created["attendees"] == [{"email": LENA, "responseStatus": "needsAction"}]
    with pytest.raises(HttpError) as duplicate:
        svc.events().insert(calendarId="primary", body=body).execute()
    assert duplicate.value.status_code == 409
    assert duplicate.value.reason == "The requested identifier already exists."

    copy = emu.event(LENA, "checkin0001")
    assert copy is not None and copy["organizer"] == {"email": KARIN}
    with pytest.raises(HttpError) as bad_id:  # 'w'-'z' and '_' are not base32hex
        svc.events().insert(calendarId="primary", body={**body, "id": "week_ly"}).execute()
    assert bad_id.value.status_code == 400
    recurring_without_zone = {
        "start": {"dateTime": "2025-03-05T10:00:00Z"},
        "end": {"dateTime": "2025-03-05T10:30:00Z"},
        "recurrence": ["RRULE:FREQ=WEEKLY"],
    }
    with pytest.raises(HttpError) as no_zone:
        svc.events().insert(calendarId="primary", body=recurring_without_zone).execute()
    assert no_zone.value.status_code == 400


def test_delete_then_get_is_410_and_the_id_stays_taken(emu: GoogleCalendarEmulator) -> None:
    svc = service(emu)
    body = timed("2025-03-05T10:00:00", "2025-03-05T10:30:00", id="checkin0002")
    svc.events().insert(calendarId="primary", body=body).execute()
    svc.events().delete(calendarId="primary", eventId="checkin0002").execute()
    for call in (
        svc.events().get(calendarId="primary", eventId="checkin0002"),
        svc.events().delete(calendarId="primary", eventId="checkin0002"),
    ):
        with pytest.raises(HttpError) as gone:
            call.execute()
        assert gone.value.status_code == 410
    with pytest.raises(HttpError) as again:
        svc.events().insert(calendarId="primary", body=body).execute()
    assert again.value.status_code == 409
    with pytest.raises(HttpError) as missing:
        svc.events().get(calendarId="primary", eventId="nosuchevent").execute()
    assert missing.value.status_code == 404


# --------------------------------------------------------------------------- reads


def test_list_filters_on_private_extended_properties(emu: GoogleCalendarEmulator) -> None:
    for n, (series, pair) in enumerate([("s1", "lena"), ("s1", "ola"), ("s2", "lena")]):
        private = {"checkinSeries": series, "pair": pair}
        emu.add_event(
            KARIN,
            timed(
                f"2025-03-0{n + 3}T10:00:00",
                f"2025-03-0{n + 3}T10:30:00",
                id=f"tagged{n:04d}",
                extendedProperties={"private": private},
            ),
        )
    emu.add_event(KARIN, timed("2025-03-03T12:00:00", "2025-03-03T12:30:00"))
    svc = service(emu)
    one = svc.events().list(calendarId="primary", privateExtendedProperty="checkinSeries=s1")
    assert [e["id"] for e in one.execute()["items"]] == ["tagged0000", "tagged0001"]
    both = svc.events().list(
        calendarId="primary", privateExtendedProperty=["checkinSeries=s1", "pair=lena"]
    )
    assert [e["id"] for e in both.execute()["items"]] == ["tagged0000"]


def test_paging_with_max_results(emu: GoogleCalendarEmulator) -> None:
    for day in range(3, 8):
        emu.add_event(KARIN, timed(f"2025-03-0{day}T10:00:00", f"2025-03-0{day}T11:00:00"))
    svc = service(emu)
    seen, pages, token = [], 0, None
    while True:
        page = svc.events().list(calendarId="primary", maxResults=2, pageToken=token).execute()
        pages += 1
        seen += [e["start"]["dateTime"] for e in page["items"]]
        token = page.get("nextPageToken")
        if token is None:
            assert "nextSyncToken" in page
            break
        assert "nextSyncToken" not in page
    assert pages == 3 and len(seen) == 5 == len(set(seen))
    # The client's own pager helper works too.
    request = svc.events().list(calendarId="primary", maxResults=2)
    count = 0
    while request is not None:
        response = request.execute()
        count += len(response["items"])
        request = svc.events().list_next(request, response)
    assert count == 5


def test_sync_token_round_trip_then_expiry(emu: GoogleCalendarEmulator) -> None:
    svc = service(emu)
    keep = emu.add_event(KARIN, timed("2025-03-03T10:00:00", "2025-03-03T11:00:00"))
    drop = emu.add_event(KARIN, timed("2025-03-04T10:00:00", "2025-03-04T11:00:00"))
    full = svc.events().list(calendarId="primary").execute()
    assert len(full["items"]) == 2
    token = full["nextSyncToken"]

    quiet = svc.events().list(calendarId="primary", syncToken=token).execute()
    assert quiet["items"] == []
    emu.delete_event(KARIN, drop["id"])
    emu.update_event(KARIN, keep["id"], {"summary": "renamed"})
    new = svc.events().insert(
        calendarId="primary", body=timed("2025-03-05T10:00:00", "2025-03-05T11:00:00")
    )
    new_id = new.execute()["id"]
    changed = svc.events().list(calendarId="primary", syncToken=quiet["nextSyncToken"]).execute()
    by_id = {e["id"]: e for e in changed["items"]}
    assert by_id.keys() == {keep["id"], drop["id"], new_id}
    assert by_id[drop["id"]]["status"] == "cancelled"
    assert by_id[keep["id"]]["summary"] == "renamed"

    with pytest.raises(HttpError) as clash:
        svc.events().list(
            calendarId="primary", syncToken=token, timeMin="2025-03-01T00:00:00Z"
        ).execute()
    assert clash.value.status_code == 400
    emu.expire_sync_tokens()
    with pytest.raises(HttpError) as gone:
        svc.events().list(calendarId="primary", syncToken=changed["nextSyncToken"]).execute()
    assert gone.value.status_code == 410
    assert gone.value.error_details[0]["reason"] == "fullSyncRequired"
    assert "nextSyncToken" in svc.events().list(calendarId="primary").execute()


def test_instances_and_moving_one_occurrence(emu: GoogleCalendarEmulator) -> None:
    svc = service(emu)
    series = timed(
        "2025-03-24T10:00:00",
        "2025-03-24T10:30:00",
        id="series0001",
        recurrence=["RRULE:FREQ=WEEKLY;COUNT=3"],
        attendees=[{"email": LENA}],
    )
    svc.events().insert(calendarId="primary", body=series, sendUpdates="all").execute()
    window = {"timeMin": "2025-03-20T00:00:00Z", "timeMax": "2025-04-20T00:00:00Z"}
    listed = svc.events().instances(calendarId="primary", eventId="series0001", **window).execute()
    ids = [e["id"] for e in listed["items"]]
    assert ids == [
        "series0001_20250324T090000Z",
        "series0001_20250331T080000Z",
        "series0001_20250407T080000Z",
    ]
    second = listed["items"][1]
    assert second["recurringEventId"] == "series0001"
    assert second["originalStartTime"] == {
        "dateTime": "2025-03-31T10:00:00+02:00",
        "timeZone": BERLIN,
    }

    moved = timed("2025-04-01T14:00:00", "2025-04-01T14:30:00")
    svc.events().patch(calendarId="primary", eventId=ids[1], body=moved).execute()
    svc.events().delete(calendarId="primary", eventId=ids[2]).execute()  # cancel one occurrence
    after = svc.events().instances(calendarId="primary", eventId="series0001", **window).execute()
    assert [(e["id"], e["start"]["dateTime"]) for e in after["items"]] == [
        (ids[0], "2025-03-24T10:00:00+01:00"),
        (ids[1], "2025-04-01T14:00:00+02:00"),
    ]
    single = svc.events().list(
        calendarId="primary", singleEvents=True, orderBy="startTime", **window
    )
    assert [e["id"] for e in single.execute()["items"]] == ids[:2]
    fb = svc.freebusy().query(body={**window, "items": [{"id": KARIN}, {"id": LENA}]}).execute()
    expected = [
        ("2025-03-24T09:00:00Z", "2025-03-24T09:30:00Z"),
        ("2025-04-01T12:00:00Z", "2025-04-01T12:30:00Z"),
    ]
    assert spans(fb, KARIN) == expected
    assert spans(fb, LENA) == expected  # the attendee's copy follows the organizer's


def test_event_types_filter(emu: GoogleCalendarEmulator) -> None:
    emu.add_event(KARIN, timed("2025-03-03T10:00:00", "2025-03-03T11:00:00"))
    emu.add_event(
        KARIN,
        {
            "start": {"date": "2025-03-04"},
            "end": {"date": "2025-03-06"},
            "eventType": "outOfOffice",
        },
    )
    emu.add_event(KARIN, timed("2025-03-05T08:00:00", "2025-03-05T10:00:00", eventType="focusTime"))
    svc = service(emu)
    ooo = svc.events().list(calendarId="primary", eventTypes="outOfOffice").execute()["items"]
    assert [e["eventType"] for e in ooo] == ["outOfOffice"]
    two = svc.events().list(calendarId="primary", eventTypes=["outOfOffice", "focusTime"]).execute()
    assert sorted(e["eventType"] for e in two["items"]) == ["focusTime", "outOfOffice"]


# --------------------------------------------------------------------------- scopes & access


def test_freebusy_scope_cannot_read_events(emu: GoogleCalendarEmulator) -> None:
    emu.add_event(KARIN, timed("2025-03-03T10:00:00", "2025-03-03T11:00:00", summary="secret"))
    svc = service(emu, scope=FREEBUSY_SCOPE)
    body = {"timeMin": "2025-03-03T00:00:00Z", "timeMax": "2025-03-04T00:00:00Z"}
    assert svc.freebusy().query(body={**body, "items": [{"id": KARIN}]}).execute()
    with pytest.raises(HttpError) as denied:
        svc.events().list(calendarId="primary").execute()
    assert denied.value.status_code == 403
    assert denied.value.error_details[0]["reason"] == "insufficientPermissions"
    # calendar.events.freebusy may list events (per the discovery document), times only.
    times_only = service(emu, scope=EVENTS_FREEBUSY_SCOPE).events().list(calendarId="primary")
    (item,) = times_only.execute()["items"]
    assert "summary" not in item and item["start"]["dateTime"] == "2025-03-03T10:00:00+01:00"
    # calendar.events cannot call freeBusy (it is not in the method's scopes).
    with pytest.raises(HttpError) as no_freebusy:
        service(emu, scope=EVENTS_SCOPE).freebusy().query(body={**body, "items": []}).execute()
    assert no_freebusy.value.status_code == 403
    with pytest.raises(HttpError) as read_only:
        service(emu, scope=READONLY_SCOPE).events().insert(
            calendarId="primary", body=timed("2025-03-03T10:00:00", "2025-03-03T11:00:00")
        ).execute()
    assert read_only.value.status_code == 403


def test_other_users_events_need_sharing(emu: GoogleCalendarEmulator) -> None:
    emu.add_event(LENA, timed("2025-03-03T10:00:00", "2025-03-03T11:00:00"))
    svc = service(emu, subject=KARIN)
    with pytest.raises(HttpError) as hidden:
        svc.events().list(calendarId=LENA).execute()
    assert hidden.value.status_code == 404
    emu.share(LENA, KARIN, "reader")
    listed = svc.events().list(calendarId=LENA).execute()
    assert len(listed["items"]) == 1 and listed["accessRole"] == "reader"
    with pytest.raises(HttpError) as no_write:
        svc.events().insert(
            calendarId=LENA, body=timed("2025-03-03T12:00:00", "2025-03-03T13:00:00")
        ).execute()
    assert no_write.value.status_code == 403


# --------------------------------------------------------------------------- retries & auth


def test_num_retries_retries_429_and_ignores_retry_after(emu: GoogleCalendarEmulator) -> None:
    svc = service(emu)
    emu.inject("events.list", 429, retry_after=30)
    sleeps: list[float] = []
    result = no_sleep(svc.events().list(calendarId="primary"), sleeps).execute(num_retries=1)
    assert result["items"] == []
    assert sleeps == [1.0]  # random() * 2**1, not the 30 s the server asked for
    assert [r.status for r in emu.requests if r.kind == "events.list"] == [429, 200]


def test_num_retries_retries_rate_limits_but_not_quota(emu: GoogleCalendarEmulator) -> None:
    svc = service(emu)
    sleeps: list[float] = []
    for reason in ("rateLimitExceeded", "userRateLimitExceeded"):
        emu.inject("events.list", 403, reason=reason)
        no_sleep(svc.events().list(calendarId="primary"), sleeps).execute(num_retries=2)
    emu.inject("*", 503, times=2)
    no_sleep(svc.events().list(calendarId="primary"), sleeps).execute(num_retries=2)
    assert sleeps == [1.0, 1.0, 1.0, 2.0]
    emu.inject("events.list", 403, reason="quotaExceeded")
    with pytest.raises(HttpError) as quota:
        no_sleep(svc.events().list(calendarId="primary"), sleeps).execute(num_retries=5)
    assert quota.value.error_details[0]["reason"] == "quotaExceeded"
    assert quota.value.reason == "Calendar usage limits exceeded."
    assert len(sleeps) == 4  # not retried


def test_expired_access_token_is_refreshed_by_the_transport(emu: GoogleCalendarEmulator) -> None:
    svc = service(emu)
    svc.events().list(calendarId="primary").execute()
    emu.expire_tokens()
    svc.events().list(calendarId="primary").execute()  # no error reaches the caller
    assert [(r.kind, r.status) for r in emu.requests] == [
        ("token", 200),
        ("events.list", 200),
        ("events.list", 401),  # google_auth_httplib2.AuthorizedHttp refreshes on 401 ...
        ("token", 200),
        ("events.list", 200),  # ... and re-sends, without num_retries
    ]


def test_delay_beyond_the_http_timeout(emu: GoogleCalendarEmulator) -> None:
    creds = emu.service_account_credentials(KARIN, [CALENDAR_SCOPE])
    http = google_auth_httplib2.AuthorizedHttp(creds, http=httplib2.Http(timeout=0.2))
    endpoint = {"api_endpoint": emu.api_endpoint}
    svc = build("calendar", "v3", http=http, static_discovery=True, client_options=endpoint)
    emu.inject("events.list", delay=0.5)
    with pytest.raises(TimeoutError):
        svc.events().list(calendarId="primary").execute()
    emu.inject("events.list", delay=0.5)
    sleeps: list[float] = []
    no_sleep(svc.events().list(calendarId="primary"), sleeps).execute(num_retries=1)
    assert sleeps == [1.0]  # socket timeouts are retried like 5xx


def test_authorized_user_credentials(emu: GoogleCalendarEmulator) -> None:
    creds = emu.user_credentials(LENA, [READONLY_SCOPE, FREEBUSY_SCOPE])
    emu.add_event(LENA, timed("2025-03-03T10:00:00", "2025-03-03T11:00:00"))
    items = emu.build_service(creds).events().list(calendarId="primary").execute()["items"]
    assert len(items) == 1
    token_request = emu.requests[0]
    assert token_request.body["grant_type"] == "refresh_token"
    assert token_request.subject == LENA
    # from_authorized_user_info ignores the info's token_uri and always uses Google's.
    info = emu.authorized_user_info(LENA, [READONLY_SCOPE])
    from_info = user_credentials.Credentials.from_authorized_user_info(info)
    assert from_info.token_uri == "https://oauth2.googleapis.com/token"
    emu.revoke(info["refresh_token"])


def test_token_endpoint_rejections(emu: GoogleCalendarEmulator) -> None:
    stranger = emu.build_service(
        emu.service_account_credentials("nobody@example.com", [CALENDAR_SCOPE])
    )
    with pytest.raises(google.auth.exceptions.RefreshError, match="invalid_grant"):
        stranger.events().list(calendarId="primary").execute()
    info = emu.service_account_info(
        "narrow@test.iam.gserviceaccount.com", delegated_scopes=[FREEBUSY_SCOPE]
    )
    from google.oauth2 import service_account

    wide = service_account.Credentials.from_service_account_info(
        info, scopes=[CALENDAR_SCOPE], subject=KARIN
    )
    with pytest.raises(google.auth.exceptions.RefreshError, match="unauthorized_client"):
        emu.build_service(wide).events().list(calendarId="primary").execute()


def test_person_helpers_make_exceptions_that_sync_and_freebusy_see(
    emu: GoogleCalendarEmulator,
) -> None:
    svc = service(emu)
    series = emu.add_event(
        KARIN,
        timed(
            "2025-03-03T09:00:00",
            "2025-03-03T09:30:00",
            recurrence=["RRULE:FREQ=DAILY;COUNT=5"],
            attendees=[{"email": LENA}],
        ),
    )
    sid = series["id"]
    emu.add_event(  # an all-day series is placed in the calendar's zone (Berlin)
        LENA,
        {
            "start": {"date": "2025-03-10"},
            "end": {"date": "2025-03-11"},
            "recurrence": ["RRULE:FREQ=WEEKLY;COUNT=2"],
        },
    )
    token = svc.events().list(calendarId="primary", singleEvents=True).execute()["nextSyncToken"]
    berlin_9 = datetime.fromisoformat("2025-03-04T09:00:00+01:00")
    emu.move_instance(KARIN, sid, berlin_9, datetime.fromisoformat("2025-03-04T15:00:00+01:00"))
    emu.cancel_instance(KARIN, sid, datetime.fromisoformat("2025-03-05T09:00:00+01:00"))
    emu.decline(KARIN, emu.instance_id(sid, datetime.fromisoformat("2025-03-06T08:00:00Z")), LENA)

    changed = svc.events().list(calendarId="primary", singleEvents=True, syncToken=token).execute()
    assert sorted((e["id"], e["status"]) for e in changed["items"]) == [
        (f"{sid}_20250304T080000Z", "confirmed"),
        (f"{sid}_20250305T080000Z", "cancelled"),
        (f"{sid}_20250306T080000Z", "confirmed"),
    ]
    window = {"timeMin": "2025-03-03T00:00:00Z", "timeMax": "2025-03-18T00:00:00Z"}
    fb = svc.freebusy().query(body={**window, "items": [{"id": LENA}]}).execute()
    assert spans(fb, LENA) == [
        ("2025-03-03T08:00:00Z", "2025-03-03T08:30:00Z"),
        ("2025-03-04T14:00:00Z", "2025-03-04T14:30:00Z"),  # moved
        ("2025-03-07T08:00:00Z", "2025-03-07T08:30:00Z"),  # 05 cancelled, 06 declined
        ("2025-03-09T23:00:00Z", "2025-03-10T23:00:00Z"),  # all-day, Berlin midnight
        ("2025-03-16T23:00:00Z", "2025-03-17T23:00:00Z"),
    ]
    deleted = svc.events().list(calendarId="primary", singleEvents=True, showDeleted=True, **window)
    assert len(deleted.execute()["items"]) == 5
    replaced = (
        svc.events()
        .update(
            calendarId="primary",
            eventId=sid,
            body=timed("2025-03-03T11:00:00", "2025-03-03T11:30:00"),
        )
        .execute()
    )
    assert "recurrence" not in replaced and replaced["id"] == sid and "attendees" not in replaced


def test_a_partial_response_keeps_only_the_fields_asked_for(emu: GoogleCalendarEmulator) -> None:
    cal = service(emu)
    body = timed(
        "2027-03-01T10:00:00",
        "2027-03-01T10:30:00",
        summary="Planning",
        attendees=[{"email": LENA}],
        recurrence=["RRULE:FREQ=WEEKLY;COUNT=2"],
    )
    cal.events().insert(calendarId=KARIN, body=body).execute()
    fields = "items(id,start/dateTime,attendees(email)),nextPageToken"
    listed = cal.events().list(calendarId=KARIN, singleEvents=True, fields=fields).execute()
    assert set(listed) == {"items"}  # one page: no token to keep
    assert [set(item) for item in listed["items"]] == [{"id", "start", "attendees"}] * 2
    assert listed["items"][0]["start"] == {"dateTime": "2027-03-01T10:00:00+01:00"}
    assert listed["items"][0]["attendees"] == [{"email": LENA}]
    whole = cal.events().list(calendarId=KARIN, singleEvents=True).execute()
    assert "summary" in whole["items"][0]
    with pytest.raises(HttpError) as refused:
        cal.events().list(calendarId=KARIN, fields="items(id").execute()
    assert refused.value.resp.status == 400
