"""Choosing one weekday and time per pair, and placing every occurrence in the horizon.

Pure: everything comes in through `PlanningInput` and the pairs; nothing is read or written.
Pairs are planned one after another, the most constrained first, and each chosen series is
added to both people's agendas so later pairs neither overlap it nor exceed a manager's daily
cap. Every ordering decision ends in a total order on plain values, so shuffled input gives
the same output.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sync.cadence import Cadence, nth_weekday
from sync.model import (
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
from sync.planner.availability import Availability
from sync.planner.explain import explain_series
from sync.planner.intervals import (
    Spans,
    covers,
    intersect,
    normalise,
    overlaps_any,
    subtract,
    total,
)

GRID_MINUTES = 15
PREFERRED_BONUS = 1
"""A slot inside the employee's preferred time is worth one more conflict-free date."""
ALTERNATIVES = 2


@dataclass(frozen=True)
class PairRequest:
    manager: Manager
    employee: Employee
    cadence: Cadence
    cadence_reason: str = "regular cadence"
    avoid: frozenset[tuple[int, time]] = frozenset()
    """Weekday and organiser-local time of slots the manager already rejected."""

    @property
    def key(self) -> tuple[str, str]:
        return self.manager.person.email, self.employee.person.email

    @property
    def people(self) -> tuple[Person, Person]:
        return self.manager.person, self.employee.person


@dataclass(frozen=True, order=True)
class Commitment:
    """A check-in already in someone's agenda, and whose pair it belongs to (by employee, as
    each employee has one manager). A pair being re-planned may reuse its own old times."""

    start: datetime
    end: datetime
    employee: str

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
    reason: str


PlanOutcome = PlannedSeries | PlanFailure


@dataclass(frozen=True)
class _Pattern:
    """A candidate series: its first date and time in the organiser's zone."""

    first: date
    clock: time


@dataclass
class _Scored:
    pattern: _Pattern
    starts: list[datetime]
    ok: list[bool]
    preferred: bool
    value: int
    load: int

    @property
    def rank(self) -> tuple[int, int, datetime, int]:
        minutes = self.pattern.clock.hour * 60 + self.pattern.clock.minute
        return (-self.value, self.load, self.starts[0], minutes)


def plan(pairs: Sequence[PairRequest], inputs: PlanningInput) -> list[PlanOutcome]:
    """A series (or the reason there is none) for every pair, ordered by manager, employee."""
    return _Planner(inputs).plan_all(pairs)


