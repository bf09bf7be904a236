"""A local stand-in for Microsoft Graph v1.0 calendar calls, over HTTPS with a test CA.

Tokens come from the identity emulator (the real ``msal`` gets them); calls are plain HTTPS::

    with GraphEmulator() as graph:              # starts its own IdentityEmulator
        graph.add_user("karin@example.com", timezone="W. Europe Standard Time")
        graph.identity.add_app("app-1", "s3cret", roles=["Calendars.ReadWrite"])
        app = graph.identity.msal_app("app-1", "s3cret")
        token = app.acquire_token_for_client(scopes=[GRAPH_DEFAULT_SCOPE])["access_token"]
        session = graph.session()               # verify=<test CA>, trust_env=False
        session.post(f"{graph.base_url}/users/karin@example.com/calendar/getSchedule", ...)

Mailbox semantics live in ``graph_state``, reads in ``graph_queries``, times and recurrence in
``graph_time``. This module is HTTP, authorization, throttling (at most
``max_concurrent_per_mailbox`` requests in flight per mailbox), fault injection, the request
log and the helpers tests use to act as a person.
"""

from __future__ import annotations

import json
import re
import time
import uuid
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qs, quote, unquote, urlsplit

from . import graph_batch as batching
from . import graph_contract as contract
from . import graph_queries as q
from . import graph_time as gt
from .graph_errors import GraphError, access_denied, bad_request, policy_denied
from .graph_state import Event, GraphStore, WriteRecord, occurrence_id
from .identity import (
    CALENDARS_READ,
    CALENDARS_READBASIC,
    CALENDARS_READWRITE,
    DEFAULT_TENANT,
    IdentityEmulator,
    IssuedToken,
)
from .identity_tls import Fault, FaultList, HttpResponse, LocalCA, TlsServer, new_session, shared_ca

if TYPE_CHECKING:
    import requests

__all__ = ["KINDS", "GraphEmulator", "GraphRequest", "WriteRecord"]

READ_KINDS = frozenset(
    {"events.list", "events.get", "events.instances", "calendarView", "calendarView.delta"}
)
WRITE_KINDS = frozenset({"events.create", "events.patch", "events.delete", "events.cancel"})
KINDS = READ_KINDS | WRITE_KINDS | {"getSchedule", "mailboxSettings.get", "batch"}
# the type each request body is read as (see graph_contract)
_BODIES = {
    "events.create": "event",
    "events.patch": "event",
    "getSchedule": "getSchedule",
    "events.cancel": "cancel",
}
_READ_ROLES = {CALENDARS_READBASIC, CALENDARS_READ, CALENDARS_READWRITE}
_SETTINGS_ROLES = {"MailboxSettings.Read", "MailboxSettings.ReadWrite"}
_JSON = (
    "application/json;odata.metadata=minimal;odata.streaming=true;IEEE754Compatible=false;"
    "charset=utf-8"
)


@dataclass(frozen=True)
class GraphRequest:
    """One request the Graph emulator answered (tests count these by ``kind``)."""

    method: str
    path: str  # decoded, without the query string
    query: dict[str, list[str]]
    kind: str  # "getSchedule", "events.create", ... or "unknown"
    mailbox: str | None  # the ``/users/{id}`` segment (an address if the user is known)
    status: int
    code: str | None  # Graph error code, if any
    body: Any
    client_id: str | None
    event_id: str | None
    started: float
    ended: float
    in_batch: bool = False
    """A request carried inside a $batch: an API call, not an HTTP round trip of its own."""


