"""What the planner asks for every date that is not free, answered once per pair: both
people's workable time and the pair's grid of start times. A paused employee is another
pair's answer."""

from __future__ import annotations

from datetime import date

from sync.model.values import DateSpan
from sync.planner.solver import _Planner
from tests.planner_helpers import inputs, manager, pair, utc


def test_both_sides_and_the_grid_are_made_once_per_pair() -> None:
    planner = _Planner(inputs(utc(2027, 3, 1)))
    boss = manager()
    ours, theirs = pair(boss, "bo@example.com"), pair(boss, "li@example.com", duration=60)
    paused = pair(boss, "bo@example.com", paused=DateSpan(date(2027, 3, 8), date(2027, 3, 12)))
    assert planner.availability(ours) is planner.availability(ours)
    assert planner.availability(ours) is not planner.availability(theirs)
    assert planner.availability(paused)[1].paused == paused.employee.paused
    assert planner.availability(ours)[1].paused is None
    assert planner.grid(ours) is planner.grid(ours)
    # 09:00-17:00: a 30-minute check-in may start until 16:30, an hour until 16:00
    assert planner.grid(ours)[-1] == 16 * 60 + 30 and planner.grid(theirs)[-1] == 16 * 60