class _Planner:
    def __init__(self, inputs: PlanningInput) -> None:
        self.inputs = inputs
        now = inputs.now.astimezone(UTC)
        self.earliest = now + inputs.min_notice
        self.horizon_end = now + timedelta(weeks=inputs.horizon_weeks)
        # moves may use the rest of the last week of the horizon
        self.search = Interval(self.earliest, self.horizon_end + timedelta(days=7))
        self.busy = {
            email: normalise(Interval(b.start, b.end) for b in blocks)
            for email, blocks in inputs.busy.items()
        }
        self.away = {
            email: normalise(
                Interval(b.start, b.end) for b in blocks if b.kind is BusyKind.TIME_OFF
            )
            for email, blocks in inputs.busy.items()
        }
        self.agenda: dict[str, list[Commitment]] = {
            email: sorted(items) for email, items in inputs.checkins.items()
        }
        # check-ins per (person, pair) and local day, for the daily cap
        self.day_load: dict[tuple[str, str], Counter[date]] = {}

    # ------------------------------------------------------------------ driving

    def plan_all(self, pairs: Sequence[PairRequest]) -> list[PlanOutcome]:
        unique = {pair.key: pair for pair in pairs}
        order = sorted(unique.values(), key=lambda p: (total(self.free_spans(p)), p.key))
        outcomes = {pair.key: self.plan_pair(pair) for pair in order}
        return [outcomes[key] for key in sorted(outcomes)]

    def plan_pair(self, pair: PairRequest) -> PlanOutcome:
        free = self.free_spans(pair)
        scored = [s for s in self.scored_patterns(pair, free) if any(s.ok)]
        if not scored:
            return PlanFailure(*pair.key, self.why_no_slot(pair, free))
        scored.sort(key=lambda s: s.rank)
        best = scored[0]
        chosen = self.build(pair, free, best, commit=True)
        alternatives = tuple(
            self.build(pair, free, other, commit=False)
            for other in _distinct(best, scored[1:], ALTERNATIVES)
        )
        return replace(chosen, alternatives=alternatives)

    # ------------------------------------------------------------------ free time

    def availability(self, pair: PairRequest) -> tuple[Availability, Availability]:
        return (
            Availability(pair.manager.person),
            Availability(pair.employee.person, pair.employee.paused),
        )

    def free_spans(self, pair: PairRequest) -> Spans:
        """Time inside both people's working hours when neither is busy or in a check-in,
        with the buffer kept around everything that blocks."""
        manager, employee = self.availability(pair)
        work = intersect(manager.working_spans(self.search), employee.working_spans(self.search))
        emails = pair.key
        blocked = [i for email in emails for i in self.busy.get(email, [])]
        blocked += [
            c.interval
            for email in emails
            for c in self.agenda.get(email, [])
            if c.employee != pair.employee.person.email
        ]
        return subtract(work, normalise(blocked, pad=self.inputs.buffer))

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
                if pair is None or item.employee == key[1]
            )
        return self.day_load[key]

    def is_free(self, pair: PairRequest, free: Spans, start: datetime, minutes: int) -> bool:
        end = start + timedelta(minutes=minutes)
        return covers(free, start, end) and not self.cap_reached(pair, start)

    # ------------------------------------------------------------------ patterns

    def scored_patterns(self, pair: PairRequest, free: Spans) -> Iterator[_Scored]:
        zone = ZoneInfo(pair.manager.person.timezone)
        minutes = pair.employee.duration
        cadence = pair.cadence
        cache: dict[datetime, bool] = {}
        own = self.loads(pair.manager.person, pair)
        weekday_load = Counter(
            d.weekday() for d in (self.loads(pair.manager.person) - own).elements()
        )
        for pattern in self.patterns(pair, zone):
            starts = [
                s
                for s in (
                    local_instant(day, pattern.clock, zone)
                    for day in cadence.dates(pattern.first, self.horizon_end.date())
                )
                if s is not None and s < self.horizon_end
            ]
            if not starts:
                continue
            ok = []
            for start in starts:
                if start not in cache:
                    cache[start] = self.is_free(pair, free, start, minutes)
                ok.append(cache[start])
            preferred = _in_preferred(pair.employee, starts[0], minutes)
            yield _Scored(
                pattern=pattern,
                starts=starts,
                ok=ok,
                preferred=preferred,
                value=sum(ok) + (PREFERRED_BONUS if preferred else 0),
                load=weekday_load[pattern.first.weekday()],
            )

    def patterns(self, pair: PairRequest, zone: ZoneInfo) -> Iterator[_Pattern]:
        """Every weekday, 15-minute grid time inside the manager's hours, and first week."""
        person = pair.manager.person
        hours = person.working_hours
        minutes = pair.employee.duration
        earliest = self.earliest.astimezone(zone)
        last_minute = hours.end.hour * 60 + hours.end.minute - minutes
        for weekday in sorted(person.working_days):
            for minute in range(_grid_ceil(hours.start), last_minute + 1, GRID_MINUTES):
                clock = time(minute // 60, minute % 60)
                if (weekday, clock) in pair.avoid:
                    continue
                for first in _first_dates(pair.cadence, weekday, clock, earliest):
                    yield _Pattern(first, clock)

    # ------------------------------------------------------------------ occurrences

    def build(
        self, pair: PairRequest, free: Spans, scored: _Scored, *, commit: bool
    ) -> PlannedSeries:
        zone = ZoneInfo(pair.manager.person.timezone)
        minutes = pair.employee.duration
        length = timedelta(minutes=minutes)
        occurrences = []
        for start, ok in zip(scored.starts, scored.ok, strict=True):
            if ok:
                occurrence = Occurrence(start, start, start + length)
            else:
                occurrence = self.rescue(pair, free, start, minutes)
            occurrences.append(occurrence)
            if commit and occurrence.takes_place:
                self.commit(pair, occurrence)
        first = scored.starts[0].astimezone(zone)
        explanation = explain_series(
            first=first,
            minutes=minutes,
            cadence=pair.cadence,
            cadence_reason=pair.cadence_reason,
            employee_zone=pair.employee.person.timezone,
            occurrences=occurrences,
            preferred_by=pair.employee.person.first_name if scored.preferred else None,
            horizon_weeks=self.inputs.horizon_weeks,
        )
        return PlannedSeries(
            manager=pair.manager.person.email,
            employee=pair.employee.person.email,
            cadence=pair.cadence,
            duration=minutes,
            timezone=pair.manager.person.timezone,
            first_start=first,
            rrule=pair.cadence.rrule(scored.pattern.first),
            occurrences=tuple(occurrences),
            explanation=explanation,
        )

    def retract(self, pair: PairRequest) -> None:
        """Take a pair's own check-ins out of both agendas, to place them again."""
        employee = pair.employee.person.email
        for person in (pair.manager.person, pair.employee.person):
            items = self.agenda.get(person.email, [])
            self.agenda[person.email] = [c for c in items if c.employee != employee]
            for key in [k for k in self.day_load if k[0] == person.email]:
                del self.day_load[key]

    def commit(self, pair: PairRequest, occurrence: Occurrence) -> None:
        item = Commitment(occurrence.start, occurrence.end, pair.employee.person.email)
        for person in (pair.manager.person, pair.employee.person):
            self.agenda.setdefault(person.email, []).append(item)
            self.agenda[person.email].sort()
            day = item.start.astimezone(ZoneInfo(person.timezone)).date()
            self.loads(person)[day] += 1
            self.loads(person, pair)[day] += 1

    def rescue(self, pair: PairRequest, free: Spans, start: datetime, minutes: int) -> Occurrence:
        """Move a conflicting occurrence to the best free time in its week, or skip it."""
        end = start + timedelta(minutes=minutes)
        reason = self.why_not(pair, start, end)
        employee = pair.employee
        local_day = start.astimezone(ZoneInfo(employee.person.timezone)).date()
        if employee.paused and employee.paused.contains(local_day):
            return Occurrence(start, start, end, OccurrenceStatus.SKIPPED, reason)
        moved = self.best_in_week(pair, free, start, minutes)
        if moved is None:
            return Occurrence(
                start,
                start,
                end,
                OccurrenceStatus.SKIPPED,
                f"{reason}, and there is no other free time for both that week",
            )
        return Occurrence(
            start, moved, moved + timedelta(minutes=minutes), OccurrenceStatus.MOVED, reason
        )

    def best_in_week(
        self, pair: PairRequest, free: Spans, regular: datetime, minutes: int
    ) -> datetime | None:
        zone = ZoneInfo(pair.manager.person.timezone)
        hours = pair.manager.person.working_hours
        local = regular.astimezone(zone)
        monday = local.date() - timedelta(days=local.weekday())
        best: tuple[bool, timedelta, datetime] | None = None
        for offset in range(7):
            day = monday + timedelta(days=offset)
            minute = _grid_ceil(hours.start)
            while minute + minutes <= hours.end.hour * 60 + hours.end.minute:
                start = local_instant(day, time(minute // 60, minute % 60), zone)
                minute += GRID_MINUTES
                if start is None or not self.is_free(pair, free, start, minutes):
                    continue
                key = (
                    not _in_preferred(pair.employee, start, minutes),
                    abs(start - regular),
                    start,
                )
                if best is None or key < best:
                    best = key
        return None if best is None else best[2]

    # ------------------------------------------------------------------ reasons

    def why_not(self, pair: PairRequest, start: datetime, end: datetime) -> str:
        """The first thing that rules out [start, end), in words for the manager."""
        manager, employee = self.availability(pair)
        for side in (employee, manager):
            reason = side.why_unavailable(start, end)
            if reason:
                return reason
        if start < self.earliest:
            return f"it is less than {self.inputs.min_notice} from now"
        pad = self.inputs.buffer
        people = (pair.manager.person, pair.employee.person)
        away = [
            p.first_name for p in people if overlaps_any(self.away.get(p.email, []), start, end)
        ]
        if away:
            return f"{' and '.join(away)} {'is' if len(away) == 1 else 'are'} away"
        busy = [
            p.first_name
            for p in people
            if overlaps_any(self.busy.get(p.email, []), start - pad, end + pad)
        ]
        if busy:
            return f"{' and '.join(busy)} {'is' if len(busy) == 1 else 'are'} busy"
        for person in people:
            agenda = normalise(
                c.interval
                for c in self.agenda.get(person.email, [])
                if c.employee != pair.employee.person.email
            )
            if overlaps_any(agenda, start - pad, end + pad):
                return f"{person.first_name} has another check-in then"
        if self.cap_reached(pair, start):
            cap = pair.manager.max_checkins_per_day
            return f"{pair.manager.person.first_name} already has {cap} check-ins that day"
        return "the time is not free for both"

    def why_no_slot(self, pair: PairRequest, free: Spans) -> str:
        manager, employee = pair.manager.person, pair.employee.person
        mine, theirs = self.availability(pair)
        if not intersect(mine.working_spans(self.search), theirs.working_spans(self.search)):
            return (
                f"{manager.first_name}'s and {employee.first_name}'s working hours never overlap "
                f"in the next {self.inputs.horizon_weeks} weeks ({manager.working_hours} "
                f"{manager.timezone}, {employee.working_hours} {employee.timezone})"
            )
        weeks = self.inputs.horizon_weeks
        if not free:
            return f"no time in the next {weeks} weeks when both are free inside both working hours"
        return (
            f"no {pair.employee.duration}-minute time in the next {weeks} weeks when both are "
            f"free and {manager.first_name} is under the limit of "
            f"{pair.manager.max_checkins_per_day} check-ins a day"
        )


def _grid_ceil(clock: time) -> int:
    """Minutes after midnight of the first grid point at or after `clock`."""
    minutes = clock.hour * 60 + clock.minute
    return -(-minutes // GRID_MINUTES) * GRID_MINUTES


def local_instant(day: date, clock: time, zone: ZoneInfo) -> datetime | None:
    """The UTC instant of a local wall-clock time, or None if the clock skips it (DST gap)."""
    local = datetime.combine(day, clock, zone)
    instant = local.astimezone(UTC)
    if instant.astimezone(zone).replace(tzinfo=None) != local.replace(tzinfo=None):
        return None
    return instant


def _first_dates(cadence: Cadence, weekday: int, clock: time, earliest: datetime) -> list[date]:
    """The possible first dates of a series on `weekday` at `clock`, one per phase."""
    zone = earliest.tzinfo
    assert isinstance(zone, ZoneInfo)

    def fits(day: date) -> bool:
        start = local_instant(day, clock, zone)
        return start is not None and start >= earliest

    if cadence.monthly:
        firsts = []
        for nth in (1, 2, 3, 4):
            year, month = earliest.year, earliest.month
            for _ in range(2):
                day = nth_weekday(year, month, weekday, nth)
                if fits(day):
                    firsts.append(day)
                    break
                year, month = (year + 1, 1) if month == 12 else (year, month + 1)
        return sorted(firsts)
    day = earliest.date() + timedelta(days=(weekday - earliest.weekday()) % 7)
    if not fits(day):
        day += timedelta(days=7)
    return [day + timedelta(weeks=phase) for phase in range(cadence.phases)]


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


def _distinct(chosen: _Scored, ranked: Sequence[_Scored], count: int) -> list[_Scored]:
    """The best other patterns that differ visibly: another weekday or at least two hours
    away from everything already picked."""
    picked = [chosen]
    for candidate in ranked:
        if len(picked) > count:
            break
        if all(_far_apart(candidate, other) for other in picked):
            picked.append(candidate)
    return picked[1:]


def _far_apart(a: _Scored, b: _Scored) -> bool:
    if a.pattern.first.weekday() != b.pattern.first.weekday():
        return True
    minutes = abs(
        (a.pattern.clock.hour - b.pattern.clock.hour) * 60
        + a.pattern.clock.minute
        - b.pattern.clock.minute
    )
    return minutes >= 120
