"""The emulators' benchmark options: a per-request latency that holds no lock."""

from __future__ import annotations

import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from pathlib import Path
from urllib.error import HTTPError

from bench.nights import google_kind, graph_kind
from bench.seeding import ServerCost
from sync.connectors.base import CalendarRef
from sync.model.values import Interval
from tests.emulators import GoogleCalendarEmulator, GraphEmulator
from tests.google_helpers import connector as google_connector
from tests.outlook_helpers import connector as outlook_connector

LATENCY = 0.3


def timed(call: object, count: int) -> tuple[float, list[float]]:
    def one(_: int) -> float:
        started = time.perf_counter()
        call()  # type: ignore[operator]
        return time.perf_counter() - started

    started = time.perf_counter()
    with ThreadPoolExecutor(count) as pool:
        each = list(pool.map(one, range(count)))
    return time.perf_counter() - started, each


def test_google_requests_wait_the_latency_side_by_side() -> None:
    with GoogleCalendarEmulator(latency=LATENCY) as emulator:

        def call() -> None:
            try:
                urllib.request.urlopen(f"{emulator.api_endpoint}nothing", timeout=5)
            except HTTPError as error:
                assert error.code == 401  # no token: answered after the wait

        total, each = timed(call, 4)
    assert min(each) >= LATENCY
    assert total < 2 * LATENCY  # four requests overlapped: no lock is held while waiting


def test_graph_requests_wait_the_latency_side_by_side() -> None:
    with GraphEmulator(latency=LATENCY) as graph:
        graph.add_user("karin@example.com")
        session = graph.session()

        def call() -> None:
            answer = session.get(f"{graph.base_url}/users/karin@example.com/events", timeout=5)
            assert answer.status_code == 401

        total, each = timed(call, 4)
    assert min(each) >= LATENCY
    assert total < 2 * LATENCY


def test_batches_go_through_the_benchs_wrapped_emulators(tmp_path: Path) -> None:
    """The bench wraps each emulator's request handler to time it: a batch's parts are
    answered inside the emulator, and the batch is timed as one request of kind batch."""
    cost = ServerCost()
    window = Interval(datetime(2027, 2, 1, tzinfo=UTC), datetime(2027, 2, 8, tzinfo=UTC))
    google, graph = GoogleCalendarEmulator(), GraphEmulator()
    google.handle = cost.wrap("google", google.handle, google_kind)  # type: ignore[method-assign]
    graph.handle = cost.wrap("graph", graph.handle, graph_kind)  # type: ignore[method-assign]
    with google, graph:  # wrapped before they start, as the bench does
        google.add_user("karin@example.com")
        graph.add_user("lena@example.com")
        on_google = google_connector(google, tmp_path)
        on_outlook = outlook_connector(graph)
        karin = CalendarRef("karin@example.com", "UTC", "google")
        lena = CalendarRef("lena@example.com", "UTC", "outlook")
        assert on_google.read_busy([karin], window).errors == {}
        assert on_outlook.read_busy([lena], window).errors == {}
    spent = cost.take()
    assert spent["google batch"]["requests"] == spent["graph batch"]["requests"] == 1
    assert google.round_trips() == graph.round_trips() == 1
