"""The shared retry helper: backs off on transient errors, honours Retry-After, and stops."""

from __future__ import annotations

import random

import pytest

from sync.connectors.retry import (
    Action,
    GaveUpTonight,
    RetriesExhausted,
    RetryPolicy,
    Verdict,
    call_with_retry,
)


class Transient(Exception):
    def __init__(self, retry_after: float | None = None) -> None:
        super().__init__("busy")
        self.retry_after = retry_after


class Permanent(Exception):
    pass


class Quota(Exception):
    pass


def classify(error: Exception) -> Verdict:
    if isinstance(error, Transient):
        return Verdict(Action.RETRY, error.retry_after)
    if isinstance(error, Quota):
        return Verdict(Action.GIVE_UP_TONIGHT)
    return Verdict(Action.FAIL)


class FakeClock:
    def __init__(self) -> None:
        self.now = 0.0
        self.sleeps: list[float] = []

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds

    def __call__(self) -> float:
        return self.now


def failing(errors: list[Exception], result: str = "ok") -> tuple[list[int], object]:
    calls = [0]

    def call() -> str:
        calls[0] += 1
        if errors:
            raise errors.pop(0)
        return result

    return calls, call


def test_transient_errors_are_retried_with_growing_jittered_delays() -> None:
    clock = FakeClock()
    calls, call = failing([Transient(), Transient(), Transient()])
    result = call_with_retry(
        call,  # type: ignore[arg-type]
        classify,
        RetryPolicy(attempts=5, base_delay=1.0, max_delay=30.0),
        sleep=clock.sleep,
        clock=clock,
        rng=random.Random(7),
    )
    assert result == "ok"
    assert calls[0] == 4
    assert len(clock.sleeps) == 3
    for attempt, delay in enumerate(clock.sleeps):
        assert 0 <= delay <= 2**attempt


def test_retry_after_is_honoured_exactly() -> None:
    clock = FakeClock()
    _, call = failing([Transient(retry_after=2.5)])
    call_with_retry(call, classify, sleep=clock.sleep, clock=clock)  # type: ignore[arg-type]
    assert clock.sleeps == [2.5]


def test_permanent_errors_are_not_retried() -> None:
    clock = FakeClock()
    calls, call = failing([Permanent()])
    with pytest.raises(Permanent):
        call_with_retry(call, classify, sleep=clock.sleep, clock=clock)  # type: ignore[arg-type]
    assert calls[0] == 1
    assert clock.sleeps == []


def test_quota_gives_up_for_the_night_at_once() -> None:
    clock = FakeClock()
    calls, call = failing([Quota()])
    with pytest.raises(GaveUpTonight):
        call_with_retry(call, classify, sleep=clock.sleep, clock=clock)  # type: ignore[arg-type]
    assert calls[0] == 1


def test_attempts_are_bounded() -> None:
    clock = FakeClock()
    calls, call = failing([Transient()] * 10)
    with pytest.raises(RetriesExhausted) as raised:
        call_with_retry(
            call,  # type: ignore[arg-type]
            classify,
            RetryPolicy(attempts=3),
            sleep=clock.sleep,
            clock=clock,
        )
    assert calls[0] == 3
    assert raised.value.attempts == 3
    assert isinstance(raised.value.error, Transient)


def test_total_time_is_bounded() -> None:
    clock = FakeClock()
    calls, call = failing([Transient(retry_after=40)] * 10)
    with pytest.raises(RetriesExhausted):
        call_with_retry(
            call,  # type: ignore[arg-type]
            classify,
            RetryPolicy(attempts=10, max_delay=60, total_seconds=100),
            sleep=clock.sleep,
            clock=clock,
        )
    assert sum(clock.sleeps) <= 100
    assert calls[0] == 3
