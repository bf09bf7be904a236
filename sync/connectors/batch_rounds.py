"""Retrying the calls of provider batches: one helper for Google's batch endpoint and
Graph's $batch.

Calls go out in rounds. A call answered with something transient (429, 5xx) — or every call
of a batch that failed as a whole — is sent again in the next round, the others' answers
kept; between rounds the longest Retry-After asked for is waited, else backoff with full
jitter, within the same `RetryPolicy` bounds as single calls.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

from sync.connectors.retry import Action, GaveUpTonight, RetriesExhausted, RetryPolicy, Verdict

Outcome = Any
"""A call's answer (the parsed JSON), or the exception it ended with."""
Take = Callable[[int, Any], Any]
"""What to keep of the answer to the call at an index, made on the thread that received it:
a reader keeps busy time, not the provider's whole answer until every call is answered."""
Job = TypeVar("Job")
Kept = TypeVar("Kept")


def answers_taken(
    jobs: Sequence[Job],
    send: Callable[[Take], list[Outcome]],
    take: Callable[[Job, Any], Kept],
    kept: type[Kept],
) -> list[Kept]:
    """What `take` makes of each job's answer, in order. `send(taking)` runs the jobs' calls
    with `taking` applied to each answer as it arrives; a call that failed comes back as its
    error, which `take` is given here."""
    outcomes = send(lambda index, answer: take(jobs[index], answer))
    return [
        outcome if isinstance(outcome, kept) else take(job, outcome)
        for job, outcome in zip(jobs, outcomes, strict=True)
    ]


@dataclass
class Pending:
    index: int
    """Where the call's outcome goes."""
    attempts: int = 0
    error: Exception | None = None
    retry_after: float | None = None


def run_rounds(
    count: int,
    send: Callable[[list[Pending], list[Outcome]], list[Pending]],
    policy: RetryPolicy,
    sleep: Callable[[float], None],
    *,
    clock: Callable[[], float] = time.monotonic,
    rng: random.Random | None = None,
) -> list[Outcome]:
    """Every call's outcome, in order. `send(waiting, outcomes)` sends the waiting calls
    (in batches, counting an attempt for each), puts each final outcome in `outcomes` and
    returns the calls to send again (see `settle`)."""
    chance = rng or random.Random()
    started = clock()
    outcomes: list[Outcome] = [None] * count
    waiting = [Pending(i) for i in range(count)]
    while waiting:
        again = send(waiting, outcomes)
        if not again:
            break
        attempt = max(p.attempts for p in again)
        asked = [p.retry_after for p in again if p.retry_after is not None]
        if asked:
            delay = min(max(asked), policy.max_delay)
        else:
            delay = chance.uniform(0, min(policy.max_delay, policy.base_delay * 2 ** (attempt - 1)))
        out_of_time = clock() - started + delay > policy.total_seconds
        waiting = []
        for pending in again:
            assert pending.error is not None
            if pending.attempts >= policy.attempts or out_of_time:
                outcomes[pending.index] = RetriesExhausted(pending.error, pending.attempts)
            else:
                waiting.append(pending)
        if waiting:
            sleep(delay)
    return outcomes


def settle(pending: Pending, error: Exception, verdict: Verdict, outcomes: list[Outcome]) -> bool:
    """Record a failed call's outcome; True if it is to be sent again."""
    if verdict.action is Action.RETRY:
        pending.error, pending.retry_after = error, verdict.retry_after
        return True
    outcomes[pending.index] = (
        GaveUpTonight(error) if verdict.action is Action.GIVE_UP_TONIGHT else error
    )
    return False
