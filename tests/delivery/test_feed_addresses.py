"""Feeds people.toml names are fetched from public addresses only, unless [ics] allow_hosts
lists their host: nothing is sent to this machine or a private network, a redirect is
checked like the first request, a name is connected to at the address that was checked, and
a refused feed says the same whatever listens there."""

from __future__ import annotations

import socket
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from sync.connectors.base import CalendarRef
from sync.connectors.feed_opener import is_public
from sync.connectors.ics import IcsConnector
from sync.model.values import Interval
from tests.cli.test_cli_end_to_end import run
from tests.conftest import EMPTY_CALENDAR, ConfigDir, Result
from tests.listener import serving

CLI = Callable[..., Result]
WINDOW = Interval(datetime(2027, 2, 1, tzinfo=UTC), datetime(2027, 3, 1, tzinfo=UTC))
REFUSED = (
    "is on this machine or a private network; if it is your calendar server, list it in "
    "[ics] allow_hosts"
)


class Feeds:
    """A feed server on 127.0.0.1: /cal.ics is a calendar, /hop redirects to `hop_to`."""

    def __init__(self) -> None:
        self.hits: list[str] = []
        self.hop_to = ""
        owner = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                owner.hits.append(self.path)
                if self.path == "/hop":
                    self.send_response(302)
                    self.send_header("Location", owner.hop_to)
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return
                body = EMPTY_CALENDAR.encode()
                self.send_response(200)
                self.send_header("Content-Type", "text/calendar")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *_: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.server.server_address[1]

    def url(self, path: str, host: str = "127.0.0.1") -> str:
        return f"http://{host}:{self.port}{path}"


@pytest.fixture
def feeds() -> Iterator[Feeds]:
    server = Feeds()
    with serving(server.server):
        yield server


def _read(url: str, allow: tuple[str, ...] = ()) -> dict[str, str]:
    person = CalendarRef("karin@example.com", "Europe/Stockholm", f"ics:{url}")
    reading = IcsConnector(Path("config"), timeout_seconds=10, allow_hosts=allow)
    return reading.read_busy([person], WINDOW).errors


def test_a_feed_on_this_machine_is_not_fetched_unless_allowed(feeds: Feeds) -> None:
    errors = _read(feeds.url("/cal.ics"))
    assert errors == {
        "karin@example.com": f"{feeds.url('/cal.ics')}: not fetched: 127.0.0.1 {REFUSED}"
    }
    assert feeds.hits == [], "nothing was sent to it"
    assert _read(feeds.url("/cal.ics"), allow=("127.0.0.1",)) == {}
    assert feeds.hits == ["/cal.ics"]


def test_a_refused_feed_tells_nothing_about_what_listens_there(feeds: Feeds) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        closed = probe.getsockname()[1]
    listening = _read(feeds.url("/cal.ics"))["karin@example.com"]
    nothing = _read(f"http://127.0.0.1:{closed}/cal.ics")["karin@example.com"]
    assert listening.replace(str(feeds.port), "PORT") == nothing.replace(str(closed), "PORT")


def test_a_redirect_is_checked_like_the_first_request(feeds: Feeds) -> None:
    # allowed by its address, the server sends the fetch on to a name that is not allowed
    feeds.hop_to = feeds.url("/cal.ics", host="localhost")
    errors = _read(feeds.url("/hop"), allow=("127.0.0.1",))
    assert errors == {"karin@example.com": f"{feeds.url('/hop')}: not fetched: localhost {REFUSED}"}
    assert feeds.hits == ["/hop"]
    for elsewhere in ("file:///etc/passwd", f"ftp://127.0.0.1:{feeds.port}/cal.ics"):
        feeds.hop_to = elsewhere
        errors = _read(feeds.url("/hop"), allow=("127.0.0.1",))
        assert errors == {"karin@example.com": f"{feeds.url('/hop')}: HTTP 302"}


def test_a_public_name_that_resolves_to_a_private_address_is_refused(
    feeds: Feeds, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = socket.getaddrinfo
    answers = {
        "calendar.example.com": ["127.0.0.1"],
        "mixed.example.com": ["93.184.216.34", "127.0.0.1"],
    }

    def lookup(host: str, port: Any, *args: Any, **kwargs: Any) -> Any:
        if host in answers:
            return [
                (socket.AF_INET, socket.SOCK_STREAM, 6, "", (address, port))
                for address in answers[host]
            ]
        return real(host, port, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", lookup)
    for host in answers:
        errors = _read(feeds.url("/cal.ics", host=host))
        assert f"not fetched: {host} {REFUSED}" in errors["karin@example.com"]
    assert feeds.hits == []


@pytest.mark.parametrize(
    ("address", "public"),
    [
        ("127.0.0.1", False),
        ("10.1.2.3", False),
        ("172.16.0.1", False),
        ("192.168.1.1", False),
        ("169.254.169.254", False),  # cloud metadata
        ("100.64.0.1", False),
        ("0.0.0.0", False),
        ("224.0.0.1", False),
        ("::1", False),
        ("fe80::1%eth0", False),
        ("fd00::1", False),
        ("::ffff:127.0.0.1", False),
        ("93.184.216.34", True),
        ("2606:4700:4700::1111", True),
    ],
)
def test_which_addresses_are_public(address: str, public: bool) -> None:
    assert is_public(address) is public


def test_allow_hosts_is_a_setting(cli: CLI, config: ConfigDir, feeds: Feeds) -> None:
    config.calendar("karin.ics")
    config.people(
        f"""
        [[managers]]
        email = "karin@example.com"
        name = "Karin Lind"
        timezone = "Europe/Stockholm"
        calendar = "ics:karin.ics"

        [[employees]]
        email = "lena@example.com"
        name = "Lena Berg"
        manager = "karin@example.com"
        timezone = "Europe/Stockholm"
        calendar = "ics:{feeds.url("/cal.ics")}"
        """
    )
    refused = run(cli, config)
    assert refused.code == 1
    assert f"not fetched: 127.0.0.1 {REFUSED}" in refused.out
    config.settings('[ics]\nallow_hosts = ["127.0.0.1"]\n')
    allowed = run(cli, config)
    assert allowed.code == 0, allowed.out
    assert feeds.hits == ["/cal.ics"]
