"""A finished plan frees its planner by reference counting alone. A night plans more than
once, and a planner left to the cyclic collector keeps every agenda and cache of its run
until a full collection happens to come, so the night holds several at once."""

from __future__ import annotations

import gc
import weakref
from collections.abc import Iterator

import pytest

from sync.model.values import OccurrenceStatus, PlannedSeries
from sync.planner.solver import _Planner
from tests.planner.test_team_weeks import middle_manager_weeks


@pytest.fixture
def no_cyclic_collector() -> Iterator[None]:
    gc.collect()
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


def test_the_planner_is_freed_as_its_plan_returns(no_cyclic_collector: None) -> None:
    # Ole's first date moves to make room for Ann's: a series planned, then explained again
    pairs, planning = middle_manager_weeks()
    planner = _Planner(planning)
    alive = weakref.ref(planner)

    outcomes = planner.plan_all(pairs)
    del planner

    assert alive() is None
    series = [outcome for outcome in outcomes if isinstance(outcome, PlannedSeries)]
    assert OccurrenceStatus.MOVED in {o.status for s in series for o in s.occurrences}
