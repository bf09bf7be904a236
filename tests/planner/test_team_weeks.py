"""A team's hard weeks solved together: once every pair is planned, a date left out is
placed by moving dates of other teams' series too, the same way on every run."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from sync.model.values import BusyBlock, DateSpan, PlannedSeries
from sync.planner import PairRequest, PlanningInput, plan
from tests.planner_helpers import inputs, manager, pair, utc

MONDAY = date(2027, 3, 1)


def busy_but(day: int, *free: tuple[int, int]) -> list[BusyBlock]:
    """Busy 09–17 UTC on 1..14 March `day` except the (from hour, to hour) windows given."""
    blocks, clock = [], 9
    for start, end in [*free, (17, 17)]:
        if start > clock:
            blocks.append(BusyBlock(utc(2027, 3, day, clock), utc(2027, 3, day, start)))
        clock = end
    return blocks


def middle_manager_weeks() -> tuple[list[PairRequest], PlanningInput]:
    """Ann reports to Karin and manages Ole; Ann's cap is one check-in a day. In the first
    week Karin and Ann are both free only on Tuesday 10–12; Ann and Ole on Tuesday 11:00
    and on Wednesday 13:00. Ole's pair has the least free time, so it is planned first and
    takes Tuesday: Ann's Tuesday is then full, and her check-in with Karin that week has
    no time, unless Ole's date moves to Wednesday. The second week is free for all."""
    karin = manager(cap=2, zone="UTC", holidays="")
    ann_as_manager = manager("ann@example.com", cap=1, zone="UTC", holidays="")
    ann = pair(karin, "ann@example.com", zone="UTC", holidays="")
    ole = pair(ann_as_manager, "ole@example.com", zone="UTC", holidays="")
    busy = {
        "karin@example.com": [b for d in (1, 3, 4, 5) for b in busy_but(d)],
        "ann@example.com": busy_but(1)
        + busy_but(2, (10, 12))
        + busy_but(3, (13, 14))
        + busy_but(4)
        + busy_but(5),
        "ole@example.com": busy_but(1)
        + busy_but(2, (11, 12))
        + busy_but(3, (13, 14))
        + busy_but(4)
        + busy_but(5)
        + busy_but(8, (9, 10))
        + busy_but(9)
        + busy_but(10)
        + busy_but(11)
        + busy_but(12),
    }
    return [ann, ole], inputs(utc(2027, 2, 28, 7), busy, weeks=2, buffer_minutes=0)


def first_week(outcomes: list[object]) -> dict[str, list[datetime]]:
    """Where each series' first-week dates take place."""
    return {
        s.employee: [
            o.start
            for o in s.occurrences
            if o.takes_place and o.start.date() < MONDAY + timedelta(days=7)
        ]
        for s in outcomes
        if isinstance(s, PlannedSeries)
    }


def test_a_date_of_another_team_moves_so_a_middle_managers_own_check_in_takes_place() -> None:
    pairs, given = middle_manager_weeks()
    outcomes = plan(pairs, given)
    week = first_week(list(outcomes))
    # Ole's check-in went to Wednesday; Ann meets Karin on Tuesday, her one check-in there
    assert [(t.weekday(), t.hour) for t in week["ole@example.com"]] == [(2, 13)]
    assert [t.weekday() for t in week["ann@example.com"]] == [1]
    (ann,) = [s for s in outcomes if isinstance(s, PlannedSeries) and s.employee.startswith("ann")]
    moved = [o for o in ann.occurrences if o.start != o.original_start]
    assert moved and all(o.takes_place for o in ann.occurrences)
    (ole,) = [s for s in outcomes if isinstance(s, PlannedSeries) and s.employee.startswith("ole")]
    (why,) = [o.reason for o in ole.occurrences if o.start != o.original_start]
    assert why.msgid.startswith("%(employee)s had no other time")


def test_the_same_input_gives_the_same_plan() -> None:
    pairs, given = middle_manager_weeks()
    first = plan(pairs, given)
    again = plan(list(reversed(pairs)), given)
    assert first == again


def test_a_date_on_a_paused_day_stays_skipped_when_its_week_is_solved_again() -> None:
    """Ole is paused on Thursday 4 March, his series' day: that date is skipped on purpose.
    Ann's own first-week date is left out too, so her week is solved again, and Ole's
    Friday would have room; a paused date still is not moved there."""
    karin = manager(cap=1, zone="UTC", holidays="")
    ann_as_manager = manager("ann@example.com", cap=1, zone="UTC", holidays="")
    paused = DateSpan(date(2027, 3, 4), date(2027, 3, 4))
    pairs = [
        pair(karin, "ann@example.com", zone="UTC", holidays=""),
        pair(karin, "bo@example.com", zone="UTC", holidays=""),
        pair(ann_as_manager, "ole@example.com", zone="UTC", holidays="", paused=paused),
    ]
    busy = {
        "karin@example.com": busy_but(1, (14, 15))
        + busy_but(2)
        + busy_but(3)
        + busy_but(4, (13, 14))
        + busy_but(5, (10, 11))
        + busy_but(8, (11, 12))
        + busy_but(10, (10, 11))
        + busy_but(11, (11, 12)),
        "ann@example.com": busy_but(1, (11, 12))
        + busy_but(2, (13, 14))
        + busy_but(3, (9, 10))
        + busy_but(4, (10, 11))
        + busy_but(8)
        + busy_but(9, (11, 12))
        + busy_but(10)
        + busy_but(12, (11, 12)),
        "bo@example.com": busy_but(1, (11, 12))
        + busy_but(2, (11, 12))
        + busy_but(3)
        + busy_but(4)
        + busy_but(8)
        + busy_but(9)
        + busy_but(10)
        + busy_but(11)
        + busy_but(12, (14, 15)),
        "ole@example.com": busy_but(1)
        + busy_but(3, (11, 12))
        + busy_but(4, (13, 14))
        + busy_but(8)
        + busy_but(9, (10, 11))
        + busy_but(10, (13, 14))
        + busy_but(11, (10, 11))
        + busy_but(12, (10, 11)),
    }
    outcomes = plan(pairs, inputs(utc(2027, 2, 28, 7), busy, weeks=2, buffer_minutes=0))
    (ole,) = [s for s in outcomes if isinstance(s, PlannedSeries) and s.employee.startswith("ole")]
    on_paused_day = [o for o in ole.occurrences if paused.contains(o.original_start.date())]
    assert on_paused_day and not any(o.takes_place for o in on_paused_day)
