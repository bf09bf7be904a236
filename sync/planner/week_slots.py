"""One pair's free grid times in one week as bits per day, worked out once, and the same with
more time taken: what re-arranging a full week asks at every step of its search.

The search (rearrange.py) places the week's dates one at a time and, after each, asks every
date still waiting how many free times it has left. Building each date's free time again
from the agendas for that is most of the search's work; but between two steps only the
dates placed in between have changed, and a placed date can only take times away. So the
week's bits are worked out once, when the search starts, and each step clears the grid
times that the placed dates (with the buffer around them), or days that became full, now
overlap. A grid time fits in one free span of the free time without a cut exactly when it
fits in one free span and overlaps no cut, so the bits are those the free time built again
would give."""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Sequence
from datetime import date, time, timedelta

from sync.planner.slots import FreeSlots, day_bounds, local_instant
from sync.planner.ticks import MINUTE, Span, tick


class WeekSlots:
    def __init__(self, slots: FreeSlots, monday: date) -> None:
        self.slots = slots
        self.days = [monday + timedelta(days=offset) for offset in range(7)]
        self.base = {day: slots.bits(day) for day in self.days}
        """The bits of each day of the week, before any cut."""
        self._starts: dict[date, list[int]] = {}

    def bits_without(self, cuts: Sequence[Span]) -> dict[date, int]:
        """Each day's bits with every grid time that overlaps one of `cuts` cleared."""
        if not cuts:
            return self.base
        length = self.slots.minutes * MINUTE
        out = {}
        for day, bits in self.base.items():
            if bits:
                starts = self.starts(day)
                for low, high in cuts:
                    # the grid times with start < high and start + length > low
                    first = bisect_right(starts, low - length)
                    last = bisect_left(starts, high)
                    if first < last:
                        bits &= ~(((1 << (last - first)) - 1) << first)
            out[day] = bits
        return out

    def starts(self, day: date) -> list[int]:
        """Each grid time of `day` as a tick, in order. A time the clock skips (its bit is
        never set) gets the tick before it, which keeps the list sorted for bisecting."""
        found = self._starts.get(day)
        if found is None:
            slots = self.slots
            bounds = day_bounds(day, slots.zone)
            if bounds is not None:
                found = [bounds[0] + minute * MINUTE for minute in slots.grid]
            else:
                found = []
                for minute in slots.grid:
                    instant = local_instant(day, time(minute // 60, minute % 60), slots.zone)
                    found.append(tick(instant) if instant else (found[-1] if found else 0))
            self._starts[day] = found
        return found
