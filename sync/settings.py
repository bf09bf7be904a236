"""Service settings: DIR/settings.toml, each key overridable by env CHECKIN_SYNC_<KEY>."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError
from pydantic_settings import BaseSettings, PydanticBaseSettingsSource, SettingsConfigDict

from sync.errors import ConfigError
from sync.roster import read_toml

ENV_PREFIX = "CHECKIN_SYNC_"
CONFIG_DIR_ENV = "CHECKIN_SYNC_CONFIG"


GOOGLE_API = "https://www.googleapis.com/"


class GoogleSettings(BaseModel):
    """[google]: how to reach Google Calendar. Needed only when someone has calendar = "google"."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    credentials_file: Path | None = Field(
        default=None,
        description="Service account key (with domain-wide delegation) or an authorized-user "
        "OAuth file; relative to the config dir. Keep it out of the repository.",
    )
    api_endpoint: str = Field(
        default=GOOGLE_API, description="Calendar API base URL (a proxy or an emulator)"
    )
    freebusy_user: str | None = Field(
        default=None,
        description="User a service account impersonates for free/busy queries "
        "(default: someone in each batch)",
    )
    read_out_of_office: bool = Field(
        default=True,
        description="Also read out-of-office events (needs calendar.events.readonly); "
        "without permission, out-of-office counts as plain busy time",
    )
    timeout_seconds: float = Field(default=30.0, gt=0, le=300)
    parallel_requests: int = Field(default=4, ge=1, le=32)


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
    ics_timeout_seconds: float = Field(
        default=20.0, gt=0, le=300, description="Timeout for fetching ics: https sources"
    )
    google: GoogleSettings = GoogleSettings()

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
    try:
        settings = Settings(**values)
    except ValidationError as error:
        raise ConfigError([_describe(path, item) for item in error.errors()]) from None
    update: dict[str, Any] = {"data_dir": _under(config_dir, settings.data_dir)}
    if settings.google.credentials_file is not None:
        update["google"] = settings.google.model_copy(
            update={"credentials_file": _under(config_dir, settings.google.credentials_file)}
        )
    return settings.model_copy(update=update)


def _under(config_dir: Path, path: Path) -> Path:
    """Paths in settings are relative to the config folder, wherever the command runs."""
    return Path(os.path.normpath(path if path.is_absolute() else config_dir / path))


def _describe(path: Path, item: Any) -> str:
    key = ".".join(str(part) for part in item["loc"])
    env_name = ENV_PREFIX + "__".join(str(part) for part in item["loc"]).upper()
    where = f"environment {env_name}" if env_name in os.environ else f"{path}: {key}"
    if item["type"] == "extra_forbidden":
        known = ", ".join(Settings.model_fields)
        return f"{where}: unknown setting (known: {known})"
    return f"{where}: {item['msg'].lower()} (got {item['input']!r})"
