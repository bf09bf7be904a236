"""A local stand-in for Google Calendar API v3 and Google's OAuth token endpoint.

The real ``google-api-python-client`` and ``google-auth`` talk to it over HTTP::

    with GoogleCalendarEmulator() as emu:
        emu.add_user("karin@example.com", timezone="Europe/Berlin")
        creds = emu.service_account_credentials("karin@example.com", [CALENDAR_SCOPE])
        service = build("calendar", "v3", credentials=creds, static_discovery=True,
                        client_options={"api_endpoint": emu.api_endpoint})

Calendar semantics live in ``google_state`` (events, series, copies), ``google_queries``
(list, sync, free/busy) and ``google_recurrence`` (RRULE expansion); tokens and scopes in
``google_auth``. This module is HTTP, fault injection, the request log and the helpers tests
use to act as a person.
"""

from __future__ import annotations

import contextlib
import importlib
import json
import re
import time
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qs, unquote, urlsplit

from . import google_batch as batching
from . import google_contract as contract
from . import google_fields as fields
from . import google_queries as queries
from . import google_recurrence as rec
from .background import Background
from .google_auth import (
    CALENDAR_SCOPE,
    EVENTS_FREEBUSY_SCOPE,
    EVENTS_SCOPE,
    FREEBUSY_SCOPE,
    METHOD_SCOPES,
    OWNED_ONLY_SCOPES,
    READONLY_SCOPE,
    SCOPE_PREFIX,
    TIMES_ONLY_SCOPE,
    AccessToken,
    TokenIssuer,
    test_key_pem,
)
from .google_errors import ApiError, OAuthError, insufficient_scopes
from .google_state import Calendar, CalendarStore, Event, Query, WriteRecord, one

if TYPE_CHECKING:
    from google.oauth2 import credentials as user_credentials
    from google.oauth2 import service_account

__all__ = [
    "CALENDAR_SCOPE",
    "EVENTS_FREEBUSY_SCOPE",
    "EVENTS_SCOPE",
    "FREEBUSY_SCOPE",
    "KINDS",
    "READONLY_SCOPE",
    "Fault",
    "GoogleCalendarEmulator",
    "RecordedRequest",
]

KINDS = frozenset(METHOD_SCOPES) | {"token", "iam.signBlob", "batch"}
_TIMES_ONLY_FIELDS = (
    *("kind", "etag", "id", "status", "start", "end", "transparency"),
    *("eventType", "recurringEventId", "originalStartTime", "updated"),
)
_SEND_NOTIFICATIONS = {"true": "all", "false": "none"}


@dataclass(frozen=True)
class RecordedRequest:
    """One request the emulator answered (tests count these by ``kind``)."""

    method: str
    path: str  # decoded, without the query string
    query: Query
    kind: str  # "events.list", "freebusy.query", "token", ..., "unknown" or "outside"
    subject: str | None  # the user the token acts as (for "token": the one it was issued to)
    status: int
    body: Any  # parsed JSON body, or the token request's form fields
    calendar_id: str | None = None
    event_id: str | None = None
    in_batch: bool = False
    """A call carried inside a batch: an API call, but not an HTTP round trip of its own."""


@dataclass
class Fault:
    """An injected failure or delay for the next ``times`` matching requests."""

    kind: str | None
    pattern: re.Pattern[str] | None
    status: int | None
    times: int = 1
    reason: str | None = None
    message: str | None = None
    retry_after: float | None = None
    delay: float | None = None
    hits: int = 0

    def matches(self, kind: str, path: str) -> bool:
        if self.hits >= self.times:
            return False
        if self.kind is not None:
            return self.kind in ("*", kind)
        return self.pattern is not None and self.pattern.search(path) is not None


@dataclass
class _Response:
    status: int
    payload: Any = None
    headers: dict[str, str] = field(default_factory=dict)
    html: str | None = None  # the front end's own pages are HTML, not the API's JSON
    raw: bytes | None = None  # a batch's multipart answer, with its own content type
    content_type: str | None = None


