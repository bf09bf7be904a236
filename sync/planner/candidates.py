"""Candidate slots for a series: a first date and a time, scored by how many of the rule's
dates are free (preferred times counting more), ranked, and told apart from each other."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from operator import itemgetter
from typing import overload
from zoneinfo import ZoneInfo

from sync.model.cadence import Cadence, nth_weekday
from sync.model.said import Said, say
from sync.model.values import Employee
from sync.planner.explain import day_phrase, slot_phrase
from sync.planner.free_time import _FreeTime
from sync.planner.requests import GRID_MINUTES, PREFERRED_WEIGHT, PairRequest
from sync.planner.slots import FreeSlots, local_instant
from sync.planner.ticks import FreeTime


@dataclass(frozen=True)
class _Pattern:
    """A candidate series: its first date and time in the organiser's zone."""

    first: date
    clock: time


@dataclass
class _Scored:
    pattern: _Pattern
    dates: list[date]
    """The organiser-local dates the rule gives inside the horizon."""
    ok: list[bool]
    preferred: bool
    value: int
    load: int

    @property
    def rank(self) -> tuple[int, int, date, int]:
        # within one pair every date is in the organiser's zone: date then minute orders
        # the first starts as the instants themselves would
        minutes = self.pattern.clock.hour * 60 + self.pattern.clock.minute
        return (-self.value, self.load, self.dates[0], minutes)


_Candidate = tuple[tuple[int, int, date, int], int, list[date], list[int], bool]
"""A candidate as it is ranked: (rank, slot, dates, the dates' slot bits, preferred). Plain
tuples: a night ranks tens of thousands and looks at a few of each pair's."""


