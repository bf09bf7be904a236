"""App-only tokens for Microsoft Graph through msal (client secret or certificate).

msal answers failures with a dict rather than an exception; here they become errors that
name the setting to fix. Tokens come from msal's cache until they expire.
"""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

import msal
import msal.exceptions
import requests

from sync.config.provider_settings import OutlookSettings
from sync.connectors.outlook.cloud import target
from sync.model.errors import ConfigError


class TokenRefused(Exception):
    """The identity platform refused a token; the message is its first line."""


class TokenUnavailable(Exception):
    """The identity platform could not be reached or failed (5xx): worth trying again."""


def _setting(key: str) -> str:
    return f"[outlook] {key} (env CHECKIN_SYNC_OUTLOOK__{key.upper()})"


class _Session(requests.Session):
    """A session whose every request has a timeout, msal's token requests included, and that
    verifies with the configured CA bundle while still taking proxies from the environment."""

    def __init__(self, timeout: float, ca_bundle: str | None) -> None:
        super().__init__()
        self.timeout = timeout
        self.ca_bundle = ca_bundle
        if ca_bundle is not None:
            self.verify = ca_bundle

    def request(self, *args: Any, **kwargs: Any) -> requests.Response:
        kwargs.setdefault("timeout", self.timeout)
        return super().request(*args, **kwargs)

    def merge_environment_settings(
        self,
        url: str | bytes | None,
        proxies: Any,
        stream: Any,
        verify: Any,
        cert: Any,
    ) -> Any:
        # requests lets REQUESTS_CA_BUNDLE / CURL_CA_BUNDLE win over the session's `verify`;
        # the operator's bundle must win, while HTTPS_PROXY / NO_PROXY still apply (a
        # TLS-inspecting proxy needs both)
        if self.ca_bundle is not None and verify in (None, True):
            verify = self.ca_bundle
        return super().merge_environment_settings(url, proxies, stream, verify, cert)


def http_session(settings: OutlookSettings) -> requests.Session:
    bundle = str(settings.ca_bundle) if settings.ca_bundle is not None else None
    return _Session(settings.timeout_seconds, bundle)


class OutlookAuth:
    def __init__(self, settings: OutlookSettings, session: requests.Session) -> None:
        missing = [key for key in ("tenant_id", "client_id") if not getattr(settings, key)]
        has_certificate = settings.certificate_file and settings.certificate_thumbprint
        if not settings.client_secret and not has_certificate:
            missing.append("client_secret")
        if missing:
            raise ConfigError(
                [
                    f'{_setting(key)}: not set, but people.toml has calendar = "outlook"; see '
                    "README, Microsoft 365"
                    for key in missing
                ]
            )
        credential: Any = settings.client_secret
        if not credential:
            credential = {
                "private_key": _read(settings.certificate_file),
                "thumbprint": settings.certificate_thumbprint,
            }
        custom = settings.authority is not None
        found = target(settings)
        authority, self.scopes = found.authority, [found.scope]
        self._lock = threading.Lock()
        try:
            self.app = msal.ConfidentialClientApplication(
                settings.client_id,
                client_credential=credential,
                authority=authority,
                http_client=session,
                # a proxy or a test server is not in msal's list of known sign-in hosts
                instance_discovery=not custom,
            )
        except (ValueError, requests.RequestException) as error:
            raise ConfigError(
                [f"{_setting('authority')}: cannot use {authority} ({_first_line(error)})"]
            ) from None

    def token(self) -> str:
        try:
            with self._lock:
                result = self.app.acquire_token_for_client(scopes=self.scopes)
        except (msal.exceptions.MsalServiceError, requests.RequestException) as error:
            # msal answers a refusal with a dict but raises on a server failure
            raise TokenUnavailable(_first_line(error) or type(error).__name__) from error
        if "access_token" in result:
            return str(result["access_token"])
        code = result.get("error", "error")
        description = _first_line(result.get("error_description", ""))
        raise TokenRefused(f"{code}: {description}" if description else str(code))

    def forget_token(self) -> None:
        """After a 401: the cached token is no good, get a new one on the next call."""
        with self._lock:
            self.app.remove_tokens_for_client()

    def verify(self) -> None:
        try:
            self.token()
        except TokenUnavailable:
            return  # not a credentials problem: each read and write reports it later
        except TokenRefused as error:
            raise ConfigError(
                [
                    f"{_setting('client_secret')}: Microsoft refused the app's credentials "
                    f"({error}); check tenant_id, client_id and the secret or certificate"
                ]
            ) from None


def _read(path: Path | None) -> str:
    assert path is not None
    try:
        return path.read_text()
    except OSError as error:
        raise ConfigError(
            [f"{_setting('certificate_file')}: cannot read {path} ({error.strerror})"]
        ) from None


def _first_line(text: object) -> str:
    return str(text).strip().splitlines()[0][:200] if str(text).strip() else ""
