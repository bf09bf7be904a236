"""Graph batches sent within each mailbox's four places in flight: a batch waiting for a busy
mailbox does not hold back the batches behind it for other mailboxes, no mailbox ever has
more than four requests in flight, and every batch is sent once, its answer in its place."""

from __future__ import annotations

import contextlib
import threading
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import pytest

from sync.connectors.outlook.mailbox_slots import MailboxSlots

BOUND = 60.0
"""Seconds a test waits for what never comes when batches wait behind each other: far longer
than the sending takes."""


@pytest.fixture
def pool() -> Iterator[ThreadPoolExecutor]:
    with ThreadPoolExecutor(4) as threads:
        yield threads


def needs(groups: list[list[str]]) -> list[Counter[str]]:
    return [Counter(group) for group in groups]


def test_a_batch_waiting_for_a_busy_mailbox_does_not_hold_back_the_others(
    pool: ThreadPoolExecutor,
) -> None:
    """The second batch needs lena's places, which the first holds; the third and fourth,
    for other mailboxes, go out while the first is still in flight."""
    groups = [["lena"] * 4, ["lena"] * 4, ["omar"] * 4, ["ines"] * 4]
    others_started = threading.Barrier(3)  # the first batch and the two for other mailboxes
    first_saw_them: list[bool] = []

    def send(group: list[str]) -> str:
        if group is groups[0]:
            try:
                others_started.wait(BOUND)
                first_saw_them.append(True)
            except threading.BrokenBarrierError:
                first_saw_them.append(False)
        elif group is not groups[1]:
            with contextlib.suppress(threading.BrokenBarrierError):
                others_started.wait(BOUND)
        return group[0]

    answers = MailboxSlots(4).side_by_side(groups, needs(groups), send, pool, width=4)
    assert answers == ["lena", "lena", "omar", "ines"]
    assert first_saw_them == [True]


def test_no_mailbox_has_more_than_four_requests_in_flight(pool: ThreadPoolExecutor) -> None:
    groups = [["lena", "lena", "omar"], ["lena", "lena"], ["lena", "omar"], ["omar"] * 3] * 5
    slots = MailboxSlots(4)
    in_flight: Counter[str] = Counter()
    peak: Counter[str] = Counter()
    lock = threading.Lock()
    sent: list[int] = []

    def send(group: list[str]) -> int:
        with lock:
            in_flight.update(group)
            for mailbox in group:
                peak[mailbox] = max(peak[mailbox], in_flight[mailbox])
            sent.append(id(group))
        with lock:
            in_flight.subtract(group)
        return len(group)

    answers = slots.side_by_side(groups, needs(groups), send, pool, width=4)
    assert answers == [len(group) for group in groups]
    assert sorted(sent) == sorted(id(group) for group in groups)
    assert max(peak.values()) <= 4


def test_a_batch_that_raises_lets_the_others_be_sent_and_is_raised_after(
    pool: ThreadPoolExecutor,
) -> None:
    groups = [["lena"], ["omar"], ["ines"]]
    sent: list[str] = []

    def send(group: list[str]) -> str:
        sent.append(group[0])
        if group[0] == "lena":
            raise RuntimeError("lena's batch")
        return group[0]

    with pytest.raises(RuntimeError, match="lena's batch"):
        MailboxSlots(4).side_by_side(groups, needs(groups), send, pool, width=1)
    assert sorted(sent) == ["ines", "lena", "omar"]


def test_a_batch_needing_more_places_than_a_mailbox_has_is_refused_not_waited_for(
    pool: ThreadPoolExecutor,
) -> None:
    groups = [["lena"] * 5]
    with pytest.raises(ValueError, match="lena"):
        MailboxSlots(4).side_by_side(groups, needs(groups), lambda group: 0, pool, width=4)
