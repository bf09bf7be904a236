"""The search that settles a team's program before HiGHS is asked: it says "no more" only
where HiGHS could place no more either, and then HiGHS is not asked at all."""

from __future__ import annotations

import random
from collections.abc import Sequence

import pytest

from sync.model.values import PlannedSeries
from sync.planner import plan, team_weeks
from sync.planner.more_placeable import may_place_all, may_place_more
from sync.planner.zero_one import Row, solved
from tests.planner.test_team_weeks import busy_but, middle_manager_weeks
from tests.planner_helpers import inputs, manager, pair, utc


def test_a_skipped_date_whose_only_times_a_kept_date_holds_cannot_be_placed() -> None:
    # kept date: column 0; skipped date: column 1; both in one overlap row
    rows: list[Row] = [(1, 1, [0]), (0, 1, [1]), (0, 1, [0, 1])]
    assert not may_place_more(rows, [[0]], [[1]])


def test_a_kept_date_that_may_move_makes_room() -> None:
    # the kept date may also take column 2, which overlaps nothing
    rows: list[Row] = [(1, 1, [0, 2]), (0, 1, [1]), (0, 1, [0, 1])]
    assert may_place_more(rows, [[0, 2]], [[1]])


def test_a_full_day_takes_every_time_in_it() -> None:
    # the manager's cap leaves no room on the day of the skipped date's only time
    rows: list[Row] = [(1, 1, [0]), (0, 1, [1]), (0, 0, [1])]
    assert not may_place_more(rows, [[0]], [[1]])
    assert not may_place_more(rows, [[0]], [])


def test_one_of_several_skipped_dates_is_enough() -> None:
    rows: list[Row] = [(1, 1, [0]), (0, 1, [1]), (0, 1, [2]), (0, 1, [0, 1])]
    assert may_place_more(rows, [[0]], [[1], [2]])


def test_a_search_that_gives_up_leaves_the_question_to_highs() -> None:
    rows: list[Row] = [(1, 1, [0]), (0, 1, [1]), (0, 1, [0, 1])]
    assert may_place_more(rows, [[0]], [[1]], steps=0)


def most_placed(count: int, rows: Sequence[Row]) -> int | None:
    """The most dates HiGHS places (each date's row holds at most one), None if none fits."""
    highs = solved([1.0] * count, rows, {})
    if highs.getInfo().primal_solution_status != 2:
        return None
    return round(sum(highs.getSolution().col_value))


@pytest.mark.parametrize("seed", range(200))
def test_the_search_agrees_with_highs(seed: int) -> None:
    """Random programs shaped as the team weeks build them: a row per date (at least one
    for a kept date), rows of times too close for one person, and days with little room."""
    rng = random.Random(seed)
    dates: list[list[int]] = []
    kept_flags = []
    count = 0
    for _ in range(rng.randint(1, 6)):
        kept = rng.random() < 0.6
        width = rng.randint(1 if kept else 0, 3)
        dates.append(list(range(count, count + width)))
        kept_flags.append(kept)
        count += width
    rows: list[Row] = [
        (1 if kept else 0, 1, cols) for cols, kept in zip(dates, kept_flags, strict=True) if cols
    ]
    for _ in range(rng.randint(0, 6)):
        if count:
            members = sorted(rng.sample(range(count), rng.randint(1, min(3, count))))
            rows.append((0, rng.choice([0, 1, 1, 1, 2]), members))
    kept = [cols for cols, flag in zip(dates, kept_flags, strict=True) if flag]
    skipped = [cols for cols, flag in zip(dates, kept_flags, strict=True) if not flag]
    best = most_placed(count, rows) if count else 0
    more = best is not None and best > len(kept)
    assert may_place_more(rows, kept, skipped, steps=10_000) == more
    # however few steps it may take, it never says "no more" where HiGHS places more
    assert may_place_more(rows, kept, skipped, steps=2) or not more


def test_highs_is_not_asked_where_no_date_can_be_added(monkeypatch: pytest.MonkeyPatch) -> None:
    """Karin (one check-in a day) and Ann, and Karin and Bo, are free together only on
    Tuesday 10–11 in the first week. One of the two takes it; the other's date is left out
    although that pair alone had time that week, so its week is solved again, and the
    search shows that nothing more fits: Karin's Tuesday is full."""
    asked: list[object] = []
    searched: list[bool] = []

    def counted_solve(*args: object) -> object:
        asked.append(args)
        return solved(*args)  # type: ignore[arg-type]

    def counted_search(*args: object, **kwargs: object) -> bool:
        searched.append(may_place_more(*args, **kwargs))  # type: ignore[arg-type]
        return searched[-1]

    monkeypatch.setattr(team_weeks, "solved", counted_solve)
    monkeypatch.setattr(team_weeks, "may_place_more", counted_search)
    karin = manager(cap=1, zone="UTC", holidays="")
    pairs = [
        pair(karin, "ann@example.com", zone="UTC", holidays=""),
        pair(karin, "bo@example.com", zone="UTC", holidays=""),
    ]
    busy = {
        "karin@example.com": busy_but(1)
        + busy_but(2, (10, 11))
        + [b for day in (3, 4, 5) for b in busy_but(day)]
    }
    outcomes = plan(pairs, inputs(utc(2027, 2, 28, 7), busy, weeks=2, buffer_minutes=0))
    series = [s for s in outcomes if isinstance(s, PlannedSeries)]
    first_week = [o for s in series for o in s.occurrences if o.original_start.day <= 5]
    assert sorted(o.takes_place for o in first_week) == [False, True]
    assert searched == [False]
    assert asked == []


def test_highs_is_still_asked_where_a_date_can_be_added(monkeypatch: pytest.MonkeyPatch) -> None:
    asked: list[object] = []

    def counted_solve(*args: object) -> object:
        asked.append(args)
        return solved(*args)  # type: ignore[arg-type]

    monkeypatch.setattr(team_weeks, "solved", counted_solve)
    pairs, given = middle_manager_weeks()
    plan(pairs, given)
    assert asked


def test_every_date_needs_a_time_of_its_own() -> None:
    # two dates whose every time overlaps the other's: both cannot be placed
    rows: list[Row] = [(1, 1, [0, 1]), (1, 1, [2]), (0, 1, [0, 2]), (0, 1, [1, 2])]
    assert not may_place_all(rows, [[0, 1], [2]])
    rows = [(1, 1, [0, 1]), (1, 1, [2]), (0, 1, [0, 2])]
    assert may_place_all(rows, [[0, 1], [2]])
    assert not may_place_all(rows, [[0, 1], []])
