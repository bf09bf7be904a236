"""Microsoft Graph's JSON batching (``POST /v1.0/$batch``), as Graph takes it apart and
answers.

The body is ``{"requests": [...]}`` of 1 to 20 requests, each with a unique ``id``, a
``method`` and a ``url`` relative to the version (``/users/{id}/calendarView?...``), never
an absolute URL; a request with a body says its ``Content-Type``. The batch's own
Authorization is used for every request. Graph answers 200 with ``{"responses": [...]}``,
one per request with its ``id``, ``status``, ``headers`` (a throttled one carries its own
``Retry-After``) and ``body``: a failing request fails only its own response.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from .graph_errors import GraphError

BATCH_PATH = "/v1.0/$batch"
MAX_REQUESTS = 20


@dataclass(frozen=True)
class Step:
    id: str
    method: str
    path: str  # "/v1.0/users/...", with the query string
    headers: dict[str, str]
    body: bytes


def steps(headers: dict[str, str], body: bytes) -> list[Step]:
    """The requests of a batch; GraphError(400) for what Graph refuses."""
    if not headers.get("content-type", "").lower().startswith("application/json"):
        raise GraphError(400, "BadRequest", "A batch must be sent as application/json.")
    try:
        payload = json.loads(body or b"null")
    except ValueError:
        raise GraphError(400, "BadRequest", "Invalid batch payload format.") from None
    requests = payload.get("requests") if isinstance(payload, dict) else None
    if not isinstance(requests, list) or not requests:
        raise GraphError(400, "BadRequest", "Invalid batch payload format.")
    if len(requests) > MAX_REQUESTS:
        raise GraphError(
            400,
            "BadRequest",
            f"Number of batch request steps exceeds the maximum of {MAX_REQUESTS}.",
        )
    found = [_step(item) for item in requests]
    if len({step.id for step in found}) != len(found):
        raise GraphError(400, "BadRequest", "Batch request ids must be unique.")
    return found


def _step(item: Any) -> Step:
    if not isinstance(item, dict) or not all(
        isinstance(item.get(key), str) and item[key] for key in ("id", "method", "url")
    ):
        raise GraphError(400, "BadRequest", "Each batch request needs an id, a method and a url.")
    url = item["url"]
    if "://" in url or url.lower().startswith(("/v1.0/", "v1.0/")):
        raise GraphError(400, "BadRequest", "Invalid request URI: a url relative to /v1.0.")
    headers = {str(k).lower(): str(v) for k, v in (item.get("headers") or {}).items()}
    body = b""
    if "body" in item:
        if "content-type" not in headers:
            raise GraphError(400, "BadRequest", "A batch request with a body needs a Content-Type.")
        body = json.dumps(item["body"]).encode()
    path = "/v1.0" + (url if url.startswith("/") else "/" + url)
    return Step(item["id"], item["method"].upper(), path, headers, body)


def run(
    headers: dict[str, str], body: bytes, one: Callable[[Step], tuple[int, Any, dict[str, str]]]
) -> dict[str, Any]:
    """The batch's answer: each request through ``one`` (status, JSON body, headers)."""
    responses = []
    for step in steps(headers, body):
        status, payload, answered = one(step)
        response: dict[str, Any] = {"id": step.id, "status": status, "headers": answered}
        if payload is not None:
            response["body"] = payload
        responses.append(response)
    return {"responses": responses}
