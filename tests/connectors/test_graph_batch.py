"""Reading back many Outlook calendars through Graph's JSON batching: 20 requests per round
trip, a throttled request sent again alone after its own Retry-After, a failing batch sent
again whole, a calendar that cannot be read reported for its organiser only; and the
emulator's $batch refusing what Graph refuses."""

from __future__ import annotations

import json
import threading
from datetime import UTC, datetime
from typing import Any

import pytest

from sync.connectors.base import CalendarRef
from sync.connectors.outlook.connector import OutlookConnector
from sync.model.values import Interval
from tests.batch_helpers import LENA, booked, organisers, uid
from tests.emulators import GRAPH_DEFAULT_SCOPE, GraphEmulator
from tests.google_helpers import FAST
from tests.outlook_helpers import CLIENT_ID, SECRET, connector

WINDOW = Interval(datetime(2027, 2, 1, tzinfo=UTC), datetime(2027, 4, 5, tzinfo=UTC))
ORGANISERS = organisers(25)


@pytest.fixture
def sleeps() -> list[float]:
    return []


@pytest.fixture
def outlook(graph_emulator: GraphEmulator, sleeps: list[float]) -> OutlookConnector:
    graph_emulator.add_user(LENA)
    for organiser in ORGANISERS:
        graph_emulator.add_user(organiser)
    outlook = connector(graph_emulator, sleeps)
    for organiser in ORGANISERS:
        outlook.write_series(booked(organiser))
    graph_emulator.clear_log()
    sleeps.clear()
    return outlook


def groups() -> dict[str, dict[str, list[datetime]]]:
    return {organiser: {uid(organiser): []} for organiser in ORGANISERS}


def all_seen(seen: dict[str, Any], organisers: list[str]) -> bool:
    return all(seen[o].error is None and seen[o].series[uid(o)].exists for o in organisers)


def listings(graph: GraphEmulator, status: int | None = None) -> int:
    return graph.count("events.list", status=status) + graph.count("calendarView", status=status)


def test_twenty_five_calendars_are_read_back_in_three_round_trips(
    outlook: OutlookConnector, graph_emulator: GraphEmulator
) -> None:
    seen = outlook.observe_many(groups(), WINDOW)
    assert all_seen(seen, ORGANISERS)
    assert listings(graph_emulator) == 50
    assert graph_emulator.round_trips() == graph_emulator.count("batch") == 3  # 20 + 20 + 10


def test_a_throttled_request_is_sent_again_alone_after_its_retry_after(
    outlook: OutlookConnector, graph_emulator: GraphEmulator, sleeps: list[float]
) -> None:
    graph_emulator.inject(r"/users/o07@example\.com/calendarView", 429, retry_after=3)
    seen = outlook.observe_many(groups(), WINDOW)
    assert all_seen(seen, ORGANISERS)
    assert graph_emulator.count("calendarView", status=429) == 1
    assert listings(graph_emulator, status=200) == 50
    assert graph_emulator.count("batch") == 4
    assert sleeps == [3]


def test_an_unreadable_calendar_is_an_error_and_the_others_are_read(
    outlook: OutlookConnector, graph_emulator: GraphEmulator
) -> None:
    graph_emulator.inject(r"/users/o07@example\.com/", 503, times=100)
    seen = outlook.observe_many(groups(), WINDOW)
    broken = seen[ORGANISERS[7]]
    assert broken.series == {} and broken.error is not None and "503" in broken.error
    assert all_seen(seen, [o for o in ORGANISERS if o != ORGANISERS[7]])
    assert listings(graph_emulator, status=503) <= 2 * FAST.attempts


def test_a_failing_batch_is_sent_again_whole(
    outlook: OutlookConnector, graph_emulator: GraphEmulator
) -> None:
    graph_emulator.inject("batch", 502)
    seen = outlook.observe_many(groups(), WINDOW)
    assert all_seen(seen, ORGANISERS)
    assert graph_emulator.count("batch", status=502) == 1
    assert listings(graph_emulator, status=200) == 50


