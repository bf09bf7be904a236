"""A full week makes room: when a new series' date has no free time left in its week
because a series planned earlier in the same run took it, that earlier date moves to
another free time of its own week, and both check-ins take place."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from itertools import pairwise

from sync.model.values import BusyBlock, BusyKind, Occurrence, OccurrenceStatus, PlannedSeries
from sync.planner import PairRequest, plan
from tests.planner_helpers import inputs, manager, pair, utc


def busy_except(day: date, *free_hours: tuple[int, int]) -> list[BusyBlock]:
    """Busy 09:00-17:00 (UTC) on `day` except the given half hours (hour, minute)."""
    blocks, start = [], datetime(day.year, day.month, day.day, 9, tzinfo=UTC)
    for hour, minute in sorted(free_hours):
        gap = start.replace(hour=hour, minute=minute)
        blocks.append(BusyBlock(start, gap))
        start = gap + timedelta(minutes=30)
    blocks.append(BusyBlock(start, start.replace(hour=17, minute=0)))
    return [b for b in blocks if b.start < b.end]


WEEKDAYS = [d for d in (date(2027, 3, 1) + timedelta(days=n) for n in range(26)) if d.weekday() < 5]


def karin_ann_bo(ann_cadence: str = "weekly") -> tuple[PairRequest, PairRequest]:
    """Karin and two reports, all in UTC without holidays."""
    boss = manager(zone="UTC", holidays="")
    ann = pair(boss, "ann@example.com", zone="UTC", holidays="", cadence=ann_cadence)
    return ann, pair(boss, "bo@example.com", zone="UTC", holidays="")


def only_free_at_ten(weekdays: tuple[int, ...]) -> list[BusyBlock]:
    """Busy every working day but at 10:00 on `weekdays`."""
    return [
        block
        for d in WEEKDAYS
        for block in busy_except(d, *([(10, 0)] if d.weekday() in weekdays else []))
    ]


def planned(pairs: list[PairRequest], busy: dict[str, list[BusyBlock]]) -> dict[str, PlannedSeries]:
    outcomes = plan(pairs, inputs(utc(2027, 3, 1, 7), busy, weeks=3, buffer_minutes=0))
    return {o.employee: o for o in outcomes if isinstance(o, PlannedSeries)}


def in_week(series: PlannedSeries, monday: date) -> list[Occurrence]:
    """The series' dates whose rule puts them in the week of `monday`."""
    return [
        o
        for o in series.occurrences
        if monday <= o.original_start.date() < monday + timedelta(days=7)
    ]


def test_an_earlier_pairs_date_moves_within_its_week_to_make_room() -> None:
    ann, bo = karin_ann_bo()
    weekdays = WEEKDAYS
    # Ann is only ever free on Tuesdays and Wednesdays at 10:00
    ann_busy = only_free_at_ten((1, 2))
    # Bo is free, but for the week of 8 March, when only Tuesday at 10:00 is left
    bo_busy = [
        block
        for d in weekdays
        if date(2027, 3, 8) <= d <= date(2027, 3, 12)
        for block in busy_except(d, *([(10, 0)] if d.weekday() == 1 else []))
    ]
    busy = {"ann@example.com": ann_busy, "bo@example.com": bo_busy}
    outcomes = plan([ann, bo], inputs(utc(2027, 3, 1, 7), busy, weeks=3, buffer_minutes=0))
    series = {o.employee: o for o in outcomes if isinstance(o, PlannedSeries)}
    tuesday = utc(2027, 3, 9, 10)

    bo_week = [
        o
        for o in series["bo@example.com"].occurrences
        if o.start.date() <= date(2027, 3, 14) and o.original_start.date() >= date(2027, 3, 8)
    ]
    assert [o.start for o in bo_week if o.takes_place] == [tuesday]

    ann_week = [
        o
        for o in series["ann@example.com"].occurrences
        if date(2027, 3, 8) <= o.original_start.date() <= date(2027, 3, 14)
    ]
    assert len(ann_week) == 1 and ann_week[0].status is OccurrenceStatus.MOVED
    assert ann_week[0].start == utc(2027, 3, 10, 10)
    because = "2027-03-09 moved to Wed 10:00 because Bo had no other time with Karin that week"
    assert because in str(series["ann@example.com"].explanation)

    taken = sorted(
        (o.start, o.end) for s in series.values() for o in s.occurrences if o.takes_place
    )
    assert all(a[1] <= b[0] for a, b in pairwise(taken)), "no overlaps"


def test_a_date_whose_day_someone_is_away_still_makes_room_on_another_day() -> None:
    """Bo is away in the week of 8 March but for Tuesday, when only 10:00 is free for him,
    which Ann's series took. His series' date that week falls on a day he is away; Ann's
    date moves all the same, as it would for a busy day, and Bo meets on Tuesday."""
    ann, bo = karin_ann_bo()
    away = [
        BusyBlock(utc(2027, 3, 8, 0), utc(2027, 3, 9, 0), BusyKind.TIME_OFF),
        BusyBlock(utc(2027, 3, 10, 0), utc(2027, 3, 13, 0), BusyKind.TIME_OFF),
    ]
    bo_busy = away + busy_except(date(2027, 3, 9), (10, 0))
    series = planned(
        [ann, bo], {"ann@example.com": only_free_at_ten((1, 2)), "bo@example.com": bo_busy}
    )
    bo_week = in_week(series["bo@example.com"], date(2027, 3, 8))
    assert [o.start for o in bo_week if o.takes_place] == [utc(2027, 3, 9, 10)]
    ann_week = in_week(series["ann@example.com"], date(2027, 3, 8))
    assert [o.start for o in ann_week] == [utc(2027, 3, 10, 10)]


def test_a_biweekly_date_moves_to_the_other_week_of_its_fortnight_to_make_room() -> None:
    """Ann (biweekly) is only ever free on Tuesdays at 10:00, and in the week of 15 March
    that is Bo's only time too. Ann's date of 16 March moves to 9 March, the other week
    of its fortnight (fortnights count from 8 March, the first whole week after the
    notice), and both take place."""
    ann, bo = karin_ann_bo("biweekly")
    bo_busy = [
        block
        for d in WEEKDAYS
        if date(2027, 3, 15) <= d <= date(2027, 3, 19)
        for block in busy_except(d, *([(10, 0)] if d.weekday() == 1 else []))
    ]
    series = planned(
        [ann, bo], {"ann@example.com": only_free_at_ten((1,)), "bo@example.com": bo_busy}
    )
    bo_week = in_week(series["bo@example.com"], date(2027, 3, 15))
    assert [o.start for o in bo_week if o.takes_place] == [utc(2027, 3, 16, 10)]
    (ann_date,) = [
        o for o in series["ann@example.com"].occurrences if o.original_start == utc(2027, 3, 16, 10)
    ]
    assert ann_date.status is OccurrenceStatus.MOVED and ann_date.start == utc(2027, 3, 9, 10)
    because = "2027-03-16 moved to Tue 2027-03-09 10:00 because Bo had no other time with Karin"
    assert because in str(series["ann@example.com"].explanation)
