"""Feeds are downloaded several at a time, never more than FEEDS_AT_ONCE: a night with many
people on slow feed servers waits for the slowest few, not for every one in turn."""

from __future__ import annotations

import http.server
import threading
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from sync.connectors import ics
from sync.connectors.base import CalendarRef
from sync.connectors.ics import IcsConnector
from sync.model.values import Interval

DATA = Path(__file__).parent.parent / "data" / "ics"
MARCH = Interval(datetime(2025, 3, 10, tzinfo=UTC), datetime(2025, 3, 17, tzinfo=UTC))
LOCAL = ("127.0.0.1",)
FEEDS = 7
AT_ONCE = 3


class Crowd:
    """How many downloads are in flight; each answers only once AT_ONCE are, or the last
    ones are (one after another, every download waits out the timeout and fails)."""

    def __init__(self) -> None:
        self.lock = threading.Condition()
        self.in_flight = 0
        self.most = 0
        self.started = 0

    def enter(self) -> None:
        with self.lock:
            self.in_flight += 1
            self.started += 1
            self.most = max(self.most, self.in_flight)
            self.lock.notify_all()
            self.lock.wait_for(
                lambda: self.in_flight >= AT_ONCE or self.started == FEEDS, timeout=5
            )

    def leave(self) -> None:
        with self.lock:
            self.in_flight -= 1


class _Handler(http.server.BaseHTTPRequestHandler):
    server: _Server

    def do_GET(self) -> None:
        crowd = self.server.crowd
        crowd.enter()
        try:
            body = (DATA / "declined.ics").read_bytes()
            self.send_response(200)
            self.send_header("Content-Type", "text/calendar")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
        finally:
            crowd.leave()

    def log_message(self, format: str, *args: object) -> None:
        pass


class _Server(http.server.ThreadingHTTPServer):
    crowd: Crowd


@pytest.fixture
def feeds() -> Iterator[tuple[str, Crowd]]:
    httpd = _Server(("127.0.0.1", 0), _Handler)
    httpd.daemon_threads = True
    httpd.crowd = Crowd()
    thread = threading.Thread(target=httpd.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}", httpd.crowd
    httpd.shutdown()
    httpd.server_close()
    thread.join()


def test_feeds_are_downloaded_side_by_side_up_to_a_bound(
    feeds: tuple[str, Crowd], monkeypatch: pytest.MonkeyPatch
) -> None:
    base, crowd = feeds
    monkeypatch.setattr(ics, "FEEDS_AT_ONCE", AT_ONCE)
    people = [
        CalendarRef(f"p{n}@example.com", "Europe/Stockholm", f"ics:{base}/p{n}.ics")
        for n in range(FEEDS)
    ]

    reading = IcsConnector(Path("config"), timeout_seconds=3, allow_hosts=LOCAL).read_busy(
        people, MARCH
    )

    assert reading.errors == {}
    assert sorted(reading.busy) == sorted(p.email for p in people)
    assert reading.requests == FEEDS
    assert crowd.most == AT_ONCE
