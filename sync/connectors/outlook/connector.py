"""`calendar = "outlook"`: reads free/busy and books series through Microsoft Graph."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime

from sync.config.provider_settings import OutlookSettings
from sync.connectors.base import (
    BusyReading,
    CalendarRef,
    Capabilities,
    Observation,
    ToWrite,
    WriteFailed,
    Written,
)
from sync.connectors.outlook.auth import OutlookAuth, http_session
from sync.connectors.outlook.client import CALL_FAILURES, GraphClient, describe
from sync.connectors.outlook.reading import GraphReader
from sync.connectors.outlook.writing import GraphWriter
from sync.model.values import BookedSeries, FoundSeries, Interval


class OutlookConnector:
    name = "outlook"
    capabilities = Capabilities(
        reads_busy=True,
        writes_events=True,
        busy_includes_own_events=True,
        # Graph sends the invitation when an event with attendees is created
        sends_invitations=True,
    )

    def __init__(self, settings: OutlookSettings, client: GraphClient | None = None) -> None:
        if client is None:
            session = http_session(settings)
            client = GraphClient(OutlookAuth(settings, session), settings, session)
        self.client = client
        self.reader = GraphReader(client, settings.tentative_is_busy)
        self.writer = GraphWriter(client)

    def verify(self, email: str) -> None:
        """Get a token before anything runs: refused credentials stop the run (exit 2)."""
        self.client.auth.verify()
        self.reader.requester = self.reader.requester or email

    def ask_through_teams(self, teams: Mapping[str, str]) -> None:
        """Ask each person's free/busy through their team's mailbox (`teams`: person's email
        → their manager's, or their own for a manager): Graph takes four requests at a time
        per mailbox, so requests through many mailboxes go twenty to a round trip."""
        self.reader.teams = dict(teams)

    def calendar_refused(self, organiser: str) -> str | None:
        """Why the app may not use `organiser`'s calendar (no permission, an access policy or
        an RBAC scope leaving them out), if it may not: one event id read, nothing written."""
        try:
            self.client.call(
                "events.list",
                organiser,
                "GET",
                self.client.url(organiser, "/events"),
                params={"$top": "1", "$select": "id"},
            )
        except CALL_FAILURES as error:
            return describe(error)
        return None

    def read_busy(self, people: Sequence[CalendarRef], window: Interval) -> BusyReading:
        return self.reader.read_busy(people, window)

    def write_series(self, series: BookedSeries) -> int:
        return self.writer.write_series(series)

    def write_many(self, items: Sequence[ToWrite]) -> list[Written]:
        return self.writer.write_many(items)

    def list_series(self, organiser: str, window: Interval) -> list[FoundSeries]:
        return self.writer.list_series(organiser, window)

    def list_series_many(
        self, organisers: Sequence[str], window: Interval
    ) -> dict[str, list[FoundSeries] | WriteFailed]:
        return self.writer.list_series_many(organisers, window)

    def observe(
        self, organiser: str, expected: Mapping[str, Sequence[datetime]], window: Interval
    ) -> Observation:
        return self.writer.observe(organiser, expected, window)

    def observe_many(
        self, groups: Mapping[str, Mapping[str, Sequence[datetime]]], window: Interval
    ) -> dict[str, Observation]:
        return self.writer.observe_many(groups, window)
