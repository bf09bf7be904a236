"""The planner's rules, one concrete scenario each."""

from __future__ import annotations

import itertools
from collections import Counter
from dataclasses import replace
from datetime import date, time, timedelta
from zoneinfo import ZoneInfo

from sync.model.values import (
    BusyBlock,
    DateSpan,
    OccurrenceStatus,
    PlannedSeries,
    TimeRange,
    Window,
)
from sync.planner import PlanFailure, plan
from tests.planner_helpers import inputs, manager, pair, utc

STOCKHOLM = ZoneInfo("Europe/Stockholm")
NEW_YORK = ZoneInfo("America/New_York")


def only(outcomes: list[object]) -> PlannedSeries:
    (series,) = outcomes
    assert isinstance(series, PlannedSeries), series
    return series


def test_series_keeps_stockholm_wall_clock_across_both_dst_changes() -> None:
    # the US springs forward on 14 March 2027, Europe on 28 March: for two weeks the
    # overlap of Stockholm and New York office hours shifts by an hour
    boss = manager(zone="Europe/Stockholm", holidays="")
    lena = pair(boss, "lena@example.com", zone="America/New_York", holidays="")
    series = only(plan([lena], inputs(utc(2027, 3, 1, 8), weeks=6)))
    local_times = {o.start.astimezone(STOCKHOLM).time() for o in series.occurrences}
    assert len(local_times) == 1
    offsets = {o.start.astimezone(STOCKHOLM).utcoffset() for o in series.occurrences}
    assert offsets == {timedelta(hours=1), timedelta(hours=2)}
    for occurrence in series.occurrences:
        ny = occurrence.start.astimezone(NEW_YORK)
        assert time(9) <= ny.time() and (ny + timedelta(minutes=30)).time() <= time(17)


def test_slot_that_leaves_new_york_hours_during_dst_gap_is_moved() -> None:
    # Karin can only meet 15:00-17:00 Stockholm and Lena only 09:00-11:00 New York. In the two
    # weeks between the US and EU changes, 15:00 Stockholm is 10:00 New York: still fine; but
    # 16:30 Stockholm becomes 11:30 New York, outside Lena's hours.
    boss = manager(zone="Europe/Stockholm", hours=(16, 17), holidays="")
    lena = pair(boss, "lena@example.com", zone="America/New_York", hours=(10, 11), holidays="")
    series = only(plan([lena], inputs(utc(2027, 3, 1, 8), weeks=6)))
    moved = [o for o in series.occurrences if o.status is not OccurrenceStatus.OK]
    assert moved, str(series.explanation)
    for occurrence in series.occurrences:
        if occurrence.takes_place:
            ny = occurrence.start.astimezone(NEW_YORK)
            assert time(10) <= ny.time() <= time(10, 30)
    assert any("outside Lena's working hours" in str(o.reason) for o in moved)


def test_public_holiday_occurrence_is_moved_within_its_week() -> None:
    boss = manager()
    erik = pair(boss, "erik@example.com")
    # every day but Wednesday is busy for Karin, so the series lands on Wednesdays;
    # 6 January 2027 (Epiphany, a Wednesday) must move to another day of that week
    busy = [
        BusyBlock(
            utc(2026, 12, 28) + timedelta(days=d), utc(2026, 12, 28) + timedelta(days=d, hours=23)
        )
        for d in range(0, 28)
        # Tuesday 5 January (d=8) stays free as the place to move to
        if (utc(2026, 12, 28) + timedelta(days=d)).weekday() != 2 and d != 8
    ]
    series = only(plan([erik], inputs(utc(2026, 12, 28, 6), {"karin@example.com": busy}, weeks=4)))
    assert series.first_start.weekday() == 2
    epiphany = next(
        o
        for o in series.occurrences
        if o.original_start.astimezone(STOCKHOLM).date() == date(2027, 1, 6)
    )
    assert epiphany.status is OccurrenceStatus.MOVED
    assert "holiday for Erik (Epiphany)" in str(epiphany.reason)
    assert epiphany.start.astimezone(STOCKHOLM).date() == date(2027, 1, 5)
    assert "2027-01-06 moved to Tue" in str(series.explanation)


