"""Calling Calendar v3 through the real client library, as one person, with retries.

httplib2 is not thread-safe, so a built client (with its connection and token) is lent to
one thread at a time and returned to a pool for the next call as the same person; tokens
are reused until they expire. The discovery document shipped in the library is used (no
network for it), and `api_endpoint` can point every call at a proxy or an emulator: it is
the whole base URL, `/calendar/v3/` included (settings make sure of that).
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any

import google_auth_httplib2
import httplib2
from googleapiclient.discovery import build

from sync.config.provider_settings import GoogleSettings
from sync.connectors.google.auth import GoogleAuth
from sync.connectors.google.errors import classify
from sync.connectors.request_count import RequestCount
from sync.connectors.retry import RetryPolicy, call_with_retry
from sync.plumbing import faults
from sync.plumbing.logs import event

DEFAULT_POLICY = RetryPolicy()
WRITES = frozenset({"events.insert", "events.patch", "events.delete"})
log = logging.getLogger(__name__)
Resource = Any
"""googleapiclient builds its resource classes at run time; there is nothing to name."""


class GoogleClient:
    def __init__(
        self,
        auth: GoogleAuth,
        settings: GoogleSettings,
        policy: RetryPolicy = DEFAULT_POLICY,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.auth = auth
        self.settings = settings
        self.policy = policy
        self.sleep = sleep
        self.requests = RequestCount()
        self._lock = threading.Lock()
        self._idle: dict[tuple[str, tuple[str, ...]], list[Resource]] = {}

    @contextmanager
    def calendar(self, email: str, scopes: Sequence[str]) -> Iterator[Resource]:
        key = (email, tuple(scopes))
        with self._lock:
            idle = self._idle.setdefault(key, [])
            service = idle.pop() if idle else None
        if service is None:
            service = self._build(email, scopes)
        try:
            yield service
        finally:
            with self._lock:
                self._idle[key].append(service)

    def _build(self, email: str, scopes: Sequence[str]) -> Resource:
        http = google_auth_httplib2.AuthorizedHttp(
            self.auth.for_person(email, scopes),
            http=httplib2.Http(timeout=self.settings.timeout_seconds),
            # a 401 mid-run refreshes the token once; a second 401 fails that person
            max_refresh_attempts=1,
        )
        return build(
            "calendar",
            "v3",
            http=http,
            static_discovery=True,
            cache_discovery=False,
            client_options={"api_endpoint": self.settings.api_endpoint},
        )

    def call(
        self,
        kind: str,
        email: str,
        scopes: Sequence[str],
        request: Callable[[Resource], Any],
    ) -> Any:
        """Execute `request(calendar)` as `email`, retrying what Google calls transient."""

        def attempt() -> Any:
            self.requests.add(kind)
            event(log, "google request", logging.DEBUG, kind=kind, acting_as=email)
            if kind in WRITES:
                faults.point(f"google {kind}")
            with self.calendar(email, scopes) as service:
                return request(service).execute(num_retries=0)

        return call_with_retry(attempt, classify, self.policy, sleep=self.sleep)

    def requests_by_this_thread(self) -> int:
        return self.requests.by_this_thread()
