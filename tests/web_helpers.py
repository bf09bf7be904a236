"""An organisation with two managers, a night of proposals, and a signed-in browser session
for the web app tests."""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

import pytest
from flask import Flask
from flask.testing import FlaskClient

from sync.config.settings import load_settings
from sync.delivery.report import RunReport
from sync.delivery.signin import make_link
from sync.night.nightly import run_nightly
from sync.night.tonight import RunOptions
from sync.plumbing.logs import FIELDS
from sync.store import ProposalRecord, State, Store
from sync.web import create_app
from sync.web.request_log import LOGGER

if TYPE_CHECKING:
    from tests.conftest import ConfigDir

NIGHT = datetime(2027, 2, 1, 7, tzinfo=UTC)  # a Monday morning in Stockholm
CLOCK = NIGHT + timedelta(hours=1)
"""The web app's "now" in these tests: links and bookings do not depend on the real date."""
SECRET = "test-secret-0123456789abcdef"
XSS_NAME = '<script>alert("x")</script> Evil'

PEOPLE = f"""
[defaults]
timezone = "Europe/Stockholm"
holidays = ""
calendar = "none"
return_checkin_after_days = 0  # one proposal per report: Erik's pause brings no welcome back

[[managers]]
email = "karin@example.com"
name = "Karin Lind"

[[managers]]
email = "ade@example.com"
name = "Ade Okafor"
timezone = "Europe/London"

[[employees]]
email = "lena@example.com"
name = "Lena Berg"
manager = "karin@example.com"
timezone = "America/New_York"
cadence = "weekly"

[[employees]]
email = "erik@example.com"
name = "Erik Sandberg"
manager = "karin@example.com"
cadence = "weekly"
paused = {{ from = "2027-02-15", until = "2027-02-19" }}

[[employees]]
email = "xss@example.com"
name = '{XSS_NAME}'
manager = "karin@example.com"

[[employees]]
email = "omar@example.com"
name = "Omar Haddad"
manager = "ade@example.com"
"""


class Org:
    """The config folder plus handy access to its store."""

    def __init__(self, config: ConfigDir) -> None:
        self.config = config
        self.root = config.root

    def run(self, now: datetime = NIGHT) -> RunReport:
        return run_nightly(self.root, RunOptions(now=now))

    def store(self) -> Store:
        return Store.open(self.config.data / "state.sqlite")

    def proposal(self, employee: str, state: State = State.PENDING) -> ProposalRecord:
        store = self.store()
        try:
            (record,) = store.proposals(employee=employee, states=[state])
        finally:
            store.close()
        return record

    def reload(self, record: ProposalRecord) -> ProposalRecord:
        store = self.store()
        try:
            fresh = store.proposal(record.id)
        finally:
            store.close()
        assert fresh is not None
        return fresh

    def audit(self, record: ProposalRecord) -> list[dict[str, str]]:
        store = self.store()
        try:
            return store.audit_log(str(record.id))
        finally:
            store.close()


@pytest.fixture
def org(config: ConfigDir) -> Org:
    config.settings(f'[web]\nsecret = "{SECRET}"\npublic_url = "http://checkins.test"\n')
    config.people(PEOPLE)
    organisation = Org(config)
    organisation.run()
    return organisation


@pytest.fixture
def app(org: Org) -> Flask:
    return create_app(org.root, clock=lambda: CLOCK)


SignIn = Callable[[str], FlaskClient]


@pytest.fixture
def sign_in(app: Flask, org: Org) -> SignIn:
    """A fresh browser (test client) signed in as the given manager."""

    def signed_in(email: str) -> FlaskClient:
        client = app.test_client()
        link = make_link(load_settings(org.root).web, email, CLOCK)
        use_link(client, link.url)
        return client

    return signed_in


def make_link_client(app: Flask, org: Org, email: str, now: datetime) -> FlaskClient:
    """A browser signed in as `email` to `app`, whose clock says `now`."""
    client = app.test_client()
    use_link(client, make_link(load_settings(org.root).web, email, now).url)
    return client


def path_of(url: str) -> str:
    return re.sub(r"^https?://[^/]+", "", url)


def csrf_of(html: str) -> str:
    match = re.search(r'name="csrf" value="([^"]+)"', html)
    assert match, "the page has a form with a CSRF token"
    return match.group(1)


def use_link(client: FlaskClient, url: str) -> str:
    """Open a sign-in link and press its button, as a person does; returns the final page."""
    page = client.get(path_of(url))
    assert page.status_code == 200, page.text
    token = re.search(r'name="token" value="([^"]+)"', page.text)
    assert token
    done = client.post(
        "/sign-in",
        data={"csrf": csrf_of(page.text), "token": token.group(1)},
        follow_redirects=True,
    )
    assert done.status_code == 200, done.text
    return done.text


def post(client: FlaskClient, path: str, **form: str) -> str:
    """Submit a form on the manager's page as loaded now; returns the page after redirect."""
    token = csrf_of(client.get("/").text)
    response = client.post(path, data={"csrf": token, **form}, follow_redirects=True)
    assert response.status_code == 200, response.text
    return response.text


def seen_text(html: str) -> str:
    """The page's text as a person reads it: tags removed, entities decoded, spaces folded."""
    import html as html_module

    text = re.sub(r"<[^>]+>", " ", html)
    return " ".join(html_module.unescape(text).split())


class _Kept(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.fields: list[dict[str, object]] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.fields.append({"event": record.getMessage(), **getattr(record, FIELDS, {})})


@contextmanager
def request_log() -> Iterator[list[dict[str, object]]]:
    """The app's access log lines while the block runs, as their fields: whatever the
    logging of the process is set to."""
    logger = logging.getLogger(LOGGER)
    kept, level = _Kept(), logger.level
    logger.addHandler(kept)
    logger.setLevel(logging.DEBUG)
    try:
        yield kept.fields
    finally:
        logger.removeHandler(kept)
        logger.setLevel(level)
