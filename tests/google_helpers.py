"""A GoogleConnector wired to the emulator, with instant back-off."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from sync.config.provider_settings import GoogleSettings
from sync.connectors.google.auth import GoogleAuth
from sync.connectors.google.client import GoogleClient
from sync.connectors.google.connector import GoogleConnector
from sync.connectors.retry import RetryPolicy
from tests.emulators import GoogleCalendarEmulator

# back-off is recorded, not slept: the delays stay as the policy computes them
FAST = RetryPolicy(attempts=4, base_delay=0.001, max_delay=60, total_seconds=300)


def key_file(emulator: GoogleCalendarEmulator, folder: Path, **options: Any) -> Path:
    path = folder / "google-key.json"
    path.write_text(json.dumps(emulator.service_account_info(**options)))
    return path


def settings_section(emulator: GoogleCalendarEmulator, folder: Path) -> str:
    """The [google] section of a settings.toml in `folder` that uses the emulator (its key
    file is written next to it)."""
    key_file(emulator, folder)
    return (
        '[google]\ncredentials_file = "google-key.json"\n'
        f'api_endpoint = "{emulator.api_endpoint}"\ntimeout_seconds = 5\n'
    )


def connector(
    emulator: GoogleCalendarEmulator,
    folder: Path,
    sleeps: list[float] | None = None,
    delegated_scopes: list[str] | None = None,
    **options: Any,
) -> GoogleConnector:
    settings = GoogleSettings(
        credentials_file=key_file(emulator, folder, delegated_scopes=delegated_scopes),
        api_endpoint=emulator.api_endpoint,
        **{"timeout_seconds": 5, "parallel_requests": 3, "token_requests": 3, **options},
    )
    record = sleeps if sleeps is not None else []
    client = GoogleClient(
        GoogleAuth(settings.credentials_file, settings), settings, policy=FAST, sleep=record.append
    )
    return GoogleConnector(settings, client)
