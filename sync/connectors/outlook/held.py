"""What tonight's read-back saw of one series in an Outlook calendar, kept for its writer."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sync.model.values import Interval

DATE_FIELDS_WRITTEN = ("id", "start")
"""What the writer reads of an occurrence: the id a write of it goes to and where it is."""


def for_the_writer(dates: dict[datetime, dict[str, Any]]) -> dict[datetime, dict[str, Any]]:
    """Listed occurrences as the writer reads them. Every occurrence of every booked series
    is held from the read-back until booking, through the whole night's reading and
    planning; their other fields (who declined, whether moved) were taken in already."""
    return {
        original: {key: item[key] for key in DATE_FIELDS_WRITTEN if key in item}
        for original, item in dates.items()
    }


@dataclass(frozen=True)
class GraphHeld:
    master: dict[str, Any]
    """The series' event (master or one-off) as listed."""
    dates: dict[datetime, dict[str, Any]]
    """Its occurrences that take place in `window`, by rule start (UTC), with their ids. Graph
    leaves a cancelled occurrence out, so a date of the window not here is cancelled."""
    window: Interval
