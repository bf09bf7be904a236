"""`checkin-sync serve`: the approval app on a small threaded HTTP server.

Meant for a team's worth of managers behind an https reverse proxy that forwards to it;
set [web] public_url to the address people use, so links and secure cookies fit.
"""

from __future__ import annotations

import ipaddress
import logging
from datetime import UTC, datetime
from pathlib import Path

from werkzeug.serving import make_server

from sync.errors import UsageError
from sync.roster import load_roster
from sync.signin import make_link
from sync.web.app import create_app
from sync.web.context import web_context

log = logging.getLogger(__name__)


def serve(config_dir: Path, host: str, port: int, *, dev: bool = False) -> int:
    if dev and not _loopback(host):
        raise UsageError(f"--dev listens on this machine only (127.0.0.1 or ::1), not {host}")
    if not 0 < port < 65536:
        raise UsageError(f"--port: {port} is not a port number (1..65535)")
    app = create_app(config_dir, dev=dev)
    try:
        server = make_server(host, port, app, threaded=True)
    except OSError as error:
        raise UsageError(f"cannot listen on {host}:{port}: {error.strerror or error}") from None
    with app.app_context():
        context = web_context()
    print(f"checkin-sync approval app on http://{host}:{server.port}/ (Ctrl-C stops it)")
    print(f"Links point to {context.settings.web.public_url}/ ([web] public_url).")
    if dev:
        roster = load_roster(config_dir / "people.toml")
        web = context.settings.web.model_copy(update={"public_url": f"http://{host}:{port}"})
        print("Development mode: sign-in links for this process only:")
        for email, manager in sorted(roster.managers.items()):
            link = make_link(web, email, datetime.now(UTC), secret=context.secret)
            print(f"  {manager.person.name}: {link.url}")
    try:
        server.serve_forever()
    finally:
        server.server_close()
    return 0


def _loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False
