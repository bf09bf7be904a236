"""Times in Graph's answers: {dateTime, timeZone} pairs, with Windows or IANA zone names."""

from __future__ import annotations

from datetime import UTC, datetime
from functools import lru_cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from icalendar.timezone.windows_to_olson import WINDOWS_TO_OLSON


def graph_time(value: dict[str, str]) -> datetime:
    """Graph's {dateTime, timeZone}: seven fractional digits, and a Windows or IANA zone."""
    return _instant(value["dateTime"], value.get("timeZone", "UTC"))


@lru_cache(maxsize=16384)
def _instant(text: str, zone_name: str) -> datetime:
    """Each distinct time is parsed once: a night's getSchedule answers repeat the same few
    thousand (meetings start on the quarter hour), some hundred thousand times at N = 1,000."""
    local = datetime.fromisoformat(text.split(".")[0].rstrip("Z"))
    zone = iana_zone(zone_name)
    if zone == "UTC":
        return local.replace(tzinfo=UTC)
    return local.replace(tzinfo=ZoneInfo(zone)).astimezone(UTC)


def iana_zone(name: str) -> str:
    if name in ("UTC", "tzone://Microsoft/Utc"):
        return "UTC"
    mapped = WINDOWS_TO_OLSON.get(name, name)
    try:
        ZoneInfo(mapped)
    except (ZoneInfoNotFoundError, ValueError):
        return "UTC"
    return mapped