SERVICE_PATH = "/calendar/v3"
"""Calendar v3 lives under this path on www.googleapis.com; anything else there is not it."""
_FRONT_END_404 = (
    "<!DOCTYPE html>\n<html lang=en>\n<title>Error 404 (Not Found)!!1</title>\n"
    "<p><b>404.</b> <ins>That\u2019s an error.</ins>\n"
    "<p>The requested URL was not found on this server.\n"
)


def _route(method: str, path: str) -> tuple[str, str | None, str | None]:
    """(kind, calendarId, eventId) of a request path; ``outside`` for a path that is neither
    the token endpoint nor under ``/calendar/v3/`` (Google's front end answers those 404)."""
    if path == "/token" and method == "POST":
        return "token", None, None
    if path == batching.BATCH_PATH and method == "POST":
        return "batch", None, None
    signing = re.fullmatch(r"/v1/projects/-/serviceAccounts/([^/:]+):signBlob", path)
    if signing and method == "POST":
        return "iam.signBlob", unquote(signing[1]), None  # IAM Credentials API, own host there
    if not path.startswith(SERVICE_PATH + "/"):
        return "outside", None, None
    path = path.removeprefix(SERVICE_PATH)
    if path == "/freeBusy" and method == "POST":
        return "freebusy.query", None, None
    parts = [unquote(p) for p in path.strip("/").split("/")]
    if len(parts) < 3 or parts[0] != "calendars" or parts[2] != "events":
        return "unknown", None, None
    if len(parts) == 3:
        kind = {"GET": "events.list", "POST": "events.insert"}.get(method, "unknown")
        return kind, parts[1], None
    if len(parts) == 4:
        by_method = {"GET": "get", "PATCH": "patch", "PUT": "update", "DELETE": "delete"}
        kind = "events." + by_method[method] if method in by_method else "unknown"
        return kind, parts[1], parts[3]
    if len(parts) == 5 and parts[4] == "instances" and method == "GET":
        return "events.instances", parts[1], parts[3]
    return "unknown", None, None


def _owned_only(usable: frozenset[str], role: str | None) -> None:
    """The "owned" scopes reach only calendars the acting user owns: a calendar shared with
    them, even as writer, needs a broader scope."""
    if usable <= OWNED_ONLY_SCOPES and role != "owner":
        raise insufficient_scopes()


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def _encode(response: _Response) -> tuple[bytes, str]:
    if response.raw is not None:
        return response.raw, response.content_type or "application/octet-stream"
    if response.html is not None:
        return response.html.encode(), "text/html; charset=UTF-8"
    data = b"" if response.status == 204 else json.dumps(response.payload).encode()
    return data, "application/json; charset=UTF-8"


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, emulator: GoogleCalendarEmulator) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.emulator = emulator

    def process_request(self, request: Any, client_address: Any) -> None:
        self.emulator.count_connection()
        super().process_request(request, client_address)


class _Handler(BaseHTTPRequestHandler):
    server: _Server
    protocol_version = "HTTP/1.1"  # keep-alive, as Google's API and token endpoint do
    timeout = 30  # an idle kept-alive connection ends after this many seconds
    wbufsize = -1  # buffer the response; the base class flushes it after each request

    def _handle(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        response = self.server.emulator.handle(self.command, self.path, dict(self.headers), body)
        data, content_type = _encode(response)
        self.send_response(response.status)
        if data:
            self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(data)))
        for name, value in response.headers.items():
            self.send_header(name, value)
        self.end_headers()
        # The client may have given up (its timeout ran out during an injected delay).
        with contextlib.suppress(BrokenPipeError, ConnectionResetError):
            self.wfile.write(data)

    do_GET = do_POST = do_PATCH = do_PUT = do_DELETE = _handle

    def log_message(self, format: str, *args: Any) -> None:
        pass


