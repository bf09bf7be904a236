"""Calling Microsoft Graph: one session, app-only tokens, the shared retry helper, and at most
four requests in flight per mailbox (Graph's own limit for mail and calendar)."""

from __future__ import annotations

import json
import logging
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar
from urllib.parse import quote

import requests

from sync.config.provider_settings import OutlookSettings
from sync.connectors.outlook.auth import OutlookAuth, TokenRefused, TokenUnavailable
from sync.connectors.outlook.mailbox_slots import MailboxSlots
from sync.connectors.request_count import RequestCount
from sync.connectors.retry import (
    Action,
    GaveUpTonight,
    RetriesExhausted,
    RetryPolicy,
    Verdict,
    call_with_retry,
)
from sync.plumbing import faults
from sync.plumbing.logs import event

MAILBOX_CONCURRENCY = 4
ObjectHook = Callable[[dict[str, Any]], Any]
Group = TypeVar("Group")
Result = TypeVar("Result")
log = logging.getLogger(__name__)
DEFAULT_POLICY = RetryPolicy()


class GraphError(Exception):
    def __init__(self, status: int, code: str, message: str, retry_after: float | None) -> None:
        super().__init__(f"Microsoft Graph answered {status} {code}".strip())
        self.status = status
        self.code = code
        self.message = message
        self.retry_after = retry_after


CALL_FAILURES = (
    GraphError,
    TokenRefused,
    TokenUnavailable,
    RetriesExhausted,
    GaveUpTonight,
    OSError,
)
"""What a Graph call can end in once retries are over: each is said with `describe`."""


def classify(error: Exception) -> Verdict:
    if isinstance(error, GraphError):
        if error.status == 429 or error.status in (500, 502, 503, 504):
            return Verdict(Action.RETRY, error.retry_after)
        return Verdict(Action.FAIL)
    if isinstance(error, (requests.Timeout, requests.ConnectionError, TokenUnavailable)):
        return Verdict(Action.RETRY)
    return Verdict(Action.FAIL)


def describe(error: BaseException) -> str:
    if isinstance(error, RetriesExhausted):
        return f"{describe(error.error)} (gave up after {error.attempts} attempts)"
    if isinstance(error, GaveUpTonight):
        return describe(error.error)
    if isinstance(error, GraphError):
        return str(error) + _advice(error)
    if isinstance(error, TokenRefused):
        return f"Microsoft refused a token ({error})"
    if isinstance(error, TokenUnavailable):
        return f"cannot get a token from Microsoft ({error})"
    if isinstance(error, requests.Timeout):
        return "Microsoft Graph did not answer in time"
    return f"cannot reach Microsoft Graph ({type(error).__name__})"


# What an admin does about Graph's "Access is denied": its answers say only that.
ACCESS_POLICY_ADVICE = (
    ": an application access policy keeps the app out of this mailbox; add it to the "
    "policy's mail-enabled security group (Test-ApplicationAccessPolicy shows the result; "
    "changes can take an hour to apply)"
)
PERMISSION_ADVICE = (
    ": the app has no calendar permission for this mailbox; grant the application "
    "permission Calendars.ReadBasic (reading free/busy) or Calendars.ReadWrite (managers' "
    "calendars) with admin consent, or with RBAC for Applications a role assignment whose "
    "management scope includes the mailbox (changes can take an hour to apply)"
)


def _advice(error: GraphError) -> str:
    if error.status != 403 or error.code != "ErrorAccessDenied":
        return ""
    return ACCESS_POLICY_ADVICE if "AccessPolicy" in error.message else PERMISSION_ADVICE


def _retry_after(response: requests.Response) -> float | None:
    value = response.headers.get("Retry-After")
    try:
        return max(0.0, float(value)) if value is not None else None
    except ValueError:
        return None


