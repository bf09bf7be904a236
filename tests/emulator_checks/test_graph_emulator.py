"""The Microsoft identity and Graph emulators answer the real ``msal`` and plain ``requests``.

Tokens come from ``msal.ConfidentialClientApplication`` against the identity emulator; Graph
calls are ordinary HTTPS requests with a ``requests.Session`` that trusts the test CA. So these
tests also pin down how msal behaves (token cache, error dicts, remembered throttling).
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import msal  # type: ignore[import-untyped, unused-ignore]
import pytest
import requests

from tests.emulators import (
    CALENDARS_READ,
    CALENDARS_READWRITE,
    GRAPH_DEFAULT_SCOPE,
    GraphEmulator,
    IdentityEmulator,
    graph_emulator,  # noqa: F401  (a fixture)
)

KARIN = "karin@example.com"
LENA = "lena@example.com"
OLA = "ola@example.com"
WEST_EUROPE = "W. Europe Standard Time"
SECRET = "s3cret~value"
APP = "11112222-aaaa-bbbb-cccc-333344445555"
READER = "99998888-aaaa-bbbb-cccc-777766665555"
SERIES_PROP = "String {66f5a359-4659-4830-9070-00047ec6ac6e} Name checkinSeries"
WEEKDAYS = ["monday", "tuesday", "wednesday", "thursday", "friday"]


@pytest.fixture
def graph() -> Iterator[GraphEmulator]:
    with GraphEmulator() as emulator:
        emulator.add_user(KARIN, timezone=WEST_EUROPE)
        emulator.add_user(
            LENA,
            timezone="Europe/Berlin",
            working_hours={
                "daysOfWeek": WEEKDAYS,
                "startTime": "09:00:00.0000000",
                "endTime": "15:00:00.0000000",
                "timeZone": {"name": "Europe/Berlin"},
            },
        )
        emulator.add_user(OLA, timezone="GMT Standard Time")
        emulator.add_app(APP, SECRET, roles=[CALENDARS_READ, CALENDARS_READWRITE])
        emulator.add_app(READER, SECRET, roles=[CALENDARS_READ])
        yield emulator
    assert not emulator.errors + emulator.identity.errors  # no emulator bug answered 500


def msal_app(idp: IdentityEmulator, client_id: str = APP, secret: str = SECRET, **kw: Any) -> Any:
    """The way a connector builds its app; the session trusts the emulator's CA only."""
    session = requests.Session()
    session.verify = idp.ca_file
    session.trust_env = False  # this machine sets REQUESTS_CA_BUNDLE, which would win
    return msal.ConfidentialClientApplication(
        client_id,
        client_credential=secret,
        authority=idp.authority(),
        instance_discovery=False,
        http_client=session,
        **kw,
    )


class Client:
    """Plain ``requests`` against the Graph emulator with an msal token."""

    def __init__(self, graph: GraphEmulator, client_id: str = APP) -> None:
        token = msal_app(graph.identity, client_id).acquire_token_for_client(
            scopes=[GRAPH_DEFAULT_SCOPE]
        )
        self.base = graph.base_url
        self.session = graph.session()
        self.session.headers["Authorization"] = f"Bearer {token['access_token']}"

    def url(self, path: str) -> str:
        return self.base + path

    def get(self, path: str, **kw: Any) -> requests.Response:
        return self.session.get(self.url(path), **kw)

    def post(self, path: str, body: Any, **kw: Any) -> requests.Response:
        return self.session.post(self.url(path), json=body, **kw)

    def patch(self, path: str, body: Any, **kw: Any) -> requests.Response:
        return self.session.patch(self.url(path), json=body, **kw)

    def delete(self, path: str, **kw: Any) -> requests.Response:
        return self.session.delete(self.url(path), **kw)


def when(local: str, zone: str = WEST_EUROPE) -> dict[str, str]:
    return {"dateTime": local, "timeZone": zone}


