"""`calendar = "caldav:https://…"`: reads free/busy and books series in CalDAV calendars
(Nextcloud, Fastmail, iCloud, Radicale, SOGo, …)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime

from sync.config.provider_settings import CalDavSettings
from sync.connectors.base import (
    BusyReading,
    CalendarRef,
    Capabilities,
    Observation,
    ToWrite,
    WriteFailed,
    Written,
)
from sync.connectors.caldav.account import HostNotAllowed, NoPassword
from sync.connectors.caldav.address import parse_source
from sync.connectors.caldav.client import CalDavClient
from sync.connectors.caldav.reading import CalDavReader
from sync.connectors.caldav.writing import CalDavWriter
from sync.connectors.observe_each import list_each, observe_each
from sync.connectors.write_each import write_each
from sync.model.errors import ConfigError
from sync.model.values import BookedSeries, FoundSeries, Interval


class CalDavConnector:
    name = "caldav"

    def __init__(
        self,
        settings: CalDavSettings,
        calendars: Mapping[str, str],
        client: CalDavClient | None = None,
    ) -> None:
        """`calendars`: each organiser's roster `calendar` value, by email."""
        self.client = client or CalDavClient(settings)
        self.capabilities = Capabilities(
            reads_busy=True,
            writes_events=True,
            # a free-busy answer includes the check-ins booked there
            busy_includes_own_events=True,
            sends_invitations=settings.server_sends_invitations,
        )
        self.reader = CalDavReader(self.client)
        self.writer = CalDavWriter(
            self.client, calendars, server_invites=settings.server_sends_invitations
        )

    def verify(self, calendars: Mapping[str, str]) -> None:
        """Every calendar has an account to sign in with, before anything runs: a missing
        password is a configuration error, not something to find out person by person. A
        calendar on a host the account may not go to is only that person's problem: its
        reading fails, naming the entry, and everyone else is served."""
        problems = []
        for email, source in sorted(calendars.items()):
            try:
                self.client.credentials(parse_source(source))
            except NoPassword as error:
                problems.append(f"{error} (the calendar of {email} in people.toml)")
            except HostNotAllowed:
                pass
        if problems:
            raise ConfigError(problems)

    def read_busy(self, people: Sequence[CalendarRef], window: Interval) -> BusyReading:
        return self.reader.read_busy(people, window)

    def write_series(self, series: BookedSeries) -> int:
        return self.writer.write_series(series)

    def write_many(self, items: Sequence[ToWrite]) -> list[Written]:
        return write_each(self.writer.write_series, items)

    def observe(
        self, organiser: str, expected: Mapping[str, Sequence[datetime]], window: Interval
    ) -> Observation:
        return self.writer.observe(organiser, expected, window)

    def observe_many(
        self, groups: Mapping[str, Mapping[str, Sequence[datetime]]], window: Interval
    ) -> dict[str, Observation]:
        return observe_each(self.writer.observe, groups, window)

    def list_series(self, organiser: str, window: Interval) -> list[FoundSeries]:
        return self.writer.list_series(organiser, window)

    def list_series_many(
        self, organisers: Sequence[str], window: Interval
    ) -> dict[str, list[FoundSeries] | WriteFailed]:
        return list_each(self.writer.list_series, organisers, window)
