"""Spans of ticks kept for a whole plan, held as two arrays of machine integers.

The planner keeps every person's busy time, time off and own free time until the plan is
done: as a list of (start, end) tuples each span costs a tuple and two integer objects,
about 130 bytes, and a night holds hundreds of spans per person for thousands of people.
In two arrays of 8-byte integers a span costs 16 bytes. The values are the same integers,
so whatever the planner works out from them is the same.
"""

from __future__ import annotations

from array import array
from bisect import bisect_right

from sync.planner.ticks import FreeTime


class PackedSpans:
    """Sorted, disjoint spans of ticks, compact. `spans()` gives them back as the
    planner's arithmetic takes them; `starts` serves `ticks.subtract` as they are."""

    __slots__ = ("ends", "starts")

    def __init__(self, spans: FreeTime) -> None:
        self.starts = array("q", [start for start, _ in spans])
        self.ends = array("q", [end for _, end in spans])

    def spans(self) -> FreeTime:
        """The spans as a new list of (start, end) tuples."""
        return list(zip(self.starts, self.ends, strict=True))

    def overlaps_any(self, start: int, end: int) -> bool:
        """Whether [start, end) overlaps one of the spans (`ticks.overlaps_any`)."""
        index = bisect_right(self.starts, start)
        if index > 0 and self.ends[index - 1] > start:
            return True
        return index < len(self.starts) and self.starts[index] < end

    def __len__(self) -> int:
        return len(self.starts)