def meeting(start: str, end: str, zone: str = WEST_EUROPE, **extra: Any) -> dict[str, Any]:
    return {"subject": "1:1", "start": when(start, zone), "end": when(end, zone), **extra}


def weekly(start_date: str, count: int, day: str = "tuesday") -> dict[str, Any]:
    return {
        "pattern": {
            "type": "weekly",
            "interval": 1,
            "daysOfWeek": [day],
            "firstDayOfWeek": "monday",
        },
        "range": {"type": "numbered", "startDate": start_date, "numberOfOccurrences": count},
    }


def invite(*emails: str) -> list[dict[str, Any]]:
    return [{"emailAddress": {"address": e}, "type": "required"} for e in emails]


def schedule_body(schedules: list[str], start: str, end: str) -> dict[str, Any]:
    return {
        "schedules": schedules,
        "startTime": when(start, "UTC"),
        "endTime": when(end, "UTC"),
        "availabilityViewInterval": 60,
    }


# --------------------------------------------------------------------------- identity / msal


def test_msal_gets_a_token_and_serves_the_second_call_from_its_cache(graph: GraphEmulator) -> None:
    idp = graph.identity
    app = msal_app(idp)
    assert idp.count("openid-configuration") == 1  # constructing the app fetched discovery

    first = app.acquire_token_for_client(scopes=[GRAPH_DEFAULT_SCOPE])
    second = app.acquire_token_for_client(scopes=[GRAPH_DEFAULT_SCOPE])

    assert first["token_type"] == "Bearer" and first["expires_in"] == 3599
    assert first["token_source"] == "identity_provider"
    assert second["token_source"] == "cache"
    assert second["access_token"] == first["access_token"]
    assert idp.count("token") == 1
    (request,) = [r for r in idp.requests if r.kind == "token"]
    assert (request.client_id, request.grant_type) == (APP, "client_credentials")
    assert request.scope == GRAPH_DEFAULT_SCOPE
    granted, _ = idp.validate(first["access_token"])
    assert granted is not None and granted.roles == {CALENDARS_READ, CALENDARS_READWRITE}


def test_bad_credentials_come_back_as_error_dicts(graph: GraphEmulator) -> None:
    idp = graph.identity
    wrong = msal_app(idp, secret="not-it").acquire_token_for_client(scopes=[GRAPH_DEFAULT_SCOPE])
    assert wrong["error"] == "invalid_client"
    assert wrong["error_codes"] == [7000215]
    assert wrong["error_description"].startswith("AADSTS7000215: Invalid client secret provided.")
    assert "access_token" not in wrong
    assert idp.requests[-1].status == 401

    unknown = msal_app(idp, client_id="nobody").acquire_token_for_client(
        scopes=[GRAPH_DEFAULT_SCOPE]
    )
    assert (unknown["error"], unknown["error_codes"]) == ("unauthorized_client", [700016])
    assert idp.requests[-1].status == 400

    # An unknown tenant fails already while msal builds the app (discovery answers 400).
    with pytest.raises(ValueError, match="Unable to get authority configuration"):
        idp.msal_app(APP, SECRET, tenant="no-such-tenant.example")


def test_msal_remembers_a_400_for_the_same_request(graph: GraphEmulator) -> None:
    idp = graph.identity
    app = msal_app(idp, client_id="nobody")
    for _ in range(3):
        assert app.acquire_token_for_client(scopes=[GRAPH_DEFAULT_SCOPE])["error"]
    assert idp.count("token") == 1  # the next 60 s of identical requests never leave msal


