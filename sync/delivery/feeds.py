"""Subscription addresses: each person's check-ins as a calendar feed at an unguessable URL.

Calendar apps cannot sign in, so the address itself is the key. It reveals nothing about
whose it is: its token is made of HMACs of the person's email and address version under a
key derived from [feeds] secret (or, without one, [web] secret under a label of its own, so a
feed address never works as a sign-in link or the other way round), 32 characters of
base32 whatever the email. Nothing about it is stored: the server finds whose feed a token
is among everyone who can have one by the keyed id at its start.

Changing the secret revokes every address handed out; people then need their new one
(`checkin-sync feed-url`). One person's address alone is revoked by giving them a new one
(`feed-url --new`), which raises their version in the database and in
data_dir/revocations.json (sync/store/revocation_file.py), so a lost database alone does not
bring a revoked address back. The trade-off of deriving rather than storing: if data_dir as
a whole is lost or restored from an old backup, addresses revoked since work again — change
the secret after such a restore. (Storing a random id per person instead would turn a lost
database into every address dead.)

Addresses from before tokens were opaque (the email, signed) keep working until revoked, so
subscriptions survive the upgrade; `feed-url` prints the opaque form.
"""

from __future__ import annotations

import base64
import contextlib
import functools
import hashlib
import hmac
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from itsdangerous import BadSignature, URLSafeSerializer

from sync.config.roster import load_roster
from sync.config.settings import Settings
from sync.delivery.export.series import to_booked
from sync.delivery.signin import NO_SECRET
from sync.ical.ics_writer import calendar_for
from sync.model.errors import ConfigError, SyncError
from sync.plumbing.i18n import SOURCE_LANGUAGE
from sync.store import SeriesRecord, SeriesState

FEED_PATH = "/feeds/"
_SALT = "checkin-sync calendar feed"
_ID_BYTES, _CHECK_BYTES = 10, 10
"""80 bits each, 16 + 16 base32 characters without padding: neither someone's id nor, with
a revoked address in hand (which has the id), their current address can be guessed."""
_ID_CHARS = _ID_BYTES * 8 // 5
_TOKEN_CHARS = _ID_CHARS + _CHECK_BYTES * 8 // 5
_BASE32_CHARS = frozenset("abcdefghijklmnopqrstuvwxyz234567")
LEFT_OUT = (SeriesState.BOOKING, SeriesState.CANCELLED)
"""Not yet in any calendar, or cancelled: a subscribed calendar drops what the feed no
longer lists, which is how a cancelled series disappears from it."""


@dataclass(frozen=True)
class FeedUrls:
    https: str
    webcal: str


def feed_secret(settings: Settings, web_secret: str | None = None) -> str:
    if settings.feeds.secret is not None:
        return settings.feeds.secret.get_secret_value()
    if web_secret is not None:
        return web_secret
    if settings.web.secret is not None:
        return settings.web.secret.get_secret_value()
    raise ConfigError(
        [
            "[feeds] secret is not set, and neither is [web] secret: set one of them "
            "(env CHECKIN_SYNC_FEEDS__SECRET). " + NO_SECRET.split(": ", 1)[1]
        ]
    )


def make_token(secret: str, email: str, version: int = 0) -> str:
    """32 base32 characters: who (a keyed id of the email, the same for all of the person's
    addresses, so the server finds them without trying everyone) and which address (a
    keyed check of the email and version, so only the current one works)."""
    key = _key(secret)
    check = _mac(key, f"address\n{email.lower()}\n{version}")[:_CHECK_BYTES]
    return _person_id(key, email) + _base32(check)


def feed_owner(
    secret: str, token: str, people: Iterable[str], version: Callable[[str], int]
) -> str | None:
    """Whose current feed address `token` is, among `people` (whose current address
    `version` tells); None for anything else (revoked, cut short, forged, or made with a
    secret since replaced)."""
    if "." in token:  # signed, from before tokens were opaque
        claim = _read_signed_token(secret, token)
        if claim is None or version(claim[0]) != claim[1]:
            return None
        return claim[0]
    known = _people_by_id(_key(secret), frozenset(p.lower() for p in people))
    email = known.get(token[:_ID_CHARS])
    if email is None or not hmac.compare_digest(make_token(secret, email, version(email)), token):
        return None
    return email


def well_formed(secret: str, token: str) -> bool:
    """Whether `token` can be a feed address of this service at all, found without looking
    anyone up: a made-up address is answered before the database is even opened."""
    if "." in token:
        return _read_signed_token(secret, token) is not None
    return len(token) == _TOKEN_CHARS and set(token) <= _BASE32_CHARS


@functools.lru_cache(maxsize=2)
def _people_by_id(key: bytes, people: frozenset[str]) -> dict[str, str]:
    # built again only when someone joins or leaves: one keyed hash per person
    return {_person_id(key, email): email for email in people}


def _person_id(key: bytes, email: str) -> str:
    return _base32(_mac(key, f"person\n{email.lower()}")[:_ID_BYTES])


@functools.lru_cache(maxsize=4)
def _key(secret: str) -> bytes:
    # its own key, so no token is ever a MAC that another part of the service makes
    return _mac(secret.encode(), _SALT)


def _mac(key: bytes, message: str) -> bytes:
    return hmac.new(key, message.encode(), hashlib.sha256).digest()


def _base32(data: bytes) -> str:
    return base64.b32encode(data).decode().lower()


def people_with_feeds(config_dir: Path, in_series: Iterable[str]) -> set[str]:
    """Everyone whose address may be asked for: the people in people.toml, who can have one
    before anything is booked, and everyone in a series (`in_series`), which a broken or
    edited people.toml must not take from them."""
    found = set(in_series)
    with contextlib.suppress(SyncError, OSError):
        found |= _roster_emails(config_dir / "people.toml")
    return {e.lower() for e in found}


def _roster_emails(path: Path) -> frozenset[str]:
    state = path.stat()
    return _roster_emails_of(path, state.st_mtime_ns, state.st_size)


@functools.lru_cache(maxsize=4)
def _roster_emails_of(path: Path, _mtime_ns: int, _size: int) -> frozenset[str]:
    # reading people.toml takes far longer than a feed: it is read again only when changed
    return frozenset(p.email for p in load_roster(path).people())


def _read_signed_token(secret: str, token: str) -> tuple[str, int] | None:
    try:
        payload = URLSafeSerializer(secret, salt=_SALT).loads(token)
    except BadSignature:
        return None
    match payload:
        case [str(email), int(version)]:
            return email, version
    return None


def feed_urls(public_url: str, token: str) -> FeedUrls:
    https = f"{public_url}{FEED_PATH}{token}.ics"
    parts = urlsplit(https)
    # webcal:// is how calendar apps are told "subscribe" rather than "download"
    return FeedUrls(https, urlunsplit(("webcal", *parts[1:])))


@dataclass(frozen=True)
class Feed:
    body: bytes
    last_modified: datetime | None


def feed_for(
    email: str, series: list[SeriesRecord], refresh: timedelta, language: str = SOURCE_LANGUAGE
) -> Feed:
    """`email`'s check-ins among `series` (the store's `series_with(email)`), and when any of
    them last changed (cancelled ones included: their disappearance is a change too)."""
    own = [
        s
        for s in series
        if email.lower() in (s.proposal.manager.lower(), s.proposal.employee.lower())
    ]
    shown = [to_booked(s, language) for s in own if s.state not in LEFT_OUT]
    changed = max((s.updated_at for s in own), default=None)
    return Feed(calendar_for(email, shown, refresh=refresh), changed)
