"""Approve links in the digest: one per proposal, so a manager can approve from the email.

A link names the manager and the proposal, is signed with the [web] secret (with a salt of
its own, so a sign-in link cannot pass for one), expires after `link_hours` and works once
(the store remembers used link ids, as for sign-in links). Opening it only shows what would
be approved and a button: mail scanners fetch links before people do, and must not approve.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from itsdangerous import URLSafeSerializer

from sync.config.settings import WebSettings
from sync.delivery.signin import read_signed, require_secret
from sync.model.errors import SignInError
from sync.plumbing.i18n import N_

APPROVE_PATH = "/approve/"
_SALT = "checkin-sync approve link"


@dataclass(frozen=True)
class ApproveClaim:
    """What a valid approve link says: who may approve which proposal, with which link."""

    email: str
    proposal_id: int
    link_id: str
    issued: datetime


def make_approve_link(web: WebSettings, email: str, proposal_id: int, now: datetime) -> str:
    """A fresh link for `email` to approve proposal `proposal_id`, valid for `link_hours`."""
    expires = now + timedelta(hours=web.link_hours)
    token = _serializer(require_secret(web)).dumps(
        {
            "e": email,
            "p": proposal_id,
            "j": secrets.token_urlsafe(16),
            "x": int(expires.astimezone(UTC).timestamp()),
            "i": int(now.timestamp()),
        }
    )
    return f"{web.public_url}{APPROVE_PATH}{token}"


def read_approve_link(secret: str, token: str, now: datetime) -> ApproveClaim:
    """The claim of a genuine, unexpired approve link; SignInError otherwise."""
    payload = read_signed(
        _serializer(secret),
        token,
        now,
        invalid=_INVALID,
        expired=N_(
            "This approve link has expired. The approval page, through the sign-in link of "
            "your latest digest email, shows what still waits for you."
        ),
    )
    proposal_id = payload.get("p")
    if not isinstance(proposal_id, int) or isinstance(proposal_id, bool):
        raise SignInError(_INVALID)  # genuine but without a proposal: only a leaked secret
    issued = datetime.fromtimestamp(int(payload.get("i", 0)), UTC)
    return ApproveClaim(str(payload["e"]), proposal_id, str(payload["j"]), issued)


_INVALID = N_(
    "This approve link is not valid: it may have been cut short or changed. Open the "
    "approval page from your latest digest email instead."
)


def _serializer(secret: str) -> URLSafeSerializer:
    return URLSafeSerializer(secret, salt=_SALT)
