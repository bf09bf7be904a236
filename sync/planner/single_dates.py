"""Moving single dates: taking a pair's check-ins out of the agendas and back in, rescuing a
date whose time is taken, and finding the best other time in the same week."""

from __future__ import annotations

from bisect import bisect_left, insort
from collections import Counter
from collections.abc import Callable
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sync.model.said import say
from sync.model.values import Occurrence, OccurrenceStatus
from sync.planner import room
from sync.planner.candidates import _Patterns
from sync.planner.rearrange import rearrange
from sync.planner.requests import Commitment, PairRequest
from sync.planner.slots import local_instant, nearest
from sync.planner.ticks import FreeTime
from sync.planner.week_slots import WeekSlots


class _SingleDates(_Patterns):
    def retract(self, pair: PairRequest) -> None:
        """Take a pair's own check-ins out of both agendas, to place them again."""
        for person in (pair.manager.person, pair.employee.person):
            items = self.agenda.get(person.email, [])
            self.agenda[person.email] = [c for c in items if not c.of_series(pair)]
            for item in items:
                if item.of_series(pair):
                    self.changes.note(person.email, item)
            # only these two counts held the pair's dates; they are counted again when asked
            self.day_load.pop((person.email, ""), None)
            self.day_load.pop((person.email, pair.employee.person.email), None)

    def drop(self, pair: PairRequest, occurrence: Occurrence) -> None:
        """Take one of the pair's one-off check-ins out of both agendas, to place it again."""
        self.remove(pair, self.commitment(pair, occurrence, one_off=True))

    def remove(self, pair: PairRequest, item: Commitment) -> None:
        """Take one check-in of `pair` out of both agendas."""
        for person in (pair.manager.person, pair.employee.person):
            items = self.agenda.get(person.email, [])
            # agendas are sorted: found by halving, not by comparing with every item
            index = bisect_left(items, item)
            if index == len(items) or items[index] != item:
                continue
            del items[index]
            self.changes.note(person.email, item)
            # the counts are kept up to date rather than counted again: making room takes
            # dates out and back in many times a run
            day = item.start.astimezone(ZoneInfo(person.timezone)).date()
            _uncount(self.loads(person), day)
            if not item.one_off:
                _uncount(self.loads(person, pair), day)

    def commitment(
        self, pair: PairRequest, occurrence: Occurrence, *, one_off: bool = False
    ) -> Commitment:
        return Commitment(occurrence.start, occurrence.end, pair.employee.person.email, one_off)

    def commit(self, pair: PairRequest, occurrence: Occurrence, *, one_off: bool = False) -> None:
        item = self.commitment(pair, occurrence, one_off=one_off)
        self.longest = max(self.longest, item.span[1] - item.span[0])
        for person in (pair.manager.person, pair.employee.person):
            # counted before the date goes in: a count made now from the agenda must not
            # see it twice
            day = item.start.astimezone(ZoneInfo(person.timezone)).date()
            self.loads(person)[day] += 1
            if not one_off:
                self.loads(person, pair)[day] += 1
            insort(self.agenda.setdefault(person.email, []), item)
            self.changes.note(person.email, item)

    def rescue(
        self,
        pair: PairRequest,
        free: FreeTime,
        start: datetime,
        minutes: int,
        *,
        make_room: bool = False,
    ) -> Occurrence:
        """Move a conflicting occurrence to the best free time in its week, or skip it.
        `make_room`: a week without free time may move another new series' date (room.py)."""
        end = start + timedelta(minutes=minutes)
        reason = self.why_not(pair, start, end)
        employee = pair.employee
        local_day = start.astimezone(ZoneInfo(employee.person.timezone)).date()
        if employee.paused and employee.paused.contains(local_day):
            return Occurrence(start, start, end, OccurrenceStatus.SKIPPED, reason, away=True)
        moved = self.best_in_week(pair, free, start, minutes)
        if moved is None and make_room:
            placed = room.make_room(self, pair, self.planned, start, minutes, reason)
            if placed is None:
                placed = rearrange(self, pair, self.planned, start, minutes, reason)
            if placed is not None:
                return placed
        if moved is None and make_room:
            moved = self.best_in_period(pair, free, start, minutes)
        if moved is None:
            return Occurrence(
                start,
                start,
                end,
                OccurrenceStatus.SKIPPED,
                say("%(why)s, and there is no other free time for both that week", why=reason),
                # asked only here: three dates in four that are not free move instead
                away=self.is_away(pair, start, end),
            )
        return Occurrence(
            start, moved, moved + timedelta(minutes=minutes), OccurrenceStatus.MOVED, reason
        )

    def best_in_week(
        self, pair: PairRequest, free: FreeTime, regular: datetime, minutes: int
    ) -> datetime | None:
        """The free time in the regular date's week (organiser-local, Monday to Sunday) in
        the employee's preferred windows if possible, else nearest to the regular time."""
        ranked = self.times_in_week(pair, free, regular, minutes, best_only=True)
        return ranked[0] if ranked else None

    def count_in_week(self, pair: PairRequest, free: FreeTime, regular: datetime) -> int:
        """How many grid times of the regular date's week are free and under the cap: at
        least as many as `times_in_week` gives (it also leaves out refused times and
        clock times a DST change skips), found without making a single datetime."""
        zone = ZoneInfo(pair.manager.person.timezone)
        slots = self.slots(pair, free)
        local = regular.astimezone(zone)
        monday = local.date() - timedelta(days=local.weekday())
        days = (monday + timedelta(days=offset) for offset in range(7))
        under_cap = self.under_cap_on(pair)
        return sum(slots.bits(day).bit_count() for day in days if under_cap(day))

    def week_slots(self, pair: PairRequest, regular: datetime) -> WeekSlots:
        """The pair's free grid times in the regular date's week, as they are now."""
        local = regular.astimezone(ZoneInfo(pair.manager.person.timezone)).date()
        slots = self.slots(pair, self.free_in_week(pair, regular))
        return WeekSlots(slots, local - timedelta(days=local.weekday()))

    def times_in_week(
        self,
        pair: PairRequest,
        free: FreeTime,
        regular: datetime,
        minutes: int,
        *,
        best_only: bool = False,
    ) -> list[datetime]:
        """Every free time in the regular date's week, best first (see `best_in_week`);
        `best_only`: just the first."""
        bits = self.slots(pair, free).bits
        return self.times_in_bits(pair, bits, regular, minutes, best_only=best_only)

    def times_in_bits(
        self,
        pair: PairRequest,
        bits: Callable[[date], int],
        regular: datetime,
        minutes: int,
        *,
        best_only: bool = False,
    ) -> list[datetime]:
        """`times_in_week` on free grid times given as `bits` per day."""
        zone = ZoneInfo(pair.manager.person.timezone)
        local = regular.astimezone(zone)
        monday = local.date() - timedelta(days=local.weekday())
        regular_minute = local.weekday() * 1440 + local.hour * 60 + local.minute
        refused = pair.refused(self.inputs.now)
        under_cap = self.under_cap_on(pair)
        grid, preferences = self.grid(pair), pair.employee.preferred
        if best_only and not refused and not preferences:
            # then the best is simply the nearest free time (most of the questions asked)
            week = [bits(day) if under_cap(day) else 0 for day in _week_of(monday)]
            best = nearest(grid, week, regular_minute)
            if best is None:
                return []
            offset, minute = best
            day = monday + timedelta(days=offset)
            start = local_instant(day, time(minute // 60, minute % 60), zone)
            if start is not None:
                return [start]
            # a time the clock skips: the walk below finds the nearest one that exists
        found: list[tuple[bool, int, int, datetime]] = []
        for offset in range(7):
            day = monday + timedelta(days=offset)
            free = bits(day) if under_cap(day) else 0
            while free:
                low = free & -free  # the set bits only, earliest first
                free ^= low
                minute = grid[low.bit_length() - 1]
                # a single date is not moved onto a time the pair refused lately either
                if refused and any(r.blocks(day.weekday(), minute, minutes, zone) for r in refused):
                    continue
                clock = time(minute // 60, minute % 60)
                # distance on the wall clock: exact but for an hour on a DST weekend
                distance = abs(offset * 1440 + minute - regular_minute)
                preferred = bool(preferences) and self._preferred(pair, day, clock, zone, minutes)
                key = (not preferred, distance, offset * 1440 + minute)
                if not best_only or not found or key < found[0][:3]:
                    start = local_instant(day, clock, zone)
                    if start is not None:
                        if best_only:
                            found.clear()
                        found.append((*key, start))
        return [item[3] for item in sorted(found)]

    def best_in_period(
        self, pair: PairRequest, free: FreeTime, regular: datetime, minutes: int
    ) -> datetime | None:
        """For a new series of every N ≥ 2 weeks whose date has no time in its own week: the
        best free time in the nearest other week of the date's cadence period, so a
        biweekly pair still meets that fortnight when one of them is away for a week.
        Periods are N weeks counted from the first whole week after the notice; a series
        has one date in each, so a moved date stays between its neighbours."""
        for week in self.other_weeks(pair, regular):
            moved = self.best_in_week(pair, free, regular + timedelta(weeks=week), minutes)
            if moved is not None:
                return moved
        return None

    def other_weeks(self, pair: PairRequest, regular: datetime) -> list[int]:
        """The other weeks of the regular date's cadence period, as offsets in weeks from
        its own, nearest first; none for a weekly or monthly series (see `best_in_period`)."""
        weeks = pair.cadence.weeks
        if pair.cadence.monthly or weeks < 2:
            return []
        zone = ZoneInfo(pair.manager.person.timezone)
        earliest = self.earliest.astimezone(zone)
        first = earliest.date() - timedelta(days=earliest.weekday())
        if datetime.combine(first, time(0), zone) < earliest:
            first += timedelta(weeks=1)
        local = regular.astimezone(zone).date()
        index = (local - timedelta(days=local.weekday()) - first).days // 7
        if index < 0:
            return []  # the week of the notice belongs to no period
        start = index - index % weeks
        others = sorted(
            (w for w in range(start, start + weeks) if w != index),
            key=lambda w: (abs(w - index), w),
        )
        return [w - index for w in others]


def _week_of(monday: date) -> list[date]:
    return [monday + timedelta(days=offset) for offset in range(7)]


def _uncount(load: Counter[date], day: date) -> None:
    load[day] -= 1
    if load[day] <= 0:
        del load[day]