def test_msal_remembers_429_and_5xx_from_the_token_endpoint(graph: GraphEmulator) -> None:
    idp = graph.identity
    http_cache: dict[str, Any] = {}
    app = msal_app(idp, http_cache=http_cache)
    idp.inject("token", 429, retry_after=0.5)

    throttled = app.acquire_token_for_client(scopes=[GRAPH_DEFAULT_SCOPE])
    again = app.acquire_token_for_client(scopes=[GRAPH_DEFAULT_SCOPE])

    assert throttled["error"] == "temporarily_unavailable"
    assert again["error"] == "temporarily_unavailable"  # replayed by msal, not by the server
    assert idp.count("token") == 1
    # A fractional Retry-After is unparsable for msal (int()), so it remembers the default 5 s.
    # Forgetting its HTTP cache lets the next call through at once.
    http_cache.clear()
    assert "access_token" in app.acquire_token_for_client(scopes=[GRAPH_DEFAULT_SCOPE])

    # A 5xx is not an error dict: msal raises, and raises again from memory for ~5 s.
    other = msal_app(idp)
    idp.inject("token", 503)
    for _ in range(2):
        with pytest.raises(msal.exceptions.MsalServiceError, match="503"):
            other.acquire_token_for_client(scopes=[GRAPH_DEFAULT_SCOPE])
    assert idp.count("token", status=503) == 1


def test_certificate_credentials_sign_a_client_assertion(graph: GraphEmulator) -> None:
    idp = graph.identity
    credential = idp.add_certificate(APP)
    app = idp.msal_app(APP, credential)
    result = app.acquire_token_for_client(scopes=[GRAPH_DEFAULT_SCOPE])
    assert "access_token" in result, result

    other = idp.msal_app(READER, credential)  # READER has no certificate
    result = other.acquire_token_for_client(scopes=[GRAPH_DEFAULT_SCOPE])
    assert (result["error"], result["error_codes"]) == ("invalid_client", [700027])


# --------------------------------------------------------------------------- Graph auth


def test_graph_checks_the_bearer_token(graph: GraphEmulator) -> None:
    session = graph.session()
    url = f"{graph.base_url}/users/{KARIN}/events"

    missing = session.get(url)
    assert missing.status_code == 401
    assert missing.json()["error"]["code"] == "InvalidAuthenticationToken"
    assert session.get(url, headers={"Authorization": "Bearer forged"}).status_code == 401

    app = msal_app(graph.identity)
    token = app.acquire_token_for_client(scopes=[GRAPH_DEFAULT_SCOPE])["access_token"]
    assert session.get(url, headers={"Authorization": f"Bearer {token}"}).status_code == 200

    graph.expire_tokens()
    expired = session.get(url, headers={"Authorization": f"Bearer {token}"})
    assert expired.status_code == 401
    assert "expired" in expired.json()["error"]["message"]
    # msal still hands out its cached token; the client must drop it to get a new one.
    assert app.acquire_token_for_client(scopes=[GRAPH_DEFAULT_SCOPE])["access_token"] == token
    app.remove_tokens_for_client()
    fresh = app.acquire_token_for_client(scopes=[GRAPH_DEFAULT_SCOPE])["access_token"]
    assert session.get(url, headers={"Authorization": f"Bearer {fresh}"}).status_code == 200


def test_an_app_without_readwrite_cannot_book(graph: GraphEmulator) -> None:
    reader = Client(graph, READER)
    assert reader.get(f"/users/{KARIN}/events").status_code == 200
    denied = reader.post(
        f"/users/{KARIN}/events", meeting("2027-02-02T10:00:00", "2027-02-02T10:30:00")
    )
    assert denied.status_code == 403
    assert denied.json()["error"]["code"] == "ErrorAccessDenied"
    assert graph.events(KARIN) == []


def test_application_access_policy_limits_mailboxes(graph: GraphEmulator) -> None:
    client = Client(graph)
    graph.restrict(APP, [KARIN])
    assert client.get(f"/users/{KARIN}/events").status_code == 200
    blocked = client.get(f"/users/{LENA}/events")
    assert blocked.status_code == 403
    assert "AccessPolicy" in blocked.json()["error"]["message"]


# --------------------------------------------------------------------------- getSchedule


