"""Google's OAuth token endpoint as the emulator needs it: service accounts and refresh tokens.

Tokens are bound to a subject (the impersonated user, or the service account itself) and to
the granted scopes; the scope table says which API methods each scope may call.
"""

from __future__ import annotations

import base64
import functools
import json
import secrets
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from .google_errors import ApiError, OAuthError, unauthenticated

SCOPE_PREFIX = "https://www.googleapis.com/auth/"
CALENDAR_SCOPE = SCOPE_PREFIX + "calendar"
READONLY_SCOPE = SCOPE_PREFIX + "calendar.readonly"
EVENTS_SCOPE = SCOPE_PREFIX + "calendar.events"
FREEBUSY_SCOPE = SCOPE_PREFIX + "calendar.freebusy"
EVENTS_FREEBUSY_SCOPE = SCOPE_PREFIX + "calendar.events.freebusy"
JWT_GRANT = "urn:ietf:params:oauth:grant-type:jwt-bearer"

# Which scopes may call which method: copied from the discovery document shipped with
# google-api-python-client 2.202 (calendar.v3.json); a test keeps the two in step.
_FREEBUSY = {"calendar", "calendar.events.freebusy", "calendar.freebusy", "calendar.readonly"}
_READ = {
    "calendar",
    "calendar.app.created",
    "calendar.events",
    "calendar.events.freebusy",
    "calendar.events.owned",
    "calendar.events.owned.readonly",
    "calendar.events.public.readonly",
    "calendar.events.readonly",
    "calendar.readonly",
}
_WRITE = {"calendar", "calendar.app.created", "calendar.events", "calendar.events.owned"}
METHOD_SCOPES: dict[str, frozenset[str]] = {
    "freebusy.query": frozenset(_FREEBUSY),
    "events.list": frozenset(_READ),
    "events.get": frozenset(_READ),
    "events.instances": frozenset(_READ),
    "events.insert": frozenset(_WRITE),
    "events.patch": frozenset(_WRITE),
    "events.update": frozenset(_WRITE),
    "events.delete": frozenset(_WRITE),
}
# A token whose only event-reading scope is this one sees event times, not event details.
TIMES_ONLY_SCOPE = "calendar.events.freebusy"
# Scopes that reach only calendars the acting user owns ("... on Google calendars you own").
OWNED_ONLY_SCOPES = frozenset({"calendar.events.owned", "calendar.events.owned.readonly"})


def short_scope(scope: str) -> str:
    return scope.removeprefix(SCOPE_PREFIX)


@dataclass(frozen=True)
class AccessToken:
    token: str
    subject: str
    scopes: frozenset[str]  # short names, e.g. "calendar.events"
    expires_at: float
    client: str


@dataclass(frozen=True)
class UserGrant:
    """What a refresh token stands for: a user's consent to some scopes for one OAuth client."""

    email: str
    scopes: frozenset[str]
    client_id: str
    client_secret: str


@functools.cache
def test_key_pem() -> str:
    """One RSA key per test process: key generation is the slow part of a service account."""
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    return pem.decode()


def _b64decode(part: str) -> bytes:
    return base64.urlsafe_b64decode(part + "=" * (-len(part) % 4))


@functools.lru_cache(maxsize=16)
def _public_key(pem: str) -> Any:
    """Loading a PEM key costs milliseconds; a service account signs a JWT per person."""
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa

    key = serialization.load_pem_private_key(pem.encode(), password=None)
    return key.public_key() if isinstance(key, rsa.RSAPrivateKey) else None


def _verify_rs256(pem: str, signing_input: str, signature: bytes) -> bool:
    from cryptography.exceptions import InvalidSignature
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.asymmetric import padding

    public = _public_key(pem)
    if public is None:
        return False
    try:
        public.verify(signature, signing_input.encode(), padding.PKCS1v15(), hashes.SHA256())
    except InvalidSignature:
        return False
    return True


