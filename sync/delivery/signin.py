"""Sign-in links: no passwords. A link names one manager, is signed with the [web] secret,
expires after `link_hours`, and can be used once (the store remembers used link ids).

Expiry is part of the signed payload and checked against a clock passed in, so it can be
tested without waiting and does not depend on itsdangerous' own timestamp handling.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from itsdangerous import BadSignature, URLSafeSerializer

from sync.config.roster import load_roster
from sync.config.settings import WebSettings
from sync.model.errors import ConfigError, SignInError, UsageError
from sync.model.values import Manager, Person
from sync.plumbing.i18n import N_

SIGN_IN_PATH = "/sign-in/"
_SALT = "checkin-sync sign-in link"
NO_SECRET = (
    "[web] secret is not set: add it to settings.toml or set CHECKIN_SYNC_WEB__SECRET "
    "(at least 16 characters; e.g. the output of: python3 -c "
    "'import secrets; print(secrets.token_urlsafe(32))')"
)


@dataclass(frozen=True)
class SignInLink:
    url: str
    token: str
    email: str
    link_id: str
    expires: datetime


@dataclass(frozen=True)
class LinkClaim:
    """What a valid token says: who, which link, until when."""

    email: str
    link_id: str
    expires: datetime
    issued: datetime | None = None
    """When the link was made; None for links made before links said so."""


def require_secret(web: WebSettings) -> str:
    if web.secret is None:
        raise ConfigError([NO_SECRET])
    return web.secret.get_secret_value()


def make_link(web: WebSettings, email: str, now: datetime, secret: str | None = None) -> SignInLink:
    """A fresh link for `email`, valid for `web.link_hours` from `now`."""
    key = secret or require_secret(web)
    link_id = secrets.token_urlsafe(16)
    expires = (now + timedelta(hours=web.link_hours)).astimezone(UTC).replace(microsecond=0)
    issued = int(now.timestamp())
    token = _serializer(key).dumps(
        {"e": email, "j": link_id, "x": int(expires.timestamp()), "i": issued}
    )
    return SignInLink(f"{web.public_url}{SIGN_IN_PATH}{token}", token, email, link_id, expires)


def read_link(secret: str, token: str, now: datetime) -> LinkClaim:
    """The claim of a genuine, unexpired token; SignInError otherwise. Whether it was used
    already is the store's to say."""
    payload = read_signed(
        _serializer(secret),
        token,
        now,
        invalid=N_(
            "This sign-in link is not valid: it may have been cut short or changed. Copy "
            "the whole link from the email, or ask for a new one."
        ),
        expired=N_(
            "This sign-in link has expired. The next digest email brings a new one, or ask "
            "your operator for one (checkin-sync login-link EMAIL)."
        ),
    )
    return LinkClaim(
        email=str(payload["e"]),
        link_id=str(payload["j"]),
        expires=datetime.fromtimestamp(int(payload["x"]), UTC),
        issued=datetime.fromtimestamp(int(payload["i"]), UTC) if "i" in payload else None,
    )


def read_signed(
    serializer: URLSafeSerializer, token: str, now: datetime, *, invalid: str, expired: str
) -> dict[str, Any]:
    """The payload of a genuine token that names a person ("e") and a link ("j") and has
    not expired ("x"); SignInError with `invalid` or `expired` otherwise."""
    try:
        payload = serializer.loads(token)
        if not isinstance(payload, dict) or not all(
            isinstance(payload.get(key), str) for key in ("e", "j")
        ):
            raise ValueError("not a link")
        expires = datetime.fromtimestamp(int(payload["x"]), UTC)
        if "i" in payload:
            datetime.fromtimestamp(int(payload["i"]), UTC)
    except (BadSignature, KeyError, TypeError, ValueError, OverflowError, OSError):
        # OverflowError/OSError: a genuine signature over a time no calendar has (a link
        # made with a far too long lifetime, or a forged one if the secret leaked)
        raise SignInError(invalid) from None
    if now >= expires:
        raise SignInError(expired)
    return payload


def manager_named(config_dir: Path, email: str) -> Manager:
    """Links are for managers in people.toml; anyone else gets a clear no."""
    roster = load_roster(config_dir / "people.toml")
    manager = roster.managers.get(email)
    if manager is None:
        raise UsageError(
            f"{email} is not a manager in {config_dir / 'people.toml'}; sign-in links are for "
            "the managers listed under [[managers]]"
        )
    return manager


def person_named(config_dir: Path, email: str) -> Person:
    """A manager or employee in people.toml; anyone else gets a clear no."""
    roster = load_roster(config_dir / "people.toml")
    for person in roster.people():
        if person.email == email:
            return person
    raise UsageError(f"{email} is not in {config_dir / 'people.toml'}")


def _serializer(secret: str) -> URLSafeSerializer:
    return URLSafeSerializer(secret, salt=_SALT)
