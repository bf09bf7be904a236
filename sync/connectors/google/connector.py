"""`calendar = "google"`: reads free/busy and books series through Google Calendar."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime

from google.auth.exceptions import RefreshError
from google.auth.transport.requests import Request

from sync.config.provider_settings import GoogleSettings
from sync.connectors.base import (
    BusyReading,
    CalendarRef,
    Capabilities,
    Observation,
    ToWrite,
    WriteFailed,
    Written,
)
from sync.connectors.google.auth import (
    SCOPE_EVENTS,
    SCOPE_EVENTS_READ,
    SCOPE_FREEBUSY,
    SETTING,
    GoogleAuth,
)
from sync.connectors.google.client import GoogleClient
from sync.connectors.google.keyless import KEYLESS_SETTING, SigningRefused
from sync.connectors.google.permissions import refused_scopes
from sync.connectors.google.reading import GoogleReader
from sync.connectors.google.reading_back import GoogleReadBack
from sync.connectors.google.writing import GoogleWriter
from sync.model.errors import ConfigError
from sync.model.values import BookedSeries, FoundSeries, Interval


class GoogleConnector:
    name = "google"
    capabilities = Capabilities(
        reads_busy=True,
        writes_events=True,
        busy_includes_own_events=True,
        sends_invitations=True,
    )

    def __init__(self, settings: GoogleSettings, client: GoogleClient | None = None) -> None:
        self.client = client or GoogleClient(
            GoogleAuth(settings.credentials_file, settings), settings
        )
        self.reader = GoogleReader(self.client, settings.freebusy_user, settings.read_out_of_office)
        self.writer = GoogleWriter(self.client)
        self.read_back = GoogleReadBack(self.client)

    def verify(self, email: str) -> None:
        """Get one token before anything runs, so broken credentials stop the run with a
        configuration error instead of failing every person one by one."""
        # the night's credentials: the free/busy reads acting as this person use this token
        credentials = self.client.credentials(email, [SCOPE_FREEBUSY])
        try:
            credentials.refresh(Request())
        except SigningRefused as error:
            raise ConfigError([f"{KEYLESS_SETTING}: {error}"]) from None
        except RefreshError as error:
            detail = str(error.args[0] if error.args else error).splitlines()[0][:200]
            raise ConfigError(
                [
                    f"{SETTING}: Google refused the credentials for {email} ({detail}); check "
                    "that domain-wide delegation grants the scopes in the README"
                ]
            ) from None
        # someone known to exist asks for everyone's free/busy, unless the operator chose
        self.reader.default_subject = self.reader.default_subject or email

    def refused_scopes(self, person: str, books: bool) -> list[str]:
        """What Google would refuse a night acting as `person` (and, if `books`, booking in
        their calendar): one line per scope, naming it and where an admin grants it."""
        scopes = [SCOPE_FREEBUSY]
        scopes += [SCOPE_EVENTS_READ] if self.reader.read_out_of_office else []
        scopes += [SCOPE_EVENTS] if books else []
        return refused_scopes(self.client.auth, person, scopes)

    def read_busy(self, people: Sequence[CalendarRef], window: Interval) -> BusyReading:
        return self.reader.read_busy(people, window)

    def write_series(self, series: BookedSeries) -> int:
        return self.writer.write_series(series)

    def write_many(self, items: Sequence[ToWrite]) -> list[Written]:
        return self.writer.write_many(items)

    def list_series(self, organiser: str, window: Interval) -> list[FoundSeries]:
        return self.read_back.list_series(organiser, window)

    def list_series_many(
        self, organisers: Sequence[str], window: Interval
    ) -> dict[str, list[FoundSeries] | WriteFailed]:
        return self.read_back.list_series_many(organisers, window)

    def observe(
        self, organiser: str, expected: Mapping[str, Sequence[datetime]], window: Interval
    ) -> Observation:
        return self.read_back.observe_many({organiser: expected}, window)[organiser]

    def observe_many(
        self, groups: Mapping[str, Mapping[str, Sequence[datetime]]], window: Interval
    ) -> dict[str, Observation]:
        return self.read_back.observe_many(groups, window)
