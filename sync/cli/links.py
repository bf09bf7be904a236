"""Addresses people use: a manager's sign-in link, a person's calendar subscription address
(and a new one, revoking the old)."""

from __future__ import annotations

import argparse
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from sync.cli.common import (
    EXIT_OK,
    config_folder,
)
from sync.cli.output import echo
from sync.config.dev_secret import DEV_SECRET_FILE, signing_secret
from sync.config.paths import Paths
from sync.model.errors import UsageError
from sync.store import Store

if TYPE_CHECKING:
    from sync.config.settings import Settings


def add_links(commands: Any, common: argparse.ArgumentParser) -> None:
    login_link = commands.add_parser(
        "login-link", parents=[common], help="print a sign-in link for a manager"
    )
    login_link.add_argument("email", metavar="EMAIL")
    login_link.set_defaults(handler=_login_link)

    feed_url = commands.add_parser(
        "feed-url", parents=[common], help="print a person's calendar subscription address"
    )
    feed_url.add_argument("email", metavar="EMAIL")
    feed_url.add_argument(
        "--new", action="store_true", help="revoke the person's address and print a new one"
    )
    feed_url.set_defaults(handler=_feed_url)


def _login_link(args: argparse.Namespace) -> int:
    # each command imports what it uses when it runs: see sync/cli/main.py on start-up
    from sync.config.settings import load_settings
    from sync.delivery.signin import make_link, manager_named

    config_dir = config_folder(args)
    settings = load_settings(config_dir)
    email = args.email.strip().lower()
    manager = manager_named(config_dir, email)
    signing = signing_secret(settings)
    link = make_link(settings.web, email, datetime.now(UTC), secret=signing.secret)
    echo(
        f"Sign-in link for {manager.person.name} <{email}>, usable once, valid until "
        f"{link.expires:%Y-%m-%d %H:%M} UTC:"
    )
    print(link.url)
    if signing.development:
        echo(development_note(settings, "It works"))
    return EXIT_OK


def development_note(settings: Settings, subject: str) -> str:
    return (
        f"{subject} with checkin-sync serve --dev only: it is signed with the development "
        f"secret in {settings.data_dir / DEV_SECRET_FILE}, as [web] secret is not set."
    )


def _feed_url(args: argparse.Namespace) -> int:
    from sync.config.settings import load_settings
    from sync.delivery.feeds import feed_secret, feed_urls, make_token
    from sync.delivery.signin import person_named

    config_dir = config_folder(args)
    settings = load_settings(config_dir)
    email = args.email.strip().lower()
    try:
        person = person_named(config_dir, email)
    except UsageError:
        if not args.new:
            raise
        # someone who left people.toml: their address can still be revoked
        return _revoke_feed(settings, email)
    signing = signing_secret(settings)
    secret = feed_secret(settings, signing.secret)
    store = Store.open(Paths(settings.data_dir).database)
    try:
        version = store.new_feed_version(email) if args.new else store.feed_version(email)
    finally:
        store.close()
    urls = feed_urls(settings.web.public_url, make_token(secret, email, version))
    if args.new:
        print(f"The previous address of {person.name} no longer works.")
    echo(f"Check-ins of {person.name} <{email}>, to subscribe to in a calendar app:")
    print(urls.https)
    print(urls.webcal)
    echo(
        "Anyone with the address can read these check-ins; --new revokes it and prints "
        "another, and changing [feeds] secret (or, without one, [web] secret) revokes all."
    )
    if signing.development and settings.feeds.secret is None:
        echo(development_note(settings, "It works"))
    return EXIT_OK


def _revoke_feed(settings: Settings, email: str) -> int:
    store = Store.open(Paths(settings.data_dir).database)
    try:
        store.new_feed_version(email)
    finally:
        store.close()
    echo(
        f"The feed address of {email} no longer works ({email} is not in people.toml, so "
        "no new one is made)."
    )
    return EXIT_OK
