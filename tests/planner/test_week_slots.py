"""A week's free grid times worked out once and then cut: always the bits that the free time,
built again without the cut time, would give; exact at the ends of a cut and on the days
the clock changes."""

from __future__ import annotations

import random
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from sync.planner.slots import FreeSlots
from sync.planner.ticks import MINUTE, FreeTime, Span, normalise, subtract, tick
from sync.planner.week_slots import WeekSlots

STOCKHOLM = ZoneInfo("Europe/Stockholm")
KATHMANDU = ZoneInfo("Asia/Kathmandu")  # UTC+05:45
GRID = list(range(8 * 60, 17 * 60 + 1, 15))  # 08:00 .. 17:00


def at(day: date, hour: int, minute: int = 0, zone: ZoneInfo = STOCKHOLM) -> int:
    return tick(datetime(day.year, day.month, day.day, hour, minute, tzinfo=zone))


def week(free: FreeTime, monday: date, minutes: int = 30, zone: ZoneInfo = STOCKHOLM) -> WeekSlots:
    return WeekSlots(FreeSlots(free, zone, GRID, minutes), monday)


def rebuilt(
    free: FreeTime, cuts: list[Span], monday: date, minutes: int, zone: ZoneInfo
) -> dict[date, int]:
    """What the planner's free time built again without the cuts gives."""
    slots = FreeSlots(subtract(free, normalise(cuts)), zone, GRID, minutes)
    return {monday + timedelta(days=d): slots.bits(monday + timedelta(days=d)) for d in range(7)}


MONDAY = date(2027, 3, 1)


def bit(minute: int) -> int:
    return 1 << GRID.index(minute)


def test_a_cut_takes_the_times_it_overlaps_and_not_those_that_only_touch_it() -> None:
    free = [(at(MONDAY, 9), at(MONDAY, 12))]
    slots = week(free, MONDAY)
    assert slots.base[MONDAY] == sum(bit(m) for m in range(9 * 60, 11 * 60 + 31, 15))
    # taken 10:00-10:30: 09:30 ends as it begins, 10:30 begins as it ends, both stay
    cut = slots.bits_without([(at(MONDAY, 10), at(MONDAY, 10, 30))])[MONDAY]
    assert cut & bit(9 * 60 + 30) and cut & bit(10 * 60 + 30)
    assert not cut & (bit(9 * 60 + 45) | bit(10 * 60) | bit(10 * 60 + 15))
    # one microsecond is enough to take a time
    tiny = slots.bits_without([(at(MONDAY, 10, 29), at(MONDAY, 10, 29) + 1)])[MONDAY]
    assert slots.base[MONDAY] & ~tiny == bit(10 * 60) | bit(10 * 60 + 15)
    # the other days, and the week without cuts, are left alone
    assert slots.bits_without([])[MONDAY] == slots.base[MONDAY]
    assert slots.bits_without([(at(MONDAY, 10), at(MONDAY, 11))])[MONDAY + timedelta(days=1)] == 0


def test_a_cut_across_midnight_takes_the_end_of_one_day_and_the_start_of_the_next() -> None:
    tuesday = MONDAY + timedelta(days=1)
    free = [(at(MONDAY, 8), at(MONDAY, 17, 30)), (at(tuesday, 8), at(tuesday, 17, 30))]
    slots = week(free, MONDAY)
    cut = slots.bits_without([(at(MONDAY, 17), at(tuesday, 8, 20))])
    assert cut[MONDAY] == slots.base[MONDAY] & ~bit(17 * 60) & ~bit(16 * 60 + 45)
    assert cut[tuesday] == slots.base[tuesday] & ~(bit(8 * 60) | bit(8 * 60 + 15))


@pytest.mark.parametrize(
    ("monday", "zone"),
    [
        (MONDAY, STOCKHOLM),
        (date(2027, 3, 22), STOCKHOLM),  # Sunday 28 March: 02:00-03:00 does not exist
        (date(2027, 10, 25), STOCKHOLM),  # Sunday 31 October: 02:00-03:00 happens twice
        (MONDAY, KATHMANDU),
    ],
)
def test_cut_bits_are_those_of_the_free_time_built_again(monday: date, zone: ZoneInfo) -> None:
    rng = random.Random(f"{monday} {zone}")
    start = at(monday, 0, zone=zone)
    for _ in range(150):
        minutes = rng.choice([15, 30, 45, 60])
        free = normalise(
            (low, low + rng.randrange(10, 600) * MINUTE)
            for low in (start + rng.randrange(0, 7 * 24 * 60) * MINUTE for _ in range(12))
        )
        # cuts off the grid too: seconds and microseconds, some across midnight
        cuts = [
            (low, low + rng.randrange(1, 240 * 60 * 10**6))
            for low in (start + rng.randrange(-(10**9), 7 * 24 * 3600 * 10**6) for _ in range(4))
        ]
        slots = WeekSlots(FreeSlots(free, zone, GRID, minutes), monday)
        assert slots.bits_without(cuts) == rebuilt(free, cuts, monday, minutes, zone)


def test_on_the_spring_day_the_skipped_times_keep_the_starts_in_order() -> None:
    sunday = date(2027, 3, 28)
    free = [(at(sunday, 0), at(sunday, 23))]
    zone_grid = [60, 90, 120, 150, 180]  # 01:00, 01:30, [02:00, 02:30 skipped], 03:00
    slots = WeekSlots(FreeSlots(free, STOCKHOLM, zone_grid, 30), sunday - timedelta(days=6))
    starts = slots.starts(sunday)
    assert starts == sorted(starts)
    assert starts[3] - starts[1] == 0  # the skipped ones repeat the one before
    assert starts[4] - starts[1] == 30 * MINUTE  # 01:30 CET to 03:00 CEST is half an hour
    assert slots.base[sunday] == 0b10011
    # a cut over the half hour between 01:30 and 03:00 takes 01:30 only
    assert slots.bits_without([(at(sunday, 1, 45), at(sunday, 3))])[sunday] == 0b10001
