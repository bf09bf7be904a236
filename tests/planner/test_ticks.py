"""The planner's free time in whole microseconds since the epoch: exact for every zone, on the
days the clock changes, and for a local day that spans two UTC dates."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sync.model.values import Occurrence
from sync.planner import ticks as t
from sync.planner.requests import Commitment, PairRequest
from sync.planner.slots import FreeSlots, day_bounds
from sync.planner.solver import _Planner
from sync.planner.ticks import covers, instant, intersect, normalise, overlaps_any, subtract, tick
from tests.planner_helpers import inputs, manager, pair, utc

STOCKHOLM = ZoneInfo("Europe/Stockholm")
LOS_ANGELES = ZoneInfo("America/Los_Angeles")
KATHMANDU = ZoneInfo("Asia/Kathmandu")  # UTC+05:45
MINUTE = t.MINUTE


def test_an_instant_is_the_same_tick_in_every_zone_and_comes_back_exactly() -> None:
    moment = datetime(2027, 3, 2, 9, 15, 30, 123456, tzinfo=UTC)
    assert (
        tick(moment)
        == int(datetime(2027, 3, 2, 9, 15, 30, tzinfo=UTC).timestamp()) * 10**6 + 123456
    )
    for zone in (STOCKHOLM, LOS_ANGELES, KATHMANDU):
        assert tick(moment.astimezone(zone)) == tick(moment)
    assert instant(tick(moment)) == moment
    assert instant(tick(moment)).tzinfo is UTC


def test_the_repeated_hour_of_autumn_is_two_different_ticks() -> None:
    # 2027-10-31 02:30 happens twice in Stockholm: first at UTC+2, then at UTC+1
    first = datetime(2027, 10, 31, 2, 30, tzinfo=STOCKHOLM)
    second = first.replace(fold=1)
    assert tick(second) - tick(first) == 60 * MINUTE
    assert tick(first) == tick(datetime(2027, 10, 31, 0, 30, tzinfo=UTC))


def test_day_bounds_are_local_midnights_even_when_the_day_spans_two_utc_dates() -> None:
    # a Los Angeles Tuesday (UTC-8) runs from Tuesday 08:00 to Wednesday 08:00 UTC
    bounds = day_bounds(date(2027, 3, 2), LOS_ANGELES)
    assert bounds == (
        tick(datetime(2027, 3, 2, 8, tzinfo=UTC)),
        tick(datetime(2027, 3, 3, 8, tzinfo=UTC)),
    )
    # Kathmandu's midnight is 18:15 UTC of the day before
    kathmandu = day_bounds(date(2027, 3, 2), KATHMANDU)
    assert kathmandu is not None
    assert kathmandu[0] == tick(datetime(2027, 3, 1, 18, 15, tzinfo=UTC))
    # on the days the clock changes the day is not 24 hours: no bounds, slots are exact
    assert day_bounds(date(2027, 3, 28), STOCKHOLM) is None
    assert day_bounds(date(2027, 10, 31), STOCKHOLM) is None


def _span(start: datetime, end: datetime) -> tuple[int, int]:
    return tick(start), tick(end)


def _starts(slots: FreeSlots, day: date) -> list[int]:
    """The free grid times of `day`, as minutes after local midnight."""
    return [minute for k, minute in enumerate(slots.grid) if slots.bits(day) >> k & 1]


def test_free_grid_times_of_a_local_day_that_crosses_utc_midnight() -> None:
    day = date(2027, 3, 2)
    local = datetime.combine(day, time(15, 0), LOS_ANGELES)  # 23:00 UTC
    free = [_span(local, local + timedelta(hours=2))]  # 15:00-17:00, across UTC midnight
    slots = FreeSlots(free, LOS_ANGELES, list(range(9 * 60, 17 * 60, 15)), 30)
    assert _starts(slots, day) == list(range(15 * 60, 16 * 60 + 31, 15))  # 15:00 .. 16:30
    assert slots.bits(day + timedelta(days=1)) == 0


def test_a_free_span_off_the_grid_or_from_the_day_before_gives_only_whole_grid_times() -> None:
    day = date(2027, 3, 2)
    evening = datetime.combine(day - timedelta(days=1), time(23, 0), KATHMANDU)
    morning = datetime.combine(day, time(9, 5), KATHMANDU)
    free = [
        _span(evening, evening + timedelta(hours=2)),  # 23:00 the day before to 01:00
        _span(morning, morning + timedelta(minutes=55)),  # 09:05-10:00
        _span(morning + timedelta(minutes=70, seconds=30), morning + timedelta(minutes=115)),
    ]  # and 10:15:30-11:00
    slots = FreeSlots(free, KATHMANDU, list(range(0, 12 * 60, 15)), 30)
    assert _starts(slots, day) == [0, 15, 30, 9 * 60 + 15, 9 * 60 + 30, 10 * 60 + 30]


def test_free_grid_times_on_the_spring_day_skip_the_hour_the_clock_skips() -> None:
    # 2027-03-28: Stockholm's clocks go from 02:00 to 03:00; 01:00-05:00 local is 00:00-03:00 UTC
    day = date(2027, 3, 28)
    free = [_span(datetime(2027, 3, 28, 0, tzinfo=UTC), datetime(2027, 3, 28, 3, tzinfo=UTC))]
    slots = FreeSlots(free, STOCKHOLM, list(range(60, 5 * 60, 15)), 30)
    # 01:00 .. 01:45 (01:45 lasts until 03:15, half an hour later), then 03:00 .. 04:30;
    # 02:xx does not exist
    assert _starts(slots, day) == [60, 75, 90, 105, 180, 195, 210, 225, 240, 255, 270]


def test_free_grid_times_on_the_autumn_day_follow_the_wall_clock() -> None:
    # 2027-10-31: 02:00-03:00 happens twice; free 00:00-02:00 UTC is 02:00(first)-03:00 local
    day = date(2027, 10, 31)
    free = [_span(datetime(2027, 10, 31, 0, tzinfo=UTC), datetime(2027, 10, 31, 2, tzinfo=UTC))]
    slots = FreeSlots(free, STOCKHOLM, list(range(0, 6 * 60, 15)), 30)
    # a wall-clock time means its first occurrence: 02:00 .. 02:45 (UTC 00:00 .. 00:45), not
    # 00:xx-01:xx local, whatever the UTC hours say, and not 03:00 (UTC 02:00)
    assert _starts(slots, day) == [120, 135, 150, 165]


def test_span_arithmetic_at_the_edges() -> None:
    assert normalise([(10, 20), (20, 30), (5, 8)]) == [(5, 8), (10, 30)]
    assert normalise([(10, 20), (25, 30)], pad=3) == [(7, 33)]
    assert normalise([(10, 20), (10, 25)]) == [(10, 25)]
    assert intersect([(0, 10), (20, 30)], [(5, 25)]) == [(5, 10), (20, 25)]
    assert intersect([(0, 10)], [(10, 20)]) == []
    assert subtract([(0, 100)], [(10, 20), (15, 30), (90, 120)]) == [(0, 10), (30, 90)]
    assert subtract([(0, 10), (20, 30)], [(0, 10)]) == [(20, 30)]
    assert subtract([(0, 10)], []) == [(0, 10)]
    spans = [(0, 10), (20, 30)]
    assert covers(spans, 20, 30) and covers(spans, 0, 10)
    assert not covers(spans, 5, 21) and not covers(spans, 25, 31) and not covers(spans, 10, 20)
    assert overlaps_any(spans, 9, 20) and overlaps_any(spans, 29, 40)
    assert not overlaps_any(spans, 10, 20) and not overlaps_any(spans, 30, 40)
    assert t.total(spans) == 20


def test_room_for_a_length_counts_only_the_part_of_a_span_inside_the_window() -> None:
    spans = [(0, 10), (20, 50)]
    assert t.room_for(spans, 25, 60, 25)  # (25, 50): a span reaching in from before
    assert not t.room_for(spans, 30, 60, 25)  # (30, 50) is 20 long
    assert t.room_for(spans, 0, 15, 10) and not t.room_for(spans, 1, 15, 10)
    assert not t.room_for(spans, 10, 20, 1)  # the gap between them
    assert not t.room_for([], 0, 100, 1)


def test_a_long_check_in_from_before_the_week_still_blocks_the_week() -> None:
    """Free time near a week reads only the check-ins that may reach it; one that starts
    long before (a workshop over a weekend, booked as a check-in) still counts, also when it is
    committed after the planner started."""
    boss = manager("boss@example.com", zone="UTC", holidays="")
    mia = pair(boss, "mia@example.com", zone="UTC", holidays="")
    bo = pair(boss, "bo@example.com", zone="UTC", holidays="")
    # Saturday 20:00 to Monday 12:00: from before the days around Monday's week
    start = utc(2027, 3, 6, 20)
    long = Commitment(start, start + timedelta(hours=40), "bo@example.com", one_off=True)
    base = inputs(utc(2027, 3, 1, 7), buffer_minutes=0)
    monday = utc(2027, 3, 8, 9)
    for planner in (
        _Planner(replace(base, checkins={"boss@example.com": [long]})),
        _committed(_Planner(base), bo, long),
    ):
        week = planner.free_in_week(mia, monday)
        assert not covers(week, tick(monday), tick(monday) + 30 * MINUTE)
        assert covers(week, tick(utc(2027, 3, 8, 12)), tick(utc(2027, 3, 8, 12, 30)))


def _committed(planner: _Planner, bo: PairRequest, item: Commitment) -> _Planner:
    planner.commit(bo, Occurrence(item.start, item.start, item.end), one_off=True)
    return planner
