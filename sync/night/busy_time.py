"""Busy time as the planner should see it: without our own check-ins, which free/busy
providers report as busy like any other meeting."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

from sync.model.values import BusyBlock, Interval
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
    result = []
    for kind in sorted({b.kind for b in blocks}):
        spans = normalise(Interval(b.start, b.end) for b in blocks if b.kind is kind)
        result += [BusyBlock(s.start, s.end, kind) for s in subtract(spans, cut)]
    return sorted(result)
