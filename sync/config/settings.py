"""Service settings: DIR/settings.toml, each key overridable by env CHECKIN_SYNC_<KEY>."""

from __future__ import annotations

import json
import logging
import os
from pathlib import Path
from typing import Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    SecretStr,
    ValidationError,
    field_validator,
    model_validator,
)
from pydantic_settings import BaseSettings, PydanticBaseSettingsSource, SettingsConfigDict
from pydantic_settings.exceptions import SettingsError

from sync.config.environment import PREFIX as ENV_PREFIX
from sync.config.environment import unknown_variables
from sync.config.paths import under_config_dir
from sync.config.provider_settings import (
    CalDavSettings,
    GoogleSettings,
    IcsSettings,
    OutlookSettings,
    absolute_http_url,
)
from sync.config.toml_file import read_toml
from sync.model.errors import ConfigError
from sync.plumbing.i18n import available_languages

log = logging.getLogger(__name__)

SECRET_MIN_LENGTH = 16
SECRET_MIN_DISTINCT = 8


def strong_secret(value: SecretStr | None) -> SecretStr | None:
    """A signing secret that cannot be guessed offline from one link or feed address (and
    then used to forge any): long enough, and not spaces or one character repeated."""
    if value is None:
        return None
    text = value.get_secret_value()
    if len(text) < SECRET_MIN_LENGTH:
        raise ValueError(f"must be at least {SECRET_MIN_LENGTH} characters")
    if len("".join(text.split())) < SECRET_MIN_LENGTH or len(set(text)) < SECRET_MIN_DISTINCT:
        raise ValueError(
            "is too easy to guess: use at least 16 characters that are not spaces, with "
            "at least 8 different ones (e.g. the output of: python3 -c "
            "'import secrets; print(secrets.token_urlsafe(32))')"
        )
    return value


class WebSettings(BaseModel):
    """[web]: the approval app and the sign-in links that lead into it."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    secret: SecretStr | None = Field(
        default=None, description="Signs sign-in links and sessions; keep it out of version control"
    )
    public_url: str = Field(
        default="http://127.0.0.1:8080", description="Where managers reach the app, for links"
    )
    link_hours: int = Field(default=72, ge=1, le=24 * 14, description="How long a link is valid")
    session_hours: int = Field(
        default=12, ge=1, le=24 * 30, description="How long a sign-in lasts in the browser"
    )

    @field_validator("public_url")
    @classmethod
    def _absolute_url(cls, value: str) -> str:
        absolute_http_url(value)
        return value.rstrip("/")

    @field_validator("secret")
    @classmethod
    def _long_enough(cls, value: SecretStr | None) -> SecretStr | None:
        return strong_secret(value)


class SmtpSettings(BaseModel):
    """[smtp]: where the nightly digest is sent. Without a host, digests are written to
    data_dir/outbox/ as .eml files instead."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    host: str = Field(default="", description="SMTP server; empty = write digests to outbox/")
    port: int | None = Field(
        default=None, ge=1, le=65535, description="Default 587 (starttls), 465 (tls), 25 (none)"
    )
    security: Literal["starttls", "tls", "none"] = Field(default="starttls")
    user: str = Field(default="", description="Login name; empty = no login")
    password: SecretStr | None = Field(
        default=None, description="Best set as env CHECKIN_SYNC_SMTP__PASSWORD"
    )
    from_address: str = Field(default="checkin-sync@localhost", description="The From: address")
    timeout_seconds: float = Field(default=30.0, gt=0, le=300)

    @model_validator(mode="after")
    def _password_with_user(self) -> SmtpSettings:
        if self.user and self.password is None:
            raise ValueError(
                "smtp.user is set but there is no password: set CHECKIN_SYNC_SMTP__PASSWORD"
            )
        return self

    @property
    def configured(self) -> bool:
        return bool(self.host)

    @property
    def effective_port(self) -> int:
        if self.port is not None:
            return self.port
        return {"starttls": 587, "tls": 465, "none": 25}[self.security]


class FeedSettings(BaseModel):
    """[feeds]: each person's check-ins as a calendar subscription served by `serve`."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    secret: SecretStr | None = Field(
        default=None,
        description="Signs feed addresses; a new one revokes every address handed out. "
        "Default: derived from [web] secret",
    )
    refresh_minutes: int = Field(
        default=60, ge=5, le=24 * 60, description="How often calendar apps are asked to refresh"
    )

    @field_validator("secret")
    @classmethod
    def _long_enough(cls, value: SecretStr | None) -> SecretStr | None:
        return strong_secret(value)


class InvitationSettings(BaseModel):
    """[invitations]: iTIP invitations by email, for people whose calendar checkin-sync
    cannot write to. Sent through [smtp], or written to data_dir/outbox/."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    send: bool = Field(default=True, description="Send invitations at all")
    from_address: str = Field(
        default="",
        description="The From: of invitations; empty = the organiser's own address, with "
        "[smtp] from_address as Sender:",
    )


