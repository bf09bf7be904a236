"""`calendar = "none"`: a person without a readable calendar. Only working hours, holidays and
other check-ins constrain them."""

from __future__ import annotations

from collections.abc import Sequence

from sync.connectors.base import BusyReading, CalendarRef, Capabilities
from sync.model.values import Interval


class NoCalendar:
    name = "none"
    capabilities = Capabilities(reads_busy=False, writes_events=False)

    def read_busy(self, people: Sequence[CalendarRef], window: Interval) -> BusyReading:
        return BusyReading(busy={person.email: [] for person in people})
