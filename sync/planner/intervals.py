"""Arithmetic on sorted lists of disjoint half-open intervals (UTC instants)."""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterable
from datetime import datetime, timedelta

from sync.model import Interval

Spans = list[Interval]
"""Sorted, disjoint, non-empty intervals."""


def normalise(intervals: Iterable[Interval], pad: timedelta = timedelta(0)) -> Spans:
    """Sort, widen each interval by `pad` on both sides, and merge overlapping/touching ones."""
    merged: Spans = []
    for item in sorted(intervals):
        start, end = item.start - pad, item.end + pad
        if start >= end:
            continue
        if merged and start <= merged[-1].end:
            if end > merged[-1].end:
                merged[-1] = Interval(merged[-1].start, end)
        else:
            merged.append(Interval(start, end))
    return merged


def intersect(left: Spans, right: Spans) -> Spans:
    result: Spans = []
    i = j = 0
    while i < len(left) and j < len(right):
        start = max(left[i].start, right[j].start)
        end = min(left[i].end, right[j].end)
        if start < end:
            result.append(Interval(start, end))
        if left[i].end <= right[j].end:
            i += 1
        else:
            j += 1
    return result


def subtract(base: Spans, cut: Spans) -> Spans:
    result: Spans = []
    j = 0
    for span in base:
        start = span.start
        while j < len(cut) and cut[j].end <= start:
            j += 1
        k = j
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
