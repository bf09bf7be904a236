"""Subscription addresses: each person's check-ins as a calendar feed at an unguessable URL.

Calendar apps cannot sign in, so the address itself is the key: it carries the person's
email signed with [feeds] secret (or, without one, [web] secret under a salt of its own, so
a feed address never works as a sign-in link or the other way round). Changing that secret
revokes every address handed out; people then need their new one (`checkin-sync feed-url`).
One person's address alone is revoked by giving them a new one (`feed-url --new`): the
address carries a version number, and only the person's current one works.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from urllib.parse import urlsplit, urlunsplit

from itsdangerous import BadSignature, URLSafeSerializer

from sync.errors import ConfigError
from sync.export.ics_writer import calendar_for
from sync.export.series import to_booked
from sync.settings import Settings
from sync.signin import NO_SECRET
from sync.store import SeriesRecord, SeriesState

FEED_PATH = "/feeds/"
_SALT = "checkin-sync calendar feed"
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
    payload: list[str | int] = [email.lower(), version]
    token: str = URLSafeSerializer(secret, salt=_SALT).dumps(payload)
    return token


def read_token(secret: str, token: str) -> tuple[str, int] | None:
    """The email and version a genuine token names; None for anything else (cut short,
    forged, or signed with a secret since replaced)."""
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


def feed_for(email: str, series: list[SeriesRecord], refresh: timedelta) -> Feed:
    """`email`'s check-ins, and when any of them last changed (cancelled ones included: their
    disappearance is a change too)."""
    own = [
        s
        for s in series
        if email.lower() in (s.proposal.manager.lower(), s.proposal.employee.lower())
    ]
    shown = [to_booked(s) for s in own if s.state not in LEFT_OUT]
    changed = max((s.updated_at for s in own), default=None)
    return Feed(calendar_for(email, shown, refresh=refresh), changed)
