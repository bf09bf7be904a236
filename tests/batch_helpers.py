"""Organisers with one booked series each, for reading back many calendars at once."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from sync.model.values import Attendee, BookedSeries, SeriesStatus

LENA = "lena@example.com"
FIRST = datetime(2027, 2, 2, 15, tzinfo=ZoneInfo("Europe/Stockholm"))


def organisers(count: int) -> list[str]:
    return [f"o{i:02d}@example.com" for i in range(count)]


def uid(organiser: str) -> str:
    """A valid event id on both providers: base32hex before the "@"."""
    return f"{organiser[:3]}abcdefghijklmnop@checkin-sync"


def booked(organiser: str) -> BookedSeries:
    """A weekly series `organiser` holds with Lena, from Tuesday 2 February 2027."""
    return BookedSeries(
        uid=uid(organiser),
        sequence=0,
        status=SeriesStatus.CONFIRMED,
        organiser=Attendee(organiser, organiser),
        attendee=Attendee(LENA, "Lena Berg"),
        timezone="Europe/Stockholm",
        first_start=FIRST,
        duration=30,
        rrule="FREQ=WEEKLY;BYDAY=TU",
        occurrences=(),
        summary="Check-in",
        description="A regular check-in.",
        stamp=datetime(2027, 1, 1, tzinfo=UTC),
    )
