"""Signing in to the approval app with links: valid, expired, reused, tampered; the session
cookie it sets; and the app and commands that refuse to run without a secret."""

from __future__ import annotations

import socket
from collections.abc import Callable
from datetime import timedelta

import pytest
from flask import Flask

from sync.config.settings import WebSettings, load_settings
from sync.delivery.signin import make_link
from sync.model.errors import ConfigError
from sync.web import create_app
from tests.conftest import Result
from tests.web_helpers import CLOCK, SECRET, Org, SignIn, path_of, request_log, seen_text, use_link

CLI = Callable[..., Result]


def _link(org: Org, email: str = "karin@example.com", issued: timedelta = timedelta()) -> str:
    return make_link(load_settings(org.root).web, email, CLOCK - issued).url


def test_a_valid_link_signs_in_once_and_sets_a_safe_cookie(app: Flask, org: Org) -> None:
    client = app.test_client()
    url = _link(org)
    assert url.startswith("http://checkins.test/sign-in/"), "links use [web] public_url"
    confirm = client.get(path_of(url))
    assert "Sign in as karin@example.com" in seen_text(confirm.text)
    page = use_link(client, url)
    assert "Check-ins for Karin Lind" in seen_text(page)
    assert "Lena Berg" in seen_text(page)
    cookie = client.get_cookie("checkin_sync_session")
    assert cookie is not None
    assert cookie.http_only and cookie.same_site == "Lax"
    assert not cookie.secure, "plain http public_url: a Secure cookie would never come back"


def test_behind_https_the_cookie_is_secure(org: Org) -> None:
    org.config.settings(f'[web]\nsecret = "{SECRET}"\npublic_url = "https://checkins.test"\n')
    app = create_app(org.root, clock=lambda: CLOCK)
    client = app.test_client()
    use_link(client, _link(org))
    cookie = client.get_cookie("checkin_sync_session")
    assert cookie is not None and cookie.secure


def test_without_signing_in_the_page_shows_no_data(app: Flask) -> None:
    response = app.test_client().get("/")
    assert response.status_code == 401
    assert "Please sign in" in response.text
    assert "Lena" not in response.text


def test_an_expired_link_is_refused(app: Flask, org: Org) -> None:
    url = _link(org, issued=timedelta(hours=72, seconds=1))
    client = app.test_client()
    response = client.get(path_of(url))
    assert response.status_code == 410
    assert "has expired" in response.text
    token = path_of(url).rsplit("/", 1)[1]
    client.get("/sign-in/" + _fresh_token(org))  # a page with a CSRF token for the POST below
    posted = client.post("/sign-in", data={"csrf": _csrf(client), "token": token})
    assert posted.status_code == 410
    assert client.get("/").status_code == 401


def test_a_link_just_inside_its_lifetime_still_works(app: Flask, org: Org) -> None:
    page = use_link(app.test_client(), _link(org, issued=timedelta(hours=71, minutes=59)))
    assert "Check-ins for Karin Lind" in seen_text(page)


def test_a_used_link_cannot_sign_in_a_second_browser(app: Flask, org: Org) -> None:
    url = _link(org)
    use_link(app.test_client(), url)
    other = app.test_client()
    response = other.get(path_of(url))
    assert response.status_code == 410
    assert "already used" in response.text
    assert other.get("/").status_code == 401


def test_opening_a_link_without_pressing_sign_in_does_not_use_it(app: Flask, org: Org) -> None:
    # mail scanners fetch links before people click them
    url = _link(org)
    assert app.test_client().get(path_of(url)).status_code == 200
    assert app.test_client().get(path_of(url)).status_code == 200
    assert "Check-ins for Karin Lind" in seen_text(use_link(app.test_client(), url))


