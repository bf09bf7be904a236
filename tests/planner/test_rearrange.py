"""A full week re-arranged: when a new series' date can be placed only by moving two other
new dates of the same manager at once, the planner moves both, and every check-in of the
week takes place."""

from __future__ import annotations

import random
from datetime import date, datetime, timedelta
from typing import Any

import pytest

from sync.model.values import BusyBlock, PlannedSeries
from sync.planner import Commitment, PairRequest, PlanningInput, plan, rearrange
from tests.planner_helpers import inputs, manager, pair, utc

MONDAY = date(2027, 3, 1)


def busy(*spans: tuple[int, int, int]) -> list[BusyBlock]:
    """Busy in week one on (weekday, from hour, to hour), UTC."""
    out = []
    for weekday, start, end in spans:
        day = MONDAY + timedelta(days=weekday)
        out.append(
            BusyBlock(
                utc(day.year, day.month, day.day, start), utc(day.year, day.month, day.day, end)
            )
        )
    return out


def karin_week() -> tuple[list[PairRequest], PlanningInput]:
    """Karin meets at most one report a day; Friday of week one is taken by a booked
    check-in. In week one Ann is free Monday and Tuesday mornings, Bo Tuesday and
    Wednesday mornings, Cy Monday and Friday; in week two everyone is free."""
    karin = manager(cap=1, zone="UTC", holidays="")
    ann, bo, cy = (
        pair(karin, f"{n}@example.com", zone="UTC", holidays="") for n in ("ann", "bo", "cy")
    )
    calendars = {
        "ann@example.com": busy((0, 12, 17), (1, 12, 17), (2, 9, 17), (3, 9, 17), (4, 9, 17)),
        "bo@example.com": busy((0, 9, 17), (1, 12, 17), (2, 12, 17), (3, 9, 17), (4, 9, 17)),
        "cy@example.com": busy((1, 9, 17), (2, 9, 17), (3, 9, 17)),
    }
    friday = utc(2027, 3, 5, 10)
    booked = Commitment(friday, friday + timedelta(minutes=30), "zed@example.com")
    base = inputs(utc(2027, 2, 28, 7), calendars, weeks=2, buffer_minutes=0)
    return [ann, bo, cy], PlanningInput(
        now=base.now,
        horizon_weeks=base.horizon_weeks,
        min_notice=base.min_notice,
        buffer=base.buffer,
        busy=base.busy,
        checkins={"karin@example.com": [booked]},
    )


def week_one(series: PlannedSeries) -> list[datetime]:
    """Where the dates of week one take place."""
    return [
        o.start
        for o in series.occurrences
        if o.takes_place and o.start.date() < MONDAY + timedelta(days=7)
    ]


def test_two_dates_move_at_once_so_that_a_third_check_in_takes_place() -> None:
    pairs, given = karin_week()
    series = {o.employee: o for o in plan(pairs, given) if isinstance(o, PlannedSeries)}

    assert set(series) == {"ann@example.com", "bo@example.com", "cy@example.com"}
    days = {email: [s.weekday() for s in week_one(item)] for email, item in series.items()}
    # the only arrangement: Cy on Monday, Ann on Tuesday, Bo on Wednesday
    assert days == {"cy@example.com": [0], "ann@example.com": [1], "bo@example.com": [2]}
    moved = [
        o
        for email in ("ann@example.com", "bo@example.com")
        for o in series[email].occurrences
        if o.start != o.original_start
    ]
    assert moved and all(o.reason.msgid.startswith("%(employee)s had no other time") for o in moved)


def test_the_same_input_in_any_order_gives_the_same_re_arranged_week() -> None:
    pairs, given = karin_week()
    first = plan(pairs, given)
    for seed in range(3):
        shuffled = list(pairs)
        random.Random(seed).shuffle(shuffled)
        assert plan(shuffled, given) == first


def test_a_week_no_arrangement_can_fill_is_not_searched(monkeypatch: pytest.MonkeyPatch) -> None:
    """Ann can meet Karin only on Monday 9:00, Bo only on Tuesday 9:00; in week one Cy can
    meet only at those two times. Moving Ann's and Bo's dates cannot free either, so Cy's
    date is skipped, and the search through their arrangements is not even begun."""
    settled: list[bool] = []
    searched: list[object] = []
    may_fit, place = rearrange._may_fit, rearrange._place

    def counted_fit(*args: Any) -> bool:
        settled.append(may_fit(*args))
        return settled[-1]

    def counted_place(*args: Any) -> bool:
        searched.append(args)
        return place(*args)

    monkeypatch.setattr(rearrange, "_may_fit", counted_fit)
    monkeypatch.setattr(rearrange, "_place", counted_place)
    karin = manager(zone="UTC", holidays="")
    ann, bo, cy = (
        pair(karin, f"{n}@example.com", zone="UTC", holidays="") for n in ("ann", "bo", "cy")
    )

    def free_only(*times: tuple[int, int]) -> list[BusyBlock]:
        """Busy 9–17 UTC on both weeks' workdays but at (day of March, hour) for 30 min."""
        out = []
        for day in (1, 2, 3, 4, 5, 8, 9, 10, 11, 12):
            gaps = sorted(hour for d, hour in times if d == day)
            clock = utc(2027, 3, day, 9)
            for hour in gaps:
                out.append(BusyBlock(clock, utc(2027, 3, day, hour)))
                clock = utc(2027, 3, day, hour) + timedelta(minutes=30)
            out.append(BusyBlock(clock, utc(2027, 3, day, 17)))
        return [b for b in out if b.start < b.end]

    calendars = {
        "ann@example.com": free_only((1, 9), (8, 9)),
        "bo@example.com": free_only((2, 9), (9, 9)),
        "cy@example.com": free_only((1, 9), (2, 9)),
    }
    calendars["cy@example.com"] = [b for b in calendars["cy@example.com"] if b.start.day < 8]
    given = inputs(utc(2027, 2, 28, 7), calendars, weeks=2, buffer_minutes=0)
    series = {o.employee: o for o in plan([ann, bo, cy], given) if isinstance(o, PlannedSeries)}
    assert [s.weekday() for s in week_one(series["ann@example.com"])] == [0]
    assert [s.weekday() for s in week_one(series["bo@example.com"])] == [1]
    assert week_one(series["cy@example.com"]) == []
    assert settled == [False]
    assert searched == []
