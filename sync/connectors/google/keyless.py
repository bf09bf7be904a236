"""Domain-wide delegation without a service-account key.

Organisations created since 2024 forbid service-account keys by default
(`iam.disableServiceAccountKeyCreation`). Delegation still works without one: the JWT that
asks for a user's token is signed by Google's IAM Service Account Credentials API
(`signBlob`) as the delegating service account, called by whatever identity this machine
already has — Application Default Credentials: an attached service account (Compute
Engine, Cloud Run, GKE) or a Workload Identity Federation configuration named by
GOOGLE_APPLICATION_CREDENTIALS. That identity needs the Service Account Token Creator role
on the delegating account; the key never leaves Google.
"""

from __future__ import annotations

import base64
import threading
from typing import Any
from urllib.parse import quote

import google.auth
from google.auth import crypt
from google.auth.credentials import Credentials
from google.auth.exceptions import DefaultCredentialsError, RefreshError, TransportError
from google.auth.transport.requests import AuthorizedSession
from google.oauth2 import service_account
from requests import RequestException

CLOUD_PLATFORM = "https://www.googleapis.com/auth/cloud-platform"
KEYLESS_SETTING = "[google] service_account (env CHECKIN_SYNC_GOOGLE__SERVICE_ACCOUNT)"


class SigningRefused(RefreshError):
    """IAM would not sign as the delegating account, or there is no identity to ask it with."""


class IamSigner(crypt.Signer):
    """Signs bytes as `service_account` through IAM, as the identity this machine runs as.

    That identity is looked up on the first signature, not before: `config check` builds
    credentials without touching the network."""

    def __init__(self, service_account: str, iam_endpoint: str, timeout: float) -> None:
        self.service_account = service_account
        self.url = (
            f"{iam_endpoint.rstrip('/')}/v1/projects/-/serviceAccounts/"
            f"{quote(service_account, safe='@')}:signBlob"
        )
        self.timeout = timeout
        self._session: AuthorizedSession | None = None
        self._lock = threading.Lock()

    @property
    def key_id(self) -> str | None:
        return None  # IAM picks one of the account's Google-managed keys

    def sign(self, message: str | bytes) -> bytes:
        payload = message.encode() if isinstance(message, str) else message
        body = {"payload": base64.b64encode(payload).decode()}
        try:
            answer = self._caller().post(self.url, json=body, timeout=self.timeout)
        except (RequestException, TransportError) as error:
            raise TransportError(f"cannot reach the IAM Credentials API ({error})") from error
        if answer.status_code != 200:
            raise SigningRefused(
                f"IAM refused to sign as {self.service_account} ({answer.status_code} "
                f"{_message(answer)}): give the identity this runs as the Service Account "
                "Token Creator role on that service account"
            )
        return base64.b64decode(answer.json()["signedBlob"])

    def _caller(self) -> AuthorizedSession:
        with self._lock:
            if self._session is None:
                self._session = AuthorizedSession(self._source())
            return self._session

    def _source(self) -> Credentials:
        try:
            found = google.auth.default(scopes=[CLOUD_PLATFORM])
        except DefaultCredentialsError as error:
            raise SigningRefused(
                f"no Google identity on this machine to ask IAM to sign as "
                f"{self.service_account} ({_first_line(error)}): run on Google Cloud with an "
                "attached service account, or point GOOGLE_APPLICATION_CREDENTIALS at a "
                "Workload Identity Federation configuration"
            ) from None
        credentials: Credentials = found[0]
        return credentials


def delegating_credentials(
    service_account_email: str, iam_endpoint: str, token_uri: str, timeout: float
) -> service_account.Credentials:
    """Service-account credentials like those from a key file, signed through IAM; scopes
    and the impersonated user are set per call (`with_scopes`, `with_subject`)."""
    signer = IamSigner(service_account_email, iam_endpoint, timeout)
    return service_account.Credentials(signer, service_account_email, token_uri)


def _first_line(error: Exception) -> str:
    return str(error).strip().splitlines()[0][:200] if str(error).strip() else ""


def _message(answer: Any) -> str:
    try:
        return str(answer.json()["error"]["message"]).splitlines()[0][:200]
    except (ValueError, KeyError, TypeError):
        return ""