def test_get_schedule_for_three_addresses_one_unknown(graph: GraphEmulator) -> None:
    graph.add_event(LENA, meeting("2027-02-01T10:00:00", "2027-02-01T11:00:00", "Europe/Berlin"))
    graph.add_event(LENA, meeting("2027-02-01T13:00:00", "2027-02-01T14:00:00", showAs="oof"))
    graph.add_event(LENA, meeting("2027-02-01T15:00:00", "2027-02-01T16:00:00", showAs="free"))
    graph.add_event(
        KARIN, meeting("2027-02-01T09:00:00", "2027-02-01T09:30:00", showAs="tentative")
    )
    client = Client(graph)

    body = schedule_body(
        [LENA, "ghost@example.com", KARIN], "2027-02-01T08:00:00", "2027-02-01T16:00:00"
    )
    answer = client.post(f"/users/{KARIN}/calendar/getSchedule", body)

    assert answer.status_code == 200
    lena, ghost, karin = answer.json()["value"]
    assert [i["status"] for i in lena["scheduleItems"]] == ["busy", "oof"]  # free is left out
    assert lena["scheduleItems"][0]["start"] == {
        "dateTime": "2027-02-01T09:00:00.0000000",
        "timeZone": "UTC",
    }
    assert lena["availabilityView"] == "02003000"  # hours 08:00..16:00 UTC
    assert lena["workingHours"]["startTime"] == "09:00:00.0000000"
    assert ghost["scheduleId"] == "ghost@example.com"
    assert ghost["error"]["responseCode"] == "ErrorMailRecipientNotFound"
    assert "scheduleItems" not in ghost
    assert karin["availabilityView"][0] == "1"
    assert graph.count("getSchedule", status=200) == 1


def test_get_schedule_limits(graph: GraphEmulator) -> None:
    client = Client(graph)
    path = f"/users/{KARIN}/calendar/getSchedule"
    many = [f"user{n}@example.com" for n in range(21)]
    assert (
        client.post(
            path, schedule_body(many, "2027-02-01T00:00:00", "2027-02-02T00:00:00")
        ).status_code
        == 400
    )
    assert (
        client.post(
            path, schedule_body(many[:20], "2027-02-01T00:00:00", "2027-02-02T00:00:00")
        ).status_code
        == 200
    )

    too_long = client.post(
        path, schedule_body([LENA], "2027-02-01T00:00:00", "2027-04-04T00:00:00")
    )
    assert too_long.status_code == 400  # 62 days
    assert too_long.json()["error"]["code"] == "ErrorInvalidParameter"
    assert (
        client.post(
            path, schedule_body([LENA], "2027-02-01T00:00:00", "2027-04-03T00:00:00")
        ).status_code
        == 200
    )


def test_declined_and_cancelled_meetings_are_free(graph: GraphEmulator) -> None:
    client = Client(graph)
    created = client.post(
        f"/users/{KARIN}/events",
        meeting("2027-02-02T10:00:00", "2027-02-02T10:30:00", attendees=invite(LENA, OLA)),
    ).json()
    (lena_copy,) = graph.events(LENA)
    graph.respond(LENA, lena_copy["id"], LENA, "declined")
    organizer = graph.event(KARIN, created["id"])
    assert organizer is not None
    statuses = {
        a["emailAddress"]["address"]: a["status"]["response"] for a in organizer["attendees"]
    }
    assert statuses == {LENA: "declined", OLA: "none"}

    body = schedule_body([LENA, OLA], "2027-02-02T08:00:00", "2027-02-02T10:00:00")
    lena, ola = client.post(f"/users/{KARIN}/calendar/getSchedule", body).json()["value"]
    assert lena["scheduleItems"] == []
    assert [i["status"] for i in ola["scheduleItems"]] == ["tentative"]  # not answered yet

    cancel = client.post(f"/users/{KARIN}/events/{created['id']}/cancel", {"comment": "Sorry"})
    assert cancel.status_code == 202
    assert graph.event(KARIN, created["id"]) is None
    (ola_copy,) = graph.events(OLA)
    assert ola_copy["isCancelled"] and ola_copy["subject"].startswith("Canceled:")
    ola_after = client.post(f"/users/{KARIN}/calendar/getSchedule", body).json()["value"][1]
    assert ola_after["scheduleItems"] == []
    assert [(w.kind, w.notified, w.comment) for w in graph.writes] == [
        ("events.create", True, None),
        ("events.cancel", True, "Sorry"),
    ]