class TokenIssuer:
    """Issues and checks access tokens; knows service-account keys and refresh tokens."""

    def __init__(self, lock: threading.RLock, is_user: Callable[[str], bool]) -> None:
        self.lock = lock
        self.is_user = is_user  # whether a subject may be impersonated (a known user)
        self.lifetime = 3600
        self.tokens: dict[str, AccessToken] = {}
        self.issued: list[AccessToken] = []  # every token granted, in order (tests read scopes)
        self.refresh_tokens: dict[str, UserGrant] = {}
        self.service_accounts: dict[str, str] = {}  # client_email -> private key PEM
        self.delegation: dict[str, frozenset[str]] = {}  # client_email -> allowed scopes
        # service account -> identities with the Service Account Token Creator role on it
        self.token_creators: dict[str, frozenset[str]] = {}

    def add_service_account(self, email: str, pem: str, delegated: list[str] | None) -> None:
        with self.lock:
            self.service_accounts[email] = pem
            if delegated is not None:
                self.delegation[email] = frozenset(map(short_scope, delegated))

    def add_token_creators(self, email: str, callers: list[str]) -> None:
        with self.lock:
            self.token_creators[email.lower()] = frozenset(c.lower() for c in callers)

    def sign_blob(self, target: str, caller: AccessToken, body: Any) -> dict[str, str]:
        """IAM Service Account Credentials ``signBlob``: sign with the account's own key, for
        a caller holding the Token Creator role on it (the key itself is never handed out)."""
        from cryptography.hazmat.primitives import hashes, serialization
        from cryptography.hazmat.primitives.asymmetric import padding, rsa

        if not caller.scopes & {"cloud-platform", "iam"}:
            raise ApiError(403, "insufficientPermissions", "Request had insufficient scopes.")
        if not isinstance(body, dict) or set(body) - {"payload", "delegates"}:
            raise ApiError(400, "badRequest", "Invalid JSON payload received.")
        try:
            payload = base64.b64decode(str(body["payload"]), validate=True)
        except (KeyError, ValueError) as exc:
            raise ApiError(400, "badRequest", "Invalid value at 'payload' (TYPE_BYTES)") from exc
        with self.lock:
            pem = self.service_accounts.get(target)
            allowed = caller.subject in self.token_creators.get(target.lower(), frozenset())
        if pem is None or not allowed:
            raise ApiError(
                403,
                "forbidden",
                "Permission 'iam.serviceAccounts.signBlob' denied on resource (or it may "
                "not exist).",
            )
        key = serialization.load_pem_private_key(pem.encode(), password=None)
        assert isinstance(key, rsa.RSAPrivateKey)
        signature = key.sign(payload, padding.PKCS1v15(), hashes.SHA256())
        return {"keyId": "google-managed-1", "signedBlob": base64.b64encode(signature).decode()}

    def add_refresh_token(self, email: str, scopes: list[str]) -> tuple[str, UserGrant]:
        grant = UserGrant(
            email.lower(),
            frozenset(map(short_scope, scopes)),
            f"{secrets.token_hex(6)}.apps.googleusercontent.com",
            secrets.token_urlsafe(12),
        )
        refresh_token = "1//emu-" + secrets.token_urlsafe(24)
        with self.lock:
            self.refresh_tokens[refresh_token] = grant
        return refresh_token, grant

    def expire_all(self) -> None:
        with self.lock:
            self.tokens.clear()

    def authenticate(self, authorization: str) -> AccessToken:
        with self.lock:
            token = self.tokens.get(authorization.removeprefix("Bearer ").strip())
        if token is None or token.expires_at < time.monotonic():
            raise unauthenticated()
        return token

    def grant(self, form: dict[str, str]) -> tuple[dict[str, object], str]:
        """Answer a token request: (JSON reply, subject) or raise ``OAuthError``."""
        grant_type = form.get("grant_type")
        if grant_type == JWT_GRANT:
            subject, scopes, client = self._jwt_grant(form.get("assertion", ""))
        elif grant_type == "refresh_token":
            subject, scopes, client = self._refresh_grant(form)
        else:
            raise OAuthError(400, "unsupported_grant_type", f"Invalid grant_type: {grant_type}")
        token = "ya29.emu-" + secrets.token_urlsafe(24)
        access = AccessToken(token, subject, scopes, time.monotonic() + self.lifetime, client)
        with self.lock:
            self.tokens[token] = access
            self.issued.append(access)
        reply: dict[str, object] = {
            "access_token": token,
            "expires_in": self.lifetime,
            "token_type": "Bearer",
            "scope": " ".join(sorted(SCOPE_PREFIX + s for s in scopes)),
        }
        return reply, subject

    def _refresh_grant(self, form: dict[str, str]) -> tuple[str, frozenset[str], str]:
        with self.lock:
            grant = self.refresh_tokens.get(form.get("refresh_token", ""))
        if grant is None:
            raise OAuthError(400, "invalid_grant", "Token has been expired or revoked.")
        client = (form.get("client_id"), form.get("client_secret"))
        if client != (grant.client_id, grant.client_secret):
            raise OAuthError(401, "invalid_client", "The OAuth client was not found.")
        requested = frozenset(map(short_scope, form.get("scope", "").split())) or grant.scopes
        if not requested <= grant.scopes:
            raise OAuthError(400, "invalid_scope", "Some requested scopes were invalid.")
        return grant.email, requested, grant.client_id

    def _jwt_grant(self, assertion: str) -> tuple[str, frozenset[str], str]:
        """Parse (and, for keys this emulator issued, verify) a service account's JWT."""
        try:
            header_b64, payload_b64, signature_b64 = assertion.split(".")
            header = json.loads(_b64decode(header_b64))
            payload = json.loads(_b64decode(payload_b64))
            signature = _b64decode(signature_b64)
        except ValueError as exc:
            raise OAuthError(400, "invalid_grant", "Invalid JWT.") from exc
        issuer = str(payload.get("iss", ""))
        if header.get("alg") != "RS256" or not issuer:
            raise OAuthError(400, "invalid_grant", "Invalid JWT.")
        if int(payload.get("exp", 0)) < time.time():
            raise OAuthError(
                400,
                "invalid_grant",
                "Invalid JWT: Token must be a short-lived token (60 minutes) and in a "
                "reasonable timeframe.",
            )
        with self.lock:
            pem = self.service_accounts.get(issuer)
            allowed = self.delegation.get(issuer)
        if pem is not None and not _verify_rs256(pem, f"{header_b64}.{payload_b64}", signature):
            raise OAuthError(400, "invalid_grant", "Invalid JWT Signature.")
        scopes = frozenset(map(short_scope, str(payload.get("scope", "")).split()))
        if not scopes:
            raise OAuthError(
                400, "invalid_scope", "Invalid OAuth scope or ID token audience provided."
            )
        subject = str(payload.get("sub") or "").lower()
        if subject:
            if not self.is_user(subject):
                raise OAuthError(400, "invalid_grant", "Invalid email or User ID")
            if allowed is not None and not scopes <= allowed:
                raise OAuthError(
                    401,
                    "unauthorized_client",
                    "Client is unauthorized to retrieve access tokens using this method, or "
                    "client not authorized for any of the scopes requested.",
                )
        return subject or issuer.lower(), scopes, issuer
