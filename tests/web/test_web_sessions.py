"""Sessions end for good: signing out ends every copy of the cookie, a session lasts
`session_hours` from signing in however busy it is, and a manager taken out of people.toml
has no access from the next request on. Nobody decides about pairs no longer in the roster,
on the page or on the command line."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

from flask import Flask
from flask.testing import FlaskClient

from sync.config.settings import load_settings
from sync.delivery.signin import make_link
from sync.store import State
from sync.web import create_app
from tests.conftest import Result
from tests.web_helpers import CLOCK, PEOPLE, Org, csrf_of, path_of, use_link

CLI = Callable[..., Result]
COOKIE = "checkin_sync_session"


class Clock:
    """The app's "now", moved by the test."""

    def __init__(self) -> None:
        self.now = CLOCK

    def __call__(self) -> datetime:
        return self.now


def _signed_in(app: Flask, org: Org, email: str = "karin@example.com") -> FlaskClient:
    client = app.test_client()
    use_link(client, make_link(load_settings(org.root).web, email, CLOCK).url)
    return client


def _copy(client: FlaskClient, app: Flask) -> FlaskClient:
    """Another browser holding the same cookie, as someone who captured it would."""
    cookie = client.get_cookie(COOKIE)
    assert cookie is not None
    thief = app.test_client()
    thief.set_cookie(COOKIE, cookie.value)
    return thief


def test_signing_out_ends_the_session_for_every_copy_of_the_cookie(app: Flask, org: Org) -> None:
    client = _signed_in(app, org)
    page = client.get("/").text
    thief = _copy(client, app)
    assert thief.get("/").status_code == 200, "the copy works while the session lives"
    client.post("/sign-out", data={"csrf": csrf_of(page)})
    assert thief.get("/").status_code == 401
    lena = org.proposal("lena@example.com")
    refused = thief.post(f"/proposals/{lena.id}/reject", data={"csrf": csrf_of(page)})
    assert refused.status_code == 401
    assert org.reload(lena).state is State.PENDING


def test_a_session_ends_session_hours_after_signing_in_however_often_it_is_used(
    org: Org,
) -> None:
    clock = Clock()
    app = create_app(org.root, clock=clock)
    client = _signed_in(app, org)
    hours = load_settings(org.root).web.session_hours
    for step in range(hours):
        clock.now = CLOCK + timedelta(hours=step, minutes=59)
        assert client.get("/").status_code == 200, f"still signed in after {step}h59"
    clock.now = CLOCK + timedelta(hours=hours)
    assert client.get("/").status_code == 401

    clock.now = CLOCK + timedelta(hours=hours + 1)
    assert _signed_in(app, org).get("/").status_code == 200, "a new sign-in starts afresh"
    store = org.store()
    try:
        kept = store.db.execute("SELECT COUNT(*) FROM web_sessions").fetchone()[0]
    finally:
        store.close()
    assert kept == 1, "a session past its lifetime is not kept"


def test_a_manager_taken_out_of_the_roster_loses_access_at_once(app: Flask, org: Org) -> None:
    client = _signed_in(app, org)
    unused_link = make_link(load_settings(org.root).web, "karin@example.com", CLOCK).url
    page = client.get("/").text
    without_karin = PEOPLE.replace(
        '[[managers]]\nemail = "karin@example.com"\nname = "Karin Lind"\n', ""
    ).replace('manager = "karin@example.com"', 'manager = "ade@example.com"')
    assert without_karin != PEOPLE
    org.config.people(without_karin)

    assert client.get("/").status_code == 401, "the session no longer works"
    lena = org.proposal("lena@example.com")
    refused = client.post(f"/proposals/{lena.id}/approve", data={"csrf": csrf_of(page)})
    assert refused.status_code == 401
    assert org.reload(lena).state is State.PENDING
    fresh = app.test_client()
    opened = fresh.get(path_of(unused_link))
    assert opened.status_code == 410
    assert "not a manager" in opened.text

    org.config.people(PEOPLE)
    assert client.get("/").status_code == 401, "leaving the roster ended the session for good"


def test_nobody_decides_about_an_employee_no_longer_in_the_roster(
    app: Flask, org: Org, cli: CLI
) -> None:
    client = _signed_in(app, org)
    page = client.get("/").text
    lena = org.proposal("lena@example.com")
    erik = org.proposal("erik@example.com")
    org.config.people(PEOPLE.replace('email = "lena@example.com"', 'email = "lena2@example.com"'))
    assert lena.alternatives, "choosing an alternative is a decision to refuse, too"
    for action in ("approve", "reject", "choose"):
        response = client.post(
            f"/proposals/{lena.id}/{action}", data={"csrf": csrf_of(page), "alternative": "1"}
        )
        assert response.status_code == 400
        assert "no longer manager and report in people.toml" in response.text
    result = cli("--config", str(org.root), "approve", str(lena.id))
    assert result.code == 2
    assert "lena@example.com with karin@example.com, who are no longer" in result.err
    assert "Traceback" not in result.err
    result = cli("--config", str(org.root), "approve", "--manager", "karin@example.com", "--all")
    assert result.code == 2, "all or nothing"
    assert org.reload(lena).state is State.PENDING
    assert org.reload(erik).state is State.PENDING
    assert not (org.config.export / "lena@example.com.ics").exists(), "nothing booked"
    assert org.audit(lena)[-1]["to_state"] == "pending"


def test_what_was_approved_before_the_employee_left_is_not_booked_by_a_later_approval(
    org: Org, cli: CLI
) -> None:
    lena = org.proposal("lena@example.com")
    erik = org.proposal("erik@example.com")
    store = org.store()
    try:  # approved while a run held the lock: left for the next booking
        store.transition(lena.id, State.APPROVED, "karin@example.com (web)")
    finally:
        store.close()
    org.config.people(PEOPLE.replace('email = "lena@example.com"', 'email = "lena2@example.com"'))
    result = cli("--config", str(org.root), "approve", str(erik.id))
    assert result.code == 0, result.err
    assert f"Booked #{erik.id}" in result.out
    assert (
        f"Not booked #{lena.id}: karin@example.com → lena@example.com: the pair is "
        "no longer in people.toml; the next run ends it"
    ) in result.out
    assert org.reload(lena).state is State.APPROVED, "not booked, left to the next run"
    assert not (org.config.export / "lena@example.com.ics").exists()
    outbox = org.config.data / "outbox"
    assert not [p for p in outbox.glob("*.eml") if "lena@example.com" in p.name]