def _route(method: str, path: str) -> tuple[str, str | None, str | None]:
    """(kind, user, eventId) of a ``/v1.0/...`` path."""
    parts = [unquote(p) for p in path.strip("/").split("/")]
    if not parts or parts[0] != "v1.0":
        raise GraphError(400, "BadRequest", "Invalid version: use /v1.0.")
    if len(parts) > 1 and parts[1].lower() == "me":
        raise GraphError(
            400, "BadRequest", "/me request is only valid with delegated authentication flow."
        )
    if len(parts) < 3 or parts[1].lower() != "users":
        raise GraphError(400, "BadRequest", f"Resource not found for the segment '{parts[-1]}'.")
    user, rest = parts[2], parts[3:]
    if rest[:1] == ["calendar"] and rest[1:2] != ["getSchedule"]:
        rest = rest[1:]  # /calendar/events is the primary calendar, like /events
    shape = "/".join("{id}" if i == 1 and rest[0] == "events" else p for i, p in enumerate(rest))
    table = {
        ("POST", "calendar/getSchedule"): "getSchedule",
        ("GET", "mailboxSettings"): "mailboxSettings.get",
        ("GET", "events"): "events.list",
        ("POST", "events"): "events.create",
        ("GET", "events/{id}"): "events.get",
        ("PATCH", "events/{id}"): "events.patch",
        ("DELETE", "events/{id}"): "events.delete",
        ("POST", "events/{id}/cancel"): "events.cancel",
        ("GET", "events/{id}/instances"): "events.instances",
        ("GET", "calendarView"): "calendarView",
        ("GET", "calendarView/delta"): "calendarView.delta",
    }
    kind = table.get((method, shape))
    if kind is None:
        segment = rest[-1] if rest else user
        raise GraphError(400, "BadRequest", f"Resource not found for the segment '{segment}'.")
    return kind, user, rest[1] if len(rest) > 1 and rest[0] == "events" else None


def _prefer(headers: dict[str, str]) -> tuple[str | None, int | None]:
    raw = headers.get("prefer", "")
    found = re.search(r'outlook\.timezone\s*=\s*"([^"]+)"', raw, re.I)
    size = re.search(r"odata\.maxpagesize\s*=\s*(\d+)", raw, re.I)
    zone_name = found[1] if found else None
    if zone_name is not None:
        try:
            gt.zone(zone_name)
        except GraphError:
            zone_name = None  # Graph falls back to UTC for a zone it does not know
    return zone_name, int(size[1]) if size else None


