"""A pair's free time is built again after making room only when a check-in other than
the pair's own series came into or went out of one of the two people's agendas."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest

from sync.model.values import Occurrence, OccurrenceStatus, PlannedSeries
from sync.planner import PairRequest, plan
from sync.planner.free_time import _FreeTime
from sync.planner.solver import _Planner
from tests.planner.test_planner_room import WEEKDAYS, busy_except, karin_ann_bo
from tests.planner_helpers import inputs, utc

NOW = utc(2027, 3, 1, 7)


def at(start: datetime) -> Occurrence:
    return Occurrence(start, start, start + timedelta(minutes=30))


def test_only_other_check_ins_than_the_pairs_own_series_count_as_changes() -> None:
    ann, bo = karin_ann_bo()
    planner = _Planner(inputs(NOW, weeks=3))
    before_ann, before_bo = planner.changes.by_others(ann), planner.changes.by_others(bo)

    planner.commit(ann, at(utc(2027, 3, 2, 10)))
    assert planner.changes.by_others(ann) == before_ann, "Ann's own series"
    assert planner.changes.by_others(bo) != before_bo, "Karin's agenda changed for Bo"

    seen = planner.changes.by_others(ann)
    planner.commit(ann, at(utc(2027, 3, 3, 10)), one_off=True)
    assert planner.changes.by_others(ann) != seen, "a one-off is not the series"

    seen = planner.changes.by_others(ann)
    planner.retract(ann)
    assert planner.changes.by_others(ann) == seen
    planner.remove(bo, planner.commitment(bo, at(utc(2027, 3, 4, 10))))
    assert planner.changes.by_others(ann) == seen, "nothing was there to take out"
    planner.commit(bo, at(utc(2027, 3, 4, 10)))
    planner.remove(bo, planner.commitment(bo, at(utc(2027, 3, 4, 10))))
    assert planner.changes.by_others(ann) == (seen[0] + 2, seen[1])


def test_a_date_moved_within_its_week_does_not_build_the_free_time_again(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Ann is free on Mondays at 10:00 but in the week of 8 March, when only Wednesday at
    10:00 is: one date of her series moves within its week, and nothing else in either
    agenda changed."""
    ann, _ = karin_ann_bo()
    busy = [
        block
        for d in WEEKDAYS
        for block in busy_except(d, *_ten_if(d, 2 if _week_of_8_march(d) else 0))
    ]
    built: list[PairRequest] = []
    free_spans = _FreeTime.free_spans

    def counted(self: _FreeTime, pair: PairRequest) -> list[tuple[int, int]]:
        built.append(pair)
        return free_spans(self, pair)

    monkeypatch.setattr(_FreeTime, "free_spans", counted)
    outcomes = plan([ann], inputs(NOW, {"ann@example.com": busy}, weeks=3, buffer_minutes=0))

    (series,) = [o for o in outcomes if isinstance(o, PlannedSeries)]
    moved = [o for o in series.occurrences if o.status is OccurrenceStatus.MOVED]
    assert len(moved) == 1
    assert len(built) == 2, "once to order the pairs, once to plan Ann's"


def _week_of_8_march(day: date) -> bool:
    return date(2027, 3, 8) <= day <= date(2027, 3, 14)


def _ten_if(day: date, weekday: int) -> list[tuple[int, int]]:
    return [(10, 0)] if day.weekday() == weekday else []