class GoogleCalendarEmulator:
    """Google Calendar v3 + OAuth token endpoint on ``127.0.0.1:<free port>``, in memory."""

    def __init__(
        self,
        *,
        token_lifetime: int = 3600,
        max_freebusy_days: int = 62,
        max_freebusy_items: int = 50,
        latency: float = 0.0,
    ) -> None:
        """``latency``: seconds every request waits before it is answered, like a distant
        server (benchmarks); no lock is held while waiting, so requests overlap."""
        self.latency = latency
        self.store = CalendarStore(max_freebusy_days, max_freebusy_items)
        self.lock = self.store.lock
        self.auth = TokenIssuer(self.lock, lambda email: email.lower() in self.store.calendars)
        self.auth.lifetime = token_lifetime
        self._faults: list[Fault] = []
        self._requests: list[RecordedRequest] = []
        self.connections = 0
        """TCP connections accepted: a client that keeps them alive opens few."""
        self._server: _Server | None = None
        self._running: Background | None = None

    # ----------------------------------------------------------------- lifecycle

    def start(self) -> GoogleCalendarEmulator:
        self._server = _Server(self)
        self._running = Background(self._server, "google-calendar-emulator")
        return self

    def stop(self) -> None:
        if self._running is not None:
            self._running.stop()
        self._server = self._running = None

    def __enter__(self) -> GoogleCalendarEmulator:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def port(self) -> int:
        if self._server is None:
            raise RuntimeError("the emulator is not running")
        return int(self._server.server_address[1])

    @property
    def api_endpoint(self) -> str:
        """For ``client_options={"api_endpoint": ...}``: the base URL, service path included,
        as googleapiclient expects (Google's is ``https://www.googleapis.com/calendar/v3/``)."""
        return f"http://127.0.0.1:{self.port}{SERVICE_PATH}/"

    @property
    def token_uri(self) -> str:
        return f"http://127.0.0.1:{self.port}/token"

    @property
    def iam_endpoint(self) -> str:
        """The IAM Service Account Credentials API (iamcredentials.googleapis.com there)."""
        return f"http://127.0.0.1:{self.port}/"

    # ----------------------------------------------------------------- set-up

    def add_user(self, email: str, timezone: str = "UTC") -> None:
        """A Workspace user with a primary calendar in ``timezone``."""
        self.store.add_user(email, timezone)

    def share(self, owner: str, viewer: str, role: str = "reader") -> None:
        """Let ``viewer`` read (``writer``: also write) ``owner``'s events."""
        self.store.share(owner, viewer, role)

    def hide_free_busy(self, email: str) -> None:
        """Calendar's internal sharing off for ``email``: others' free/busy queries get the
        same per-calendar ``notFound`` as for an unknown calendar."""
        with self.lock:
            self.store.freebusy_hidden.add(email.lower())

    def service_account_info(
        self,
        client_email: str = "checkin-sync@test-project.iam.gserviceaccount.com",
        *,
        delegated_scopes: list[str] | None = None,
    ) -> dict[str, str]:
        """A service-account key file's content whose ``token_uri`` is this emulator.

        ``delegated_scopes`` stands for the Admin console's domain-wide delegation entry:
        impersonating with other scopes then fails as on Google (401 ``unauthorized_client``).
        """
        pem = test_key_pem()
        self.auth.add_service_account(client_email, pem, delegated_scopes)
        return {
            "type": "service_account",
            "project_id": "test-project",
            "private_key_id": "emulator-key-1",
            "private_key": pem,
            "client_email": client_email,
            "client_id": "100000000000000000001",
            "auth_uri": "https://accounts.google.com/o/oauth2/auth",
            "token_uri": self.token_uri,
        }

    def keyless_service_account(
        self, client_email: str, *, delegated_scopes: list[str], token_creators: list[str]
    ) -> None:
        """A service account with no key file (key creation blocked by the organisation):
        only ``token_creators`` can have IAM sign as it, through ``signBlob``."""
        self.auth.add_service_account(client_email, test_key_pem(), delegated_scopes)
        self.auth.add_token_creators(client_email, token_creators)

    def authorized_user_info(self, email: str, scopes: list[str]) -> dict[str, str]:
        """An ``authorized_user`` dict: a refresh token ``email`` granted for ``scopes``.

        ``Credentials.from_authorized_user_info`` ignores its ``token_uri`` (google-auth always
        uses Google's), so build ``Credentials(..., token_uri=...)`` or use ``user_credentials``.
        """
        refresh_token, grant = self.auth.add_refresh_token(email, scopes)
        return {
            "type": "authorized_user",
            "client_id": grant.client_id,
            "client_secret": grant.client_secret,
            "refresh_token": refresh_token,
            "token_uri": self.token_uri,
        }

    def service_account_credentials(
        self,
        subject: str | None,
        scopes: list[str],
        client_email: str = "checkin-sync@test-project.iam.gserviceaccount.com",
    ) -> service_account.Credentials:
        """google-auth service-account credentials impersonating ``subject`` via the emulator."""
        module: Any = importlib.import_module("google.oauth2.service_account")
        info = self.service_account_info(client_email)
        creds: service_account.Credentials = module.Credentials.from_service_account_info(
            info, scopes=scopes, subject=subject
        )
        return creds

    def user_credentials(self, email: str, scopes: list[str]) -> user_credentials.Credentials:
        """google-auth user (refresh-token) credentials whose token endpoint is the emulator."""
        module: Any = importlib.import_module("google.oauth2.credentials")
        info = self.authorized_user_info(email, scopes)
        creds: user_credentials.Credentials = module.Credentials(
            token=None,
            refresh_token=info["refresh_token"],
            client_id=info["client_id"],
            client_secret=info["client_secret"],
            token_uri=info["token_uri"],
            scopes=scopes,
        )
        return creds

    def build_service(self, credentials: Any) -> Any:
        """``build("calendar", "v3", ...)`` with the offline discovery document, at the emulator."""
        discovery: Any = importlib.import_module("googleapiclient.discovery")
        return discovery.build(
            "calendar",
            "v3",
            credentials=credentials,
            static_discovery=True,
            client_options={"api_endpoint": self.api_endpoint},
        )

    # ----------------------------------------------------------------- acting as a person

    def add_event(self, email: str, event: Event, *, organizer: str | None = None) -> Event:
        """Seed an event into ``email``'s calendar; attendees who are users get copies.

        ``organizer`` (another address) makes it an invitation received from someone else.
        """
        cal = self.store.calendar(email, None)
        return self.store.insert(cal, event, email, None, kind="seed", organizer=organizer)

    def respond(self, email: str, event_id: str, attendee: str, status: str) -> Event:
        """``attendee`` answers (``accepted``/``declined``/...); works on instance ids too."""
        return self.store.respond(email, event_id, attendee, status)

    def decline(self, email: str, event_id: str, attendee_email: str) -> Event:
        return self.respond(email, event_id, attendee_email, "declined")

    def update_event(self, email: str, event_id: str, patch: Event) -> Event:
        """PATCH as the calendar's owner (not logged as a request or write)."""
        cal = self.store.calendar(email, None)
        return self.store.modify(cal, event_id, patch, email, None, kind="person.update")

    def delete_event(self, email: str, event_id: str) -> None:
        cal = self.store.calendar(email, None)
        self.store.delete(cal, event_id, email, None, kind="person.delete")

    @staticmethod
    def instance_id(event_id: str, original_start: datetime | date) -> str:
        """Google's instance id: ``{id}_{YYYYMMDDTHHMMSSZ}`` (UTC) or ``{id}_{YYYYMMDD}``."""
        if isinstance(original_start, datetime):
            return f"{event_id}_{original_start.astimezone(UTC).strftime('%Y%m%dT%H%M%SZ')}"
        return f"{event_id}_{original_start.strftime('%Y%m%d')}"

    def move_instance(
        self,
        email: str,
        event_id: str,
        original_start: datetime,
        start: datetime,
        end: datetime | None = None,
    ) -> Event:
        """Move one occurrence (making an exception); keeps its length unless ``end`` is given."""
        iid = self.instance_id(event_id, original_start)
        with self.lock:
            cal = self.store.calendar(email, None)
            current = self.store.get(cal, iid)
            tz = rec.start_zone(current, cal.timezone)
            old_start, old_end = rec.bounds(current, cal.timezone)
            new_end = end or start + (old_end - old_start)
            patch = {"start": rec.when(start, tz, False), "end": rec.when(new_end, tz, False)}
            return self.store.modify(cal, iid, patch, email, None, kind="person.move")

    def cancel_instance(self, email: str, event_id: str, original_start: datetime | date) -> None:
        self.delete_event(email, self.instance_id(event_id, original_start))

    def granted_scopes(self) -> dict[str, set[frozenset[str]]]:
        """Per subject, each set of scopes (full URLs) a token was granted for."""
        with self.lock:
            issued = list(self.auth.issued)
        grants: dict[str, set[frozenset[str]]] = {}
        for token in issued:
            full = frozenset(SCOPE_PREFIX + scope for scope in token.scopes)
            grants.setdefault(token.subject, set()).add(full)
        return grants

    def expire_tokens(self) -> None:
        """Forget every access token: each client's next API call answers 401."""
        self.auth.expire_all()

    def expire_sync_tokens(self) -> None:
        """Every sync token handed out so far now answers 410 ``fullSyncRequired``."""
        self.store.expire_sync_tokens()

    def revoke(self, refresh_token: str) -> None:
        """The user withdrew consent: refreshing answers 400 ``invalid_grant``."""
        with self.lock:
            self.auth.refresh_tokens.pop(refresh_token, None)

    # ----------------------------------------------------------------- inspection

    def events(self, email: str, *, include_cancelled: bool = True) -> list[Event]:
        """Stored entries of a calendar (singles, series, exceptions), as its owner sees them."""
        with self.lock:
            cal = self.store.calendar(email, None)
            out = [self.store.render(cal, s.data) for s in cal.events.values()]
        return [e for e in out if include_cancelled or e.get("status") != "cancelled"]

    def event(self, email: str, event_id: str) -> Event | None:
        with self.lock:
            cal = self.store.calendar(email, None)
            stored = cal.events.get(event_id)
            return self.store.render(cal, stored.data) if stored else None

    def instances(
        self, email: str, event_id: str, time_min: datetime, time_max: datetime
    ) -> list[Event]:
        """A series' occurrences in a window, exceptions included (cancelled ones too)."""
        with self.lock:
            cal = self.store.calendar(email, None)
            return self.store.expand(cal, cal.events[event_id].data, time_min, time_max)

    def busy(
        self, email: str, time_min: datetime, time_max: datetime
    ) -> list[tuple[datetime, datetime]]:
        return queries.busy(self.store, email, time_min, time_max)

    @property
    def requests(self) -> list[RecordedRequest]:
        with self.lock:
            return list(self._requests)

    @property
    def writes(self) -> list[WriteRecord]:
        """API writes and their ``sendUpdates`` (``sendNotifications`` mapped to all/none)."""
        with self.lock:
            return list(self.store.writes)

    def count(self, kind: str, *, status: int | None = None) -> int:
        """How many requests of a kind (optionally with a status) were answered."""
        return sum(1 for r in self.requests if r.kind == kind and status in (None, r.status))

    def round_trips(self) -> int:
        """HTTP round trips to the API (a batch is one, however many calls it carries);
        token requests are not API round trips."""
        return sum(1 for r in self.requests if not r.in_batch and r.kind not in ("token",))

    def clear_log(self) -> None:
        with self.lock:
            self._requests.clear()
            self.store.writes.clear()
            self.connections = 0

    def count_connection(self) -> None:
        with self.lock:
            self.connections += 1

    # ----------------------------------------------------------------- fault injection

    def inject(
        self,
        match: str | re.Pattern[str],
        status: int | None = None,
        *,
        times: int = 1,
        reason: str | None = None,
        message: str | None = None,
        retry_after: float | None = None,
        delay: float | None = None,
    ) -> Fault:
        """Fail (or, with ``status=None``, only delay) the next ``times`` matching requests.

        ``match`` is a kind (``"events.insert"``, ``"freebusy.query"``, ``"token"``, ``"*"``)
        or a regular expression searched in the request path (``r"/calendars/lena"``).
        Faults are checked before authentication, in the order they were added.
        """
        kind = match if isinstance(match, str) and match in KINDS | {"*"} else None
        pattern = None if kind is not None else re.compile(match)
        fault = Fault(kind, pattern, status, times, reason, message, retry_after, delay)
        with self.lock:
            self._faults.append(fault)
        return fault

    def clear_faults(self) -> None:
        with self.lock:
            self._faults.clear()

    def _take_fault(self, kind: str, path: str) -> Fault | None:
        with self.lock:
            for fault in self._faults:
                if fault.matches(kind, path):
                    fault.hits += 1
                    return fault
        return None

    # ----------------------------------------------------------------- HTTP

    def handle(self, method: str, raw_path: str, headers: dict[str, str], body: bytes) -> _Response:
        """Answer one HTTP request (called on the server's threads)."""
        if self.latency:
            time.sleep(self.latency)
        return self._answer(method, raw_path, headers, body)

    def _answer(
        self,
        method: str,
        raw_path: str,
        headers: dict[str, str],
        body: bytes,
        *,
        in_batch: bool = False,
    ) -> _Response:
        url = urlsplit(raw_path)
        query = parse_qs(url.query, keep_blank_values=True)
        kind, calendar_id, event_id = _route(method, url.path)
        subject: str | None = None
        parsed: Any = None
        fault = self._take_fault(kind, url.path)
        if fault is not None and fault.delay:
            time.sleep(fault.delay)
        try:
            if kind == "outside":
                response = _Response(404, html=_FRONT_END_404)
            elif kind == "batch" and not in_batch:
                if fault is not None and fault.status is not None:
                    raise ApiError(fault.status, fault.reason, fault.message)
                response = self._batch(headers, body)
            elif kind == "token":
                parsed = {k: v[-1] for k, v in parse_qs(body.decode()).items()}
                if fault is not None and fault.status is not None:
                    error = fault.reason or "server_error"
                    raise OAuthError(fault.status, error, fault.message or "injected")
                reply, subject = self.auth.grant(parsed)
                response = _Response(200, reply)
            elif kind == "iam.signBlob":
                parsed = self._json(body)
                lowered = {k.lower(): v for k, v in headers.items()}
                token = self.auth.authenticate(lowered.get("authorization", ""))
                subject = token.subject
                if fault is not None and fault.status is not None:
                    raise ApiError(fault.status, fault.reason, fault.message)
                response = _Response(200, self.auth.sign_blob(calendar_id or "", token, parsed))
            else:
                lowered = {k.lower(): v for k, v in headers.items()}
                if in_batch and body and "json" not in lowered.get("content-type", ""):
                    # a part is a whole HTTP request: its body says what it is, or is not read
                    raise ApiError(400, "parseError", "Parse Error")
                parsed = self._json(body)
                if fault is not None and fault.status is not None:
                    extra = {}
                    if fault.retry_after is not None:
                        extra["Retry-After"] = f"{fault.retry_after:g}"
                    raise ApiError(fault.status, fault.reason, fault.message, headers=extra)
                token = self.auth.authenticate(lowered.get("authorization", ""))
                subject = token.subject
                chosen = fields.selection(query["fields"][-1]) if "fields" in query else None
                response = self._api(kind, calendar_id or "", event_id or "", query, parsed, token)
                if chosen is not None and response.status < 300 and response.payload is not None:
                    response.payload = fields.keep(response.payload, chosen)
        except ApiError as error:
            response = _Response(error.status, error.body(), error.headers)
        except OAuthError as error:
            response = _Response(error.status, error.body())
        record = RecordedRequest(
            method,
            unquote(url.path),
            query,
            kind,
            subject,
            response.status,
            parsed,
            calendar_id,
            event_id,
            in_batch,
        )
        with self.lock:
            self._requests.append(record)
        return response

    def _batch(self, headers: dict[str, str], body: bytes) -> _Response:
        """Each part answered as if it had come alone (its own faults, token and scopes)."""

        def one(part: batching.Part) -> batching.PartAnswer:
            reply = self._answer(part.method, part.path, part.headers, part.body, in_batch=True)
            data, content_type = _encode(reply)
            return batching.PartAnswer(
                reply.status, content_type if data else None, data, reply.headers
            )

        content_type, data = batching.run(headers, body, one)
        return _Response(200, raw=data, content_type=content_type)

    @staticmethod
    def _json(body: bytes) -> Any:
        if not body:
            return None
        try:
            return json.loads(body)
        except ValueError as exc:
            raise ApiError(400, "parseError", "Parse Error") from exc

    def _api(
        self, kind: str, cid: str, eid: str, query: Query, body: Any, token: AccessToken
    ) -> _Response:
        if kind not in METHOD_SCOPES:
            raise ApiError(404, "notFound", "Not Found")
        usable = token.scopes & METHOD_SCOPES[kind]
        if not usable:
            raise insufficient_scopes()
        contract.check_query(kind, query)
        contract.check_body(kind, body)
        subject, store = token.subject, self.store
        send = one(query, "sendUpdates")
        if send is None:
            send = _SEND_NOTIFICATIONS.get(one(query, "sendNotifications") or "")
        if kind == "freebusy.query":
            return _Response(200, queries.freebusy(store, body or {}, subject))
        if kind in ("events.list", "events.get", "events.instances"):
            cal = store.readable(cid, subject)
            _owned_only(usable, store.access_role(cal, subject))
            times_only = not token.scopes & (METHOD_SCOPES[kind] - {TIMES_ONLY_SCOPE})
            view = self._times_only if times_only else store.render
            if kind == "events.get":
                return _Response(200, view(cal, store.get(cal, eid)))
            next_sync = None
            if kind == "events.list":
                items, next_page, next_sync = queries.list_events(store, cal, query)
            else:
                items, next_page = queries.instances(store, cal, eid, query)
            envelope: dict[str, Any] = {
                "kind": "calendar#events",
                "etag": f'"{time.time_ns()}"',
                "summary": cal.owner,
                "updated": _now(),
                "timeZone": cal.timezone,
                "accessRole": store.access_role(cal, subject),
                "defaultReminders": [],
                "items": [view(cal, e) for e in items],
            }
            if next_page:
                envelope["nextPageToken"] = next_page
            if next_sync:
                envelope["nextSyncToken"] = next_sync
            return _Response(200, envelope)
        cal = store.writable(cid, subject)
        _owned_only(usable, store.access_role(cal, subject))
        if kind == "events.insert":
            return _Response(200, store.render(cal, store.insert(cal, body or {}, subject, send)))
        if kind == "events.delete":
            store.delete(cal, eid, subject, send)
            return _Response(204)
        replace = kind == "events.update"
        event = store.modify(cal, eid, body or {}, subject, send, replace=replace, kind=kind)
        return _Response(200, store.render(cal, event))

    def _times_only(self, cal: Calendar, event: Event) -> Event:
        full = self.store.render(cal, event)
        return {k: full[k] for k in _TIMES_ONLY_FIELDS if k in full}
