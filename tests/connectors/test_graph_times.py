"""Graph's {dateTime, timeZone} pairs, as getSchedule and the event listings answer them."""

from __future__ import annotations

from datetime import UTC, datetime

from sync.connectors.outlook import reading
from sync.connectors.outlook.reading import graph_time


def test_graph_times_in_utc_windows_and_iana_zones() -> None:
    utc = graph_time({"dateTime": "2027-03-02T08:30:00.0000000", "timeZone": "UTC"})
    assert utc == datetime(2027, 3, 2, 8, 30, tzinfo=UTC)
    assert utc.utcoffset() is not None and utc.utcoffset().total_seconds() == 0  # type: ignore[union-attr]
    # Stockholm is UTC+1 in winter and UTC+2 from the last Sunday of March
    winter = {"dateTime": "2027-03-02T09:00:00.0000000", "timeZone": "W. Europe Standard Time"}
    summer = {"dateTime": "2027-04-02T09:00:00", "timeZone": "Europe/Stockholm"}
    assert graph_time(winter) == datetime(2027, 3, 2, 8, 0, tzinfo=UTC)
    assert graph_time(summer) == datetime(2027, 4, 2, 7, 0, tzinfo=UTC)
    assert graph_time({"dateTime": "2027-03-02T09:00:00Z"}) == datetime(2027, 3, 2, 9, tzinfo=UTC)
    unknown = {"dateTime": "2027-03-02T09:00:00", "timeZone": "Nowhere Standard Time"}
    assert graph_time(unknown) == datetime(2027, 3, 2, 9, tzinfo=UTC)


def test_a_time_seen_again_is_not_parsed_again() -> None:
    """A night's getSchedule answers repeat the same few thousand times some hundred thousand
    times: each distinct one is parsed once."""
    value = {"dateTime": "2031-07-15T13:45:00.0000000", "timeZone": "Pacific Standard Time"}
    first = graph_time(value)
    before = reading._instant.cache_info()
    again = graph_time(dict(value))
    after = reading._instant.cache_info()
    assert again == first == datetime(2031, 7, 15, 20, 45, tzinfo=UTC)
    assert (after.hits, after.misses) == (before.hits + 1, before.misses)
