"""Everyone's busy time, time off and own free time stay in the planner for the whole plan;
it keeps them packed, a few bytes per span, so a night's memory for them is a fraction of
what tuples of integers took, and it answers from them exactly as before."""

from __future__ import annotations

import gc
import tracemalloc
from datetime import timedelta

from hypothesis import given
from hypothesis import strategies as st

from sync.model.values import BusyBlock, BusyKind
from sync.planner.packed import PackedSpans
from sync.planner.requests import PairRequest
from sync.planner.solver import _Planner
from sync.planner.ticks import normalise, overlaps_any
from tests.planner_helpers import inputs, manager, pair, utc

spans = st.lists(st.tuples(st.integers(0, 500), st.integers(1, 40)), max_size=30).map(
    lambda items: normalise((start, start + length) for start, length in items)
)


@given(spans, st.integers(-10, 560), st.integers(1, 60))
def test_packed_spans_answer_as_the_spans_do(free: list[tuple[int, int]], at: int, n: int) -> None:
    packed = PackedSpans(free)
    assert packed.spans() == free
    assert list(packed.starts) == [start for start, _ in free]
    assert packed.overlaps_any(at, at + n) == overlaps_any(free, at, at + n)


def test_the_planner_keeps_a_persons_busy_and_free_time_in_a_few_bytes_a_span() -> None:
    # Karin works every day and is busy in many short meetings from Monday to Saturday;
    # Ole works Sundays only, so what the planner keeps for their pair is small, and what
    # it keeps for Karin (busy time, time off, own free time) is most of what it holds
    boss = manager(days=frozenset(range(7)), hours=(1, 23), zone="UTC", holidays="")
    ole = pair(boss, "ole@example.com", days=frozenset({6}), zone="UTC", holidays="")
    start = utc(2027, 3, 1, 1)  # a Monday
    busy = [
        BusyBlock(day + timedelta(minutes=45 * n), day + timedelta(minutes=45 * n + 15))
        for day in (start + timedelta(days=d) for d in range(70) if d % 7 != 6)
        for n in range(29)
    ]
    busy.append(BusyBlock(utc(2027, 4, 5), utc(2027, 4, 10), BusyKind.TIME_OFF))
    planning = inputs(utc(2027, 2, 28, 7), {boss.person.email: busy})
    ask_everything(_Planner(planning, pairs_kept=1), ole)  # what is loaded on first use

    planner = _Planner(planning, pairs_kept=1)
    tracemalloc.start()
    try:
        gc.collect()
        before = tracemalloc.get_traced_memory()[0]
        ask_everything(planner, ole)
        gc.collect()  # a full collection empties the free lists, which keep freed tuples
        held = tracemalloc.get_traced_memory()[0] - before
    finally:
        tracemalloc.stop()

    # each busy span is one span of busy time and one gap of free time: 16 bytes each
    # packed, about 130 as a tuple of two integers; the rest (working hours, the pair's
    # answers) is the same whatever the busy time
    assert held < 60 * len(busy)


def ask_everything(planner: _Planner, pair: PairRequest) -> None:
    """What the planner keeps per person: busy time, time off and own free time."""
    assert planner.unbusy_ticks(pair)
    assert planner.blocked(pair.manager.person.email)
    assert planner.away(pair.manager.person.email)
