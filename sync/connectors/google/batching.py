"""Many Calendar v3 calls in one HTTP round trip, through Google's batch endpoint.

Latency is paid per round trip and quota per call: a batch carries up to 50 calls, reads or
writes, each as its own person (googleapiclient writes each part's Authorization from the
credentials of the connection the request is given). Google runs a batch's calls in any
order, so the calls of one batch never depend on each other. Google answers every part on
its own, so a part that answers 429 or 5xx is sent again in the next batch while the
others' answers are kept; a whole batch that fails (5xx, a timeout) is sent again as a
whole. Both follow the same retry policy as single calls: the provider's Retry-After,
else backoff with jitter.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from googleapiclient.http import BatchHttpRequest

from sync.connectors.batch_rounds import Outcome, Pending, Take, run_rounds, settle
from sync.connectors.google.client import WRITES, CalendarApi, GoogleClient
from sync.connectors.google.errors import classify
from sync.connectors.request_count import Tally
from sync.plumbing import faults
from sync.plumbing.logs import event

BATCH_SIZE = 50
"""Calls per batch: Calendar's limit for one batch request."""
log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Call:
    kind: str
    """As counted and logged for single calls: "events.list", ..."""
    email: str
    """Whom the call acts as."""
    scopes: tuple[str, ...]
    request: Callable[[CalendarApi], Any]
    """Builds the library's request on a client: ``lambda cal: cal.events().list(...)``."""


def run(
    client: GoogleClient,
    calls: Sequence[Call],
    take: Take | None = None,
    tally: Tally | None = None,
) -> list[Outcome]:
    """Every call's answer, in order; an exception in place of the answer for a call that
    failed for good (RetriesExhausted, GaveUpTonight, or the provider's own error). With
    `take`, what it makes of each answer in its place, as the answer arrives; with `tally`,
    every call sent (retries too) is also counted there."""

    def send(waiting: list[Pending], outcomes: list[Outcome]) -> list[Pending]:
        groups = [waiting[i : i + BATCH_SIZE] for i in range(0, len(waiting), BATCH_SIZE)]
        # each group's outcomes land at its own indexes: the batches can go side by side
        sent = client.pool().map(
            lambda group: _send(client, calls, group, outcomes, take, tally), groups
        )
        return [pending for retry in sent for pending in retry]

    # every token the calls act with, asked for at once: a batch then waits only for its
    # own, not for those of the batches ahead of it in the queue as well
    client.tokens.ahead((call.email, call.scopes) for call in calls)
    return run_rounds(len(calls), send, client.policy, client.sleep)


def _send(
    client: GoogleClient,
    calls: Sequence[Call],
    group: list[Pending],
    outcomes: list[Outcome],
    take: Take | None,
    tally: Tally | None,
) -> list[Pending]:
    """One round trip for `group`; returns the calls to send again."""
    again: list[Pending] = []
    service = client.service()
    by_id: dict[str, Pending] = {}
    answered: dict[str, tuple[Any, Exception | None]] = {}
    failed_taking: list[BaseException] = []

    def keep(request_id: str, response: Any, exception: Exception | None) -> None:
        # taken as the library hands each part over, so one part's parsed answer is held at
        # a time rather than all fifty of the batch's
        if exception is None and take is not None and not failed_taking:
            try:
                response = take(int(request_id), response)
            except BaseException as failure:  # not the round trip's fault: raised below
                failed_taking.append(failure)
        answered[request_id] = (response, exception)

    batch = BatchHttpRequest(callback=keep, batch_uri=client.batch_uri)
    # a token before the batch is sent: a part without one would come back 401 and cost a
    # second round trip
    no_token = client.tokens.fresh([(calls[p.index].email, calls[p.index].scopes) for p in group])
    for pending in group:
        call = calls[pending.index]
        http = client.as_person(call.email, call.scopes)
        error = no_token.get((call.email, call.scopes))
        if error is not None:  # this person's token; the others go on
            if settle(pending, error, classify(error), outcomes):
                pending.attempts += 1
                again.append(pending)
            continue
        request = call.request(service)
        request.http = http  # the part is signed with this person's token
        if call.kind in WRITES:
            faults.point(f"google {call.kind}")
        pending.attempts += 1
        client.requests.add(call.kind, tally)
        event(log, "google request", logging.DEBUG, kind=call.kind, acting_as=call.email)
        by_id[str(pending.index)] = pending
        batch.add(request, request_id=str(pending.index))
    if not by_id:
        return again
    try:
        batch.execute(http=client.connection())
    except Exception as error:  # the whole round trip failed: every part shares its fate
        verdict = classify(error)
        return again + [p for p in by_id.values() if settle(p, error, verdict, outcomes)]
    if failed_taking:
        raise failed_taking[0]
    for request_id, pending in by_id.items():
        response, exception = answered.pop(request_id)
        if exception is None:
            outcomes[pending.index] = response
        elif settle(pending, exception, classify(exception), outcomes):
            again.append(pending)
    return again