class GraphClient:
    def __init__(
        self,
        auth: OutlookAuth,
        settings: OutlookSettings,
        session: requests.Session,
        policy: RetryPolicy = DEFAULT_POLICY,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.auth = auth
        self.settings = settings
        self.session = session
        self.policy = policy
        self.sleep = sleep
        self.base = settings.graph_endpoint.rstrip("/")
        self.requests = RequestCount()
        self._lock = threading.Lock()
        self.mailboxes = MailboxSlots(MAILBOX_CONCURRENCY)
        self._pool: ThreadPoolExecutor | None = None

    def pool(self) -> ThreadPoolExecutor:
        """`parallel_requests` threads that send batches side by side."""
        with self._lock:
            if self._pool is None:
                self._pool = ThreadPoolExecutor(self.settings.parallel_requests, "graph")
            return self._pool

    def sent_side_by_side(
        self,
        groups: Sequence[Group],
        mailboxes: Callable[[Group], Mapping[str, int]],
        send: Callable[[Group], Result],
    ) -> list[Result]:
        """What `send` returns for each group of requests, in order: the groups go out
        `parallel_requests` at a time, each once its `mailboxes` (requests per mailbox) have
        room for all of it (Graph runs a batch's requests side by side)."""
        needs = [mailboxes(group) for group in groups]
        width = self.settings.parallel_requests
        return self.mailboxes.side_by_side(groups, needs, send, self.pool(), width)

    def url(self, mailbox: str, path: str) -> str:
        return f"{self.base}/users/{quote(mailbox)}{path}"

    def call(
        self,
        kind: str,
        mailbox: str,
        method: str,
        url: str,
        *,
        params: Mapping[str, str] | None = None,
        body: Any = None,
        headers: Mapping[str, str] | None = None,
    ) -> Any:
        """One Graph request as the app, for `mailbox`; retried as Graph asks. A 401 gets
        one fresh token before it counts as a failure."""

        def attempt() -> Any:
            for fresh_token in (False, True):
                response = self._send(kind, mailbox, method, url, params, body, headers)
                if response.status_code == 401 and not fresh_token:
                    self.auth.forget_token()
                    continue
                return _answer(response)
            raise AssertionError("unreachable")

        return call_with_retry(attempt, classify, self.policy, sleep=self.sleep)

    def _send(
        self,
        kind: str,
        mailbox: str,
        method: str,
        url: str,
        params: Mapping[str, str] | None,
        body: Any,
        headers: Mapping[str, str] | None,
    ) -> requests.Response:
        token = self.auth.token()
        self.requests.add(kind)
        event(log, "graph request", logging.DEBUG, kind=kind, mailbox=mailbox)
        if method != "GET" and kind != "getSchedule":
            faults.point(f"graph {kind}")
        with self.mailboxes.held({mailbox: 1}):
            return self.session.request(
                method,
                url,
                params=params,
                json=body,
                headers={"Authorization": f"Bearer {token}", **(headers or {})},
                timeout=self.settings.timeout_seconds,
            )

    def batch(self, body: Mapping[str, Any], object_hook: ObjectHook | None = None) -> Any:
        """One POST to $batch (a single round trip, not retried here: see batching.py). A 401
        gets one fresh token first. The answer is parsed through `object_hook` if given."""
        for fresh_token in (False, True):
            response = self.session.post(
                f"{self.base}/$batch",
                json=body,
                headers={"Authorization": f"Bearer {self.auth.token()}"},
                timeout=self.settings.timeout_seconds,
            )
            if response.status_code == 401 and not fresh_token:
                self.auth.forget_token()
                continue
            return _answer(response, object_hook)
        raise AssertionError("unreachable")

    def requests_by_this_thread(self) -> int:
        return self.requests.by_this_thread()


def _answer(response: requests.Response, object_hook: ObjectHook | None = None) -> Any:
    if response.status_code >= 400:
        try:
            error = response.json().get("error", {})
        except ValueError:
            error = {}
        raise GraphError(
            response.status_code,
            str(error.get("code", "")),
            str(error.get("message", ""))[:200],
            _retry_after(response),
        )
    if not response.content:
        return None
    if object_hook is not None:
        return json.loads(response.content, object_hook=object_hook)
    return response.json()
