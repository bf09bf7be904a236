"""A getSchedule answer parsed into only what busy time is made of.

Graph describes each schedule item with its subject, location and six flags, and each time
as a {dateTime, timeZone} object. Parsed whole, a $batch of twenty getSchedule answers holds
some ten thousand such items at once, at about 1.5 kB each, while busy time needs only each
item's status, start and end. Parsing with `compact` keeps those three as they are read (the
times as the shared instants `graph_time` caches), which halves what a read holds beyond
the busy time it keeps; most of the rest is the answer's text while it is parsed.
"""

from __future__ import annotations

import sys
from datetime import datetime
from typing import Any, NamedTuple

from sync.connectors.outlook.times import graph_time


class ScheduleItem(NamedTuple):
    status: str
    """Lower case: "busy", "oof", "tentative", ..."""
    start: datetime
    end: datetime


def compact(value: dict[str, Any]) -> Any:
    """`json.loads`' object hook for getSchedule answers. Objects are handed over innermost
    first, so an item's times are already instants when the item itself comes."""
    if "dateTime" in value and len(value) <= 2:
        return graph_time(value)
    start, end = value.get("start"), value.get("end")
    if isinstance(start, datetime) and isinstance(end, datetime):
        # a few statuses over ten thousand items: one string each, not one per item
        return ScheduleItem(sys.intern(str(value.get("status", "")).lower()), start, end)
    return value
