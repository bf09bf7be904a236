"""`calendar = "caldav:https://…"`: reads free/busy and books series in CalDAV calendars
(Nextcloud, Fastmail, iCloud, Radicale, SOGo, …)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime

from sync.connectors.base import BusyReading, CalendarRef, Capabilities, Observation
from sync.connectors.caldav.client import CalDavClient
from sync.connectors.caldav.reading import CalDavReader
from sync.connectors.caldav.writing import CalDavWriter
from sync.model import BookedSeries, Interval
from sync.settings import CalDavSettings


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

    def read_busy(self, people: Sequence[CalendarRef], window: Interval) -> BusyReading:
        return self.reader.read_busy(people, window)

    def write_series(self, series: BookedSeries) -> int:
        return self.writer.write_series(series)

    def observe(
        self, organiser: str, expected: Mapping[str, Sequence[datetime]], window: Interval
    ) -> Observation:
        return self.writer.observe(organiser, expected, window)
