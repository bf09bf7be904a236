"""`checkin-sync serve` as it runs in production: a real server process on a free port that
lets a request in flight finish when it is told to stop (SIGTERM) and then exits 0, answers
/healthz from its store, and logs one line per request with no secret in it."""

from __future__ import annotations

import json
import re
import socket
import time
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlencode

from sync.config.settings import load_settings
from sync.delivery.feeds import make_token
from sync.delivery.signin import make_link
from sync.store.schema import SCHEMA_VERSION
from tests.serve_helpers import (
    STARTUP_SECONDS,
    Server,
    read_head,
    read_response,
    read_to_end,
    serving,
)
from tests.web_helpers import SECRET, Org, csrf_of

KARIN = "karin@example.com"


def _link_token(org: Org) -> str:
    # the server checks links against the real clock
    return make_link(load_settings(org.root).web, KARIN, datetime.now(UTC)).token


def _open_sign_in(server: Server, token: str) -> tuple[str, bytes]:
    """The sign-in page of a link: (its session cookie, the form's body to post)."""
    page = server.get(f"/sign-in/{token}")
    assert page.status == 200, page.body
    cookie = page.headers.get("Set-Cookie", "").split(";", 1)[0]
    form = urlencode({"csrf": csrf_of(page.body.decode()), "token": token}).encode()
    return cookie, form


def _post_head(port: int, path: str, cookie: str, length: int) -> bytes:
    return (
        f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nCookie: {cookie}\r\n"
        "Content-Type: application/x-www-form-urlencoded\r\n"
        f"Content-Length: {length}\r\nExpect: 100-continue\r\nConnection: close\r\n\r\n"
    ).encode()


def _ask_health(probe: socket.socket, port: int) -> bytes:
    """/healthz on a kept-alive connection: the answer's head (b"" if the server closed it)."""
    probe.sendall(f"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n\r\n".encode())
    return read_response(probe)[0]


def _until_shutting_down(probe: socket.socket, port: int) -> None:
    """Asks /healthz on a kept-alive connection until the server shows it is stopping: it
    answers "Connection: close", or closes the connection, instead of keeping it open."""
    deadline = time.monotonic() + STARTUP_SECONDS
    while time.monotonic() < deadline:
        head = _ask_health(probe, port)
        if not head or b"connection: close" in head.lower():
            return
    raise AssertionError("the server did not start to stop after SIGTERM")


def test_sigterm_lets_a_request_in_flight_finish_then_exits_0(org: Org, tmp_path: Path) -> None:
    with serving(org.root, tmp_path) as server:
        cookie, form = _open_sign_in(server, _link_token(org))
        with (
            socket.create_connection(("127.0.0.1", server.port), timeout=60) as sign_in,
            socket.create_connection(("127.0.0.1", server.port), timeout=60) as probe,
        ):
            assert _ask_health(probe, server.port).startswith(b"HTTP/1.1 200")
            # "100 Continue" comes from the worker that runs the app for this request: from
            # here on the sign-in is in flight, waiting for its body
            sign_in.sendall(_post_head(server.port, "/sign-in", cookie, len(form)))
            assert read_head(sign_in).startswith(b"HTTP/1.1 100 Continue")
            server.process.terminate()
            _until_shutting_down(probe, server.port)
            sign_in.sendall(form)
            response = read_to_end(sign_in)
        status = response.split(b"\r\n", 1)[0]
        assert status == b"HTTP/1.1 303 SEE OTHER", response
        assert b"checkin_sync_session=" in response, "the sign-in went through"
        assert server.process.wait(timeout=STARTUP_SECONDS) == 0, server.log()
    assert "Shutting down" in server.log()


def test_healthz_reports_the_schema_and_503_with_the_reason_when_the_database_is_unreadable(
    org: Org, tmp_path: Path
) -> None:
    with serving(org.root, tmp_path) as server:
        healthy = server.get("/healthz")
        assert healthy.headers["Content-Type"] == "application/json"
        assert json.loads(healthy.body) == {
            "status": "ok",
            "database": "ok",
            "schema_version": SCHEMA_VERSION,
        }
        database = org.config.data / "state.sqlite"
        for log in (Path(f"{database}-wal"), Path(f"{database}-shm")):
            log.unlink(missing_ok=True)
        database.write_bytes(b"not a database at all, " * 200)
        broken = server.get("/healthz")
        assert broken.status == 503
        assert json.loads(broken.body) == {
            "status": "unavailable",
            "database": "data_dir/state.sqlite: is not a checkin-sync database",
        }
        assert server.stop() == 0
    # the operator finds where in the log
    assert f"{database}: is not a checkin-sync database" in server.log()


def test_the_request_log_has_a_line_per_request_and_no_secret(org: Org, tmp_path: Path) -> None:
    token = _link_token(org)
    feed_token = make_token(SECRET, "lena@example.com")
    secrets = {"token": token, "query": "utm-5ecret", "cookie": "c00kie-5ecret"}
    secrets |= {"authorization": "bearer-5ecret", "feed": feed_token}
    with serving(org.root, tmp_path) as server:
        confirm = server.get(
            f"/sign-in/{token}?ref={secrets['query']}",
            headers={
                "Cookie": f"tracking={secrets['cookie']}",
                "Authorization": f"Bearer {secrets['authorization']}",
            },
        )
        assert confirm.status == 200
        cookie, form = _open_sign_in(server, token)
        with socket.create_connection(("127.0.0.1", server.port), timeout=60) as sign_in:
            sign_in.sendall(_post_head(server.port, "/sign-in", cookie, len(form)))
            assert read_head(sign_in).startswith(b"HTTP/1.1 100 Continue")
            sign_in.sendall(form)
            signed_in = read_to_end(sign_in)
        session = re.search(rb"checkin_sync_session=([^;]+)", signed_in)
        assert session, signed_in
        secrets["session"] = session.group(1).decode()
        page = server.get("/", headers={"Cookie": f"checkin_sync_session={secrets['session']}"})
        assert page.status == 200
        assert server.get(f"/feeds/{feed_token}.ics").status == 200
        assert server.stop() == 0
    lines = [line for line in server.log().splitlines() if "event=request" in line]
    shown = [re.sub(r"time=\S+ | duration_ms=[\d.]+", "", line) for line in lines]
    assert shown == [
        "level=info event=request method=GET path=/sign-in/… status=200",
        "level=info event=request method=GET path=/sign-in/… status=200",
        "level=info event=request method=POST path=/sign-in status=303",
        "level=info event=request method=GET path=/ status=200",
        "level=info event=request method=GET path=/feeds/… status=200",
    ]
    assert all(re.search(r" duration_ms=\d+\.\d$", line) for line in lines), lines
    for name, secret in secrets.items():
        assert secret not in server.log(), f"the {name} is in the log"