# --------------------------------------------------------------------------- events


def test_weekly_series_keeps_local_time_across_dst(graph: GraphEmulator) -> None:
    client = Client(graph)
    series = meeting(
        "2027-03-16T10:00:00", "2027-03-16T10:30:00", recurrence=weekly("2027-03-16", 4)
    )
    created = client.post(f"/users/{KARIN}/events", series).json()
    assert created["type"] == "seriesMaster"
    assert created["recurrence"]["range"]["recurrenceTimeZone"] == WEST_EUROPE
    assert created["start"] == {"dateTime": "2027-03-16T09:00:00.0000000", "timeZone": "UTC"}

    window = {"startDateTime": "2027-03-01T00:00:00Z", "endDateTime": "2027-04-30T00:00:00Z"}
    path = f"/users/{KARIN}/events/{created['id']}/instances"
    utc = client.get(path, params=window).json()["value"]
    local = client.get(path, params=window, headers={"Prefer": f'outlook.timezone="{WEST_EUROPE}"'})

    assert [e["start"]["dateTime"][:16] for e in utc] == [
        "2027-03-16T09:00",
        "2027-03-23T09:00",
        "2027-03-30T08:00",  # Europe moved to summer time on 28 March
        "2027-04-06T08:00",
    ]
    assert {e["start"]["dateTime"][11:16] for e in local.json()["value"]} == {"10:00"}
    assert local.headers["Preference-Applied"] == f'outlook.timezone="{WEST_EUROPE}"'
    assert [e["originalStart"] for e in utc][2] == "2027-03-30T08:00:00Z"
    assert {(e["type"], e["seriesMasterId"]) for e in utc} == {("occurrence", created["id"])}


def test_transaction_id_makes_a_retried_post_harmless(graph: GraphEmulator) -> None:
    client = Client(graph)
    body = meeting("2027-02-02T10:00:00", "2027-02-02T10:30:00", transactionId="checkin-42")
    first = client.post(f"/users/{KARIN}/events", body)
    second = client.post(f"/users/{KARIN}/events", body)
    assert (first.status_code, second.status_code) == (201, 201)
    assert second.json()["id"] == first.json()["id"]
    assert len(graph.events(KARIN)) == 1
    assert graph.count("events.create") == 2 and len(graph.writes) == 1


def test_instances_patch_and_delete_one_occurrence(graph: GraphEmulator) -> None:
    client = Client(graph)
    series = meeting(
        "2027-02-02T14:00:00",
        "2027-02-02T14:30:00",
        recurrence=weekly("2027-02-02", 3),
        attendees=invite(LENA),
    )
    master = client.post(f"/users/{KARIN}/events", series).json()
    window = {"startDateTime": "2027-02-01T00:00:00", "endDateTime": "2027-03-01T00:00:00"}
    path = f"/users/{KARIN}/events/{master['id']}/instances"
    first, second, third = client.get(path, params=window).json()["value"]

    moved = client.patch(
        f"/users/{KARIN}/events/{second['id']}",
        {"start": when("2027-02-10T09:00:00"), "end": when("2027-02-10T09:30:00")},
    )
    assert moved.status_code == 200
    assert moved.json()["type"] == "exception"
    assert moved.json()["originalStart"] == "2027-02-09T13:00:00Z"
    assert client.delete(f"/users/{KARIN}/events/{third['id']}").status_code == 204

    after = client.get(path, params=window).json()["value"]
    assert [(e["id"], e["type"]) for e in after] == [
        (first["id"], "occurrence"),
        (second["id"], "exception"),
    ]
    assert after[1]["start"]["dateTime"].startswith("2027-02-10T08:00")
    assert client.get(f"/users/{KARIN}/events/{third['id']}").status_code == 404
    # Lena's copy follows the organizer.
    (lena_master,) = graph.events(LENA)
    lena_view = graph.instances(
        LENA, lena_master["id"], datetime(2027, 2, 1, tzinfo=UTC), datetime(2027, 3, 1, tzinfo=UTC)
    )
    assert [e["type"] for e in lena_view] == ["occurrence", "exception"]
    assert [w.kind for w in graph.writes] == ["events.create", "events.patch", "events.delete"]
    assert all(w.notified for w in graph.writes)


