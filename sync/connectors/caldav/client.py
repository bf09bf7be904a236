"""Talking to CalDAV servers through the `caldav` library: one client per server and account,
credentials from [caldav] settings, and the shared retry helper around every request.

A calendar is named in people.toml as `caldav:https://host/path/to/calendar/`, optionally
with a user name (`https://karin@host/…`) whose password is in `[caldav] passwords`. The
password never appears in a URL, a message or a log line.
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Callable
from typing import Any, TypeVar

import niquests
from caldav.davclient import DAVClient
from caldav.lib import error as dav_error

from sync.config.provider_settings import CalDavSettings
from sync.connectors.caldav.account import account_for
from sync.connectors.caldav.address import CalendarUrl
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

T = TypeVar("T")
DEFAULT_POLICY = RetryPolicy()
WRITES = ("PUT", "DELETE")
NOT_TRANSIENT = (501, 505)


class ServerAnswered(Exception):
    """A status the caller did not expect; 5xx are retried."""

    def __init__(self, status: int, what: str) -> None:
        super().__init__(f"{what}: the server answered {status}")
        self.status = status


class CalDavClient:
    def __init__(
        self,
        settings: CalDavSettings,
        policy: RetryPolicy = DEFAULT_POLICY,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.settings = settings
        self.policy = policy
        self.sleep = sleep
        self.requests = RequestCount()
        self._clients: dict[tuple[str, str | None], DAVClient] = {}
        self._lock = threading.Lock()

    def credentials(self, calendar: CalendarUrl) -> tuple[str | None, str | None]:
        """The account for `calendar`; NoPassword or HostNotAllowed (ValueErrors naming the
        setting to fix) when there is none it may be given."""
        return account_for(self.settings, calendar.url, calendar.username)

    def client(self, calendar: CalendarUrl) -> DAVClient:
        key = (calendar.origin, calendar.username)
        with self._lock:
            client = self._clients.get(key)
            if client is None:
                username, password = self.credentials(calendar)
                client = DAVClient(
                    url=calendar.origin,
                    username=username,
                    password=password,
                    timeout=int(self.settings.timeout_seconds),
                    enable_rfc6764=False,
                )
                self._clients[key] = client
            return client

    def call(self, kind: str, action: Callable[[], T]) -> T:
        def attempt() -> T:
            self.requests.add(kind)
            return action()

        return call_with_retry(attempt, classify, self.policy, sleep=self.sleep)

    def request(
        self,
        calendar: CalendarUrl,
        kind: str,
        url: str,
        method: str,
        body: bytes = b"",
        headers: dict[str, str] | None = None,
    ) -> Any:
        """One plain HTTP request through the library's authenticated session. The answer's
        status is the caller's to judge, except 5xx (retried) and 401/403 (raised)."""
        client = self.client(calendar)

        def send() -> Any:
            if method in WRITES:
                faults.point(f"caldav {method}")
            answer = client.request(url, method, body.decode() if body else "", headers or {})
            if answer.status >= 500:
                raise ServerAnswered(answer.status, f"{method} {calendar.label}")
            return answer

        return self.call(kind, send)

    def requests_by_this_thread(self) -> int:
        return self.requests.by_this_thread()


def classify(error: Exception) -> Verdict:
    if isinstance(error, dav_error.RateLimitError):
        return Verdict(Action.RETRY, error.retry_after_seconds)
    if isinstance(error, dav_error.AuthorizationError):
        return Verdict(Action.FAIL)
    status = status_of(error)
    if status is not None:
        # 501: the server does not do this at all, which no retry changes
        transient = status == 429 or (status >= 500 and status not in NOT_TRANSIENT)
        return Verdict(Action.RETRY if transient else Action.FAIL)
    if isinstance(
        error, (TimeoutError, socket.timeout, ConnectionError, niquests.RequestException)
    ):
        return Verdict(Action.RETRY)
    return Verdict(Action.FAIL)


def status_of(error: BaseException) -> int | None:
    if isinstance(error, ServerAnswered):
        return error.status
    if isinstance(error, dav_error.DAVError):
        return error.status
    return None


def describe(error: BaseException, label: str) -> str:
    """One line for the report: never a password, a request body or event contents."""
    if isinstance(error, RetriesExhausted):
        return f"{describe(error.error, label)} (gave up after {error.attempts} attempts)"
    if isinstance(error, GaveUpTonight):
        return f"{describe(error.error, label)} (stopped for tonight)"
    if isinstance(error, dav_error.AuthorizationError):
        return (
            f"{label}: the server refused the user name or password ([caldav] username and "
            "password, or passwords)"
        )
    if isinstance(error, dav_error.RateLimitError):
        return f"{label}: the server is busy (rate limited)"
    status = status_of(error)
    if status is not None:
        return f"{label}: the server answered {status}"
    if isinstance(error, (TimeoutError, socket.timeout, niquests.Timeout)):
        return f"{label}: the server did not answer in time"
    if isinstance(error, ValueError):
        return str(error)
    return f"{label}: cannot reach the server ({type(error).__name__})"
