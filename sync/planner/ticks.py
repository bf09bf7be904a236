"""Instants as whole microseconds since the Unix epoch, and sorted lists of disjoint spans
of them: the planner's own arithmetic on free time.

Free time is cut, intersected and searched millions of times in a night. Comparing and
subtracting timezone-aware datetimes costs an offset lookup each time (more with two
zones), and every span made is a datetime pair; plain integers do the same in a fraction.
Microseconds, not minutes, keep every instant exact, so which times are free, and how much
free time a pair has (the order pairs are planned in), stay what the datetimes said.
Instants enter as datetimes (busy time, working hours, check-ins) and leave as datetimes.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime, timedelta
from functools import lru_cache

from sync.planner.intervals import HasSpan, overlap

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_ONE = timedelta(microseconds=1)
_LAST = 1 << 62
"""Later than any tick: (t, _LAST) sorts after every span that starts at t."""
MINUTE = 60_000_000
"""A minute in ticks."""

Span = tuple[int, int]
"""A half-open [start, end) in ticks."""
FreeTime = list[Span]
"""Sorted, disjoint, non-empty spans."""


def tick(instant: datetime) -> int:
    """An aware instant in microseconds since the epoch, exactly."""
    # not remembered: hashing a datetime costs as much as this, and two wall-clock times
    # of a repeated hour are equal as dict keys
    return (instant - EPOCH) // _ONE


def ticks(length: timedelta) -> int:
    return length // _ONE


@lru_cache(maxsize=1 << 16)
def instant(value: int) -> datetime:
    """A tick as a UTC datetime, as the planner's other instants are. Remembered, as the
    pairs of one manager share most of their free time's ends."""
    return EPOCH + timedelta(microseconds=value)


def spans_of(items: Iterable[HasSpan]) -> FreeTime:
    """Intervals (any zone) as spans of ticks, in their order."""
    return [(tick(item.start), tick(item.end)) for item in items]


def normalise(spans: Iterable[Span], pad: int = 0) -> FreeTime:
    """Sort, widen each span by `pad` on both sides, and merge overlapping/touching ones."""
    merged: FreeTime = []
    for start, end in sorted(spans):
        start, end = start - pad, end + pad
        if start >= end:
            continue
        if merged and start <= merged[-1][1]:
            if end > merged[-1][1]:
                merged[-1] = (merged[-1][0], end)
        else:
            merged.append((start, end))
    return merged


def intersect(left: FreeTime, right: FreeTime) -> FreeTime:
    return overlap(left, right)


def subtract(base: FreeTime, cut: FreeTime, starts: Sequence[int] | None = None) -> FreeTime:
    """`base` without `cut`. `starts` (the cut's start ticks) may be given where the same cut
    is used again and again, to save building it each time."""
    if not cut:
        return list(base)
    starts = [c[0] for c in cut] if starts is None else starts
    result: FreeTime = []
    count = len(cut)
    for span in base:
        start, span_end = span
        # the first cut that may reach into this span; earlier ones end before it
        k = bisect_right(starts, start)
        if k and cut[k - 1][1] > start:
            k -= 1
        elif k == count or starts[k] >= span_end:
            result.append(span)  # untouched
            continue
        while k < count and starts[k] < span_end:
            cut_start, cut_end = cut[k]
            if cut_start > start:
                result.append((start, cut_start))
            if cut_end > start:
                start = cut_end
            k += 1
        if start < span_end:
            result.append((start, span_end))
    return result


def covers(spans: FreeTime, start: int, end: int) -> bool:
    """Whether [start, end) lies inside one of the spans."""
    index = bisect_right(spans, (start, _LAST)) - 1
    return index >= 0 and spans[index][0] <= start and end <= spans[index][1]


def overlaps_any(spans: FreeTime, start: int, end: int) -> bool:
    index = bisect_right(spans, (start, _LAST))
    if index > 0 and spans[index - 1][1] > start:
        return True
    return index < len(spans) and spans[index][0] < end


def room_for(spans: FreeTime, low: int, high: int, length: int) -> bool:
    """Whether one of the sorted `spans`, cut to [low, high), is at least `length` long."""
    index = max(0, bisect_right(spans, (low, low)) - 1)
    count = len(spans)
    while index < count and spans[index][0] < high:
        start, end = spans[index]
        if (end if end < high else high) - (start if start > low else low) >= length:
            return True
        index += 1
    return False


def total(spans: FreeTime) -> int:
    return sum(end - start for start, end in spans)