def test_extended_property_filter_finds_tagged_events(graph: GraphEmulator) -> None:
    client = Client(graph)
    for n, tag in enumerate(["series-a", "series-b", None]):
        body = meeting(f"2027-02-0{n + 1}T10:00:00", f"2027-02-0{n + 1}T10:30:00", subject=f"m{n}")
        if tag:
            body["singleValueExtendedProperties"] = [{"id": SERIES_PROP, "value": tag}]
        assert client.post(f"/users/{KARIN}/events", body).status_code == 201

    by_value = (
        f"singleValueExtendedProperties/Any(ep: ep/id eq '{SERIES_PROP}' "
        "and ep/value eq 'series-b')"
    )
    expand = f"singleValueExtendedProperties($filter=id eq '{SERIES_PROP}')"
    found = client.get(f"/users/{KARIN}/events", params={"$filter": by_value, "$expand": expand})
    assert found.status_code == 200
    (event,) = found.json()["value"]
    assert event["subject"] == "m1"
    assert event["singleValueExtendedProperties"] == [{"id": SERIES_PROP, "value": "series-b"}]

    any_value = (
        f"singleValueExtendedProperties/any(ep: ep/id eq '{SERIES_PROP}' and ep/value ne null)"
    )
    tagged = client.get(f"/users/{KARIN}/events", params={"$filter": any_value}).json()["value"]
    assert sorted(e["subject"] for e in tagged) == ["m0", "m1"]
    assert all("singleValueExtendedProperties" not in e for e in tagged)  # only with $expand

    unsupported = client.get(f"/users/{KARIN}/events", params={"$filter": "contains(subject,'m')"})
    assert unsupported.status_code == 400


def test_paging_with_top_and_next_link(graph: GraphEmulator) -> None:
    client = Client(graph)
    for day in range(1, 6):
        graph.add_event(KARIN, meeting(f"2027-02-0{day}T10:00:00", f"2027-02-0{day}T11:00:00"))
    seen: list[str] = []
    url: str | None = client.url(f"/users/{KARIN}/events?$top=2")
    pages = 0
    while url:
        answer = client.session.get(url).json()
        seen.extend(e["id"] for e in answer["value"])
        url = answer.get("@odata.nextLink")
        pages += 1
    assert pages == 3
    assert len(seen) == len(set(seen)) == 5


def test_unknown_properties_are_rejected(graph: GraphEmulator) -> None:
    client = Client(graph)
    body = meeting("2027-02-02T10:00:00", "2027-02-02T10:30:00", attendee=[])
    answer = client.post(f"/users/{KARIN}/events", body)
    assert answer.status_code == 400
    assert answer.json()["error"]["code"] == "RequestBodyRead"


