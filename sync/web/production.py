"""The production web server: gunicorn, run from `checkin-sync serve`.

One worker process with threads: the state is one SQLite file and the app keeps a little in
memory (people.toml as last read), so one process that serves many requests at once fits
better than several processes that each hold their own copy. On SIGTERM (systemd, `docker
stop`, Kubernetes) it stops accepting connections, lets the requests in flight finish for up
to `GRACE_SECONDS`, and exits 0; Ctrl-C (SIGINT) stops it at once.
"""

from __future__ import annotations

import logging
import sys
from typing import Any

from flask import Flask
from gunicorn.app.base import BaseApplication
from gunicorn.glogging import Logger

GRACE_SECONDS = 30
"""How long requests in flight may take to finish after SIGTERM. Kubernetes waits
terminationGracePeriodSeconds (40 in deploy/kubernetes/web.yaml) before it kills the pod."""
THREADS = 8
"""Requests served at once: approving books calendars, which can take seconds."""


def serve_production(app: Flask, host: str, port: int) -> int:
    """Serve `app` until SIGTERM or Ctrl-C; returns (or exits with) 0 after a clean stop."""
    # forking copies unwritten output into the worker, which would print it a second time
    sys.stdout.flush()
    sys.stderr.flush()
    address = f"[{host}]:{port}" if ":" in host else f"{host}:{port}"
    _Gunicorn(app, address).run()
    return 0


class _Gunicorn(BaseApplication):  # type: ignore[misc]
    def __init__(self, app: Flask, address: str) -> None:
        self.flask = app
        self.address = address
        super().__init__()

    def load_config(self) -> None:
        settings: dict[str, Any] = {
            "bind": [self.address],
            "workers": 1,
            "worker_class": "gthread",
            "threads": THREADS,
            "graceful_timeout": GRACE_SECONDS,
            "proc_name": "checkin-sync-web",
            # the app writes the access log itself, without tokens (request_log.py)
            "accesslog": None,
            "errorlog": "-",
            "loglevel": "info",
            "logger_class": _SameLog,
            # no runtime control socket: it would be made under $HOME, which the systemd
            # unit keeps read-only, and nothing here needs to resize a one-worker server
            "control_socket_disable": True,
        }
        for key, value in settings.items():
            self.cfg.set(key, value)

    def load(self) -> Flask:
        return self.flask


class _SameLog(Logger):  # type: ignore[misc]
    """gunicorn's own lines (listening, a signal, a worker that died) go out through
    checkin-sync's log handler: one format to read, and tokens cut out of quoted paths."""

    def setup(self, cfg: Any) -> None:
        super().setup(cfg)
        self.error_log.handlers[:] = logging.getLogger("sync").handlers
