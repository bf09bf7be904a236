"""One person's times that come closer than the buffer: the largest sets that all overlap,
of which a plan may choose at most one."""

from __future__ import annotations

from datetime import datetime, timedelta

from sync.planner.too_close import too_close
from tests.planner_helpers import utc

NINE = utc(2027, 3, 1, 9)


def at(minutes: int, length: int = 30) -> tuple[datetime, datetime]:
    start = NINE + timedelta(minutes=minutes)
    return start, start + timedelta(minutes=length)


def test_times_that_only_touch_do_not_conflict() -> None:
    assert list(too_close([(*at(0), 1), (*at(30), 2)])) == []


def test_a_chain_gives_each_overlapping_set_once() -> None:
    # 1 overlaps 2, 2 overlaps 3, but 1 ends before 3 begins
    times = [(*at(0), 3), (*at(20), 1), (*at(40), 2)]
    assert list(too_close(times)) == [[1, 3], [1, 2]]


def test_times_that_all_overlap_are_one_set() -> None:
    times = [(*at(0, 60), 5), (*at(10), 4), (*at(20), 6)]
    assert list(too_close(times)) == [[4, 5, 6]]


def test_a_lone_time_is_no_set() -> None:
    assert list(too_close([(*at(0), 1)])) == []
    assert list(too_close([])) == []
