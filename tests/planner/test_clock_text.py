"""The clock times in the planner's sentences, written without strftime."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from sync.planner.explain import _clock, slot_phrase


def test_a_clock_time_reads_as_strftime_writes_it_at_every_minute_of_a_day() -> None:
    start = datetime(2027, 3, 28, 0, 0, tzinfo=ZoneInfo("Europe/Stockholm"))  # clocks go forward
    for minute in range(0, 24 * 60 + 60, 7):
        moment = (start.astimezone(UTC) + timedelta(minutes=minute)).astimezone(start.tzinfo)
        assert _clock(moment) == f"{moment:%H:%M}"


def test_a_slot_reads_in_both_zones() -> None:
    first = datetime(2027, 3, 2, 9, 5, tzinfo=ZoneInfo("Europe/Stockholm"))
    assert slot_phrase(first, 30, "Europe/Stockholm") == "09:05–09:35 Stockholm"
    assert (
        slot_phrase(first, 30, "America/New_York") == "09:05–09:35 Stockholm / 03:05–03:35 New York"
    )
