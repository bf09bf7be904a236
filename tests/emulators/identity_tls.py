"""HTTPS plumbing shared by the Microsoft identity and Graph emulators.

One test CA (``trustme``) per test process signs a certificate for ``localhost``,
``127.0.0.1``, ``::1`` and Microsoft's sign-in and Graph host names (reached through a test
proxy, see ``connect_proxy``); its PEM file is ``shared_ca().ca_file``. Clients must trust it
explicitly and ignore the environment (this machine sets ``REQUESTS_CA_BUNDLE``, which
``requests`` would otherwise prefer over ``Session.verify``)::

    session = requests.Session()
    session.verify = shared_ca().ca_file
    session.trust_env = False

This module also holds what both emulators share: the threaded TLS server, the response type
and fault injection.
"""

from __future__ import annotations

import atexit
import contextlib
import functools
import json
import re
import shutil
import socket
import ssl
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .ms_clouds import HOSTNAMES

if TYPE_CHECKING:  # trustme and requests are test dependencies, imported when first used
    import requests
    import trustme

__all__ = [
    "Fault",
    "FaultList",
    "Handler",
    "HttpResponse",
    "LocalCA",
    "TlsServer",
    "new_session",
    "shared_ca",
]


@dataclass
class LocalCA:
    """A throwaway certificate authority and the server certificate it issued."""

    ca: trustme.CA
    server_cert: trustme.LeafCert
    ca_file: str

    def server_context(self) -> ssl.SSLContext:
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        self.server_cert.configure_cert(context)
        return context


@functools.cache
def shared_ca() -> LocalCA:
    """The process-wide test CA; its PEM file lives until the interpreter exits."""
    import trustme

    ca = trustme.CA(organization_name="checkin-sync test CA")
    server_cert = ca.issue_cert("localhost", "127.0.0.1", "::1", *HOSTNAMES)
    folder = Path(tempfile.mkdtemp(prefix="checkin-sync-ca-"))
    atexit.register(shutil.rmtree, folder, ignore_errors=True)
    ca_file = folder / "ca.pem"
    ca.cert_pem.write_to_path(str(ca_file))
    return LocalCA(ca, server_cert, str(ca_file))


def new_session(ca_file: str | None = None) -> requests.Session:
    """A ``requests.Session`` that trusts the test CA and ignores proxy/CA environment."""
    import requests

    session = requests.Session()
    session.verify = ca_file or shared_ca().ca_file
    session.trust_env = False
    return session


@dataclass
class HttpResponse:
    status: int
    payload: Any = None  # JSON-serialisable, or None for an empty body
    headers: dict[str, str] = field(default_factory=dict)


# ----------------------------------------------------------------------------- faults


@dataclass
class Fault:
    """An injected failure and/or delay for the next ``times`` matching requests."""

    kind: str | None
    pattern: re.Pattern[str] | None
    status: int | None
    times: int = 1
    code: str | None = None
    message: str | None = None
    retry_after: float | str | None = None
    delay: float | None = None
    hits: int = 0

    def matches(self, kind: str, path: str) -> bool:
        if self.hits >= self.times:
            return False
        if self.kind is not None:
            return self.kind in ("*", kind)
        return self.pattern is not None and self.pattern.search(path) is not None

    @property
    def retry_after_header(self) -> dict[str, str]:
        if self.retry_after is None:
            return {}
        value = self.retry_after
        return {"Retry-After": value if isinstance(value, str) else f"{value:g}"}

    def sleep(self) -> None:
        if self.delay:
            time.sleep(self.delay)


class FaultList:
    """Faults in the order they were added; the first one that matches a request is used."""

    def __init__(self, kinds: frozenset[str], lock: threading.RLock) -> None:
        self.kinds = kinds
        self.lock = lock
        self.faults: list[Fault] = []

    def add(
        self,
        match: str | re.Pattern[str],
        status: int | None,
        *,
        times: int = 1,
        code: str | None = None,
        message: str | None = None,
        retry_after: float | str | None = None,
        delay: float | None = None,
    ) -> Fault:
        kind = match if isinstance(match, str) and match in self.kinds | {"*"} else None
        pattern = None if kind is not None else re.compile(match)
        fault = Fault(kind, pattern, status, times, code, message, retry_after, delay)
        with self.lock:
            self.faults.append(fault)
        return fault

    def take(self, kind: str, path: str) -> Fault | None:
        with self.lock:
            for fault in self.faults:
                if fault.matches(kind, path):
                    fault.hits += 1
                    return fault
        return None

    def clear(self) -> None:
        with self.lock:
            self.faults.clear()


# ----------------------------------------------------------------------------- server

Handler = Callable[[str, str, dict[str, str], bytes], HttpResponse]


class TlsServer(ThreadingHTTPServer):
    """A threaded HTTPS server on ``127.0.0.1:<free port>`` calling ``handler`` per request.

    The TLS handshake runs on the request's own thread (not in the accept loop), so slow or
    concurrent clients do not hold each other up.
    """

    daemon_threads = True
    # socketserver's default backlog (5) is too small for the concurrency tests.
    request_queue_size = 64

    def __init__(self, handler: Handler, name: str, ca: LocalCA | None = None) -> None:
        super().__init__(("127.0.0.1", 0), _RequestHandler)
        self.handler = handler
        self.context = (ca or shared_ca()).server_context()
        self._thread = threading.Thread(
            target=self.serve_forever,
            kwargs={"poll_interval": 0.02},  # shutdown() waits up to one poll interval
            daemon=True,
            name=name,
        )

    def get_request(self) -> tuple[socket.socket, Any]:
        sock, address = self.socket.accept()
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)  # no 40 ms delayed-ACK stalls
        wrapped = self.context.wrap_socket(sock, server_side=True, do_handshake_on_connect=False)
        return wrapped, address

    def handle_error(self, request: Any, client_address: Any) -> None:
        pass  # handshake failures and clients that went away are not the server's problem

    @property
    def port(self) -> int:
        return int(self.server_address[1])

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self.shutdown()
        self.server_close()
        self._thread.join(timeout=5)


class _RequestHandler(BaseHTTPRequestHandler):
    server: TlsServer
    protocol_version = "HTTP/1.1"  # keep-alive, like the real services
    timeout = 30  # an idle kept-alive connection ends after this many seconds
    wbufsize = -1  # buffer the response; the base class flushes it after each request

    def _handle(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        response = self.server.handler(self.command, self.path, dict(self.headers), body)
        data = b"" if response.payload is None else json.dumps(response.payload).encode()
        self.send_response(response.status)
        headers = dict(response.headers)
        if data and "Content-Type" not in headers:
            headers["Content-Type"] = "application/json; charset=utf-8"
        headers["Content-Length"] = str(len(data))
        for name, value in headers.items():
            self.send_header(name, value)
        self.end_headers()
        # The client may have given up (its timeout ran out during an injected delay).
        with contextlib.suppress(BrokenPipeError, ConnectionResetError, ssl.SSLError):
            self.wfile.write(data)

    do_GET = do_POST = do_PATCH = do_PUT = do_DELETE = _handle

    def log_message(self, format: str, *args: Any) -> None:
        pass
