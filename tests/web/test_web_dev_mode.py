"""A trial without any secret to set: the development secret in data_dir signs the links
`login-link` and `feed-url` print and `serve --dev` accepts, the page gives new sign-in
links in development mode only, and every address printed or shown is where the app is
served."""

from __future__ import annotations

import os
import re
import stat
import subprocess
import sys
import urllib.parse
import urllib.request
from http.cookiejar import CookieJar
from pathlib import Path

import pytest
from flask.testing import FlaskClient

from sync.config.dev_secret import DEV_SECRET_FILE
from sync.model.errors import ConfigError
from sync.web import create_app
from sync.web.browser import can_open, open_in_browser
from tests.cli.test_cli_end_to_end import CLI
from tests.conftest import ConfigDir
from tests.serve_helpers import Server, free_port, wait_until_healthy
from tests.web_helpers import PEOPLE, SECRET, Org, csrf_of, path_of, use_link

SERVE = [sys.executable, "-m", "sync"]


@pytest.fixture
def trial(config: ConfigDir) -> Org:
    """The web tests' organisation as a first trial has it: no [web] secret, no public_url."""
    config.people(PEOPLE)
    organisation = Org(config)
    organisation.run()
    return organisation


def test_links_printed_without_a_secret_work_with_serve_dev_only(trial: Org, cli: CLI) -> None:
    printed = cli("--config", str(trial.root), "login-link", "karin@example.com")
    assert printed.code == 0, printed.err
    secret_file = trial.config.data / DEV_SECRET_FILE
    assert f"signed with the development secret in {secret_file}" in printed.out
    assert stat.S_IMODE(secret_file.stat().st_mode) == 0o600
    (link,) = re.findall(r"http://127\.0\.0\.1:8080/sign-in/\S+", printed.out)

    app = create_app(trial.root, dev=True)
    assert "Karin Lind" in use_link(app.test_client(), link)

    feed = cli("--config", str(trial.root), "feed-url", "lena@example.com")
    assert feed.code == 0, feed.err
    assert "development secret" in feed.out
    (address,) = re.findall(r"http://127\.0\.0\.1:8080/feeds/\S+", feed.out)
    assert app.test_client().get(path_of(address)).status_code == 200

    with pytest.raises(ConfigError):
        create_app(trial.root)
    refused = cli("--config", str(trial.root), "serve", "--port", str(free_port()))
    assert refused.code == 2
    assert "[web] secret is not set" in refused.err and "serve --dev" in refused.err


def _new_link_from_the_page(client: FlaskClient, email: str) -> str:
    listed = client.get("/dev/sign-in")
    assert listed.status_code == 200
    asked = client.post("/dev/sign-in", data={"csrf": csrf_of(listed.text), "email": email})
    assert asked.status_code == 303
    location: str = asked.headers["Location"]
    assert location.startswith("/sign-in/")
    return location


def test_the_page_gives_new_sign_in_links_in_development_mode_only(trial: Org) -> None:
    app = create_app(trial.root, dev=True)
    first = app.test_client()
    link = _new_link_from_the_page(first, "karin@example.com")
    assert "Karin Lind" in use_link(first, link)
    again = app.test_client().get(link)  # each link works once …
    assert again.status_code == 410
    assert 'href="/dev/sign-in"' in again.text  # … and the way back in is on the page
    second = app.test_client()
    assert "Karin Lind" in use_link(second, _new_link_from_the_page(second, "karin@example.com"))
    listed = second.get("/dev/sign-in")
    stranger = second.post(
        "/dev/sign-in", data={"csrf": csrf_of(listed.text), "email": "nobody@example.com"}
    )
    assert stranger.status_code == 404

    trial.config.settings(f'[web]\nsecret = "{SECRET}"\n')
    production = create_app(trial.root).test_client()
    assert production.get("/dev/sign-in").status_code == 404
    assert 'href="/dev/sign-in"' not in production.get("/").text


def test_every_address_is_where_the_app_is_served(trial: Org, tmp_path: Path) -> None:
    port = free_port()
    log_file = tmp_path / "serve.log"
    with log_file.open("wb") as log:
        process = subprocess.Popen(
            [*SERVE, "--config", str(trial.root), "serve", "--dev", "--port", str(port)],
            stdout=log,
            stderr=subprocess.STDOUT,
            env=dict(os.environ),
        )
    server = Server(process, port, log_file)
    try:
        wait_until_healthy(server)
        printed = server.log()
        base = f"http://127.0.0.1:{port}"
        assert f"approval app on {base}/" in printed
        assert re.search(rf"Karin Lind: {re.escape(base)}/sign-in/\S+", printed)
        # a browser: a new link from the page, signed in with it, the Subscribe address
        browser = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(CookieJar()))
        listed = browser.open(f"{base}/dev/sign-in").read().decode()
        form = {"csrf": csrf_of(listed), "email": "karin@example.com"}
        confirm = browser.open(f"{base}/dev/sign-in", urllib.parse.urlencode(form).encode())
        page = confirm.read().decode()
        token = re.search(r'name="token" value="([^"]+)"', page)
        assert token, page
        pressed = {"csrf": csrf_of(page), "token": token.group(1)}
        home = browser.open(f"{base}/sign-in", urllib.parse.urlencode(pressed).encode())
        shown = home.read().decode()
        assert f"{base}/feeds/" in shown
        assert ":8080" not in shown
    finally:
        process.kill()
        process.wait()


def test_the_browser_opens_only_where_a_person_can_see_it(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert can_open(True, {"DISPLAY": ":0"}, "linux")
    assert can_open(True, {"WAYLAND_DISPLAY": "wayland-0"}, "linux")
    assert can_open(True, {}, "darwin")
    assert not can_open(True, {}, "linux"), "an ssh session: no screen to show it on"
    assert not can_open(False, {"DISPLAY": ":0"}, "linux"), "cron, a container, a log file"

    opened: list[str] = []
    # under pytest stdout is not a terminal: the address is printed, nothing is started
    assert not open_in_browser("http://127.0.0.1:8080/dev/sign-in", opened.append)  # type: ignore[arg-type]
    assert opened == []
    assert "Open http://127.0.0.1:8080/dev/sign-in in a browser" in capsys.readouterr().out
