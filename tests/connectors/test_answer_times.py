"""Times in the providers' answers (Graph's {dateTime, timeZone} pairs, Google's RFC 3339),
and busy blocks cut to the read window."""

from __future__ import annotations

from datetime import UTC, datetime

from sync.connectors.base import clip
from sync.connectors.google import times
from sync.connectors.google.times import parse_instant
from sync.connectors.outlook import times as graph_times
from sync.connectors.outlook.times import graph_time
from sync.model.values import BusyBlock, BusyKind, Interval


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
    before = graph_times._instant.cache_info()
    again = graph_time(dict(value))
    after = graph_times._instant.cache_info()
    assert again == first == datetime(2031, 7, 15, 20, 45, tzinfo=UTC)
    assert (after.hits, after.misses) == (before.hits + 1, before.misses)


def test_google_times_parsed_once_each() -> None:
    text = "2031-07-15T13:45:00+02:00"
    first = parse_instant({"dateTime": text})
    before = times.utc_instant.cache_info()
    again = parse_instant({"dateTime": text})
    after = times.utc_instant.cache_info()
    assert again == first == datetime(2031, 7, 15, 11, 45, tzinfo=UTC)
    assert (after.hits, after.misses) == (before.hits + 1, before.misses)
    assert parse_instant({"dateTime": "2031-07-15T11:45:00Z"}) == first
    assert parse_instant({"date": "2031-07-15"}, "Europe/Stockholm") == datetime(
        2031, 7, 14, 22, tzinfo=UTC
    )


def at(day: int, hour: int) -> datetime:
    return datetime(2027, 3, day, hour, tzinfo=UTC)


def test_clip_cuts_at_the_edges_drops_the_rest_and_sorts() -> None:
    window = Interval(at(2, 0), at(9, 0))
    inside = BusyBlock(at(3, 9), at(3, 10))
    away = BusyBlock(at(3, 9), at(3, 10), BusyKind.TIME_OFF)
    blocks = [
        BusyBlock(at(8, 20), at(10, 0)),  # across the end
        away,
        BusyBlock(at(1, 9), at(1, 10)),  # before
        inside,
        BusyBlock(at(9, 0), at(9, 1)),  # starts at the end
        BusyBlock(at(1, 20), at(2, 3)),  # across the start
        BusyBlock(at(4, 9), at(4, 9)),  # empty
        BusyBlock(at(5, 10), at(5, 9)),  # backwards
        BusyBlock(at(3, 8), at(3, 10)),
    ]
    clipped = clip(blocks, window)
    assert clipped == [
        BusyBlock(at(2, 0), at(2, 3)),
        BusyBlock(at(3, 8), at(3, 10)),
        inside,
        away,
        BusyBlock(at(8, 20), at(9, 0)),
    ]
    assert clipped == sorted(clipped)
    # a block inside the window is handed on as it is: most of a night's are
    assert clipped[2] is inside and clipped[3] is away