def test_a_tampered_or_foreign_link_is_refused(app: Flask, org: Org) -> None:
    url = _link(org)
    token = path_of(url).rsplit("/", 1)[1]
    payload, signature = token.rsplit(".", 1)
    forged_payload = make_link(
        WebSettings(secret=SECRET, public_url="http://x"), "ade@example.com", CLOCK
    ).token.rsplit(".", 1)[0]
    foreign = make_link(
        WebSettings(secret="another-secret-0123456789", public_url="http://x"),
        "karin@example.com",
        CLOCK,
    ).token
    for bad in (
        f"{payload}.{signature[:-2]}xx",
        f"{forged_payload}.{signature}",
        foreign,
        "garbage",
    ):
        response = app.test_client().get(f"/sign-in/{bad}")
        assert response.status_code == 410, bad
        assert "not valid" in response.text


def test_signing_out_ends_the_session(sign_in: SignIn) -> None:
    client = sign_in("karin@example.com")
    response = client.post("/sign-out", data={"csrf": _csrf(client)})
    assert "signed out" in response.text
    assert client.get("/").status_code == 401


def test_the_app_refuses_to_start_without_a_secret_except_in_dev_mode(org: Org) -> None:
    org.config.settings("")
    with pytest.raises(ConfigError, match="secret is not set"):
        create_app(org.root)
    assert create_app(org.root, dev=True).config["SECRET_KEY"]


def test_serve_without_a_secret_exits_2_with_what_to_do(cli: CLI, org: Org) -> None:
    org.config.settings("")
    result = cli("--config", str(org.root), "serve", "--port", "8099")
    assert result.code == 2
    assert "CHECKIN_SYNC_WEB__SECRET" in result.err
    assert "Traceback" not in result.err
    dev_elsewhere = cli("--config", str(org.root), "serve", "--dev", "--host", "0.0.0.0")
    assert dev_elsewhere.code == 2
    assert "this machine only" in dev_elsewhere.err


def test_a_short_secret_is_a_configuration_error(cli: CLI, org: Org) -> None:
    org.config.settings('[web]\nsecret = "short"\n')
    result = cli("--config", str(org.root), "config", "check")
    assert result.code == 2
    assert "web.secret: value error, must be at least 16 characters (got (hidden))" in result.err


def test_login_link_prints_a_link_that_signs_in(cli: CLI, app: Flask, org: Org) -> None:
    result = cli("--config", str(org.root), "login-link", "Karin@Example.com")
    assert result.code == 0, result.err
    url = result.out.strip().splitlines()[-1]
    assert "usable once" in result.out
    # the command uses the real clock; this app checks expiry against it too
    app = create_app(org.root)
    assert "Check-ins for Karin Lind" in seen_text(use_link(app.test_client(), url))


def test_login_link_refuses_people_who_are_not_managers_and_labels_a_development_link(
    cli: CLI, org: Org
) -> None:
    employee = cli("--config", str(org.root), "login-link", "lena@example.com")
    assert employee.code == 2
    assert "not a manager" in employee.err
    org.config.settings("")
    no_secret = cli("--config", str(org.root), "login-link", "karin@example.com")
    assert no_secret.code == 0, no_secret.err
    assert "It works with checkin-sync serve --dev only" in no_secret.out


def _fresh_token(org: Org) -> str:
    return make_link(load_settings(org.root).web, "karin@example.com", CLOCK).token


def _csrf(client: object) -> str:
    from flask.testing import FlaskClient

    assert isinstance(client, FlaskClient)
    with client.session_transaction() as session:
        token = session.get("csrf")
    assert isinstance(token, str)
    return token


def test_serve_on_a_taken_port_exits_2(cli: CLI, org: Org) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = cli("--config", str(org.root), "serve", "--port", str(port))
    assert result.code == 2
    assert f"cannot listen on 127.0.0.1:{port}" in result.err


def test_the_request_log_does_not_show_sign_in_tokens(app: Flask, org: Org) -> None:
    token = _fresh_token(org)
    with request_log() as lines, app.test_client().get(f"/sign-in/{token}?again={token}") as page:
        assert page.status_code == 200  # the line is written once the answer is closed
    (line,) = lines
    assert line == {**line, "method": "GET", "path": "/sign-in/…", "status": 200}
    assert token not in str(line)
