"""Domain-wide delegation without a key file: IAM signs for the identity this runs as."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from sync.config.provider_settings import GoogleSettings
from sync.connectors.base import CalendarRef
from sync.connectors.google.auth import SCOPES, GoogleAuth
from sync.connectors.google.client import GoogleClient
from sync.connectors.google.connector import GoogleConnector
from sync.model.errors import ConfigError
from sync.model.values import Interval
from tests.emulators import GoogleCalendarEmulator
from tests.google_helpers import FAST

KARIN = "karin@example.com"
DELEGATE = "checkin-sync@corp-project.iam.gserviceaccount.com"
RUNNER = "nightly-vm@corp-project.iam.gserviceaccount.com"
WINDOW = Interval(datetime(2027, 2, 1, tzinfo=UTC), datetime(2027, 2, 8, tzinfo=UTC))


def keyless(
    emulator: GoogleCalendarEmulator, folder: Path, monkeypatch: pytest.MonkeyPatch
) -> GoogleConnector:
    """The identity the machine runs as is a service account of its own (on Google Cloud,
    the attached one, from the metadata server); here Application Default Credentials find
    it in a file named by GOOGLE_APPLICATION_CREDENTIALS, as they find a Workload Identity
    Federation configuration."""
    runner = folder / "runner.json"
    runner.write_text(json.dumps(emulator.service_account_info(RUNNER)))
    monkeypatch.setenv("GOOGLE_APPLICATION_CREDENTIALS", str(runner))
    settings = GoogleSettings(
        service_account=DELEGATE,
        iam_endpoint=emulator.iam_endpoint,
        token_uri=emulator.token_uri,
        api_endpoint=emulator.api_endpoint,
        timeout_seconds=5,
        read_out_of_office=False,
    )
    auth = GoogleAuth(None, settings)
    return GoogleConnector(settings, GoogleClient(auth, settings, policy=FAST))


@pytest.fixture
def emulator(google_emulator: GoogleCalendarEmulator) -> GoogleCalendarEmulator:
    google_emulator.add_user(KARIN, timezone="Europe/Stockholm")
    return google_emulator


def test_delegation_without_a_key_signs_through_iam_and_acts_as_the_user(
    emulator: GoogleCalendarEmulator, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    emulator.keyless_service_account(
        DELEGATE, delegated_scopes=list(SCOPES), token_creators=[RUNNER]
    )
    google = keyless(emulator, tmp_path, monkeypatch)
    google.verify(KARIN)
    reading = google.read_busy([CalendarRef(KARIN, "Europe/Stockholm", "google")], WINDOW)
    assert reading.errors == {}
    signed = [r for r in emulator.requests if r.kind == "iam.signBlob"]
    assert signed and {r.status for r in signed} == {200}
    assert {r.calendar_id for r in signed} == {DELEGATE}
    assert {r.subject for r in signed} == {RUNNER}, "IAM is called as the machine's identity"
    freebusy = [r for r in emulator.requests if r.kind == "freebusy.query"]
    assert [r.subject for r in freebusy] == [KARIN], "the calendar is read as the user"


def test_without_the_token_creator_role_the_run_stops_naming_the_role(
    emulator: GoogleCalendarEmulator, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    emulator.keyless_service_account(DELEGATE, delegated_scopes=list(SCOPES), token_creators=[])
    google = keyless(emulator, tmp_path, monkeypatch)
    with pytest.raises(ConfigError) as stopped:
        google.verify(KARIN)
    assert stopped.value.problems == [
        "[google] service_account (env CHECKIN_SYNC_GOOGLE__SERVICE_ACCOUNT): IAM refused to "
        f"sign as {DELEGATE} (403 Permission 'iam.serviceAccounts.signBlob' denied on "
        "resource (or it may not exist).): give the identity this runs as the Service "
        "Account Token Creator role on that service account"
    ]
    assert emulator.count("iam.signBlob", status=403) == 1


def test_keyless_settings_need_no_key_file() -> None:
    settings = GoogleSettings(service_account=DELEGATE)
    auth = GoogleAuth(None, settings)  # nothing is read or fetched until the first token
    assert auth.delegated
    with pytest.raises(ConfigError, match=r"service_account"):
        GoogleAuth(None, GoogleSettings())
    with pytest.raises(ConfigError, match=r"not both"):
        GoogleAuth(Path("key.json"), settings)
