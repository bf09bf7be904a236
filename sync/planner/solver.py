"""Choosing one weekday and time per pair, and placing every occurrence in the horizon.

Pure: everything comes in through `PlanningInput` and the pairs; nothing is read or written.
Pairs are planned one after another, the most constrained first, and each chosen series is
added to both people's agendas so later pairs neither overlap it nor exceed a manager's daily
cap. Every ordering decision ends in a total order on plain values, so shuffled input gives
the same output.
"""

from __future__ import annotations

import gc
from collections import Counter
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, time, timedelta
from typing import overload
from zoneinfo import ZoneInfo

from sync.model.cadence import Cadence, nth_weekday
from sync.model.said import Day, Said, joined, listed, say, say_n
from sync.model.values import (
    REGULAR_CADENCE,
    BusyBlock,
    BusyKind,
    Employee,
    Interval,
    Manager,
    Occurrence,
    OccurrenceStatus,
    Person,
    PlannedSeries,
)
from sync.planner import room
from sync.planner.availability import Availability
from sync.planner.explain import day_phrase, explain_series, slot_phrase
from sync.planner.intervals import (
    Spans,
    covers,
    intersect,
    normalise,
    overlaps_any,
    subtract,
    total,
)
from sync.planner.refused import RefusedTime
from sync.planner.slots import FreeSlots, local_instant

GRID_MINUTES = 15
PREFERRED_WEIGHT = 2
"""A date inside the employee's preferred time counts this many times a date outside it,
so a preferred series that is free on most of its dates beats one outside the preference
that is free on all of them, and one free on only a few dates does not."""
ALTERNATIVES = 2


@dataclass(frozen=True)
class PairRequest:
    manager: Manager
    employee: Employee
    cadence: Cadence
    cadence_reason: Said = REGULAR_CADENCE
    avoid: tuple[RefusedTime, ...] = ()
    """Times the pair refused lately (declined, rejected): proposals keep away from them."""

    def refused(self, now: datetime) -> list[RefusedTime]:
        return sorted(r for r in self.avoid if r.active(now))

    @property
    def key(self) -> tuple[str, str]:
        return self.manager.person.email, self.employee.person.email

    @property
    def people(self) -> tuple[Person, Person]:
        return self.manager.person, self.employee.person


@dataclass(frozen=True, order=True)
class Commitment:
    """A check-in already in someone's agenda, and whose pair it belongs to (by employee, as
    each employee has one manager). A pair's series being re-planned may reuse its own old
    times, but never the time of the pair's own extra (one-off) check-ins."""

    start: datetime
    end: datetime
    employee: str
    one_off: bool = False

    def of_series(self, pair: PairRequest) -> bool:
        """Whether this is a date of `pair`'s own recurring series."""
        return self.employee == pair.employee.person.email and not self.one_off

    @property
    def interval(self) -> Interval:
        return Interval(self.start, self.end)


@dataclass(frozen=True)
class PlanningInput:
    now: datetime
    horizon_weeks: int
    min_notice: timedelta
    buffer: timedelta
    busy: Mapping[str, Sequence[BusyBlock]]
    checkins: Mapping[str, Sequence[Commitment]] = field(default_factory=dict)
    """Check-ins already booked or proposed, per person; new ones must not overlap them."""


@dataclass(frozen=True)
class PlanFailure:
    manager: str
    employee: str
    reason: Said


PlanOutcome = PlannedSeries | PlanFailure


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


