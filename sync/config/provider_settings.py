"""The settings of the calendar providers: [google], [outlook], [ics] and [caldav], each a
section of settings.toml checked as it is read."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from urllib.parse import SplitResult, urlsplit

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    SecretStr,
    field_validator,
    model_validator,
)


def absolute_http_url(value: str) -> SplitResult:
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ValueError("must be an absolute http:// or https:// address")
    return parts


GOOGLE_API = "https://www.googleapis.com/calendar/v3/"
GOOGLE_IAM = "https://iamcredentials.googleapis.com/"
GOOGLE_TOKEN = "https://oauth2.googleapis.com/token"
"""googleapiclient takes `api_endpoint` as the whole base URL, service path included."""
GOOGLE_SERVICE_PATH = "/calendar/v3/"


class GoogleSettings(BaseModel):
    """[google]: how to reach Google Calendar. Needed only when someone has calendar = "google"."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    credentials_file: Path | None = Field(
        default=None,
        description="Service account key (with domain-wide delegation) or an authorized-user "
        "OAuth file; relative to the config dir. Keep it out of the repository.",
    )
    api_endpoint: str = Field(
        default=GOOGLE_API,
        description="Calendar API base URL, ending in /calendar/v3/ (a proxy or an emulator)",
    )
    service_account: str | None = Field(
        default=None,
        description="Keyless delegation: the service account (with domain-wide delegation) "
        "whose signature IAM makes for the identity this runs as; no key file is needed",
    )
    iam_endpoint: str = Field(
        default=GOOGLE_IAM,
        description="IAM Service Account Credentials API base URL (a proxy or an emulator)",
    )
    token_uri: str = Field(
        default=GOOGLE_TOKEN,
        description="OAuth token endpoint for keyless delegation (a proxy or an emulator)",
    )
    freebusy_user: str | None = Field(
        default=None,
        description="User a service account impersonates for free/busy queries "
        "(default: someone in each batch)",
    )
    read_out_of_office: bool = Field(
        default=True,
        description="Also read out-of-office events (needs calendar.events.owned.readonly); "
        "without permission, out-of-office counts as plain busy time",
    )
    timeout_seconds: float = Field(default=30.0, gt=0, le=300)
    parallel_requests: int = Field(default=8, ge=1, le=32)
    token_requests: int = Field(
        default=32,
        ge=1,
        le=64,
        description="Token requests in flight at once (one token per person a night, from "
        "Google's OAuth token endpoint, a service apart from the Calendar API and its quota)",
    )

    @field_validator("iam_endpoint", "token_uri")
    @classmethod
    def _absolute_url(cls, value: str) -> str:
        absolute_http_url(value)
        return value

    @field_validator("api_endpoint")
    @classmethod
    def _calendar_base_url(cls, value: str) -> str:
        parts = absolute_http_url(value)
        # every call is joined onto this URL: without the service path they miss the API
        path = parts.path if parts.path.endswith("/") else parts.path + "/"
        if not path.endswith(GOOGLE_SERVICE_PATH):
            raise ValueError(
                f"must be the Calendar API's base URL, ending in {GOOGLE_SERVICE_PATH} "
                f"(Google's own is {GOOGLE_API})"
            )
        return parts._replace(path=path).geturl()


GRAPH_API = "https://graph.microsoft.com/v1.0"


class OutlookSettings(BaseModel):
    """[outlook]: Microsoft 365 through Microsoft Graph, as an app registration with
    application permissions. Needed only when someone has calendar = "outlook"."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    tenant_id: str | None = Field(default=None, description="Directory (tenant) id")
    client_id: str | None = Field(default=None, description="Application (client) id")
    client_secret: str | None = Field(
        default=None,
        description="Client secret; prefer the environment (CHECKIN_SYNC_OUTLOOK__CLIENT_SECRET)",
    )
    certificate_file: Path | None = Field(
        default=None, description="PEM with the private key, instead of a secret"
    )
    certificate_thumbprint: str | None = Field(
        default=None, description="SHA-1 thumbprint of the certificate uploaded to the app"
    )
    authority: str | None = Field(
        default=None,
        description="Token authority (default: the sign-in host of graph_endpoint's cloud, "
        "e.g. https://login.microsoftonline.us/<tenant_id> for graph.microsoft.us)",
    )
    graph_endpoint: str = Field(
        default=GRAPH_API,
        description="Graph base URL; a national cloud's Graph also sets the token's audience",
    )
    ca_bundle: Path | None = Field(
        default=None, description="CA certificates to trust for the authority and Graph"
    )
    tentative_is_busy: bool = Field(
        default=True, description="Whether a tentative meeting blocks time"
    )
    secret_expires: date | None = Field(
        default=None,
        description="The client secret's end date, as Entra shows it under Certificates & "
        "secrets (Graph tells it only to apps that may read app registrations)",
    )
    warn_days_before_expiry: int = Field(
        default=30,
        ge=0,
        le=365,
        description="doctor and the nightly run warn this many days before the secret or "
        "certificate ends",
    )
    timeout_seconds: float = Field(default=30.0, gt=0, le=300)
    parallel_requests: int = Field(default=8, ge=1, le=32)

    @field_validator("graph_endpoint", "authority")
    @classmethod
    def _absolute(cls, value: str | None) -> str | None:
        # the token's audience and the sign-in host are read from these addresses
        if value is not None:
            absolute_http_url(value)
        return value


class IcsSettings(BaseModel):
    """[ics]: calendar feeds named in people.toml (calendar = "ics:https://…")."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    allow_hosts: list[str] = Field(
        default_factory=list,
        description="Hosts on this machine or a private network that feeds may come from "
        "(as written in the address); feeds elsewhere must be on public addresses",
    )


class CalDavSettings(BaseModel):
    """[caldav]: how to sign in to CalDAV servers (calendar = "caldav:https://…")."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    username: str = Field(default="", description="Account for every caldav: calendar")
    password: SecretStr | None = Field(
        default=None, description="Best set as env CHECKIN_SYNC_CALDAV__PASSWORD"
    )
    passwords: dict[str, SecretStr] = Field(
        default_factory=dict,
        description='Per account, keyed "user@host", for calendars whose URL names the user '
        "(https://user@host/…); best set as env CHECKIN_SYNC_CALDAV__PASSWORDS (JSON)",
    )
    hosts: list[str] = Field(
        default_factory=list,
        description='The only hosts ("dav.example.com", "dav.example.com:8443") the '
        "shared account is sent to; default: the domain of an email-like username and its "
        "subdomains",
    )
    server_sends_invitations: bool = Field(
        default=False,
        description="The server emails attendees itself (RFC 6638 scheduling, as Nextcloud, "
        "iCloud and Fastmail do); then checkin-sync sends none for series booked there",
    )
    timeout_seconds: float = Field(default=30.0, gt=0, le=300)

    @model_validator(mode="after")
    def _password_with_user(self) -> CalDavSettings:
        if self.username and self.password is None:
            raise ValueError(
                "caldav.username is set but there is no password: set CHECKIN_SYNC_CALDAV__PASSWORD"
            )
        # people.toml names the calendar URLs, so it must not decide where the account goes
        if self.username and "@" not in self.username and not self.hosts:
            raise ValueError(
                f'caldav.username "{self.username}" names no domain: set [caldav] hosts to the '
                'CalDAV server(s) the account may be sent to, e.g. hosts = ["dav.example.com"]'
            )
        if any(not host.strip() or "/" in host for host in self.hosts):
            raise ValueError('caldav.hosts: each is a host name, e.g. "dav.example.com"')
        return self
