"""Organisers with one booked series each, for reading back many calendars at once."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from sync.model.values import Attendee, BookedSeries, Occurrence, OccurrenceStatus, SeriesStatus

LENA = "lena@example.com"
FIRST = datetime(2027, 2, 2, 15, tzinfo=ZoneInfo("Europe/Stockholm"))
SECOND = FIRST + timedelta(weeks=1)


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


def moved(organiser: str) -> BookedSeries:
    """`booked`, with its second date (Tuesday 9 February) an hour later."""
    later = SECOND + timedelta(hours=1)
    occurrence = Occurrence(
        SECOND, later, later + timedelta(minutes=30), OccurrenceStatus.MOVED, fixed=True
    )
    return replace(booked(organiser), occurrences=(occurrence,))