class GraphEmulator:
    """Graph v1.0 calendar endpoints on ``https://localhost:<free port>/v1.0``, in memory."""

    def __init__(
        self,
        identity: IdentityEmulator | None = None,
        *,
        max_concurrent_per_mailbox: int = 4,
        concurrency_retry_after: float = 1,
        ca: LocalCA | None = None,
        latency: float = 0.0,
        resource: str | None = None,
    ) -> None:
        """Without ``identity`` the emulator starts and stops an ``IdentityEmulator`` of its own.

        ``resource``: the Graph this stands for, the audience its tokens must carry (default:
        the identity emulator's cloud's Graph, ``https://graph.microsoft.com``).

        ``latency``: seconds every request waits before it is answered, like a distant server
        (benchmarks). The request holds its mailbox's concurrency slot meanwhile, as on Graph,
        but no lock."""
        self.latency = latency
        self._own_identity = identity is None
        self._ca = ca or shared_ca()
        self.identity = identity or IdentityEmulator(ca=self._ca)
        self.resource = resource or self.identity.cloud.graph_resource
        self.store = GraphStore()
        self.lock = self.store.lock
        self.max_concurrent = max_concurrent_per_mailbox
        self.concurrency_retry_after = concurrency_retry_after
        self._faults = FaultList(KINDS, self.lock)
        self._requests: list[GraphRequest] = []
        self._inflight: dict[str, int] = defaultdict(int)
        self._peak: dict[str, int] = defaultdict(int)
        self._attempted: dict[str, int] = defaultdict(int)
        self._policies: dict[str, set[str]] = {}
        self._delta = q.DeltaPages()
        self._server: TlsServer | None = None
        self.errors: list[Exception] = []  # unexpected exceptions while answering (bugs)

    # ----------------------------------------------------------------- lifecycle

    def start(self) -> GraphEmulator:
        if self._own_identity:
            self.identity.start()
        self._server = TlsServer(self.handle, "graph-emulator", self._ca)
        self._server.start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.stop()
            self._server = None
        if self._own_identity:
            self.identity.stop()

    def __enter__(self) -> GraphEmulator:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def port(self) -> int:
        if self._server is None:
            raise RuntimeError("the Graph emulator is not running")
        return self._server.port

    @property
    def base_url(self) -> str:
        """``https://localhost:PORT/v1.0`` (the real one: ``https://graph.microsoft.com/v1.0``)."""
        return f"https://localhost:{self.port}/v1.0"

    @property
    def ca_file(self) -> str:
        return self._ca.ca_file

    def session(self) -> requests.Session:
        """A ``requests.Session`` trusting the test CA (``verify``) with ``trust_env=False``."""
        return new_session(self.ca_file)

    # ----------------------------------------------------------------- set-up

    def add_user(
        self,
        email: str,
        timezone: str = "W. Europe Standard Time",
        working_hours: dict[str, Any] | None = None,
        *,
        name: str | None = None,
    ) -> str:
        """A user with a mailbox (Windows or IANA zone); returns the user's object id."""
        return self.store.add_user(email, timezone, working_hours, name).user_id

    def add_app(
        self,
        client_id: str,
        secret: str | None = None,
        roles: list[str] | tuple[str, ...] = (CALENDARS_READ, CALENDARS_READWRITE),
        tenant: str = DEFAULT_TENANT,
    ) -> None:
        """Shortcut for ``identity.add_app``."""
        self.identity.add_app(client_id, secret, tenant, roles)

    def token(self, client_id: str) -> str:
        """A Graph access token for ``client_id`` without msal (see ``identity.issue_token``)."""
        return self.identity.issue_token(client_id)

    def restrict(self, client_id: str, mailboxes: list[str] | tuple[str, ...]) -> None:
        """An application access policy: ``client_id`` may use only these mailboxes."""
        with self.lock:
            self._policies[client_id] = {m.lower() for m in mailboxes}

    def unrestrict(self, client_id: str) -> None:
        with self.lock:
            self._policies.pop(client_id, None)

    def user_id(self, email: str) -> str:
        return self.store.mailbox(email).user_id

    # ----------------------------------------------------------------- acting as a person

    def add_event(self, email: str, event: Event, *, organizer: str | None = None) -> Event:
        """Seed an event as ``email`` (attendees with mailboxes get copies); not logged.

        ``organizer``: an outside address, making it an invitation ``email`` accepted.
        """
        created, _ = self.store.create(
            self.store.mailbox(email), event, log=False, organizer=organizer
        )
        return created

    def respond(self, email: str, event_id: str, attendee: str, response: str) -> Event:
        """``attendee`` answers (``accepted``, ``tentativelyAccepted``, ``declined``...).

        ``event_id`` is any copy's id (or an occurrence id) in ``email``'s mailbox; returns the
        organizer's copy with the updated ``attendees[].status``.
        """
        return self.store.respond(self.store.mailbox(email), event_id, attendee, response)

    def decline(self, email: str, event_id: str, attendee: str) -> Event:
        return self.respond(email, event_id, attendee, "declined")

    def update_event(self, email: str, event_id: str, patch: Event) -> Event:
        """PATCH as the mailbox owner (not logged as a request or write)."""
        return self.store.patch(self.store.mailbox(email), event_id, patch, log=False)

    def delete_event(self, email: str, event_id: str) -> None:
        """The owner deletes an event or occurrence (an organizer's copies become cancelled)."""
        self.store.delete(self.store.mailbox(email), event_id, log=False)

    @staticmethod
    def occurrence_id(series_id: str, original_start: datetime) -> str:
        return occurrence_id(series_id, gt.stamp(original_start))

    def move_occurrence(
        self,
        email: str,
        series_id: str,
        original_start: datetime,
        start: datetime,
        end: datetime | None = None,
    ) -> Event:
        """Move one occurrence (it becomes an ``exception``); keeps its length without ``end``."""
        box = self.store.mailbox(email)
        current = self.store.get(box, self.occurrence_id(series_id, original_start))
        zone_name = current["start"]["timeZone"]
        length = gt.point(current["end"], "end") - gt.point(current["start"], "start")
        patch = {
            "start": gt.when(start, zone_name),
            "end": gt.when(end or start + length, zone_name),
        }
        return self.store.patch(box, current["id"], patch, log=False)

    def cancel_occurrence(self, email: str, series_id: str, original_start: datetime) -> None:
        self.delete_event(email, self.occurrence_id(series_id, original_start))

    def expire_tokens(self) -> None:
        """Every access token issued so far answers 401 (see ``IdentityEmulator.expire_tokens``)."""
        self.identity.expire_tokens()

    def expire_delta_tokens(self) -> None:
        """Every delta/skip token handed out so far answers 410 ``syncStateNotFound``."""
        with self.lock:
            self.store.delta_epoch += 1
            self._delta.pending.clear()

    # ----------------------------------------------------------------- inspection

    def events(self, email: str) -> list[Event]:
        """Stored single events and series masters (times in their original zones)."""
        box = self.store.mailbox(email)
        with self.lock:
            return [dict(s.data) for s in box.events.values()]

    def event(self, email: str, event_id: str) -> Event | None:
        try:
            return self.store.get(self.store.mailbox(email), event_id)
        except GraphError:
            return None

    def view(self, email: str, start: datetime, end: datetime) -> list[Event]:
        """The calendar view: single events and occurrences overlapping ``[start, end)``."""
        return self.store.view(self.store.mailbox(email), start, end)

    def instances(self, email: str, series_id: str, start: datetime, end: datetime) -> list[Event]:
        box = self.store.mailbox(email)
        with self.lock:
            return self.store.expand(box.events[series_id], start, end)

    @property
    def requests(self) -> list[GraphRequest]:
        with self.lock:
            return list(self._requests)

    @property
    def writes(self) -> list[WriteRecord]:
        with self.lock:
            return list(self.store.writes)

    def count(self, kind: str, *, status: int | None = None) -> int:
        """How many requests of a kind (optionally with a status) were answered."""
        return sum(1 for r in self.requests if r.kind == kind and status in (None, r.status))

    def round_trips(self) -> int:
        """HTTP round trips to Graph (tokens come from the identity platform, apart): a $batch
        is one, however many requests it carries."""
        return sum(1 for r in self.requests if not r.in_batch)

    def peak_concurrency(self, mailbox: str) -> int:
        """Most requests to one mailbox that were being served at the same time."""
        with self.lock:
            return self._peak[self._mailbox_key(mailbox)]

    def attempted_concurrency(self, mailbox: str) -> int:
        """Most requests to one mailbox in flight at once, counting the ones answered 429."""
        with self.lock:
            return self._attempted[self._mailbox_key(mailbox)]

    def clear_log(self) -> None:
        with self.lock:
            self._requests.clear()
            self.store.writes.clear()
            self._peak.clear()
            self._attempted.clear()

    # ----------------------------------------------------------------- fault injection

    def inject(
        self,
        match: str | re.Pattern[str],
        status: int | None = None,
        *,
        times: int = 1,
        retry_after: float | str | None = None,
        delay: float | None = None,
        code: str | None = None,
        message: str | None = None,
    ) -> Fault:
        """Fail (or, with ``status=None``, only delay) the next ``times`` matching requests.

        ``match`` is a kind (``"getSchedule"``, ``"events.create"``, ``"*"``) or a regex
        searched in the decoded path (``r"/users/lena@"``). ``retry_after`` becomes the
        ``Retry-After`` header as given (``0.5`` -> ``"0.5"``). Faults apply after the
        concurrency check and before authentication; a delayed request holds its slot.
        """
        return self._faults.add(
            match,
            status,
            times=times,
            code=code,
            message=message,
            retry_after=retry_after,
            delay=delay,
        )

    def clear_faults(self) -> None:
        self._faults.clear()

    # ----------------------------------------------------------------- HTTP

    def _mailbox_key(self, user: str) -> str:
        box = self.store.find_mailbox(user)
        return box.email if box else user.lower()

    def handle(
        self, method: str, raw_path: str, headers: dict[str, str], body: bytes
    ) -> HttpResponse:
        """Answer one HTTP request (called on the server's threads)."""
        if urlsplit(raw_path).path == batching.BATCH_PATH and method == "POST":
            return self._batch(headers, body, time.time())
        return self._answer(method, raw_path, headers, body)

    def _answer(
        self,
        method: str,
        raw_path: str,
        headers: dict[str, str],
        body: bytes,
        *,
        in_batch: bool = False,
    ) -> HttpResponse:
        """One request, alone or as a part of a batch (then without latency of its own)."""
        started = time.time()
        url = urlsplit(raw_path)
        query = parse_qs(url.query, keep_blank_values=True)
        lowered = {k.lower(): v for k, v in headers.items()}
        client_request_id = lowered.get("client-request-id") or str(uuid.uuid4())
        kind, user, event_id, mailbox = "unknown", None, None, None
        parsed: Any = None
        client_id: str | None = None
        admitted = False
        try:
            kind, user, event_id = _route(method, url.path)
            mailbox = self._mailbox_key(user) if user else None
            admitted = self._admit(mailbox)
            if self.latency and not in_batch:
                time.sleep(self.latency)
            fault = self._faults.take(kind, unquote(url.path))
            if fault is not None:
                fault.sleep()
                if fault.status is not None:
                    raise GraphError(
                        fault.status, fault.code, fault.message, headers=fault.retry_after_header
                    )
            parsed = _json(body)
            token = self._authenticate(lowered.get("authorization", ""))
            client_id = token.client_id
            self._authorize(kind, token, mailbox or "")
            link = f"https://localhost:{self.port}{url.path}"
            response = self._api(
                kind, user or "", event_id or "", query, parsed, lowered, token, link
            )
        except GraphError as error:
            response = HttpResponse(error.status, error.body(client_request_id), error.headers)
        except Exception as exc:  # an emulator bug: answer 500 and keep it for the test to see
            self.errors.append(exc)
            failure = GraphError(500, "InternalServerError", f"Graph emulator failure: {exc!r}")
            response = HttpResponse(500, failure.body(client_request_id))
        finally:
            if admitted and mailbox is not None:
                with self.lock:
                    self._inflight[mailbox] -= 1
        response.headers.setdefault("Content-Type", _JSON)
        response.headers["request-id"] = str(uuid.uuid4())
        response.headers["client-request-id"] = client_request_id
        code = None
        if response.status >= 400 and isinstance(response.payload, dict):
            code = response.payload.get("error", {}).get("code")
        record = GraphRequest(
            method, unquote(url.path), query, kind, mailbox, response.status, code, parsed,
            client_id, event_id, started, time.time(), in_batch,
        )  # fmt: skip
        with self.lock:
            self._requests.append(record)
        return response

    def _batch(self, headers: dict[str, str], body: bytes, started: float) -> HttpResponse:
        """A $batch: one round trip, each request answered as if it had come alone."""
        lowered = {k.lower(): v for k, v in headers.items()}
        if self.latency:
            time.sleep(self.latency)
        status, code = 200, None
        try:
            fault = self._faults.take("batch", batching.BATCH_PATH)
            if fault is not None:
                fault.sleep()
                if fault.status is not None:
                    raise GraphError(
                        fault.status, fault.code, fault.message, headers=fault.retry_after_header
                    )
            self._authenticate(lowered.get("authorization", ""))

            # Graph runs a batch's requests side by side: past the mailbox's concurrency
            # limit, the rest of that mailbox's requests are throttled like parallel calls
            per_mailbox: dict[str, int] = defaultdict(int)

            def one(step: batching.Step) -> tuple[int, Any, dict[str, str]]:
                try:
                    _, user, _ = _route(step.method, urlsplit(step.path).path)
                except GraphError:
                    user = None
                if user is not None:
                    per_mailbox[self._mailbox_key(user)] += 1
                    if per_mailbox[self._mailbox_key(user)] > self.max_concurrent:
                        throttled = GraphError(
                            429,
                            "ApplicationThrottled",
                            "Application is over its MailboxConcurrency limit.",
                        )
                        retry = {"Retry-After": f"{self.concurrency_retry_after:g}"}
                        return 429, throttled.body(), retry
                inner = {"authorization": lowered.get("authorization", ""), **step.headers}
                reply = self._answer(step.method, step.path, inner, step.body, in_batch=True)
                kept = {k: v for k, v in reply.headers.items() if k.lower() == "retry-after"}
                return reply.status, reply.payload, kept

            response = HttpResponse(200, batching.run(lowered, body, one))
        except GraphError as error:
            response = HttpResponse(error.status, error.body(), error.headers)
            status, code = error.status, error.code
        response.headers.setdefault("Content-Type", _JSON)
        record = GraphRequest(
            "POST", batching.BATCH_PATH, {}, "batch", None, status, code, None, None, None,
            started, time.time(),
        )  # fmt: skip
        with self.lock:
            self._requests.append(record)
        return response

    def _admit(self, mailbox: str | None) -> bool:
        if mailbox is None:
            return False
        with self.lock:
            self._inflight[mailbox] += 1
            now = self._inflight[mailbox]
            self._attempted[mailbox] = max(self._attempted[mailbox], now)
            if now > self.max_concurrent:
                self._inflight[mailbox] -= 1
                raise GraphError(
                    429,
                    "ApplicationThrottled",
                    "Application is over its MailboxConcurrency limit.",
                    headers={"Retry-After": f"{self.concurrency_retry_after:g}"},
                )
            self._peak[mailbox] = max(self._peak[mailbox], now)
            return True

    def _authenticate(self, header: str) -> IssuedToken:
        challenge = {
            "WWW-Authenticate": 'Bearer realm="", authorization_uri="https://login.microsoftonline'
            '.com/common/oauth2/authorize", client_id="00000003-0000-0000-c000-000000000000"'
        }
        scheme, _, value = header.partition(" ")
        if not value.strip() or scheme.lower() != "bearer":
            raise GraphError(
                401, "InvalidAuthenticationToken", "Access token is empty.", headers=challenge
            )
        token, reason = self.identity.validate(value.strip())
        if token is None:
            message = {
                "expired": "Lifetime validation failed, the token is expired.",
            }.get(reason, "IDX14100: JWT is not well formed, there are no dots (.).")
            raise GraphError(401, "InvalidAuthenticationToken", message, headers=challenge)
        if token.audience != self.resource:
            raise GraphError(
                401,
                "InvalidAuthenticationToken",
                "Access token validation failure. Invalid audience.",
                headers=challenge,
            )
        return token

    def _authorize(self, kind: str, token: IssuedToken, mailbox: str) -> None:
        if kind == "mailboxSettings.get":
            allowed = bool(token.roles & _SETTINGS_ROLES)
        elif kind in WRITE_KINDS:
            allowed = CALENDARS_READWRITE in token.roles
        else:
            allowed = bool(token.roles & _READ_ROLES)
        if not allowed:
            raise access_denied()
        with self.lock:
            policy = self._policies.get(token.client_id)
        if policy is not None and mailbox not in policy:
            raise policy_denied()

    def _api(
        self,
        kind: str,
        user: str,
        event_id: str,
        query: dict[str, list[str]],
        body: Any,
        headers: dict[str, str],
        token: IssuedToken,
        link: str,
    ) -> HttpResponse:
        contract.check_query(query)
        if kind in _BODIES:
            contract.check_body(
                _BODIES[kind], body, action=kind in ("getSchedule", "events.cancel")
            )
        store = self.store
        box = store.mailbox(user)
        zone_name, page_size = _prefer(headers)
        applied = {"Preference-Applied": f'outlook.timezone="{zone_name}"'} if zone_name else {}
        options = q.ReadOptions(
            timezone=zone_name or "UTC",
            expand_ids=q.parse_expand(query),
            select=tuple(
                s.strip() for s in (q.one(query, "$select") or "").split(",") if s.strip()
            ),
            basic=not token.roles & {CALENDARS_READ, CALENDARS_READWRITE},
        )
        context = f"{self.base_url}/$metadata#users('{quote(user)}')"
        client_id = token.client_id
        if kind == "getSchedule":
            payload = q.get_schedule(store, body, zone_name or "UTC")
            payload["@odata.context"] = (
                f"{self.base_url}/$metadata#Collection(microsoft.graph.scheduleInformation)"
            )
            return HttpResponse(200, payload, applied)
        if kind == "mailboxSettings.get":
            settings = {
                "@odata.context": f"{context}/mailboxSettings",
                "timeZone": box.timezone,
                "workingHours": box.working_hours,
            }
            return HttpResponse(200, settings)
        if kind == "events.create":
            created, _ = store.create(box, body, client_id=client_id)
            event = {"@odata.context": f"{context}/events/$entity", **q.render(created, options)}
            return HttpResponse(
                201, event, {**applied, "Location": f"{link}/{quote(created['id'])}"}
            )
        if kind in ("events.get", "events.patch"):
            if kind == "events.get":
                event = store.get(box, event_id)
            else:
                event = store.patch(box, event_id, body, client_id=client_id)
            return HttpResponse(
                200,
                {"@odata.context": f"{context}/events/$entity", **q.render(event, options)},
                applied,
            )
        if kind in ("events.delete", "events.cancel"):
            comment = body.get("comment") if isinstance(body, dict) else None
            store.delete(box, event_id, kind=kind, comment=comment, client_id=client_id)
            return HttpResponse(204 if kind == "events.delete" else 202)
        if kind == "calendarView.delta":
            size = page_size or q.DEFAULT_PAGE
            with self.lock:
                items, token_params = self._delta.answer(
                    store, box, query, size, lambda e: q.render(e, options)
                )
            key = "@odata.nextLink" if "$skiptoken" in token_params else "@odata.deltaLink"
            next_url = f"{link}?{'&'.join(f'{k}={v}' for k, v in token_params.items())}"
            payload = {
                "@odata.context": f"{context}/calendarView/delta",
                "value": items,
                key: next_url,
            }
            return HttpResponse(200, payload, applied)
        if kind == "events.list":
            items = q.list_events(store, box, query)
        elif kind == "events.instances":
            items = q.instances(store, box, event_id, query)
        else:
            items = q.calendar_view(store, box, query)
        chunk, next_link = q.page(items, query, link, size=page_size)
        payload = {
            "@odata.context": f"{context}/events",
            "value": [q.render(e, options) for e in chunk],
        }
        if next_link:
            payload["@odata.nextLink"] = next_link
        return HttpResponse(200, payload, applied)


def _json(body: bytes) -> Any:
    if not body:
        return None
    try:
        return json.loads(body)
    except ValueError as exc:
        raise bad_request("Unable to read JSON request payload.", "BadRequest") from exc
