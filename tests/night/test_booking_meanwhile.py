"""What a night can do without tonight's calendar writes (the invitations to series that
live only in the exported files) is done while the writes are out, not after them: the
writes are still all recorded, and with nothing to write it is left to its own step."""

from __future__ import annotations

import threading
from collections.abc import Sequence
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import pytest

from sync.connectors.base import Capabilities, Connectors, ToWrite, Written
from sync.delivery.report import RunReport
from sync.night.booking import Booker
from sync.store import SeriesState, State, Store
from tests.night.test_workflow import new

NOW = datetime(2027, 1, 25, tzinfo=UTC)
BOUND = 60.0
"""Seconds the calendar's write waits for the work meant to be done meanwhile: far longer
than that takes; reached only when the work waits for the write."""


class SlowCalendar:
    """A calendar whose writes are answered only once the booking's other work has been
    done (or after BOUND seconds)."""

    name = "slow"
    capabilities = Capabilities(reads_busy=False, writes_events=True, sends_invitations=True)

    def __init__(self) -> None:
        self.other_work_done = threading.Event()
        self.saw_it_done: list[bool] = []

    def write_many(self, items: Sequence[ToWrite]) -> list[Written]:
        self.saw_it_done.append(self.other_work_done.wait(BOUND))
        return [Written(requests=1) for _ in items]


@pytest.fixture
def store(tmp_path: Path) -> Store:
    return Store.open(tmp_path / "state.sqlite")


def approve(store: Store, calendar: str, employee: str = "lena@example.com") -> None:
    proposal = replace(new(employee), organiser_calendar=calendar)
    proposal_id = store.add_proposal(None, proposal, "nightly run")
    store.transition(proposal_id, State.APPROVED, "karin (cli)")


def booker(store: Store, calendar: SlowCalendar, meanwhile: list[str]) -> Booker:
    connectors = Connectors(readers={}, writers={"slow": calendar})  # type: ignore[dict-item]
    return Booker(store, NOW, "nightly run", connectors, meanwhile=lambda: meanwhile.append("done"))


def test_other_work_is_done_while_the_writes_are_out(store: Store) -> None:
    approve(store, "slow")
    calendar = SlowCalendar()
    meanwhile: list[str] = []

    def work() -> None:
        meanwhile.append("done")
        calendar.other_work_done.set()

    connectors = Connectors(readers={}, writers={"slow": calendar})  # type: ignore[dict-item]
    booking = Booker(store, NOW, "nightly run", connectors, meanwhile=work)
    booking.book_approved(RunReport(now=NOW, horizon_weeks=8))
    assert calendar.saw_it_done == [True]
    assert meanwhile == ["done"]
    assert [s.state for s in store.series()] == [SeriesState.BOOKED]


def test_with_no_write_out_the_work_is_left_to_its_own_step(store: Store) -> None:
    approve(store, "export")
    meanwhile: list[str] = []
    report = RunReport(now=NOW, horizon_weeks=8)
    booker(store, SlowCalendar(), meanwhile).book_approved(report)
    assert meanwhile == []
    assert [s.state for s in store.series()] == [SeriesState.BOOKED]
