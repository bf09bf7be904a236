"""Arithmetic on sorted lists of disjoint half-open intervals (UTC instants)."""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta
from typing import Protocol, TypeVar

from sync.model.values import Interval


class HasSpan(Protocol):
    @property
    def start(self) -> datetime: ...

    @property
    def end(self) -> datetime: ...


Spans = list[Interval]
"""Sorted, disjoint, non-empty intervals."""


def normalise(intervals: Iterable[HasSpan], pad: timedelta = timedelta(0)) -> Spans:
    """Sort, widen each interval by `pad` on both sides, and merge overlapping/touching ones."""
    merged: Spans = []
    for item in sorted(intervals, key=_start):
        start, end = item.start - pad, item.end + pad
        if start >= end:
            continue
        if merged and start <= merged[-1].end:
            if end > merged[-1].end:
                merged[-1] = Interval(merged[-1].start, end)
        else:
            merged.append(Interval(start, end))
    return merged


def _start(item: HasSpan) -> datetime:
    return item.start


def intersect(left: Spans, right: Spans) -> Spans:
    return [Interval(start, end) for start, end in overlap(left, right)]


Instant = TypeVar("Instant", int, datetime)


def overlap(
    left: Sequence[tuple[Instant, Instant]], right: Sequence[tuple[Instant, Instant]]
) -> list[tuple[Instant, Instant]]:
    """Where two sorted lists of disjoint spans overlap: of datetimes (Intervals are tuples)
    or of the planner's ticks (sync/planner/ticks.py). Every pair is intersected once a
    plan, with hundreds of spans a side: a walk of two iterators, without indexing, and the
    spans that end before the other side's next one are passed by without arithmetic."""
    result: list[tuple[Instant, Instant]] = []
    append = result.append
    lefts, rights = iter(left), iter(right)
    try:
        a_start, a_end = next(lefts)
        b_start, b_end = next(rights)
        while True:
            if a_end <= b_start:
                a_start, a_end = next(lefts)
            elif b_end <= a_start:
                b_start, b_end = next(rights)
            else:
                start = a_start if a_start >= b_start else b_start
                end = a_end if a_end <= b_end else b_end
                if start < end:
                    append((start, end))
                if a_end <= b_end:
                    a_start, a_end = next(lefts)
                else:
                    b_start, b_end = next(rights)
    except StopIteration:  # one side is used up: nothing after it overlaps
        return result


def subtract(base: Spans, cut: Spans, starts: Sequence[datetime] | None = None) -> Spans:
    """`base` without `cut`. `starts` (the cut's start times) may be given where the same cut
    is used again and again, to save building it each time."""
    if not cut:
        return list(base)
    starts = [c.start for c in cut] if starts is None else starts
    result: Spans = []
    for span in base:
        start = span.start
        # the first cut that may reach into this span; earlier ones end before it
        k = bisect_right(starts, start)
        if k and cut[k - 1].end > start:
            k -= 1
        elif k == len(cut) or starts[k] >= span.end:
            result.append(span)  # untouched
            continue
        while k < len(cut) and cut[k].start < span.end:
            if cut[k].start > start:
                result.append(Interval(start, cut[k].start))
            start = max(start, cut[k].end)
            k += 1
        if start < span.end:
            result.append(Interval(start, span.end))
    return result


def covers(spans: Spans, start: datetime, end: datetime) -> bool:
    """Whether [start, end) lies inside one of the spans."""
    index = bisect_right(spans, Interval(start, datetime.max.replace(tzinfo=start.tzinfo))) - 1
    return index >= 0 and spans[index].start <= start and end <= spans[index].end


def overlaps_any(spans: Spans, start: datetime, end: datetime) -> bool:
    index = bisect_right(spans, Interval(start, datetime.max.replace(tzinfo=start.tzinfo)))
    if index > 0 and spans[index - 1].end > start:
        return True
    return index < len(spans) and spans[index].start < end


def total(spans: Spans) -> timedelta:
    return sum((span.end - span.start for span in spans), timedelta(0))