def test_paused_span_skips_occurrences_without_moving_them() -> None:
    boss = manager()
    omar = pair(boss, "omar@example.com", paused=DateSpan(date(2027, 1, 18), date(2027, 1, 31)))
    series = only(plan([omar], inputs(utc(2027, 1, 4, 6), weeks=6)))
    for occurrence in series.occurrences:
        day = occurrence.original_start.astimezone(STOCKHOLM).date()
        if date(2027, 1, 18) <= day <= date(2027, 1, 31):
            assert occurrence.status is OccurrenceStatus.SKIPPED
            assert "paused" in str(occurrence.reason)
        else:
            assert occurrence.status is OccurrenceStatus.OK


def test_preferred_window_wins_when_free() -> None:
    boss = manager()
    thursday_afternoon = Window(frozenset({3}), TimeRange(time(13), time(15)))
    sofia = pair(boss, "sofia@example.com", preferred=(thursday_afternoon,))
    series = only(plan([sofia], inputs(utc(2027, 1, 4, 6))))
    assert series.first_start.weekday() == 3
    assert time(13) <= series.first_start.time() <= time(14, 30)
    assert "inside Sofia's preferred time" in str(series.explanation)


def test_busy_time_and_buffer_are_respected() -> None:
    boss = manager(hours=(9, 11))
    erik = pair(boss, "erik@example.com", hours=(9, 11))
    # Erik is busy 09:00-09:25 every day; the 10-minute buffer keeps 09:30 free as well,
    # so the first grid time left is 09:45
    busy = [
        BusyBlock(
            utc(2027, 1, 4, 8) + timedelta(days=d), utc(2027, 1, 4, 8, 25) + timedelta(days=d)
        )
        for d in range(60)
    ]
    series = only(plan([erik], inputs(utc(2027, 1, 3, 6), {"erik@example.com": busy}, weeks=3)))
    assert series.first_start.time().replace(tzinfo=None) == time(9, 45)
    for occurrence in series.occurrences:
        assert occurrence.status is OccurrenceStatus.OK


def test_daily_cap_and_spreading_across_the_week() -> None:
    boss = manager(cap=1)
    team = [pair(boss, f"e{i}@example.com") for i in range(5)]
    outcomes = plan(team, inputs(utc(2027, 2, 1, 6), weeks=4))
    series = [o for o in outcomes if isinstance(o, PlannedSeries)]
    assert len(series) == 5
    weekdays = Counter(s.first_start.weekday() for s in series)
    assert set(weekdays.values()) == {1}, weekdays  # one a day: Monday to Friday


def test_cap_leaves_pairs_unplanned_with_a_reason_when_the_week_is_full() -> None:
    boss = manager(cap=1, days=frozenset({0}))
    team = [pair(boss, f"e{i}@example.com", days=frozenset({0})) for i in range(2)]
    outcomes = plan(team, inputs(utc(2027, 2, 1, 6), weeks=4))
    failures = [o for o in outcomes if isinstance(o, PlanFailure)]
    assert len(failures) == 1
    assert "under the limit of 1 check-ins a day" in str(failures[0].reason)


def test_nothing_is_placed_inside_the_minimum_notice() -> None:
    boss = manager()
    erik = pair(boss, "erik@example.com")
    now = utc(2027, 2, 1, 8)  # Monday 09:00 Stockholm
    series = only(plan([erik], inputs(now, notice_hours=48)))
    assert series.first_start >= now + timedelta(hours=48)


