"""The shared [caldav] account goes only to the configured CalDAV server(s): a roster entry
naming another host is refused for that entry alone, and that host never sees the account."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from sync.config.provider_settings import CalDavSettings
from sync.connectors.caldav.account import HostNotAllowed, NoPassword, account_for
from tests.caldav_server import PASSWORD, USER, RadicaleServer
from tests.cli.test_cli_end_to_end import by_employee, proposals, run
from tests.conftest import ConfigDir, Result
from tests.end_to_end.test_caldav_end_to_end import PEOPLE
from tests.listener import serving

CLI = Callable[..., Result]

MALLORY = """
[[employees]]
email = "mallory@example.com"
name = "Mallory Mole"
manager = "karin@example.com"
calendar = "caldav:{mallory}"
"""


class Recorder:
    """A listener that asks for Basic credentials, as a host collecting them would, and
    keeps the headers of every request it gets."""

    def __init__(self) -> None:
        seen: list[dict[str, str]] = []

        class Handler(BaseHTTPRequestHandler):
            def _challenge(self) -> None:
                seen.append(dict(self.headers.items()))
                self.send_response(401)
                self.send_header("WWW-Authenticate", 'Basic realm="calendars"')
                self.send_header("Content-Length", "0")
                self.end_headers()

            do_GET = do_PROPFIND = do_REPORT = do_PUT = do_OPTIONS = _challenge

            def log_message(self, *_: object) -> None:
                pass

        self.seen = seen
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/calendars/mallory/"

    def authorizations(self) -> list[str]:
        return [
            value
            for headers in self.seen
            for k, value in headers.items()
            if k.lower() == "authorization"
        ]


@pytest.fixture
def recorder() -> Iterator[Recorder]:
    listener = Recorder()
    with serving(listener.server):
        yield listener


def _org(config: ConfigDir, radicale: RadicaleServer, recorder: Recorder, hosts: str) -> ConfigDir:
    config.settings(f'[caldav]\nusername = "{USER}"\nhosts = {hosts}\n')
    config.calendar("lena.ics")
    people = PEOPLE.format(url=radicale.calendar("karin")) + MALLORY.format(mallory=recorder.url)
    config.people(people)
    return config


def test_the_shared_account_is_never_sent_to_a_host_an_entry_names(
    cli: CLI,
    config: ConfigDir,
    radicale_server: RadicaleServer,
    recorder: Recorder,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("CHECKIN_SYNC_CALDAV__PASSWORD", PASSWORD)
    port = radicale_server.url.rsplit(":", 1)[1]
    _org(config, radicale_server, recorder, f'["127.0.0.1:{port}"]')

    result = run(cli, config)
    assert recorder.authorizations() == [], "the other host never saw the account"
    assert result.code == 1, result.out
    assert (
        "mallory@example.com: 127.0.0.1 is not one of the hosts the shared [caldav] account "
        f"is sent to (127.0.0.1:{port}); add it to [caldav] hosts"
    ) in result.out
    assert "(the calendar of mallory@example.com in people.toml)" in result.out
    assert PASSWORD not in result.out + result.err
    proposed = by_employee(proposals(cli, config))
    assert "lena@example.com" in proposed, "everyone else is served"
    assert "mallory@example.com" not in proposed

    check = cli("--config", str(config.root), "config", "check")
    assert (
        "employee mallory@example.com: calendar: 127.0.0.1 is not one of" in check.out + check.err
    )


def test_by_default_the_account_goes_only_to_its_own_domain() -> None:
    settings = CalDavSettings(username="checkins@example.com", password="pw-123456")
    assert account_for(settings, "https://dav.example.com/cal/", None) == (
        "checkins@example.com",
        "pw-123456",
    )
    assert account_for(settings, "https://example.com/cal/", None)[1] == "pw-123456"
    for elsewhere in (
        "https://dav.example.com.evil.test/cal/",
        "https://evilexample.com/cal/",
        "http://127.0.0.1:5232/cal/",
    ):
        with pytest.raises(HostNotAllowed, match="is not one of the hosts"):
            account_for(settings, elsewhere, None)


def test_passwords_never_travel_over_plain_http_to_another_machine() -> None:
    settings = CalDavSettings(
        username="svc",
        password="pw-123456",
        hosts=["dav.example.com"],
        passwords={"karin@dav.example.com": "pw-karin-1"},
    )
    for user in (None, "karin"):
        with pytest.raises(HostNotAllowed, match="only sent over https"):
            account_for(settings, "http://dav.example.com/cal/", user)
    assert account_for(settings, "https://dav.example.com/cal/", "karin")[1] == "pw-karin-1"
    with pytest.raises(NoPassword):
        account_for(settings, "https://other.example.com/cal/", "karin")


def test_a_username_without_a_domain_needs_hosts(cli: CLI, config: ConfigDir) -> None:
    config.settings('[caldav]\nusername = "svc"\npassword = "pw-123456"\n')
    config.people(PEOPLE.format(url="https://dav.example.com/k/"))
    result = cli("--config", str(config.root), "config", "check")
    assert result.code == 2
    assert 'caldav.username "svc" names no domain: set [caldav] hosts' in result.err
