"""Busy time as the planner should see it: without our own check-ins, which free/busy
providers report as busy like any other meeting."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import datetime

from sync.model.values import BusyBlock, BusyKind, Interval
from sync.planner.intervals import normalise, subtract
from sync.store import SeriesState, Store


def own_checkins(store: Store) -> dict[str, list[Interval]]:
    """Every check-in this service put in calendars, by participant."""
    times: dict[str, list[Interval]] = defaultdict(list)
    for series in store.series():
        if series.state is SeriesState.CANCELLED:
            continue
        for occurrence in series.occurrences:
            if occurrence.takes_place:
                times[series.proposal.manager].append(occurrence.interval)
                times[series.proposal.employee].append(occurrence.interval)
    return dict(times)


def without(blocks: Sequence[BusyBlock], checkins: Sequence[Interval]) -> list[BusyBlock]:
    """`blocks` with the check-in times cut out. A meeting that lies entirely inside a check-in
    cannot be told apart from it in free/busy data; one that sticks out still shows."""
    if not checkins:
        return list(blocks)
    cut = normalise(checkins)
    by_kind: dict[BusyKind, list[BusyBlock]] = {}
    for block in blocks:
        by_kind.setdefault(block.kind, []).append(block)
    result = []
    for kind, same in by_kind.items():
        spans, as_given = _merged(same)
        # most blocks overlap no other and no check-in: they are handed on as they came,
        # not made again (made again, they were most of this function's time, done for
        # everyone a provider reads)
        for span in subtract(spans, cut):
            kept = as_given.get(id(span))
            result.append(kept if kept is not None else BusyBlock(span.start, span.end, kind))
    # the blocks' own order, as a key: the dataclass's comparison builds two tuples per call
    result.sort(key=_order)
    return result


def _merged(blocks: list[BusyBlock]) -> tuple[list[Interval], dict[int, BusyBlock]]:
    """`normalise` without its padding (sorted, empty blocks left out, overlapping or
    touching ones merged), and the block each span is, where it is one block as given, by
    the span's id: `subtract` hands on an untouched span itself, and the spans outlive the
    lookups, so no other object can have that id meanwhile."""
    merged: list[Interval] = []
    single: list[BusyBlock | None] = []
    blocks.sort(key=_start)
    for block in blocks:
        start, end = block.start, block.end
        if start >= end:
            continue
        if merged and start <= merged[-1].end:
            single[-1] = None
            if end > merged[-1].end:
                merged[-1] = Interval(merged[-1].start, end)
        else:
            merged.append(Interval(start, end))
            single.append(block)
    as_given = {
        id(span): block for span, block in zip(merged, single, strict=True) if block is not None
    }
    return merged, as_given


def _start(block: BusyBlock) -> datetime:
    return block.start


def _order(block: BusyBlock) -> tuple[datetime, datetime, BusyKind]:
    return block.start, block.end, block.kind
