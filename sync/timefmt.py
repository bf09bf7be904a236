"""Times as a person reads them: in their own zone first, the other person's alongside.

Used by the web page and the digest email, which must say the same thing the same way.
Formats are fixed (not the server's locale), so a page reads the same wherever it is served.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from sync.weekdays import RRULE_DAYS, WEEKDAY_PLURALS, WEEKDAY_TITLES

_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
_ORDINALS = {1: "first", 2: "second", 3: "third", 4: "fourth", -1: "last"}
_MONTHLY_BYDAY = re.compile(r"BYDAY=([+-]?\d)(MO|TU|WE|TH|FR|SA|SU)")


def zone_label(zone: str) -> str:
    """ "America/New_York" → "New York"; "UTC" stays "UTC"."""
    return zone.rsplit("/", 1)[-1].replace("_", " ")


def day(instant: datetime, zone: str) -> str:
    """ "Tue 2 Feb 2027" in `zone`."""
    local = instant.astimezone(ZoneInfo(zone))
    return f"{WEEKDAY_TITLES[local.weekday()]} {local.day} {_MONTHS[local.month - 1]} {local.year}"


def clock_range(start: datetime, end: datetime, zone: str) -> str:
    """ "16:15–16:45" in `zone`."""
    tz = ZoneInfo(zone)
    return f"{start.astimezone(tz):%H:%M}–{end.astimezone(tz):%H:%M}"


def moment(instant: datetime, zone: str) -> str:
    """ "Tue 2 Feb 2027 16:15" in `zone`."""
    return f"{day(instant, zone)} {instant.astimezone(ZoneInfo(zone)):%H:%M}"


@dataclass(frozen=True)
class TwoZones:
    """One span of time for the viewer, and for the other person if they live elsewhere."""

    mine: str
    theirs: str
    """Empty when both people share a zone."""


def span(start: datetime, end: datetime, viewer: str, other: str | None) -> TwoZones:
    mine = f"{day(start, viewer)}, {clock_range(start, end, viewer)}"
    if other is None or _same_clock(start, viewer, other):
        return TwoZones(mine, "")
    theirs = clock_range(start, end, other)
    if day(start, other) != day(start, viewer):
        theirs = f"{day(start, other)}, {theirs}"
    return TwoZones(mine, f"{theirs} in {zone_label(other)}")


def pattern(
    rrule: str, cadence: str, start: datetime, end: datetime, viewer: str, other: str | None
) -> TwoZones:
    """How a series repeats, e.g. "Weekly on Tuesdays, 16:15–16:45" and "10:15–10:45 in New
    York" (with the weekday when it differs there)."""
    if not rrule:  # a one-off check-in
        return span(start, end, viewer, other)
    local = start.astimezone(ZoneInfo(viewer))
    mine = f"{_repeat(rrule, cadence, local.weekday())}, {clock_range(start, end, viewer)}"
    if other is None or _same_clock(start, viewer, other):
        return TwoZones(mine, "")
    there = start.astimezone(ZoneInfo(other))
    theirs = clock_range(start, end, other)
    if there.weekday() != local.weekday():
        theirs = f"{WEEKDAY_PLURALS[there.weekday()]} {theirs}"
    return TwoZones(mine, f"{theirs} in {zone_label(other)}")


def _repeat(rrule: str, cadence: str, weekday: int) -> str:
    monthly = _MONTHLY_BYDAY.search(rrule) if "FREQ=MONTHLY" in rrule else None
    if monthly:
        nth = _ORDINALS.get(int(monthly.group(1)), monthly.group(1))
        name = WEEKDAY_PLURALS[RRULE_DAYS.index(monthly.group(2))][:-1]
        return f"Monthly on the {nth} {name}"
    return f"{cadence[:1].upper()}{cadence[1:]} on {WEEKDAY_PLURALS[weekday]}"


def _same_clock(instant: datetime, one: str, other: str) -> bool:
    return instant.astimezone(ZoneInfo(one)).replace(tzinfo=None) == instant.astimezone(
        ZoneInfo(other)
    ).replace(tzinfo=None)
