"""What tonight's read-back saw of one series in a Google calendar, kept for its writer."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any


@dataclass(frozen=True)
class GoogleHeld:
    master: dict[str, Any]
    """The series' event as listed."""
    dates: dict[datetime, dict[str, Any]]
    """By rule start (UTC): every instance listed in the window and every exception the
    event has (a moved or cancelled date is an event of its own, listed with the series
    however far away it is). A date not here is where the rule puts it."""
    changed: frozenset[datetime]
    """The dates among them that are exceptions (moved or cancelled), however far away."""