def test_calendar_view_delta_and_expired_sync_state(graph: GraphEmulator) -> None:
    client = Client(graph)
    master = graph.add_event(
        LENA,
        meeting("2027-02-02T10:00:00", "2027-02-02T10:30:00", recurrence=weekly("2027-02-02", 3)),
    )
    params = {"startDateTime": "2027-02-01T00:00:00Z", "endDateTime": "2027-03-01T00:00:00Z"}
    first = client.get(f"/users/{LENA}/calendarView/delta", params=params).json()
    assert [e["type"] for e in first["value"]] == ["occurrence"] * 3
    delta_link = first["@odata.deltaLink"]

    graph.cancel_occurrence(LENA, master["id"], datetime(2027, 2, 9, 9, 0, tzinfo=UTC))
    changes = client.session.get(delta_link).json()
    removed = [e for e in changes["value"] if "@removed" in e]
    assert [e["id"] for e in removed] == [
        graph.occurrence_id(master["id"], datetime(2027, 2, 9, 9, 0, tzinfo=UTC))
    ]

    graph.expire_delta_tokens()
    gone = client.session.get(changes["@odata.deltaLink"])
    assert gone.status_code == 410
    assert gone.json()["error"]["code"] == "syncStateNotFound"


# --------------------------------------------------------------------------- throttling


def test_injected_429_with_fractional_retry_after(graph: GraphEmulator) -> None:
    client = Client(graph)
    graph.inject("getSchedule", 429, retry_after=0.5)
    body = schedule_body([LENA], "2027-02-01T00:00:00", "2027-02-02T00:00:00")
    throttled = client.post(f"/users/{KARIN}/calendar/getSchedule", body)
    assert throttled.status_code == 429
    assert throttled.headers["Retry-After"] == "0.5"
    assert throttled.json()["error"]["code"] == "ApplicationThrottled"
    assert client.post(f"/users/{KARIN}/calendar/getSchedule", body).status_code == 200
    assert graph.count("getSchedule", status=429) == 1


def test_a_fifth_concurrent_request_to_one_mailbox_is_throttled(graph: GraphEmulator) -> None:
    client = Client(graph)
    graph.inject("events.list", None, delay=0.6, times=4)  # hold four requests open
    barrier = threading.Barrier(5)
    statuses: list[int] = []

    def call() -> None:
        session = graph.session()
        session.headers.update(client.session.headers)
        barrier.wait()
        statuses.append(session.get(client.url(f"/users/{KARIN}/events")).status_code)

    threads = [threading.Thread(target=call) for _ in range(5)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=10)

    assert sorted(statuses) == [200, 200, 200, 200, 429]
    assert graph.peak_concurrency(KARIN) == 4
    assert graph.attempted_concurrency(KARIN) == 5
    (throttled,) = [r for r in graph.requests if r.status == 429]
    assert throttled.code == "ApplicationThrottled"
    # Another mailbox has its own budget.
    assert client.get(f"/users/{LENA}/events").status_code == 200
    assert graph.peak_concurrency(LENA) == 1


def test_requests_to_several_mailboxes_are_logged(graph: GraphEmulator) -> None:
    client = Client(graph)
    client.get(f"/users/{graph.user_id(LENA)}/events")
    client.get("/users/ghost@example.com/events")
    lena, ghost = graph.requests
    assert (lena.kind, lena.mailbox, lena.status, lena.client_id) == ("events.list", LENA, 200, APP)
    assert (ghost.status, ghost.code) == (404, "ErrorInvalidUser")
    assert datetime.fromtimestamp(lena.ended, UTC) - datetime.fromtimestamp(
        lena.started, UTC
    ) < timedelta(seconds=5)


def test_the_shared_fixture_comes_with_an_identity_emulator(
    graph_emulator: GraphEmulator,  # noqa: F811  (the fixture imported above)
) -> None:
    graph_emulator.add_user(KARIN)
    graph_emulator.add_app(APP, SECRET)
    client = Client(graph_emulator)
    settings = client.get(f"/users/{KARIN}/mailboxSettings")
    assert settings.status_code == 403  # needs MailboxSettings.Read, like Graph
    assert client.get(f"/users/{KARIN}/calendar/events").json()["value"] == []
