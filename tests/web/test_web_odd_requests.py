"""Odd requests to the approval app get a plain answer, never a 500 or an internal detail:
links with impossible times, numbers that are not plain ASCII digits, made-up feed
addresses while the database is unreadable, and secrets too weak to sign anything."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from flask import Flask
from itsdangerous import URLSafeSerializer

from sync.store import State
from tests.conftest import Result
from tests.web_helpers import SECRET, Org, SignIn, csrf_of

CLI = Callable[..., Result]


@pytest.mark.parametrize("expires", [10**20, -(10**20), 10**12])
def test_a_genuine_link_with_an_impossible_expiry_is_refused_not_a_500(
    app: Flask, expires: int
) -> None:
    token = URLSafeSerializer(SECRET, salt="checkin-sync sign-in link").dumps(
        {"e": "karin@example.com", "j": "some-link", "x": expires}
    )
    response = app.test_client().get(f"/sign-in/{token}")
    assert response.status_code == 410
    assert "not valid" in response.text


@pytest.mark.parametrize("number", ["²", "١", "1" * 5000, " 1", "+1"])
def test_an_alternative_is_chosen_by_ascii_digits_only(
    sign_in: SignIn, org: Org, number: str
) -> None:
    karin = sign_in("karin@example.com")
    lena = org.proposal("lena@example.com")
    assert len(lena.alternatives) >= 1
    response = karin.post(
        f"/proposals/{lena.id}/choose",
        data={"csrf": csrf_of(karin.get("/").text), "alternative": number},
    )
    assert response.status_code == 400
    assert "Choose one of the alternative times shown" in response.text
    assert org.reload(lena).state is State.PENDING


def test_a_proposal_number_is_ascii_digits_that_fit(sign_in: SignIn, org: Org) -> None:
    karin = sign_in("karin@example.com")
    lena = org.proposal("lena@example.com")
    arabic = str(lena.id).translate(str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩"))
    for path in (f"/proposals/{arabic}/approve", "/proposals/99999999999999999999999/approve"):
        response = karin.post(path, data={"csrf": csrf_of(karin.get("/").text)})
        assert response.status_code == 404, path
    assert org.reload(lena).state is State.PENDING


def test_an_unreadable_database_is_not_opened_for_made_up_feeds_nor_shown(
    app: Flask, org: Org, sign_in: SignIn
) -> None:
    karin = sign_in("karin@example.com")
    database = org.config.data / "state.sqlite"
    for extra in ("-wal", "-shm"):
        database.with_name(database.name + extra).unlink(missing_ok=True)
    database.write_bytes(b"this is not a database at all" * 100)
    assert app.test_client().get("/feeds/garbage.ics").status_code == 404
    assert database.read_bytes().startswith(b"this is not"), "nothing touched it"
    page = karin.get("/")
    assert page.status_code == 503
    assert "cannot serve this page right now" in page.text
    assert str(org.config.data) not in page.text, "where the database lives is not shown"


@pytest.mark.parametrize("secret", [" " * 16, " " * 20 + "abc", "a" * 32, "abababababababab"])
def test_a_secret_of_spaces_or_repeats_is_refused(cli: CLI, org: Org, secret: str) -> None:
    org.config.settings(f'[web]\nsecret = "{secret}"\n')
    result = cli("--config", str(org.root), "config", "check")
    assert result.code == 2
    assert "web.secret: value error, is too easy to guess" in result.err
    assert secret not in result.err
