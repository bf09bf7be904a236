"""The access log: one line per request, with its method, path, status and duration.

Written by the app, not by the web server, so the production server and `--dev` log the
same lines through the same handler (logfmt or JSON, like every other line). It leaves out
what may carry a secret: the query string, cookies and every other header are never read,
and the token of a sign-in link or feed address is cut out of the path (`/sign-in/…`).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterable
from typing import Any

from werkzeug.wsgi import ClosingIterator

from sync.plumbing.logs import event, redact_tokens

Environ = dict[str, Any]
StartResponse = Callable[..., Any]
WSGIApp = Callable[[Environ, StartResponse], Iterable[bytes]]

LOGGER = "sync.web.requests"
log = logging.getLogger(LOGGER)
PROBE = "/healthz"
"""Asked every few seconds by load balancers and orchestrators: a healthy answer is logged
at debug level only, so the log shows people's requests (an unhealthy one is logged)."""


class RequestLog:
    """WSGI middleware around the app that logs each request once its answer is sent."""

    def __init__(self, app: WSGIApp) -> None:
        self.app = app

    def __call__(self, environ: Environ, start_response: StartResponse) -> Iterable[bytes]:
        started = time.perf_counter()
        status: list[int] = []

        def recording(status_line: str, headers: list[tuple[str, str]], *rest: Any) -> Any:
            status[:] = [int(status_line.split(" ", 1)[0])]
            return start_response(status_line, headers, *rest)

        def done() -> None:
            _log(environ, status[0] if status else 500, time.perf_counter() - started)

        try:
            body = self.app(environ, recording)
        except BaseException:
            done()
            raise
        # logged when the server closes the body: the duration covers sending it
        return ClosingIterator(body, [done])


def _log(environ: Environ, status: int, seconds: float) -> None:
    path = environ.get("SCRIPT_NAME", "") + environ.get("PATH_INFO", "")
    level = logging.DEBUG if path == PROBE and status == 200 else logging.INFO
    event(
        log,
        "request",
        level,
        method=environ.get("REQUEST_METHOD", "-"),
        path=redact_tokens(path) or "/",
        status=status,
        duration_ms=round(seconds * 1000, 1),
    )


def show_requests() -> None:
    """Let the request lines through at the default verbosity: a server's log without
    them says little. (-vv also shows the health checks.)"""
    parent = logging.getLogger("sync").getEffectiveLevel()
    log.setLevel(min(logging.INFO, parent))
