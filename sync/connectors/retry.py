"""Retrying provider calls: one helper for every connector.

Providers tell us how to behave under load: 429 and 5xx mean "later", sometimes with a
Retry-After; a per-user quota that lasts hours means "not tonight". Each connector maps its
own errors to a `Verdict`; the waiting, the jitter and the bounds live here only.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from dataclasses import dataclass
from enum import Enum
from typing import TypeVar

T = TypeVar("T")


class Action(Enum):
    FAIL = "fail"
    """Permanent for this call (not found, invalid, forbidden): retrying cannot help."""
    RETRY = "retry"
    """Transient (429, 5xx, timeout, rate limit): back off and try again."""
    GIVE_UP_TONIGHT = "give_up_tonight"
    """A quota that lasts hours: stop using this calendar for the rest of the run."""


@dataclass(frozen=True)
class Verdict:
    action: Action
    retry_after: float | None = None
    """Seconds the provider asked us to wait, if it said."""


@dataclass(frozen=True)
class RetryPolicy:
    attempts: int = 5
    """Tries in all, the first included."""
    base_delay: float = 0.5
    max_delay: float = 30.0
    total_seconds: float = 120.0
    """No call keeps retrying past this, however many attempts remain."""


class RetriesExhausted(Exception):
    """The last error, after the policy's bounds ran out."""

    def __init__(self, error: Exception, attempts: int) -> None:
        super().__init__(f"{error} (after {attempts} attempts)")
        self.error = error
        self.attempts = attempts


class GaveUpTonight(Exception):
    def __init__(self, error: Exception) -> None:
        super().__init__(str(error))
        self.error = error


def call_with_retry(
    call: Callable[[], T],
    classify: Callable[[Exception], Verdict],
    policy: RetryPolicy = RetryPolicy(),
    *,
    sleep: Callable[[float], None] = time.sleep,
    clock: Callable[[], float] = time.monotonic,
    rng: random.Random | None = None,
) -> T:
    """Run `call`, retrying what `classify` calls transient with exponential backoff and full
    jitter, or exactly the provider's Retry-After when it gives one."""
    chance = rng or random.Random()
    started = clock()
    attempt = 0
    while True:
        attempt += 1
        try:
            return call()
        except Exception as error:
            verdict = classify(error)
            if verdict.action is Action.FAIL:
                raise
            if verdict.action is Action.GIVE_UP_TONIGHT:
                raise GaveUpTonight(error) from error
            if verdict.retry_after is not None:
                delay = min(verdict.retry_after, policy.max_delay)
            else:
                delay = chance.uniform(
                    0, min(policy.max_delay, policy.base_delay * 2 ** (attempt - 1))
                )
            out_of_time = clock() - started + delay > policy.total_seconds
            if attempt >= policy.attempts or out_of_time:
                raise RetriesExhausted(error, attempt) from error
            sleep(delay)
