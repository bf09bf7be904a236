"""The week picture marks each quarter hour as the plain rule says (proposed, another time,
busy, free), however its busy time is read: the drawing looks at each day's nearby spans
only, which must never change a cell, also on the days clocks change and for a viewer in
another zone than the week's."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from sync.delivery.week_picture import BUSY, FREE, OTHER, SLOT, _in_week, week_picture
from sync.model.values import Interval
from sync.model.week_busy import WeekBusy

ZONES = ["Europe/Stockholm", "America/New_York", "Asia/Kolkata", "Australia/Lord_Howe"]
MONDAYS = [
    datetime(2027, 3, 8),  # a plain week
    datetime(2027, 3, 22),  # Europe's clocks go forward on the Sunday after
    datetime(2027, 3, 29),  # the week after
    datetime(2027, 10, 25),  # Europe's clocks go back on the Sunday before
    datetime(2027, 11, 1),  # New York's go back on Sunday 7 November
    datetime(2027, 3, 15),  # New York's went forward on Sunday 14 March
]


def expected(
    quarter: Interval, busy: list[Interval], slot: Interval, others: list[Interval]
) -> str:
    if quarter.overlaps(slot):
        return SLOT
    if any(quarter.overlaps(o) for o in others):
        return OTHER
    return BUSY if any(quarter.overlaps(b) for b in busy) else FREE


def spans(rng: random.Random, monday: datetime, zone: str) -> tuple[Interval, ...]:
    """Busy spans over the week and a day either side, some in UTC and some in the week's
    own zone (as the store and a fresh reading give them), sorted and apart."""
    tz = ZoneInfo(zone)
    start = monday.replace(tzinfo=tz) - timedelta(days=1)
    found = []
    while start < monday.replace(tzinfo=tz) + timedelta(days=6):
        start += timedelta(minutes=rng.choice([5, 15, 45, 60, 90, 240, 600]))
        end = start + timedelta(minutes=rng.choice([10, 15, 30, 60, 120, 500]))
        found.append(Interval(start, end) if rng.random() < 0.5 else
                     Interval(start.astimezone(UTC), end.astimezone(UTC)))  # fmt: skip
        start = end
    return tuple(found)


@pytest.mark.parametrize("seed", range(12))
def test_every_cell_is_what_the_rule_says(seed: int) -> None:
    rng = random.Random(seed)
    week_zone, viewer = rng.choice(ZONES), rng.choice(ZONES)
    monday = rng.choice(MONDAYS)
    week = WeekBusy(
        monday.replace(tzinfo=ZoneInfo(week_zone)),
        spans(rng, monday, week_zone),
        spans(rng, monday, week_zone),
    )
    # a slot early in the day widens the picture to hours a clock change touches
    first = monday.replace(hour=rng.choice([1, 2, 7, 10, 16]), tzinfo=ZoneInfo(week_zone))
    first += timedelta(days=rng.randrange(5))
    slot = Interval(first, first + timedelta(minutes=30))
    others = [
        Interval(slot.start + timedelta(hours=h), slot.end + timedelta(hours=h)) for h in (2, 26)
    ]
    picture = week_picture(week, viewer, slot, others, "Lena Berg")

    tz = ZoneInfo(viewer)
    local_monday = week.monday.astimezone(tz).replace(hour=0, minute=0, second=0, microsecond=0)
    first_hour = int(picture.hours[0])
    step = timedelta(minutes=15)
    proposed = _in_week(slot, local_monday, tz)
    alternatives = [_in_week(o, local_monday, tz) for o in others]
    for index, row in enumerate(picture.rows):
        day = local_monday + timedelta(days=index // 2)
        start = datetime(day.year, day.month, day.day, first_hour, tzinfo=tz)
        busy = list(week.manager if index % 2 == 0 else week.employee)
        cells = tuple(
            expected(
                Interval(start + step * n, start + step * (n + 1)), busy, proposed, alternatives
            )
            for n in range(len(row.cells))
        )
        assert row.cells == cells, (seed, index)
