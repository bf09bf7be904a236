"""`checkin-sync serve`: the approval app, on gunicorn (production.py), or with `--dev` on
Werkzeug's development server for a trial on this machine.

Meant for a team's worth of managers behind an https reverse proxy that forwards to it;
set [web] public_url to the address people use, so links and secure cookies fit. The
development server is never used without `--dev`, and `--dev` listens on loopback only.
"""

from __future__ import annotations

import ipaddress
import logging
import socket
import sys
from datetime import UTC, datetime
from pathlib import Path

from flask import Flask
from werkzeug.serving import WSGIRequestHandler, make_server

from sync.config.dev_secret import DEV_SECRET_FILE
from sync.config.roster import load_roster
from sync.config.settings import Settings, load_settings
from sync.delivery.signin import NO_SECRET, make_link
from sync.model.errors import ConfigError, UsageError
from sync.plumbing.logs import redact_tokens
from sync.web.app import create_app
from sync.web.browser import open_in_browser
from sync.web.context import WebContext, web_context
from sync.web.dev_links import DEV_LINKS_PATH
from sync.web.production import serve_production
from sync.web.request_log import show_requests

log = logging.getLogger(__name__)


def serve(
    config_dir: Path, host: str, port: int, *, dev: bool = False, open_page: bool = False
) -> int:
    if dev and not _loopback(host):
        raise UsageError(f"--dev listens on this machine only (127.0.0.1 or ::1), not {host}")
    if not 0 < port < 65536:
        raise UsageError(f"--port: {port} is not a port number (1..65535)")
    settings = load_settings(config_dir)
    if not dev and settings.web.secret is None:
        # the development secret in data_dir is for a trial; it never guards a real server
        raise ConfigError([f"{NO_SECRET}. For a trial on this machine: serve --dev"])
    served = served_url(host, port)
    app = create_app(config_dir, dev=dev, public_url=_public_url(settings, served, dev))
    _check_free(host, port)
    show_requests()
    with app.app_context():
        context = web_context()
    print(f"checkin-sync approval app on {served}/ (Ctrl-C stops it)")
    if dev:
        return _serve_dev(app, config_dir, host, port, context, open_page)
    print(f"Sign-in links point to {context.settings.web.public_url}/ ([web] public_url).")
    return serve_production(app, host, port)


def served_url(host: str, port: int) -> str:
    return f"http://[{host}]:{port}" if ":" in host else f"http://{host}:{port}"


def _public_url(settings: Settings, served: str, dev: bool) -> str | None:
    """The address links and the Subscribe button use: in a trial, where it is served; in
    production [web] public_url (the proxy's address people use), or where it is served
    when that is not set."""
    if dev or "public_url" not in settings.web.model_fields_set:
        return served
    return None


def _serve_dev(
    app: Flask, config_dir: Path, host: str, port: int, context: WebContext, open_page: bool
) -> int:
    roster = load_roster(config_dir / "people.toml")
    web = context.settings.web
    if context.settings.web.secret is None:
        print(
            "Development mode, with the development secret in "
            f"{context.settings.data_dir / DEV_SECRET_FILE} ([web] secret is not set)."
        )
    print("Sign-in links (each works once; the page gives new ones in development mode):")
    for email, manager in sorted(roster.managers.items()):
        link = make_link(web, email, datetime.now(UTC), secret=context.secret)
        print(f"  {manager.person.name}: {link.url}")
    server = make_server(host, port, app, threaded=True, request_handler=QuietTokens)
    if open_page:
        # listening already: the browser's request waits for serve_forever below
        open_in_browser(f"{web.public_url}{DEV_LINKS_PATH}")
    sys.stdout.flush()  # the links are shown now, not when a buffer fills (output to a file)
    try:
        server.serve_forever()
    finally:
        server.server_close()
    return 0


class QuietTokens(WSGIRequestHandler):
    """Werkzeug's own lines without the tokens of sign-in links and feed addresses: a log is
    read by more people than the person the address was meant for. Its access line is left
    out: the app writes one (request_log.py)."""

    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        pass

    def log(self, type: str, message: str, *args: object) -> None:
        # werkzeug's error lines ("Error on request", bad request lines) quote the path too
        super().log(type, "%s", redact_tokens(message % args if args else message))


def _check_free(host: str, port: int) -> None:
    # werkzeug would print its own message and exit 1; a taken port is a usage error here
    try:
        family = socket.AF_INET6 if ":" in host else socket.AF_INET
        with socket.socket(family, socket.SOCK_STREAM) as probe:
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            probe.bind((host, port))
    except OSError as error:
        raise UsageError(f"cannot listen on {host}:{port}: {error.strerror or error}") from None


def _loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False
