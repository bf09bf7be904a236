"""Credentials for Google Calendar: a service account with domain-wide delegation for an
organisation (impersonating each person) — from its key file, or keyless through IAM when
`[google] service_account` is set — or one user's authorized-user OAuth file for a manager
trying checkin-sync out. Each scope set is asked for only where it is needed."""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from google.auth.credentials import Credentials
from google.auth.exceptions import GoogleAuthError
from google.oauth2 import credentials as user_credentials
from google.oauth2 import service_account

from sync.config.provider_settings import GOOGLE_TOKEN, GoogleSettings
from sync.connectors.google.keyless import delegating_credentials
from sync.model.errors import ConfigError

# The narrowest scope for each call, per the discovery document's method scopes: free/busy
# of anyone; reading out-of-office in a person's own calendar, acting as them; booking in the
# organiser's own calendar, acting as them. Nothing reads or writes a calendar the acting
# user does not own, so the "owned" scopes suffice and the broader ones are never asked for.
SCOPE_FREEBUSY = "https://www.googleapis.com/auth/calendar.freebusy"
SCOPE_EVENTS_READ = "https://www.googleapis.com/auth/calendar.events.owned.readonly"
SCOPE_EVENTS = "https://www.googleapis.com/auth/calendar.events.owned"
SCOPES = (SCOPE_FREEBUSY, SCOPE_EVENTS_READ, SCOPE_EVENTS)
COVERED_BY = {SCOPE_EVENTS_READ: SCOPE_EVENTS}
"""A scope and the broader one whose token does the same calls: a person's own events may
be read with the token that books in their calendar."""


def covers(held: Sequence[str], asked: Sequence[str]) -> bool:
    """Whether a token granted `held` may make the calls `asked` is for."""
    return all(scope in held or COVERED_BY.get(scope) in held for scope in asked)


SETTING = "[google] credentials_file (env CHECKIN_SYNC_GOOGLE__CREDENTIALS_FILE)"


class GoogleAuth:
    """Loads the credentials file once; hands out credentials per person and scope set."""

    def __init__(self, path: Path | None, settings: GoogleSettings | None = None) -> None:
        self.path = path
        self.kind: str | None = None
        self.user: str | None = None
        self.client_id: str | None = None  # what the Admin console's delegation entry names
        if settings is not None and settings.service_account:
            if path is not None:
                raise ConfigError(
                    [f"{SETTING}: set either it or [google] service_account (keyless), not both"]
                )
            self.kind = "service_account"
            self._service = delegating_credentials(
                settings.service_account,
                settings.iam_endpoint,
                settings.token_uri,
                settings.timeout_seconds,
            )
            return
        if path is None:
            raise ConfigError(
                [
                    f'{SETTING}: not set, but people.toml has calendar = "google"; point it at '
                    "a service account key with domain-wide delegation, or set [google] "
                    "service_account to delegate without a key (see README, Google Workspace)"
                ]
            )
        info = self._read(path)
        self.kind = info.get("type")
        try:
            if self.kind == "service_account":
                self._service = service_account.Credentials.from_service_account_info(info)
                self.client_id = str(info.get("client_id") or "") or None
            elif self.kind == "authorized_user":
                missing = [
                    k for k in ("refresh_token", "client_id", "client_secret") if k not in info
                ]
                if missing:
                    raise ValueError(f"missing {', '.join(missing)}")
                self._user_info = info
                self.user = str(info.get("account") or info.get("email") or "") or None
            else:
                raise ConfigError(
                    [
                        f'{SETTING}: {path} has type "{self.kind}"; expected a service account '
                        'key ("service_account") or an authorized-user file ("authorized_user")'
                    ]
                )
        except (ValueError, KeyError, GoogleAuthError) as error:
            raise ConfigError(
                [f"{SETTING}: {path} is not a usable credentials file ({error})"]
            ) from None

    @staticmethod
    def _read(path: Path) -> dict[str, Any]:
        try:
            data = json.loads(path.read_text())
        except FileNotFoundError:
            raise ConfigError([f"{SETTING}: {path} does not exist"]) from None
        except OSError as error:
            raise ConfigError([f"{SETTING}: cannot read {path} ({error.strerror})"]) from None
        except ValueError:
            raise ConfigError([f"{SETTING}: {path} is not JSON"]) from None
        if not isinstance(data, dict):
            raise ConfigError([f"{SETTING}: {path} is not a credentials file"])
        return data

    @property
    def delegated(self) -> bool:
        """A service account can act as anyone in the domain; a user file only as that user."""
        return self.kind == "service_account"

    def for_person(self, email: str, scopes: Sequence[str]) -> Credentials:
        if self.kind == "service_account":
            creds: Credentials = self._service.with_scopes(list(scopes)).with_subject(email)
            return creds
        # built by hand: from_authorized_user_info ignores the file's token_uri, which an
        # operator may point at a proxy (and the tests at an emulator)
        info = self._user_info
        return user_credentials.Credentials(
            token=None,
            refresh_token=info["refresh_token"],
            client_id=info["client_id"],
            client_secret=info["client_secret"],
            token_uri=info.get("token_uri", GOOGLE_TOKEN),
            scopes=list(scopes),
        )
