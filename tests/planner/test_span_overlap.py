"""Where two people's free spans overlap: every instant both hold, and nothing else, for any
two sorted lists of disjoint spans, whichever side runs out first."""

from __future__ import annotations

from itertools import pairwise

from hypothesis import given
from hypothesis import strategies as st

from sync.planner.ticks import FreeTime, intersect


@st.composite
def free_time(draw: st.DrawFn) -> FreeTime:
    """Sorted, disjoint, non-empty spans on a small line."""
    ends = sorted(draw(st.sets(st.integers(0, 60), max_size=16)))
    spans = [(ends[k], ends[k + 1]) for k in range(0, len(ends) - 1, 2)]
    return [span for span in spans if draw(st.booleans()) or len(spans) < 3]


def _held(spans: FreeTime) -> set[int]:
    return {moment for start, end in spans for moment in range(start, end)}


@given(free_time(), free_time())
def test_the_overlap_holds_exactly_the_instants_both_sides_hold(
    left: FreeTime, right: FreeTime
) -> None:
    both = intersect(left, right)
    assert _held(both) == _held(left) & _held(right)
    assert all(start < end for start, end in both)
    assert both == sorted(both)
    assert all(earlier[1] <= later[0] for earlier, later in pairwise(both))
    assert intersect(right, left) == both


def test_spans_that_only_touch_do_not_overlap() -> None:
    assert intersect([(0, 10), (20, 30)], [(10, 20), (30, 40)]) == []
    assert intersect([(0, 10), (10, 20)], [(5, 15)]) == [(5, 10), (10, 15)]
    assert intersect([], [(0, 10)]) == intersect([(0, 10)], []) == []