@dataclass(frozen=True)
class _Candidate:
    rank: tuple[int, int, date, int]
    slot: int
    clock: time
    dates: list[date]
    masks: list[int]
    preferred: bool

    def scored(self) -> _Scored:
        ok = [(m >> self.slot) & 1 == 1 for m in self.masks]
        return _Scored(
            pattern=_Pattern(self.dates[0], self.clock),
            dates=self.dates,
            ok=ok,
            preferred=self.preferred,
            value=-self.rank[0],
            load=self.rank[1],
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
        return self._candidates[index].scored()

    def best_preferred(self) -> _Scored | None:
        """The best candidate inside the employee's preferred time, if any is free at all."""
        return next((c.scored() for c in self._candidates if c.preferred), None)


def plan(pairs: Sequence[PairRequest], inputs: PlanningInput) -> list[PlanOutcome]:
    """A series (or the reason there is none) for every pair, ordered by manager, employee."""
    with _older_objects_left_alone():
        return _Planner(inputs).plan_all(pairs)


@contextmanager
def _older_objects_left_alone() -> Iterator[None]:
    """Planning allocates millions of short-lived objects while everyone's busy time (and,
    in a run, the whole store) sits in memory; each full collection would walk all of it.
    Freezing what exists keeps those walks to what planning itself made (13% of planning
    time at 1,000 pairs, more in a larger process). Nothing is leaked: new cycles are still
    collected, and the frozen objects return to the collector afterwards."""
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()


class _Planner:
    def __init__(self, inputs: PlanningInput) -> None:
        self.inputs = inputs
        now = inputs.now.astimezone(UTC)
        self.earliest = now + inputs.min_notice
        self.horizon_end = now + timedelta(weeks=inputs.horizon_weeks)
        # moves may use the rest of the last week of the horizon
        self.search = Interval(self.earliest, self.horizon_end + timedelta(days=7))
        self._away: dict[str, Spans] = {}
        self.agenda: dict[str, list[Commitment]] = {
            email: sorted(items) for email, items in inputs.checkins.items()
        }
        # check-ins per (person, pair) and local day, for the daily cap
        self.day_load: dict[tuple[str, str], Counter[date]] = {}
        self._slots: dict[tuple[str, str], FreeSlots] = {}
        self._shared: dict[tuple[object, ...], Spans] = {}
        self._unbusy: dict[tuple[object, ...], Spans] = {}
        self._free: dict[tuple[object, ...], Spans] = {}
        self._work: dict[tuple[object, ...], Spans] = {}
        self._blocked: dict[str, tuple[Spans, list[datetime]]] = {}
        # series proposed in this run, by employee: a later pair may move one of their dates
        self.planned: dict[str, room.Planned] = {}

    # ------------------------------------------------------------------ driving

    def plan_all(self, pairs: Sequence[PairRequest]) -> list[PlanOutcome]:
        unique = {pair.key: pair for pair in pairs}
        order = sorted(unique.values(), key=lambda p: (total(self.free_spans(p)), p.key))
        outcomes = {pair.key: self.plan_pair(pair) for pair in order}
        # a series may have had a date moved since, to make room for a later pair
        for planned in self.planned.values():
            outcomes[planned.pair.key] = planned.series
        return [outcomes[key] for key in sorted(outcomes)]

    def plan_pair(self, pair: PairRequest) -> PlanOutcome:
        free = self.free_spans(pair)
        ranked = self.scored_patterns(pair, free)
        if not ranked:
            return PlanFailure(*pair.key, self.why_no_slot(pair, free))
        best = ranked[0]
        shown = [best]
        preference: Said | None = None
        if pair.employee.preferred and not best.preferred:
            # the employee asked for other times: show the best of those, and say why not
            in_preference = ranked.best_preferred()
            shown += [in_preference] if in_preference else []
            preference = _unmet_preference(pair, in_preference, self.inputs.horizon_weeks)
        self.build(pair, free, best, commit=True, preference=preference)  # into self.planned
        others = shown[1:] + _distinct(shown, ranked[1:], ALTERNATIVES + 1 - len(shown))
        alternatives = tuple(self.build(pair, free, other, commit=False) for other in others)
        planned = self.planned[pair.employee.person.email]
        planned.series = replace(planned.series, alternatives=alternatives)
        return planned.series

    # ------------------------------------------------------------------ free time

    def availability(self, pair: PairRequest) -> tuple[Availability, Availability]:
        return (
            Availability(pair.manager.person),
            Availability(pair.employee.person, pair.employee.paused),
        )

    def free_spans(self, pair: PairRequest) -> Spans:
        """Time inside both people's working hours when neither is busy or in a check-in,
        with the buffer kept around everything that blocks."""
        free = self.unbusy_hours(pair)
        checkins = [
            c.interval
            for email in pair.key
            for c in self.agenda.get(email, [])
            if not c.of_series(pair)
        ]
        return subtract(free, normalise(checkins, pad=self.inputs.buffer))

    def unbusy_hours(self, pair: PairRequest) -> Spans:
        """Shared working time when neither is busy; only check-ins change it later."""
        key = (*pair.key, pair.employee.paused)
        if key not in self._unbusy:
            manager, employee = self.availability(pair)
            self._unbusy[key] = intersect(self._own_free(manager), self._own_free(employee))
        return self._unbusy[key]

    def _own_free(self, side: Availability) -> Spans:
        """One person's working time when they are not busy: a manager's serves all their
        pairs."""
        key = (side.person.email, side.person.working_hours, side.paused)
        if key not in self._free:
            blocked, starts = self.blocked(side.person.email)
            self._free[key] = subtract(self._working(side), blocked, starts)
        return self._free[key]

    def shared_hours(self, pair: PairRequest) -> Spans:
        """Both people's working time, which no other pair changes: worked out once."""
        key = (*pair.key, pair.employee.paused)
        if key not in self._shared:
            manager, employee = self.availability(pair)
            self._shared[key] = intersect(self._working(manager), self._working(employee))
        return self._shared[key]

    def _working(self, side: Availability) -> Spans:
        # most people share a zone, hours, days and holidays with many others
        person = side.person
        key = (
            person.timezone,
            person.working_hours,
            person.working_days,
            person.holidays,
            person.holiday_categories,
            side.paused,
        )
        if key not in self._work:
            self._work[key] = side.working_spans(self.search)
        return self._work[key]

    def away(self, email: str) -> Spans:
        """When a person is away (time off), as the calendars say."""
        if email not in self._away:
            self._away[email] = normalise(
                Interval(b.start, b.end)
                for b in self.inputs.busy.get(email, [])
                if b.kind is BusyKind.TIME_OFF
            )
        return self._away[email]

    def blocked(self, email: str) -> tuple[Spans, list[datetime]]:
        """A person's busy time with the buffer around it, and where each piece starts."""
        if email not in self._blocked:
            spans = normalise(self.inputs.busy.get(email, []), pad=self.inputs.buffer)
            self._blocked[email] = (spans, [span.start for span in spans])
        return self._blocked[email]

    def cap_reached(self, pair: PairRequest, start: datetime) -> bool:
        manager = pair.manager
        day = start.astimezone(ZoneInfo(manager.person.timezone)).date()
        others = self.loads(manager.person)[day] - self.loads(manager.person, pair)[day]
        return others >= manager.max_checkins_per_day

    def loads(self, person: Person, pair: PairRequest | None = None) -> Counter[date]:
        """Check-ins per local day of the person (only those of `pair`, if given)."""
        key = (person.email, pair.employee.person.email if pair else "")
        if key not in self.day_load:
            zone = ZoneInfo(person.timezone)
            self.day_load[key] = Counter(
                item.start.astimezone(zone).date()
                for item in self.agenda.get(person.email, [])
                if pair is None or item.of_series(pair)
            )
        return self.day_load[key]

    def is_free(self, pair: PairRequest, free: Spans, start: datetime, minutes: int) -> bool:
        end = start + timedelta(minutes=minutes)
        return covers(free, start, end) and not self.cap_reached(pair, start)

    # ------------------------------------------------------------------ patterns

    def grid(self, pair: PairRequest) -> list[int]:
        """Start times a check-in of this pair may have: the 15-minute grid inside the
        manager's working hours, as minutes after local midnight."""
        hours = pair.manager.person.working_hours
        last = hours.end.hour * 60 + hours.end.minute - pair.employee.duration
        return list(range(_grid_ceil(hours.start), last + 1, GRID_MINUTES))

    def slots(self, pair: PairRequest, free: Spans) -> FreeSlots:
        cached = self._slots.get(pair.key)
        if cached is None or cached.free is not free:
            zone = ZoneInfo(pair.manager.person.timezone)
            cached = FreeSlots(free, zone, self.grid(pair), pair.employee.duration)
            self._slots[pair.key] = cached
        return cached

    def scored_patterns(
        self, pair: PairRequest, free: Spans, *, keep_refused: bool = False
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
            for weekday in pair.manager.person.working_days
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
                        clock = time(minute // 60, minute % 60)
                        preferred = bool(pair.employee.preferred) and self._preferred(
                            pair, first, clock, zone, minutes
                        )
                        weight = PREFERRED_WEIGHT if preferred else 1
                        value = counts[k] * weight
                        rank = (-value, weekday_load[weekday], first, minute)
                        candidates.append(_Candidate(rank, k, clock, dates, day_masks, preferred))
        candidates.sort(key=lambda c: c.rank)
        return _Ranked(candidates)

    def _preferred(
        self, pair: PairRequest, day: date, clock: time, zone: ZoneInfo, minutes: int
    ) -> bool:
        start = local_instant(day, clock, zone)
        return start is not None and _in_preferred(pair.employee, start, minutes)

    # ------------------------------------------------------------------ occurrences

    def build(
        self,
        pair: PairRequest,
        free: Spans,
        scored: _Scored,
        *,
        commit: bool,
        preference: Said | None = None,
    ) -> PlannedSeries:
        """The series `scored` stands for; `preference` says why it is not inside the
        employee's preferred time (empty when it is, or they have none)."""
        zone = ZoneInfo(pair.manager.person.timezone)
        minutes = pair.employee.duration
        length = timedelta(minutes=minutes)
        starts = [
            start
            for start in (local_instant(day, scored.pattern.clock, zone) for day in scored.dates)
            if start is not None
        ]
        occurrences = []
        for start in starts:
            if self.is_free(pair, free, start, minutes):
                occurrence = Occurrence(start, start, start + length)
            else:
                occurrence = self.rescue(pair, free, start, minutes, make_room=commit)
            occurrences.append(occurrence)
            if commit and occurrence.takes_place:
                self.commit(pair, occurrence)
        first = starts[0].astimezone(zone)

        def explain(dates: tuple[Occurrence, ...]) -> Said:
            return explain_series(
                first=first,
                minutes=minutes,
                cadence=pair.cadence,
                cadence_reason=pair.cadence_reason,
                employee_zone=pair.employee.person.timezone,
                occurrences=list(dates),
                preferred_by=pair.employee.person.first_name if scored.preferred else None,
                horizon_weeks=self.inputs.horizon_weeks,
                avoiding=[r.phrase() for r in pair.refused(self.inputs.now)],
                preference=preference,
            )

        series = PlannedSeries(
            manager=pair.manager.person.email,
            employee=pair.employee.person.email,
            cadence=pair.cadence,
            duration=minutes,
            timezone=pair.manager.person.timezone,
            first_start=first,
            rrule=pair.cadence.rrule(scored.pattern.first),
            occurrences=tuple(occurrences),
            explanation=explain(tuple(occurrences)),
        )
        if commit:
            self.planned[pair.employee.person.email] = room.Planned(pair, series, explain)
        return series

    def retract(self, pair: PairRequest) -> None:
        """Take a pair's own check-ins out of both agendas, to place them again."""
        for person in (pair.manager.person, pair.employee.person):
            items = self.agenda.get(person.email, [])
            self.agenda[person.email] = [c for c in items if not c.of_series(pair)]
            for key in [k for k in self.day_load if k[0] == person.email]:
                del self.day_load[key]

    def drop(self, pair: PairRequest, occurrence: Occurrence) -> None:
        """Take one of the pair's one-off check-ins out of both agendas, to place it again."""
        self.remove(pair, self.commitment(pair, occurrence, one_off=True))

    def remove(self, pair: PairRequest, item: Commitment) -> None:
        """Take one check-in of `pair` out of both agendas."""
        for person in (pair.manager.person, pair.employee.person):
            items = self.agenda.get(person.email, [])
            if item in items:
                items.remove(item)
            for key in [k for k in self.day_load if k[0] == person.email]:
                del self.day_load[key]

    def commitment(
        self, pair: PairRequest, occurrence: Occurrence, *, one_off: bool = False
    ) -> Commitment:
        return Commitment(occurrence.start, occurrence.end, pair.employee.person.email, one_off)

    def commit(self, pair: PairRequest, occurrence: Occurrence, *, one_off: bool = False) -> None:
        item = self.commitment(pair, occurrence, one_off=one_off)
        for person in (pair.manager.person, pair.employee.person):
            self.agenda.setdefault(person.email, []).append(item)
            self.agenda[person.email].sort()
            day = item.start.astimezone(ZoneInfo(person.timezone)).date()
            self.loads(person)[day] += 1
            if not one_off:
                self.loads(person, pair)[day] += 1

    def rescue(
        self,
        pair: PairRequest,
        free: Spans,
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
        away = self.is_away(pair, start, end)
        if employee.paused and employee.paused.contains(local_day):
            return Occurrence(start, start, end, OccurrenceStatus.SKIPPED, reason, away=True)
        moved = self.best_in_week(pair, free, start, minutes)
        if moved is None and make_room:
            placed = room.make_room(self, pair, self.planned, start, minutes, reason)
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
                away=away,
            )
        return Occurrence(
            start, moved, moved + timedelta(minutes=minutes), OccurrenceStatus.MOVED, reason
        )

    def best_in_week(
        self, pair: PairRequest, free: Spans, regular: datetime, minutes: int
    ) -> datetime | None:
        """The free time in the regular date's week (organiser-local, Monday to Sunday) in
        the employee's preferred windows if possible, else nearest to the regular time."""
        zone = ZoneInfo(pair.manager.person.timezone)
        slots = self.slots(pair, free)
        local = regular.astimezone(zone)
        monday = local.date() - timedelta(days=local.weekday())
        regular_minute = local.weekday() * 1440 + local.hour * 60 + local.minute
        others = self.loads(pair.manager.person) - self.loads(pair.manager.person, pair)
        cap = pair.manager.max_checkins_per_day
        refused = pair.refused(self.inputs.now)
        best: tuple[bool, int, int, datetime] | None = None
        for offset in range(7):
            day = monday + timedelta(days=offset)
            bits = slots.bits(day) if others[day] < cap else 0
            k = 0
            while bits:
                minute = slots.grid[k]
                # a single date is not moved onto a time the pair refused lately either
                if bits & 1 and not any(
                    r.blocks(day.weekday(), minute, minutes, zone) for r in refused
                ):
                    clock = time(minute // 60, minute % 60)
                    # distance on the wall clock: exact but for an hour on a DST weekend
                    distance = abs(offset * 1440 + minute - regular_minute)
                    preferred = False
                    if pair.employee.preferred:
                        preferred = self._preferred(pair, day, clock, zone, minutes)
                    key = (not preferred, distance, offset * 1440 + minute)
                    if best is None or key < best[:3]:
                        start = local_instant(day, clock, zone)
                        if start is not None:
                            best = (*key, start)
                bits >>= 1
                k += 1
        return None if best is None else best[3]

    def best_in_period(
        self, pair: PairRequest, free: Spans, regular: datetime, minutes: int
    ) -> datetime | None:
        """For a new series of every N ≥ 2 weeks whose date has no time in its own week: the
        best free time in the nearest other week of the date's cadence period, so a
        biweekly pair still meets that fortnight when one of them is away for a week.
        Periods are N weeks counted from the first whole week after the notice; a series
        has one date in each, so a moved date stays between its neighbours."""
        weeks = pair.cadence.weeks
        if pair.cadence.monthly or weeks < 2:
            return None
        zone = ZoneInfo(pair.manager.person.timezone)
        earliest = self.earliest.astimezone(zone)
        first = earliest.date() - timedelta(days=earliest.weekday())
        if datetime.combine(first, time(0), zone) < earliest:
            first += timedelta(weeks=1)
        local = regular.astimezone(zone).date()
        index = (local - timedelta(days=local.weekday()) - first).days // 7
        if index < 0:
            return None  # the week of the notice belongs to no period
        start = index - index % weeks
        others = sorted(
            (w for w in range(start, start + weeks) if w != index),
            key=lambda w: (abs(w - index), w),
        )
        for week in others:
            moved = self.best_in_week(pair, free, regular + timedelta(weeks=week - index), minutes)
            if moved is not None:
                return moved
        return None

    # ------------------------------------------------------------------ reasons

    def is_away(self, pair: PairRequest, start: datetime, end: datetime) -> bool:
        """Whether one of them is away then: time off, a paused span or a holiday.
        A date missed for that is excused rather than a check-in that did not happen."""
        for side in self.availability(pair):
            day = start.astimezone(side.zone).date()
            if side.paused and side.paused.contains(day):
                return True
            if side.holiday(day):
                return True
        return any(overlaps_any(self.away(p.email), start, end) for p in pair.people)

    def why_not(self, pair: PairRequest, start: datetime, end: datetime) -> Said:
        """The first thing that rules out [start, end), for the manager."""
        manager, employee = self.availability(pair)
        for side in (employee, manager):
            reason = side.why_unavailable(start, end)
            if reason:
                return reason
        if start < self.earliest:
            hours = round(self.inputs.min_notice.total_seconds() / 3600)
            return say_n(
                "it is less than %(num)s hour from now",
                "it is less than %(num)s hours from now",
                hours,
            )
        pad = self.inputs.buffer
        people = (pair.manager.person, pair.employee.person)
        away = [p.first_name for p in people if overlaps_any(self.away(p.email), start, end)]
        if away:
            return say_n("%(names)s is away", "%(names)s are away", len(away), names=listed(away))
        busy = [p.first_name for p in people if overlaps_any(self.blocked(p.email)[0], start, end)]
        if busy:
            return say_n("%(names)s is busy", "%(names)s are busy", len(busy), names=listed(busy))
        for person in people:
            agenda = normalise(
                c.interval for c in self.agenda.get(person.email, []) if not c.of_series(pair)
            )
            if overlaps_any(agenda, start - pad, end + pad):
                return say("%(name)s has another check-in then", name=person.first_name)
        if self.cap_reached(pair, start):
            cap = pair.manager.max_checkins_per_day
            return say_n(
                "%(name)s already has %(num)s check-in that day",
                "%(name)s already has %(num)s check-ins that day",
                cap,
                name=pair.manager.person.first_name,
            )
        return say("the time is not free for both")

    def why_no_slot(self, pair: PairRequest, free: Spans) -> Said:
        manager, employee = pair.manager.person, pair.employee.person
        refused = pair.refused(self.inputs.now)
        if refused and self.scored_patterns(pair, free, keep_refused=True):
            # proposing the refused time again would only be refused again
            ends = min(r.until for r in refused).astimezone(ZoneInfo(manager.timezone))
            return say(
                "the only times free for both in the next %(weeks)s weeks were refused lately "
                "(%(refused)s), so none is proposed again; a new time is proposed once another "
                "one is free, or after %(day)s",
                weeks=self.inputs.horizon_weeks,
                refused=joined([r.phrase() for r in refused], "; "),
                day=Day.of(ends.date()),
            )
        mine, theirs = self.availability(pair)
        if not intersect(mine.working_spans(self.search), theirs.working_spans(self.search)):
            return say(
                "%(manager)s's and %(employee)s's working hours never overlap in the next "
                "%(weeks)s weeks (%(manager_hours)s, %(employee_hours)s)",
                manager=manager.first_name,
                employee=employee.first_name,
                weeks=self.inputs.horizon_weeks,
                manager_hours=f"{manager.working_hours} {manager.timezone}",
                employee_hours=f"{employee.working_hours} {employee.timezone}",
            )
        weeks = self.inputs.horizon_weeks
        if not free:
            return say(
                "no time in the next %(weeks)s weeks when both are free inside both working hours",
                weeks=weeks,
            )
        return say(
            "no %(minutes)s-minute time in the next %(weeks)s weeks when both are free and "
            "%(name)s is under the limit of %(cap)s check-ins a day",
            minutes=pair.employee.duration,
            weeks=weeks,
            name=manager.first_name,
            cap=pair.manager.max_checkins_per_day,
        )


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
