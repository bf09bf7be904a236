"""Losing the state database does not undo revocations: a revoked feed address stays dead,
and a sign-in link that may have been used before the loss does not sign in again."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

from flask import Flask

from sync.config.settings import load_settings
from sync.delivery.signin import make_link
from sync.store import Store
from sync.web import create_app
from tests.conftest import ConfigDir, Result
from tests.delivery.test_feeds import booked, client, feed_path  # noqa: F401  (booked: a fixture)
from tests.web_helpers import Org, path_of, use_link

CLI = Callable[..., Result]


def _lose_the_database(data: Path) -> None:
    for name in ("state.sqlite", "state.sqlite-wal", "state.sqlite-shm"):
        (data / name).unlink(missing_ok=True)


def test_a_revoked_feed_address_stays_revoked_when_the_database_is_lost(
    cli: CLI,
    booked: ConfigDir,  # noqa: F811  (the fixture imported above)
) -> None:
    old = feed_path("lena@example.com")
    result = cli("--config", str(booked.root), "feed-url", "lena@example.com", "--new")
    assert result.code == 0, result.err
    new = result.out.splitlines()[2].removeprefix("https://checkins.example.com")
    assert client(booked).get(old).status_code == 404

    _lose_the_database(booked.data)
    web = client(booked)
    assert web.get(old).status_code == 404, "the revoked address is still dead"
    assert web.get(new).status_code == 200, "the current one still works"
    again = cli("--config", str(booked.root), "feed-url", "lena@example.com")
    assert new in again.out, "the address handed out is the current one"
    newer = cli("--config", str(booked.root), "feed-url", "lena@example.com", "--new")
    assert client(booked).get(new).status_code == 404
    assert newer.out.splitlines()[2].removeprefix("https://checkins.example.com") not in (
        old,
        new,
    )


def test_a_used_sign_in_link_does_not_sign_in_again_after_the_database_is_lost(
    org: Org,
) -> None:
    # links and the app on the real clock, as in production: the loss is dated by it
    app: Flask = create_app(org.root)
    web = load_settings(org.root).web
    used = make_link(web, "karin@example.com", datetime.now(UTC)).url
    use_link(app.test_client(), used)

    _lose_the_database(org.config.data)
    opened = app.test_client().get(path_of(used))
    assert opened.status_code == 410
    assert "already used" in opened.text
    # a link made after the loss works (made a little later: links count whole seconds)
    fresh = make_link(web, "karin@example.com", datetime.now(UTC) + timedelta(seconds=2)).url
    page = use_link(app.test_client(), fresh)
    assert "Check-ins for" in page and "Sign out" in page


def test_a_new_installation_voids_no_links(config: ConfigDir) -> None:
    store = Store.open(config.data / "state.sqlite")
    try:
        assert store.sign_in_links_void_before() is None
        assert (config.data / "revocations.json").exists()
    finally:
        store.close()


def test_the_feed_of_someone_who_left_the_roster_can_be_revoked(
    cli: CLI,
    booked: ConfigDir,  # noqa: F811  (the fixture imported above)
) -> None:
    address = feed_path("lena@example.com")
    assert client(booked).get(address).status_code == 200
    people = (booked.root / "people.toml").read_text()
    booked.people(people.replace('email = "lena@example.com"', 'email = "lena2@example.com"'))
    shown = cli("--config", str(booked.root), "feed-url", "lena@example.com")
    assert shown.code == 2, "no address is handed out for someone not in the roster"
    revoked = cli("--config", str(booked.root), "feed-url", "lena@example.com", "--new")
    assert revoked.code == 0, revoked.err
    assert "The feed address of lena@example.com no longer works" in revoked.out
    assert "https://" not in revoked.out
    assert client(booked).get(address).status_code == 404
