"""The driver that writes many series in rounds: each round carries the next calls of every
series that waits, a series goes on only with its own answers, and a quota that lasts hours
stops the organiser's other series where they are (their next calls are never sent)."""

from __future__ import annotations

from sync.connectors.base import WriteFailed
from sync.connectors.batch_rounds import Outcome
from sync.connectors.retry import GaveUpTonight
from sync.connectors.write_rounds import Program, Shared, drive


def program(name: str, steps: int) -> Program[str]:
    """Asks for `steps` calls one after the other; fails on an answer that is an error."""
    for step in range(steps):
        (answer,) = yield [f"{name}{step}"]
        if isinstance(answer, GaveUpTonight):
            raise answer
        if isinstance(answer, Exception):
            raise WriteFailed(str(answer))


def test_each_round_carries_the_next_call_of_every_waiting_series() -> None:
    rounds: list[list[str]] = []

    def send(calls: list[str]) -> list[Outcome]:
        rounds.append(calls)
        return [{"ok": call} for call in calls]

    written = drive([program("a", 1), program("b", 3), program("c", 2)], send, ["x", "y", "z"])
    assert rounds == [["a0", "b0", "c0"], ["b1", "c1"], ["b2"]]
    assert [(w.requests, w.error) for w in written] == [(1, None), (3, None), (2, None)]


def test_a_failed_call_fails_only_its_own_series() -> None:
    def send(calls: list[str]) -> list[Outcome]:
        return [OSError("refused") if call == "b0" else {} for call in calls]

    written = drive([program("a", 2), program("b", 2)], send, ["x", "x"])
    assert written[0].error is None
    assert isinstance(written[1].error, WriteFailed) and written[1].requests == 1


def test_over_quota_the_organisers_other_series_stop_where_they_are() -> None:
    sent: list[str] = []
    quota = GaveUpTonight(OSError("quotaExceeded"))

    def send(calls: list[str]) -> list[Outcome]:
        sent.extend(calls)
        return [quota if call == "a0" else {} for call in calls]

    written = drive([program("a", 1), program("b", 3), program("c", 2)], send, ["x", "x", "y"])
    assert sent == ["a0", "b0", "c0", "c1"]  # b's next call is never sent
    assert written[0].error is quota and written[1].error is quota
    assert written[2].error is None


def test_a_shared_answer_counts_its_part_of_the_requests() -> None:
    def send(calls: list[str]) -> list[Outcome]:
        # a0 and b0 answered by one request, counted with a's series
        return [Shared({}, 1) if c == "a0" else Shared({}, 0) if c == "b0" else {} for c in calls]

    written = drive([program("a", 2), program("b", 2)], send, ["x", "x"])
    assert [(w.requests, w.error) for w in written] == [(2, None), (1, None)]
