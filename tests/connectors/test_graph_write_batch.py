"""Writing many series through Graph's JSON batching: each round's requests 20 to a round
trip; a throttled request sent again alone after its own Retry-After; a request that keeps
failing fails only its own series; a batch that fails whole, or times out, sent again whole
without a duplicate (the transactionId); a series tonight's read-back saw written without
being looked for; and the emulator refusing write requests Graph refuses."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import requests

from sync.connectors.base import WriteFailed
from sync.model.values import Interval
from tests.batch_helpers import LENA, SECOND, booked, moved, organisers, uid
from tests.emulators import CALENDARS_READWRITE, GRAPH_DEFAULT_SCOPE, GraphEmulator
from tests.outlook_helpers import CLIENT_ID, SECRET, connector

ORGANISERS = organisers(25)
WINDOW = Interval(datetime(2027, 2, 1, tzinfo=UTC), datetime(2027, 4, 5, tzinfo=UTC))


@pytest.fixture
def graph(graph_emulator: GraphEmulator) -> GraphEmulator:
    for email in [LENA, *ORGANISERS]:
        graph_emulator.add_user(email)
    return graph_emulator


def masters(graph: GraphEmulator, organiser: str) -> int:
    return sum(1 for e in graph.events(organiser) if e.get("type") == "seriesMaster")


def second_date_moved(graph: GraphEmulator, organiser: str) -> bool:
    """The second date is an hour later, and only there."""
    (master,) = [e for e in graph.events(organiser) if e.get("type") == "seriesMaster"]
    around = (SECOND - timedelta(days=2), SECOND + timedelta(days=2))
    starts = [
        datetime.fromisoformat(i["start"]["dateTime"]).replace(
            tzinfo=ZoneInfo(i["start"]["timeZone"])
        )
        for i in graph.instances(organiser, master["id"], *around)
    ]
    return starts == [SECOND + timedelta(hours=1)]


def test_new_series_are_looked_for_then_created_twenty_to_a_round_trip(
    graph: GraphEmulator,
) -> None:
    written = connector(graph).write_many([(booked(o), None) for o in ORGANISERS])
    assert [w.error for w in written] == [None] * 25
    assert graph.count("events.list") == graph.count("events.create") == 25
    assert graph.round_trips() == graph.count("batch") == 4  # 20 + 5 searches, 20 + 5 creates
    assert all(masters(graph, o) == 1 for o in ORGANISERS)


def test_a_throttled_request_is_sent_again_alone_after_its_retry_after(
    graph: GraphEmulator,
) -> None:
    sleeps: list[float] = []
    graph.inject("events.create", 429, retry_after=2)
    written = connector(graph, sleeps).write_many([(booked(o), None) for o in ORGANISERS[:5]])
    assert [w.error for w in written] == [None] * 5
    assert graph.count("events.create", status=429) == 1
    assert graph.count("batch") == 3  # searches, creates, the throttled one again
    assert sleeps == [2.0]
    assert all(masters(graph, o) == 1 for o in ORGANISERS[:5])


def test_a_request_that_keeps_failing_fails_only_its_own_series(graph: GraphEmulator) -> None:
    graph.inject(r"/users/o03@example\.com/events$", 503, times=100)
    written = connector(graph).write_many([(booked(o), None) for o in ORGANISERS[:5]])
    failed = written[3].error
    assert isinstance(failed, WriteFailed) and "503" in str(failed)
    assert [w.error for i, w in enumerate(written) if i != 3] == [None] * 4
    assert masters(graph, ORGANISERS[3]) == 0
    assert all(masters(graph, o) == 1 for i, o in enumerate(ORGANISERS[:5]) if i != 3)


def test_a_failing_or_timed_out_batch_is_sent_again_without_a_duplicate(
    graph: GraphEmulator,
) -> None:
    outlook = connector(graph, timeout_seconds=2)
    graph.inject("batch", 502)
    written = outlook.write_many([(booked(o), None) for o in ORGANISERS[:3]])
    graph.inject("batch", None, delay=8)  # the moves: answered long after the client gave up
    written += outlook.write_many([(moved(o), None) for o in ORGANISERS[:3]])
    assert [w.error for w in written] == [None] * 6
    assert graph.count("batch", status=502) == 1
    assert all(masters(graph, o) == 1 for o in ORGANISERS[:3])
    assert all(second_date_moved(graph, o) for o in ORGANISERS[:3])


def test_a_series_the_read_back_saw_is_written_without_being_looked_for(
    graph: GraphEmulator,
) -> None:
    outlook = connector(graph)
    outlook.write_many([(booked(o), None) for o in ORGANISERS[:3]])
    seen = outlook.observe_many({o: {uid(o): []} for o in ORGANISERS[:3]}, WINDOW)
    graph.clear_log()
    items = [(moved(o), seen[o].series[uid(o)]) for o in ORGANISERS[:3]]
    written = outlook.write_many(items)
    assert [w.error for w in written] == [None] * 3
    assert [r.kind for r in graph.requests if r.kind != "batch"] == ["events.patch"] * 3
    assert graph.round_trips() == 1
    assert all(second_date_moved(graph, o) for o in ORGANISERS[:3])
    graph.clear_log()  # as it should be now: nothing is sent
    seen = outlook.observe_many({o: {uid(o): []} for o in ORGANISERS[:3]}, WINDOW)
    graph.clear_log()
    written = outlook.write_many([(moved(o), seen[o].series[uid(o)]) for o in ORGANISERS[:3]])
    assert [w.error for w in written] == [None] * 3 and graph.requests == []


def post(graph: GraphEmulator, body: Any) -> requests.Response:
    graph.add_app(CLIENT_ID, SECRET, roles=[CALENDARS_READWRITE])
    app = graph.identity.msal_app(CLIENT_ID, SECRET)
    token = app.acquire_token_for_client(scopes=[GRAPH_DEFAULT_SCOPE])["access_token"]
    return graph.session().post(
        f"{graph.base_url}/$batch",
        data=json.dumps(body),
        headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
    )


EVENT = {
    "subject": "Check-in",
    "start": {"dateTime": "2027-02-02T15:00:00", "timeZone": "UTC"},
    "end": {"dateTime": "2027-02-02T15:30:00", "timeZone": "UTC"},
}


def test_the_batch_endpoint_refuses_write_requests_graph_refuses(graph: GraphEmulator) -> None:
    create = {"id": "1", "method": "POST", "url": f"/users/{LENA}/events"}
    untyped = post(graph, {"requests": [{**create, "body": EVENT}]})
    assert untyped.status_code == 400
    assert "Content-Type" in untyped.json()["error"]["message"]
    empty = post(graph, {"requests": [create]})
    assert empty.status_code == 200
    assert [r["status"] for r in empty.json()["responses"]] == [400]
    typed = {**create, "body": EVENT, "headers": {"Content-Type": "application/json"}}
    assert [r["status"] for r in post(graph, {"requests": [typed]}).json()["responses"]] == [201]
