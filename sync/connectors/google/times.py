"""Times as Calendar v3 writes and reads them."""

from __future__ import annotations

from datetime import UTC, datetime
from functools import lru_cache
from zoneinfo import ZoneInfo


def rfc3339(instant: datetime) -> str:
    return instant.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def parse_instant(value: dict[str, str], zone: str = "UTC") -> datetime:
    """A Google event time: `dateTime` (RFC 3339), or an all-day `date`, which starts at
    midnight in the person's own zone."""
    if "dateTime" in value:
        return utc_instant(value["dateTime"])
    midnight = datetime.fromisoformat(value["date"]).replace(tzinfo=ZoneInfo(zone))
    return midnight.astimezone(UTC)


@lru_cache(maxsize=16384)
def utc_instant(text: str) -> datetime:
    """An RFC 3339 time, parsed once: a night's freeBusy answers repeat the same few thousand
    times (meetings start on the quarter hour) some hundred thousand times at N = 1,000."""
    return datetime.fromisoformat(text.replace("Z", "+00:00")).astimezone(UTC)
