"""The cells of one row of the week picture: what each quarter hour of a day is for one
person (the proposed time, another time, busy or free). Each span is placed on the row by
bisecting the row's quarter boundaries, and only the spans near the day (found by bisecting
the person's sorted spans) are placed: a picture costs a few dozen comparisons per row
rather than one per quarter and span.

Each cell stays exactly what the plain rule says (`Interval.overlaps`, with Python's own
datetime comparisons, which compare two times of one zone by their wall clock and others by
UTC). Bisecting finds the same answer only where the row's boundaries are in order both
ways; a row across a spring-forward gap is not in UTC order, and is judged the plain way."""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from itertools import accumulate
from operator import le

from sync.model.values import Interval

FREE, BUSY, SLOT, OTHER = "free", "busy", "slot", "other"
"""What a quarter hour is, for one person: the proposed time and other times are shown in
both people's rows, over their busy time."""

DAY_MARGIN = timedelta(hours=3)
"""More than any clock change: where wall-clock and UTC order differ, a span this far from
the day in UTC touches none of its quarters either way."""


@dataclass(frozen=True)
class SortedSpans:
    """One person's busy spans in order of their start in UTC, with the latest end so far
    (spans may overlap), so the spans near a day are found by bisecting."""

    spans: tuple[Interval, ...]
    starts: tuple[float, ...]
    latest_ends: tuple[float, ...]

    @staticmethod
    def of(spans: Sequence[Interval]) -> SortedSpans:
        ordered = tuple(sorted(spans, key=lambda span: span.start.timestamp()))
        return SortedSpans(
            ordered,
            tuple(span.start.timestamp() for span in ordered),
            tuple(accumulate((span.end.timestamp() for span in ordered), max)),
        )

    def near(self, first: float, last: float) -> tuple[Interval, ...]:
        """The spans that reach into [first - margin, last + margin] (UTC seconds)."""
        margin = DAY_MARGIN.total_seconds()
        low = bisect_right(self.latest_ends, first - margin)
        high = bisect_left(self.starts, last + margin)
        return self.spans[low:high]


@dataclass(frozen=True)
class DayGrid:
    """A day's quarter-hour boundaries on the viewer's wall clock."""

    bounds: tuple[datetime, ...]
    first: float
    """The earliest boundary in UTC seconds; with `last`, where the day's spans are."""
    last: float
    in_order: bool
    """The boundaries are in UTC order too (the day has no clock gap in its hours)."""

    @staticmethod
    def of(start: datetime, quarters: int, step: timedelta) -> DayGrid:
        bounds = tuple(start + step * n for n in range(quarters + 1))
        utc = [bound.astimezone(UTC) for bound in bounds]
        return DayGrid(
            bounds,
            min(utc).timestamp(),
            max(utc).timestamp(),
            all(map(le, utc, utc[1:])),
        )

    def cells(
        self, busy: SortedSpans, slot: Interval, others: Sequence[Interval]
    ) -> tuple[str, ...]:
        near = busy.near(self.first, self.last)
        if not self.in_order:
            return self._plain_cells(near, slot, others)
        cells = [FREE] * (len(self.bounds) - 1)
        # later marks win: the proposed time over other times over busy time
        for kind, spans in ((BUSY, near), (OTHER, others), (SLOT, (slot,))):
            for span in spans:
                # quarter n overlaps the span when bounds[n] < end and start < bounds[n + 1]
                low = max(bisect_right(self.bounds, span.start) - 1, 0)
                high = min(bisect_left(self.bounds, span.end), len(cells))
                cells[low:high] = [kind] * max(high - low, 0)
        return tuple(cells)

    def _plain_cells(
        self, busy: Sequence[Interval], slot: Interval, others: Sequence[Interval]
    ) -> tuple[str, ...]:
        quarters = [Interval(a, b) for a, b in zip(self.bounds, self.bounds[1:], strict=False)]
        return tuple(plain_kind(quarter, busy, slot, others) for quarter in quarters)


def plain_kind(
    quarter: Interval, busy: Sequence[Interval], slot: Interval, others: Sequence[Interval]
) -> str:
    """What a quarter hour is, by the rule itself."""
    if quarter.overlaps(slot):
        return SLOT
    if any(quarter.overlaps(other) for other in others):
        return OTHER
    if any(quarter.overlaps(span) for span in busy):
        return BUSY
    return FREE
