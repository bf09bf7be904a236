"""Which 15-minute grid start times lie wholly in a pair's free time, day by day, as bits.

Checking a candidate series means asking the same question for hundreds of weekday/time
combinations on every date of the horizon; answering it per date once, as one integer with a
bit per grid slot, turns each of those questions into a bit test. Times are the organiser's
wall clock; on a day when the clock changes (DST), each slot is converted exactly instead.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Sequence
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

from sync.planner.ticks import MINUTE, FreeTime, covers, tick


@lru_cache(maxsize=1 << 17)
def local_instant(day: date, clock: time, zone: ZoneInfo) -> datetime | None:
    """The UTC instant of a local wall-clock time, or None if the clock skips it (DST gap).
    Remembered: the pairs of a zone ask for the same few thousand times again and again."""
    local = datetime.combine(day, clock, zone)
    instant = local.astimezone(UTC)
    if instant.astimezone(zone).replace(tzinfo=None) != local.replace(tzinfo=None):
        return None
    return instant


@lru_cache(maxsize=1 << 16)
def day_bounds(day: date, zone: ZoneInfo) -> tuple[int, int] | None:
    """A local day in ticks (midnight to midnight), or None on a day the clock changes.
    Every pair of a zone asks this for the same days, hundreds of times each."""
    midnight = datetime.combine(day, time(0), zone)
    following = datetime.combine(day + timedelta(days=1), time(0), zone)
    if midnight.utcoffset() != following.utcoffset():
        return None
    return tick(midnight), tick(following)


class FreeSlots:
    def __init__(self, free: FreeTime, zone: ZoneInfo, grid: Sequence[int], minutes: int) -> None:
        self.free = free
        self.zone = zone
        self.grid = list(grid)
        """Start times as minutes after local midnight."""
        self.minutes = minutes
        self._bits: dict[date, int] = {}

    def bits(self, day: date) -> int:
        """Bit k is set if a check-in starting at grid[k] on `day` fits in one free span."""
        found = self._bits.get(day)
        if found is None:
            found = self._bits[day] = self._compute(day)
        return found

    def _compute(self, day: date) -> int:
        bounds = day_bounds(day, self.zone)
        if bounds is None:
            return self._exact(day)
        start, end = bounds
        spans, grid, minutes = self.free, self.grid, self.minutes
        count = len(spans)
        index = bisect_right(spans, (start, start))
        if index and spans[index - 1][1] > start:
            index -= 1  # the one span that may begin before midnight and reach into the day
        bits = 0
        while index < count:
            span_start, span_end = spans[index]
            if span_start >= end:
                break
            index += 1
            # the first and last grid minute a check-in may start at inside this span
            first = -(-(span_start - start) // MINUTE) if span_start > start else 0
            last = ((span_end if span_end < end else end) - start) // MINUTE - minutes
            low, high = bisect_left(grid, first), bisect_right(grid, last)
            if low < high:
                bits |= ((1 << (high - low)) - 1) << low
        return bits

    def _exact(self, day: date) -> int:
        bits = 0
        length = self.minutes * MINUTE
        for k, minute in enumerate(self.grid):
            instant = local_instant(day, time(minute // 60, minute % 60), self.zone)
            if instant is None:
                continue
            first = tick(instant)
            if covers(self.free, first, first + length):
                bits |= 1 << k
        return bits


def nearest(grid: Sequence[int], week: Sequence[int], target: int) -> tuple[int, int] | None:
    """Of the set bits of a week's days (`week[offset]`, bit k for `grid[k]`), the
    (offset, minute) whose minute of the week (offset * 1440 + minute) is nearest to
    `target`, the earlier one of two as near; None if no bit is set. On each day only the
    last bit at or before the target and the first after it can be nearest, so a day is
    two bit operations rather than a walk over its free times."""
    best: tuple[int, int, int] | None = None
    for offset, bits in enumerate(week):
        if not bits:
            continue
        split = bisect_right(grid, target - offset * 1440)
        before, after = bits & ((1 << split) - 1), bits >> split
        for k in (before.bit_length() - 1 if before else -1, split + _lowest(after)):
            if 0 <= k < len(grid):
                moment = offset * 1440 + grid[k]
                key = (abs(moment - target), moment, offset)
                if best is None or key < best:
                    best = key
    return None if best is None else (best[2], best[1] - best[2] * 1440)


def _lowest(bits: int) -> int:
    """The index of the lowest set bit; far past any grid if none is."""
    return (bits & -bits).bit_length() - 1 if bits else 1 << 30
