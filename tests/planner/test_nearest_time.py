"""The nearest free grid time of a week, found with two bit operations a day: always the one a
walk over every free time would find, the earlier of two as near."""

from __future__ import annotations

import random

from sync.planner.slots import nearest

GRID = list(range(9 * 60, 16 * 60 + 31, 15))  # 09:00 .. 16:30


def walked(week: list[int], target: int) -> tuple[int, int] | None:
    """Every set bit looked at, as the planner's full list of a week's times does."""
    times = [
        (abs(offset * 1440 + minute - target), offset * 1440 + minute, offset, minute)
        for offset, bits in enumerate(week)
        for k, minute in enumerate(GRID)
        if bits >> k & 1
    ]
    return min(times)[2:] if times else None


def bits(*minutes: int) -> int:
    return sum(1 << GRID.index(m) for m in minutes)


def test_of_two_times_as_near_the_earlier_is_taken() -> None:
    # Tuesday 12:00 wanted; 11:00 and 13:00 on Tuesday are both an hour away
    week = [0, bits(11 * 60, 13 * 60), 0, 0, 0, 0, 0]
    assert nearest(GRID, week, 1440 + 12 * 60) == (1, 11 * 60)
    # Monday 16:30 and Wednesday 09:00 are far; Tuesday's times win
    week[0], week[2] = bits(16 * 60 + 30), bits(9 * 60)
    assert nearest(GRID, week, 1440 + 12 * 60) == (1, 11 * 60)


def test_the_nearest_may_be_on_another_day_and_before_or_after_the_grid() -> None:
    # wanted Wednesday 08:00, before the grid: Tuesday 16:30 is 15.5 hours away,
    # Wednesday 16:30 8.5
    week = [0, bits(16 * 60 + 30), bits(16 * 60 + 30), 0, 0, 0, 0]
    assert nearest(GRID, week, 2 * 1440 + 8 * 60) == (2, 16 * 60 + 30)
    # wanted Sunday 23:00 (after every time): the last free time of the week
    week = [bits(9 * 60), 0, 0, 0, bits(10 * 60, 16 * 60), 0, 0]
    assert nearest(GRID, week, 6 * 1440 + 23 * 60) == (4, 16 * 60)
    assert nearest(GRID, [0] * 7, 600) is None


def test_nearest_is_what_the_walk_finds() -> None:
    rng = random.Random(15)
    full = (1 << len(GRID)) - 1
    for _ in range(3000):
        week = [rng.getrandbits(len(GRID)) & full if rng.random() < 0.4 else 0 for _ in range(7)]
        target = rng.randrange(-60, 7 * 1440 + 60)
        assert nearest(GRID, week, target) == walked(week, target)