def test_a_batch_that_times_out_is_sent_again(graph_emulator: GraphEmulator) -> None:
    graph_emulator.add_user(LENA)
    for organiser in ORGANISERS[:3]:
        graph_emulator.add_user(organiser)
    outlook = connector(graph_emulator, timeout_seconds=2)
    for organiser in ORGANISERS[:3]:
        outlook.write_series(booked(organiser))
    graph_emulator.inject("batch", None, delay=8)  # answers long after the client gave up
    seen = outlook.observe_many({o: {uid(o): []} for o in ORGANISERS[:3]}, WINDOW)
    assert all_seen(seen, ORGANISERS[:3])


# ---------------------------------------------------------------------------- the endpoint


def post(graph: GraphEmulator, body: Any, content_type: str = "application/json") -> Any:
    graph.add_app(CLIENT_ID, SECRET, roles=["Calendars.Read"])
    app = graph.identity.msal_app(CLIENT_ID, SECRET)
    token = app.acquire_token_for_client(scopes=[GRAPH_DEFAULT_SCOPE])["access_token"]
    return graph.session().post(
        f"{graph.base_url}/$batch",
        data=json.dumps(body),
        headers={"Authorization": f"Bearer {token}", "Content-Type": content_type},
    )


def step(n: int, url: str = f"/users/{LENA}/events") -> dict[str, str]:
    return {"id": str(n), "method": "GET", "url": url}


def test_the_batch_endpoint_answers_each_request_on_its_own(graph_emulator: GraphEmulator) -> None:
    graph_emulator.add_user(LENA)
    answer = post(graph_emulator, {"requests": [step(1), step(2, "/users/ghost@x.com/events")]})
    assert answer.status_code == 200
    statuses = {r["id"]: r["status"] for r in answer.json()["responses"]}
    assert statuses["1"] == 200 and statuses["2"] >= 400


@pytest.mark.parametrize(
    ("body", "content_type", "why"),
    [
        ({"requests": [step(n) for n in range(21)]}, "application/json", "maximum of 20"),
        ({"requests": [step(1)]}, "text/plain", "application/json"),
        ({"requests": []}, "application/json", "Invalid batch payload"),
        ({"requests": [{"id": "1", "url": "/users/x/events"}]}, "application/json", "a method"),
        ({"requests": [step(1), step(1)]}, "application/json", "unique"),
        (
            {"requests": [step(1, "https://graph.microsoft.com/v1.0/users/x/events")]},
            "application/json",
            "relative",
        ),
    ],
)
def test_the_batch_endpoint_refuses_what_graph_refuses(
    graph_emulator: GraphEmulator, body: Any, content_type: str, why: str
) -> None:
    answer = post(graph_emulator, body, content_type)
    assert answer.status_code == 400
    assert why in answer.json()["error"]["message"]
    assert graph_emulator.count("events.list") == 0


def test_a_fifth_request_to_one_mailbox_in_a_batch_is_throttled(
    graph_emulator: GraphEmulator,
) -> None:
    """Graph runs a batch's requests side by side: past four for one mailbox, the rest are
    throttled as parallel calls would be."""
    graph_emulator.add_user(LENA)
    answer = post(graph_emulator, {"requests": [step(n) for n in range(5)]})
    statuses = sorted(r["status"] for r in answer.json()["responses"])
    assert statuses == [200, 200, 200, 200, 429]


def test_many_batches_to_one_mailbox_take_turns_without_waiting_on_each_other(
    graph_emulator: GraphEmulator,
) -> None:
    """Forty getSchedule requests through one mailbox: ten batches of four, eight sent at
    once, each taking all four of the mailbox's places before it goes. Batches that each
    held part of them would wait on each other for ever."""
    people = [f"p{i:03d}@example.com" for i in range(400)]
    for email in [LENA, *people]:
        graph_emulator.add_user(email)
    graph_emulator.inject("getSchedule", None, times=40, delay=0.05)
    outlook = connector(graph_emulator, parallel_requests=8)
    outlook.verify(LENA)
    refs = [CalendarRef(email, "UTC", "outlook") for email in people]
    done: list[Any] = []
    reader = threading.Thread(target=lambda: done.append(outlook.read_busy(refs, WINDOW)))
    reader.start()
    reader.join(timeout=120)  # far longer than the reading takes; a deadlock never ends
    assert done and done[0].errors == {}
    assert graph_emulator.count("getSchedule", status=200) == 40
    assert graph_emulator.count("getSchedule", status=429) == 0
    assert graph_emulator.peak_concurrency(LENA) <= 4
