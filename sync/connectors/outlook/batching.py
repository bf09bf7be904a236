"""Many Graph requests in one HTTP round trip, through JSON batching (`POST /$batch`).

Latency is paid per round trip: a batch carries up to 20 requests, across mailboxes, with
the app's one token. Graph answers 200 with a response per request, so a request answered
429 (with its own Retry-After) or 5xx is sent again in the next batch while the others'
answers are kept; a whole batch that fails (5xx, a timeout) is sent again as a whole. Both
follow the same retry policy as single requests.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote, urlencode

from sync.connectors.batch_rounds import Outcome, Pending, Take, run_rounds, settle
from sync.connectors.outlook.client import (
    MAILBOX_CONCURRENCY,
    GraphClient,
    GraphError,
    ObjectHook,
    classify,
)
from sync.connectors.request_count import Tally
from sync.plumbing import faults
from sync.plumbing.logs import event

BATCH_SIZE = 20
"""Requests per $batch: Graph's limit."""
log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Call:
    kind: str
    mailbox: str
    url: str
    """Relative to the version: "/users/{mailbox}/calendarView?...". """
    method: str = "GET"
    body: Any = None
    headers: Mapping[str, str] | None = None


def call(kind: str, mailbox: str, path: str, params: Mapping[str, str]) -> Call:
    query = f"?{urlencode(params)}" if params else ""
    return Call(kind, mailbox, f"/users/{quote(mailbox)}{path}{query}")


def relative(client: GraphClient, link: str) -> str:
    """An @odata.nextLink (absolute, as Graph gives it) as a batch takes it: relative."""
    return link.removeprefix(client.base) if link.startswith(client.base) else link


def run(
    client: GraphClient,
    calls: Sequence[Call],
    take: Take | None = None,
    tally: Tally | None = None,
    object_hook: ObjectHook | None = None,
) -> list[Outcome]:
    """Every request's answer, in order; an exception in place of the answer for a request
    that failed for good (RetriesExhausted, or Graph's own error). With `take`, what it
    makes of each answer in its place, as the answer arrives; with `tally`, every request
    sent (retries too) is also counted there; with `object_hook`, each batch's answer is
    parsed through it (`json.loads`), to keep only what the calls' answers are read for."""

    def send(waiting: list[Pending], outcomes: list[Outcome]) -> list[Pending]:
        # each group's outcomes land at its own indexes: the batches can go side by side
        sent = client.sent_side_by_side(
            _packed(calls, waiting),
            lambda group: _mailboxes(calls, group),
            lambda group: _send(client, calls, group, outcomes, take, tally, object_hook),
        )
        return [pending for retry in sent for pending in retry]

    return run_rounds(len(calls), send, client.policy, client.sleep)


def _packed(calls: Sequence[Call], waiting: list[Pending]) -> list[list[Pending]]:
    """Batches of at most 20 requests and at most four per mailbox: Graph runs a batch's
    requests side by side, and a fifth one to a mailbox would be throttled."""
    groups: list[list[Pending]] = []
    counts: list[dict[str, int]] = []
    for pending in waiting:
        mailbox = calls[pending.index].mailbox.lower()
        for group, count in zip(groups, counts, strict=True):
            if len(group) < BATCH_SIZE and count.get(mailbox, 0) < MAILBOX_CONCURRENCY:
                break
        else:
            group, count = [], {}
            groups.append(group)
            counts.append(count)
        group.append(pending)
        count[mailbox] = count.get(mailbox, 0) + 1
    return groups


def _mailboxes(calls: Sequence[Call], group: list[Pending]) -> dict[str, int]:
    """The group's requests per mailbox: its places in flight while it is sent."""
    mailboxes: dict[str, int] = {}
    for pending in group:
        mailbox = calls[pending.index].mailbox.lower()
        mailboxes[mailbox] = mailboxes.get(mailbox, 0) + 1
    return mailboxes


def _send(
    client: GraphClient,
    calls: Sequence[Call],
    group: list[Pending],
    outcomes: list[Outcome],
    take: Take | None,
    tally: Tally | None,
    object_hook: ObjectHook | None,
) -> list[Pending]:
    """One round trip for `group`; returns the requests to send again."""
    for pending in group:
        item = calls[pending.index]
        if item.method != "GET" and item.kind != "getSchedule":  # a read, though a POST
            faults.point(f"graph {item.kind}")
        pending.attempts += 1
        client.requests.add(item.kind, tally)
        event(log, "graph request", logging.DEBUG, kind=item.kind, mailbox=item.mailbox)
    body = {"requests": [_request(str(p.index), calls[p.index]) for p in group]}
    try:  # the mailboxes' places in flight are taken: client.sent_side_by_side
        answer = client.batch(body, object_hook)
    except Exception as failure:  # the whole round trip failed: every request shares its fate
        return [p for p in group if settle(p, failure, classify(failure), outcomes)]
    by_id = {str(r.get("id")): r for r in answer.get("responses", [])}
    again = []
    for pending in group:
        response = by_id.get(str(pending.index))
        if response is None:
            error: Exception = GraphError(502, "BatchResponseMissing", "", None)
        elif int(response.get("status", 500)) < 400:
            body = response.get("body")
            outcomes[pending.index] = body if take is None else take(pending.index, body)
            continue
        else:
            error = _error(response)
        if settle(pending, error, classify(error), outcomes):
            again.append(pending)
    return again


def _request(request_id: str, item: Call) -> dict[str, Any]:
    request: dict[str, Any] = {"id": request_id, "method": item.method, "url": item.url}
    headers = dict(item.headers or {})
    if item.body is not None:
        request["body"] = item.body
        headers["Content-Type"] = "application/json"
    if headers:
        request["headers"] = headers
    return request


def _error(response: Mapping[str, Any]) -> GraphError:
    body = response.get("body") or {}
    detail = body.get("error", {}) if isinstance(body, dict) else {}
    headers = {str(k).lower(): v for k, v in (response.get("headers") or {}).items()}
    try:
        retry_after = max(0.0, float(headers["retry-after"])) if "retry-after" in headers else None
    except ValueError:
        retry_after = None
    return GraphError(
        int(response["status"]),
        str(detail.get("code", "")),
        str(detail.get("message", ""))[:200],
        retry_after,
    )
