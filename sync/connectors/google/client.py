"""Calling Calendar v3 through the real client library, as one person, with retries.

Building a client (parsing the discovery document) is the costly part, so each thread
builds one, with its own connection (httplib2 is not thread-safe), and every call runs on
it with the acting person's credentials (`execute(http=…)`). Credentials are kept per
person and scope set, so tokens are reused until they expire. The discovery document shipped
in the library is used (no network for it), and `api_endpoint` can point every call at a
proxy or an emulator: it is the whole base URL, `/calendar/v3/` included (settings make sure
of that).
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import google_auth_httplib2
import httplib2
from google.auth.credentials import Credentials
from googleapiclient.discovery import build

from sync.config.provider_settings import GoogleSettings
from sync.connectors.google.auth import GoogleAuth, covers
from sync.connectors.google.errors import classify
from sync.connectors.google.tokens import Tokens
from sync.connectors.request_count import RequestCount
from sync.connectors.retry import RetryPolicy, call_with_retry
from sync.plumbing import faults
from sync.plumbing.logs import event

DEFAULT_POLICY = RetryPolicy()
WRITES = frozenset({"events.insert", "events.patch", "events.delete"})
log = logging.getLogger(__name__)
SERVICE_PATH = "/calendar/v3"
BATCH_PATH = "batch/calendar/v3"
"""The discovery document's batchPath, beside the service path on the same host."""
Resource = Any
"""googleapiclient builds its resource classes at run time; there is nothing to name."""


class CalendarApi:
    """A built Calendar v3 client whose collections are made once. The library makes a
    collection anew, every method of it from the discovery document, on each
    `calendar.events()`: some 2 ms, forty times what the request itself takes to build."""

    def __init__(self, built: Resource) -> None:
        self._events = built.events()
        self._freebusy = built.freebusy()

    def events(self) -> Resource:
        return self._events

    def freebusy(self) -> Resource:
        return self._freebusy


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
        self._credentials: dict[tuple[str, tuple[str, ...]], Credentials] = {}
        self._held: dict[str, list[tuple[tuple[str, ...], Credentials]]] = {}
        """Each person's credentials by the scopes asked for them."""
        self._local = threading.local()
        self._pool: ThreadPoolExecutor | None = None
        self.tokens = Tokens(self.credentials, self.connection, settings.token_requests)

    def pool(self) -> ThreadPoolExecutor:
        """`parallel_requests` threads that send batches side by side; they live as long as
        the client, so each builds its Calendar client once."""
        with self._lock:
            if self._pool is None:
                self._pool = ThreadPoolExecutor(self.settings.parallel_requests, "google")
            return self._pool

    @property
    def batch_uri(self) -> str:
        """Google's batch endpoint beside the API's base URL: the library builds it from the
        discovery document's root and would ignore `api_endpoint` (a proxy, an emulator)."""
        base = self.settings.api_endpoint.rstrip("/")
        return base.removesuffix(SERVICE_PATH) + "/" + BATCH_PATH

    def service(self) -> CalendarApi:
        """This thread's built client; it carries no credentials of its own."""
        service: CalendarApi | None = getattr(self._local, "service", None)
        if service is None:
            built = build(
                "calendar",
                "v3",
                http=self.connection(),
                static_discovery=True,
                cache_discovery=False,
                client_options={"api_endpoint": self.settings.api_endpoint},
            )
            service = self._local.service = CalendarApi(built)
        return service

    def connection(self) -> httplib2.Http:
        """This thread's connection."""
        http: httplib2.Http | None = getattr(self._local, "http", None)
        if http is None:
            http = httplib2.Http(timeout=self.settings.timeout_seconds)
            self._local.http = http
        return http

    def credentials(self, email: str, scopes: Sequence[str]) -> Credentials:
        """`email`'s credentials for `scopes`: a valid token this night already holds for
        them that covers the scopes (an organiser's out-of-office listing goes with the
        token their calendar was read back with), else one of their own, each token
        fetched once a night."""
        key = (email, tuple(scopes))
        with self._lock:
            found = self._credentials.get(key)
            if found is None:
                found = self._held_covering(*key) or self.auth.for_person(email, scopes)
                self._credentials[key] = found
                self._held.setdefault(email, []).append((key[1], found))
        return found

    def _held_covering(self, email: str, scopes: tuple[str, ...]) -> Credentials | None:
        for held, credentials in self._held.get(email, []):
            if credentials.valid and covers(held, scopes):
                return credentials
        return None

    def as_person(self, email: str, scopes: Sequence[str]) -> google_auth_httplib2.AuthorizedHttp:
        """This thread's connection, signing requests as `email`."""
        return google_auth_httplib2.AuthorizedHttp(
            self.credentials(email, scopes),
            http=self.connection(),
            # a 401 mid-run refreshes the token once; a second 401 fails that person
            max_refresh_attempts=1,
        )

    def call(
        self,
        kind: str,
        email: str,
        scopes: Sequence[str],
        request: Callable[[CalendarApi], Any],
    ) -> Any:
        """Execute `request(calendar)` as `email`, retrying what Google calls transient."""

        def attempt() -> Any:
            self.requests.add(kind)
            event(log, "google request", logging.DEBUG, kind=kind, acting_as=email)
            if kind in WRITES:
                faults.point(f"google {kind}")
            http = self.as_person(email, scopes)
            return request(self.service()).execute(http=http, num_retries=0)

        return call_with_retry(attempt, classify, self.policy, sleep=self.sleep)

    def requests_by_this_thread(self) -> int:
        return self.requests.by_this_thread()
