"""The kinds of calendar are read side by side, each kind's read on its own, and what they
read comes back in one order however their reads end."""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from datetime import UTC, datetime, timedelta

from sync.connectors.base import BusyReading, CalendarRef, Capabilities
from sync.connectors.registry import read_busy
from sync.model.values import BusyBlock, Interval

WINDOW = Interval(datetime(2027, 2, 1, tzinfo=UTC), datetime(2027, 2, 8, tzinfo=UTC))
MEETING = BusyBlock(WINDOW.start + timedelta(hours=9), WINDOW.start + timedelta(hours=10))


class Reader:
    """A connector whose read first does `before` (waits on another read, or fails)."""

    capabilities = Capabilities(reads_busy=True, writes_events=False)

    def __init__(self, name: str, before: Callable[[], object] = lambda: None) -> None:
        self.name = name
        self.before = before
        self.asked: list[str] = []

    def read_busy(self, people: Sequence[CalendarRef], window: Interval) -> BusyReading:
        self.before()
        self.asked += [person.email for person in people]
        return BusyReading(busy={p.email: [MEETING] for p in people}, requests=len(people))


def ref(email: str, source: str) -> CalendarRef:
    return CalendarRef(email, "UTC", source)


PEOPLE = [
    ref("ana@example.com", "google"),
    ref("bo@example.com", "outlook"),
    ref("cy@example.com", "ics:cy.ics"),
    ref("di@example.com", "google"),
]


def test_each_kind_is_read_while_the_others_are() -> None:
    # every read waits until all three are under way: read one after another, the first
    # would wait in vain, and the barrier would break
    all_reading = threading.Barrier(3, timeout=60)
    readers = {kind: Reader(kind, all_reading.wait) for kind in ("google", "outlook", "ics")}
    readings = read_busy(readers, PEOPLE, WINDOW)
    assert readers["google"].asked == ["ana@example.com", "di@example.com"]
    assert readers["outlook"].asked == ["bo@example.com"]
    assert {kind: r.requests for kind, r in readings.items()} == {
        "google": 2,
        "ics": 1,
        "outlook": 1,
    }
    assert all(not r.errors for r in readings.values())


def test_the_readings_come_in_the_kinds_order_whichever_read_ends_first() -> None:
    outlook_read = threading.Event()
    readers = {
        "google": Reader("google", lambda: outlook_read.wait(60)),
        "ics": Reader("ics", lambda: outlook_read.wait(60)),
        "outlook": Reader("outlook"),
    }
    readers["outlook"].before = outlook_read.set
    ticks: list[tuple[int, int]] = []
    readings = read_busy(readers, PEOPLE, WINDOW, lambda done, total: ticks.append((done, total)))
    assert list(readings) == ["google", "ics", "outlook"]
    assert ticks[0] == (0, 4) and ticks[-1] == (4, 4) and len(ticks) == 4


def test_a_kind_whose_read_fails_as_a_whole_leaves_the_others_read() -> None:
    def broken() -> None:
        raise KeyError("bo@example.com")

    readers = {"google": Reader("google"), "ics": Reader("ics"), "outlook": Reader("outlook")}
    readers["outlook"].before = broken
    readings = read_busy(readers, PEOPLE, WINDOW)
    assert set(readings["google"].busy) == {"ana@example.com", "di@example.com"}
    assert set(readings["ics"].busy) == {"cy@example.com"}
    assert readings["outlook"].busy == {}
    assert readings["outlook"].errors == {
        "bo@example.com": "reading outlook calendars failed (KeyError); the log says where"
    }


def test_a_kind_no_connector_reads_is_said_for_its_people() -> None:
    readings = read_busy({"google": Reader("google")}, PEOPLE[:2], WINDOW)
    assert list(readings) == ["google", "outlook"]
    assert "not supported" in readings["outlook"].errors["bo@example.com"]
