"""The emulators' benchmark options: a per-request latency that holds no lock."""

from __future__ import annotations

import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from urllib.error import HTTPError

from tests.emulators import GoogleCalendarEmulator, GraphEmulator

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
