"""What tonight's read-back saw of one series in an Outlook calendar, kept for its writer."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sync.model.values import Interval


@dataclass(frozen=True)
class GraphHeld:
    master: dict[str, Any]
    """The series' event (master or one-off) as listed."""
    dates: dict[datetime, dict[str, Any]]
    """Its occurrences that take place in `window`, by rule start (UTC), with their ids. Graph
    leaves a cancelled occurrence out, so a date of the window not here is cancelled."""
    window: Interval
