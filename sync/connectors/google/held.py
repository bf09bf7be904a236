"""What tonight's read-back saw of one series in a Google calendar, kept for its writer."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

DATE_FIELDS_WRITTEN = ("id", "status", "start")
"""What the writer reads of a date: the id a write of it goes to, whether it is cancelled
and where it is now."""


def for_the_writer(date: dict[str, Any]) -> dict[str, Any]:
    """A listed date as the writer reads it. Every date of every booked series is held
    from the read-back until booking, through the whole night's reading and planning; its
    other fields (its place in the series, its end, who declined it) were taken in already."""
    return {key: date[key] for key in DATE_FIELDS_WRITTEN if key in date}


@dataclass(frozen=True)
class GoogleHeld:
    master: dict[str, Any]
    """The series' event as listed."""
    dates: dict[datetime, dict[str, Any]]
    """By rule start (UTC): every instance listed in the window and every exception the
    event has (a moved or cancelled date is an event of its own, listed with the series
    however far away it is). A date not here is where the rule puts it. Only the fields the
    writer reads (`for_the_writer`)."""
    changed: frozenset[datetime]
    """The dates among them that are exceptions (moved or cancelled), however far away."""
