"""Our own check-ins are cut out of the busy time a provider reports, and what is left is
exactly what the planner always saw: each kind's blocks merged, in the blocks' order."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from sync.model.values import BusyBlock, BusyKind, Interval
from sync.night.busy_time import without
from sync.planner.intervals import normalise, subtract

MONDAY = datetime(2027, 3, 1, 9, tzinfo=UTC)


def at(quarter: int) -> datetime:
    return MONDAY + timedelta(minutes=15 * quarter)


def reference(blocks: list[BusyBlock], checkins: list[Interval]) -> list[BusyBlock]:
    """The definition: per kind, the planner's normalise, the check-ins subtracted."""
    if not checkins:
        return list(blocks)
    cut = normalise(checkins)
    result = []
    for kind in sorted({b.kind for b in blocks}):
        spans = normalise(Interval(b.start, b.end) for b in blocks if b.kind is kind)
        result += [BusyBlock(s.start, s.end, kind) for s in subtract(spans, cut)]
    return sorted(result)


def test_a_meeting_inside_a_checkin_goes_and_one_sticking_out_stays() -> None:
    blocks = [
        BusyBlock(at(0), at(2)),
        BusyBlock(at(4), at(8)),
        BusyBlock(at(7), at(9)),  # overlaps the one before: merged with it
        BusyBlock(at(0), at(96), BusyKind.TIME_OFF),
    ]
    checkins = [Interval(at(0), at(2)), Interval(at(4), at(6))]
    assert without(blocks, checkins) == [
        BusyBlock(at(2), at(4), BusyKind.TIME_OFF),
        BusyBlock(at(6), at(9)),
        BusyBlock(at(6), at(96), BusyKind.TIME_OFF),
    ]


spans = st.tuples(st.integers(0, 40), st.integers(-2, 12))
kinds = st.sampled_from(list(BusyKind))


@settings(max_examples=300, deadline=None)
@given(
    st.lists(st.tuples(spans, kinds), max_size=25),
    st.lists(spans, max_size=6),
)
def test_the_same_as_the_definition(
    raw_blocks: list[tuple[tuple[int, int], BusyKind]], raw_checkins: list[tuple[int, int]]
) -> None:
    blocks = [BusyBlock(at(s), at(s + n), kind) for (s, n), kind in raw_blocks]
    checkins = [Interval(at(s), at(s + abs(n))) for s, n in raw_checkins]
    given_blocks = list(blocks)
    assert without(blocks, checkins) == reference(blocks, checkins)
    assert blocks == given_blocks  # the caller's list is left as it was


def test_a_block_nothing_touches_is_handed_on_as_it_came() -> None:
    """Not made again: for everyone a provider reads, that was most of the cost."""
    alone = BusyBlock(at(10), at(12))
    blocks = [BusyBlock(at(0), at(2)), alone, BusyBlock(at(11), at(30), BusyKind.TIME_OFF)]
    kept = without(blocks, [Interval(at(1), at(3))])
    assert kept[1] is alone
    assert kept[2] is blocks[2]