def _scored(candidate: _Candidate) -> _Scored:
    rank, slot, dates, masks, preferred = candidate
    minute = rank[3]
    return _Scored(
        pattern=_Pattern(dates[0], time(minute // 60, minute % 60)),
        dates=dates,
        ok=[(m >> slot) & 1 == 1 for m in masks],
        preferred=preferred,
        value=-rank[0],
        load=rank[1],
    )


class _Ranked(Sequence[_Scored]):
    """Candidates in rank order, made into `_Scored` only when looked at."""

    def __init__(self, candidates: list[_Candidate]) -> None:
        self._candidates = candidates

    def __len__(self) -> int:
        return len(self._candidates)

    @overload
    def __getitem__(self, index: int) -> _Scored: ...

    @overload
    def __getitem__(self, index: slice) -> Sequence[_Scored]: ...

    def __getitem__(self, index: int | slice) -> _Scored | Sequence[_Scored]:
        if isinstance(index, slice):
            return _Ranked(self._candidates[index])
        return _scored(self._candidates[index])

    def best_preferred(self) -> _Scored | None:
        """The best candidate inside the employee's preferred time, if any is free at all."""
        return next((_scored(c) for c in self._candidates if c[4]), None)


def _grid_ceil(clock: time) -> int:
    """Minutes after midnight of the first grid point at or after `clock`."""
    minutes = clock.hour * 60 + clock.minute
    return -(-minutes // GRID_MINUTES) * GRID_MINUTES


def _first_dates(cadence: Cadence, weekday: int, today: date, after_earliest: bool) -> list[date]:
    """The possible first dates of a series on `weekday`, one per phase: the first such day
    from `today` (the organiser-local date of the earliest allowed start) on, where on
    `today` itself the time must be `after_earliest`."""

    def fits(day: date) -> bool:
        return day > today or (day == today and after_earliest)

    if cadence.monthly:
        firsts = []
        for nth in (1, 2, 3, 4):
            year, month = today.year, today.month
            for _ in range(2):
                day = nth_weekday(year, month, weekday, nth)
                if fits(day):
                    firsts.append(day)
                    break
                year, month = (year + 1, 1) if month == 12 else (year, month + 1)
        return sorted(firsts)
    day = today + timedelta(days=(weekday - today.weekday()) % 7)
    if not fits(day):
        day += timedelta(days=7)
    return [day + timedelta(weeks=phase) for phase in range(cadence.phases)]


def _bit_counts(masks: Sequence[int], width: int) -> list[int]:
    """For each bit position, in how many of `masks` it is set."""
    counts = [0] * width
    for mask in masks:
        while mask:
            low = mask & -mask
            counts[low.bit_length() - 1] += 1
            mask ^= low
    return counts


def _second_of_day(moment: datetime) -> float:
    return moment.hour * 3600 + moment.minute * 60 + moment.second + moment.microsecond / 1e6


def _in_preferred(employee: Employee, start: datetime, minutes: int) -> bool:
    if not employee.preferred:
        return False
    local = start.astimezone(ZoneInfo(employee.person.timezone))
    end = local + timedelta(minutes=minutes)
    return any(
        local.weekday() in window.days
        and window.hours.contains(local.time(), end.time())
        and end.date() == local.date()
        for window in employee.preferred
    )


def _distinct(chosen: Sequence[_Scored], ranked: Sequence[_Scored], count: int) -> list[_Scored]:
    """The best `count` other patterns that differ visibly: another weekday or at least two
    hours away from everything already picked (`chosen` first)."""
    picked = list(chosen)
    for candidate in ranked:
        if len(picked) >= len(chosen) + count:
            break
        if all(_far_apart(candidate, other) for other in picked):
            picked.append(candidate)
    return picked[len(chosen) :]


def _unmet_preference(pair: PairRequest, best: _Scored | None, weeks: int) -> Said:
    """Why the proposal is not inside the employee's preferred time."""
    name = pair.employee.person.first_name
    if best is None:
        return say(
            "No time inside %(name)s's preferred time is free for both in the next %(weeks)s "
            "weeks.",
            name=name,
            weeks=weeks,
        )
    free = sum(best.ok)
    zone = ZoneInfo(pair.manager.person.timezone)
    first = datetime.combine(best.pattern.first, best.pattern.clock, zone)
    slot = slot_phrase(first, pair.employee.duration, pair.employee.person.timezone)
    return say(
        "Not inside %(name)s's preferred time: the best time there, %(day)s %(time)s, is free "
        "for both on only %(free)s of %(dates)s dates (the first alternative).",
        name=name,
        day=day_phrase(first, pair.cadence),
        time=slot,
        free=free,
        dates=len(best.dates),
    )


def _far_apart(a: _Scored, b: _Scored) -> bool:
    if a.pattern.first.weekday() != b.pattern.first.weekday():
        return True
    minutes = abs(
        (a.pattern.clock.hour - b.pattern.clock.hour) * 60
        + a.pattern.clock.minute
        - b.pattern.clock.minute
    )
    return minutes >= 120


_KEPT = 4
"""Free times whose grid bits are kept per pair."""


class _Patterns(_FreeTime):
    """Candidate series of a pair, scored and ranked."""

    # ------------------------------------------------------------------ patterns

    def grid(self, pair: PairRequest) -> list[int]:
        """Start times a check-in of this pair may have: the 15-minute grid inside the
        manager's working hours, as minutes after local midnight."""
        hours, minutes = pair.manager.person.working_hours, pair.employee.duration
        # asked for every date that is not free; most pairs share hours and a length
        found = self._grids.get((hours, minutes))
        if found is None:
            last = hours.end.hour * 60 + hours.end.minute - minutes
            found = list(range(_grid_ceil(hours.start), last + 1, GRID_MINUTES))
            self._grids[hours, minutes] = found
        return found

    def slots(self, pair: PairRequest, free: FreeTime) -> FreeSlots:
        """The grid times of `free`, day by day. The last few kept per pair: a pair's whole
        free time, which it is scored and its alternatives are built on, stays while making
        room asks about single weeks in between."""
        kept = self._slots.get(pair.key)
        if kept is None:
            kept = self._slots.put(pair.key, [])
        for cached in kept:
            if cached.free is free:
                return cached
        zone = ZoneInfo(pair.manager.person.timezone)
        cached = FreeSlots(free, zone, self.grid(pair), pair.employee.duration)
        kept[:] = [cached, *kept[: _KEPT - 1]]
        return cached

    def scored_patterns(
        self, pair: PairRequest, free: FreeTime, *, keep_refused: bool = False
    ) -> _Ranked:
        """Every weekday, grid time inside the manager's hours and first week with at least
        one free date, best first; times the pair refused lately are left out unless
        `keep_refused`. Counting is done on the per-day slot bits; only the candidates a
        caller looks at become `_Scored`."""
        zone = ZoneInfo(pair.manager.person.timezone)
        minutes = pair.employee.duration
        cadence = pair.cadence
        slots = self.slots(pair, free)
        earliest = self.earliest.astimezone(zone)
        horizon = self.horizon_end.astimezone(zone)
        today, last_day = earliest.date(), horizon.date()
        earliest_second = _second_of_day(earliest)
        horizon_second = _second_of_day(horizon)
        others = self.loads(pair.manager.person) - self.loads(pair.manager.person, pair)
        weekday_load = Counter(d.weekday() for d in others.elements())
        cap = pair.manager.max_checkins_per_day
        masks: dict[date, int] = {}

        def mask(day: date) -> int:
            if day not in masks:
                masks[day] = slots.bits(day) if others[day] < cap else 0
            return masks[day]

        # grid slots by how they relate to the ends: near them, the first or last date moves
        cases: dict[tuple[bool, bool], list[int]] = {}
        for k, minute in enumerate(slots.grid):
            case = (minute * 60 >= earliest_second, minute * 60 < horizon_second)
            cases.setdefault(case, []).append(k)
        refused = [] if keep_refused else pair.refused(self.inputs.now)
        avoided = {
            (weekday, k)
            for weekday in (pair.manager.person.working_days if refused else ())
            for k, minute in enumerate(slots.grid)
            if any(r.blocks(weekday, minute, minutes, zone) for r in refused)
        }
        candidates: list[_Candidate] = []
        for weekday in sorted(pair.manager.person.working_days):
            for case, ks in cases.items():
                for first in _first_dates(cadence, weekday, today, case[0]):
                    dates = [d for d in cadence.dates(first, last_day) if d < last_day or case[1]]
                    if not dates:
                        continue
                    day_masks = [mask(day) for day in dates]
                    counts = _bit_counts(day_masks, len(slots.grid))
                    for k in ks:
                        if not counts[k] or (weekday, k) in avoided:
                            continue
                        minute = slots.grid[k]
                        preferred = bool(pair.employee.preferred) and self._preferred(
                            pair, first, time(minute // 60, minute % 60), zone, minutes
                        )
                        weight = PREFERRED_WEIGHT if preferred else 1
                        value = counts[k] * weight
                        rank = (-value, weekday_load[weekday], first, minute)
                        candidates.append((rank, k, dates, day_masks, preferred))
        candidates.sort(key=itemgetter(0))
        return _Ranked(candidates)

    def _preferred(
        self, pair: PairRequest, day: date, clock: time, zone: ZoneInfo, minutes: int
    ) -> bool:
        start = local_instant(day, clock, zone)
        return start is not None and _in_preferred(pair.employee, start, minutes)