class Settings(BaseSettings):
    """Flat keys, plus one section per integration (a TOML table such as [google]); a
    section key is overridden by env CHECKIN_SYNC_<SECTION>__<KEY>."""

    model_config = SettingsConfigDict(
        env_prefix=ENV_PREFIX, env_nested_delimiter="__", extra="forbid", frozen=True
    )

    data_dir: Path = Field(
        default=Path("data"), description="State database and exports; relative to the config dir"
    )
    horizon_weeks: int = Field(default=8, ge=1, le=52, description="How far ahead to plan")
    min_notice_hours: int = Field(
        default=24, ge=0, le=24 * 28, description="No check-in is placed sooner than this"
    )
    buffer_minutes: int = Field(
        default=10, ge=0, le=120, description="Free time kept around other meetings"
    )
    avoid_refused_weeks: int = Field(
        default=8,
        ge=0,
        le=52,
        description="How long a declined or rejected time (±1 hour) is kept out of a pair's "
        "new proposals",
    )
    ics_timeout_seconds: float = Field(
        default=20.0, gt=0, le=300, description="Timeout for fetching ics: https sources"
    )
    language: str = Field(
        default="en",
        description="Language of everything people receive: en, sv, or any language with a "
        "catalogue in sync/locale",
    )
    invitation_template: Path | None = Field(
        default=None,
        description="Your own invitation text (a Jinja template); relative to the config dir",
    )
    run_deadline_minutes: float = Field(
        default=90, gt=0, le=24 * 60, description="A run starts no new work after this"
    )
    google: GoogleSettings = GoogleSettings()
    outlook: OutlookSettings = Field(default_factory=OutlookSettings)
    web: WebSettings = Field(default_factory=WebSettings)
    smtp: SmtpSettings = Field(default_factory=SmtpSettings)
    feeds: FeedSettings = Field(default_factory=FeedSettings)
    invitations: InvitationSettings = Field(default_factory=InvitationSettings)
    caldav: CalDavSettings = Field(default_factory=CalDavSettings)
    ics: IcsSettings = Field(default_factory=IcsSettings)

    @field_validator("language")
    @classmethod
    def _known_language(cls, value: str) -> str:
        if value not in available_languages():
            known = ", ".join(available_languages())
            raise ValueError(f'"{value}" has no catalogue in sync/locale (known: {known})')
        return value

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        # the environment wins over settings.toml, which is passed in as init values
        return env_settings, init_settings


def load_settings(config_dir: Path) -> Settings:
    """Settings for DIR, with data_dir made absolute against DIR."""
    path = config_dir / "settings.toml"
    values: dict[str, Any] = read_toml(path) if path.exists() else {}
    for warning in unknown_variables(os.environ, Settings):
        log.warning(warning)
    try:
        settings = Settings(**values)
    except ValidationError as error:
        raise ConfigError([_describe(path, item) for item in error.errors()]) from None
    except SettingsError as error:
        raise ConfigError(_unreadable_environment(error)) from None
    update: dict[str, Any] = {"data_dir": under_config_dir(config_dir, settings.data_dir)}
    if settings.invitation_template is not None:
        update["invitation_template"] = under_config_dir(config_dir, settings.invitation_template)
    if settings.google.credentials_file is not None:
        update["google"] = settings.google.model_copy(
            update={
                "credentials_file": under_config_dir(config_dir, settings.google.credentials_file)
            }
        )
    outlook_paths = {
        key: under_config_dir(config_dir, value)
        for key in ("certificate_file", "ca_bundle")
        if (value := getattr(settings.outlook, key)) is not None
    }
    if outlook_paths:
        update["outlook"] = settings.outlook.model_copy(update=outlook_paths)
    return settings.model_copy(update=update)


def _unreadable_environment(error: SettingsError) -> list[str]:
    """A variable whose value must be JSON (a table such as [caldav] passwords) and is not.
    Its value may be a secret, so it is not shown."""
    problems = []
    for name, value in sorted(os.environ.items()):
        if not name.startswith(ENV_PREFIX) or not value.lstrip().startswith(("{", "[")):
            continue
        try:
            json.loads(value)
        except ValueError as bad:
            problems.append(
                f'environment {name}: not valid JSON ({bad}); write it like \'{{"key": "value"}}\''
            )
    # a value pydantic had to parse as JSON, though it does not look like a table or list
    return problems or [f"environment: {error}: its value is not valid JSON"]


def _describe(path: Path, item: Any) -> str:
    key = ".".join(str(part) for part in item["loc"])
    env_name = ENV_PREFIX + "__".join(str(part) for part in item["loc"]).upper()
    where = f"environment {env_name}" if env_name in os.environ else f"{path}: {key}"
    if item["type"] == "extra_forbidden":
        section = Settings.model_fields.get(str(item["loc"][0])) if len(item["loc"]) > 1 else None
        model = section.annotation if section is not None else Settings
        known = ", ".join(getattr(model, "model_fields", Settings.model_fields))
        return f"{where}: unknown setting (known: {known})"
    # a whole section (a dict) may hold a password next to the key that is wrong
    hidden = "secret" in key or "password" in key or isinstance(item["input"], dict)
    shown = "(hidden)" if hidden else repr(item["input"])
    message = item["msg"][:1].lower() + item["msg"][1:]
    return f"{where}: {message} (got {shown})"