def test_rejected_slot_is_not_offered_again() -> None:
    from sync.planner.refused import RefusedTime

    boss = manager()
    erik = pair(boss, "erik@example.com")
    now = utc(2027, 2, 1, 6)
    first = only(plan([erik], inputs(now)))
    local = first.first_start
    until = now + timedelta(weeks=8)
    rejected = RefusedTime(local, 30, "Europe/Stockholm", until, "Karin rejected")
    second = only(plan([replace(erik, avoid=(rejected,))], inputs(now)))
    assert (second.first_start.weekday(), second.first_start.time()) != (
        local.weekday(),
        local.time(),
    )


def test_alternatives_differ_from_the_choice() -> None:
    boss = manager()
    erik = pair(boss, "erik@example.com")
    series = only(plan([erik], inputs(utc(2027, 2, 1, 6))))
    assert len(series.alternatives) == 2
    slots = {
        (s.first_start.weekday(), s.first_start.time()) for s in (series, *series.alternatives)
    }
    assert len(slots) == 3


def test_monthly_series_uses_the_same_nth_weekday() -> None:
    boss = manager()
    nora = pair(boss, "nora@example.com", cadence="monthly")
    series = only(plan([nora], inputs(utc(2027, 1, 4, 6), weeks=12)))
    nths = {(o.original_start.astimezone(STOCKHOLM).day - 1) // 7 for o in series.occurrences}
    assert len(nths) == 1
    assert series.rrule.startswith("FREQ=MONTHLY;BYDAY=")
    assert len(series.occurrences) >= 2


def test_existing_checkins_of_other_pairs_are_avoided_but_a_pairs_own_are_not() -> None:
    from sync.planner import Commitment, PlanningInput

    boss = manager(hours=(9, 10), days=frozenset({0}))
    erik = pair(boss, "erik@example.com", hours=(9, 10), days=frozenset({0}))
    base = inputs(utc(2027, 2, 1, 0), weeks=2)
    taken = {
        "karin@example.com": [
            Commitment(utc(2027, 2, 1, 8), utc(2027, 2, 1, 9), "someone@example.com"),
            Commitment(utc(2027, 2, 8, 8), utc(2027, 2, 8, 9), "someone@example.com"),
        ]
    }
    blocked = PlanningInput(**{**base.__dict__, "checkins": taken})
    assert isinstance(only_outcome := plan([erik], blocked)[0], PlanFailure), only_outcome
    own = {k: [Commitment(c.start, c.end, "erik@example.com") for c in v] for k, v in taken.items()}
    free_again = PlanningInput(**{**base.__dict__, "checkins": own})
    assert isinstance(plan([erik], free_again)[0], PlannedSeries)


def test_checkins_spread_across_the_week_even_under_the_cap() -> None:
    boss = manager(cap=4)
    team = [pair(boss, f"e{i}@example.com") for i in range(4)]
    outcomes = plan(team, inputs(utc(2027, 2, 1, 6), weeks=4))
    weekdays = [o.first_start.weekday() for o in outcomes if isinstance(o, PlannedSeries)]
    assert len(weekdays) == 4
    assert len(set(weekdays)) == 4, weekdays


def test_a_middle_managers_checkins_never_overlap_in_either_role() -> None:
    director = manager("ade@example.com", hours=(9, 11), days=frozenset({0}))
    karin = manager("karin@example.com", hours=(9, 11), days=frozenset({0}))
    pairs = [
        pair(director, "karin@example.com", hours=(9, 11), days=frozenset({0})),
        pair(karin, "e1@example.com", hours=(9, 11), days=frozenset({0})),
        pair(karin, "e2@example.com", hours=(9, 11), days=frozenset({0})),
    ]
    outcomes = plan(pairs, inputs(utc(2027, 2, 1, 0), weeks=2))
    series = [o for o in outcomes if isinstance(o, PlannedSeries)]
    assert len(series) == 3
    karins = sorted(
        (o.start, o.end)
        for s in series
        if "karin@example.com" in (s.manager, s.employee)
        for o in s.occurrences
        if o.takes_place
    )
    for (_, end), (start, _) in itertools.pairwise(karins):
        assert end + timedelta(minutes=10) <= start
