"""A pair's free time inside the horizon: both people's working hours, time off, busy time,
booked check-ins and the manager's daily cap, and in words why a time is not free."""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections import Counter
from collections.abc import Callable
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sync.model.said import Said, listed, say, say_n
from sync.model.values import BusyKind, Interval, Person
from sync.planner import ticks as t
from sync.planner.agenda_changes import AgendaChanges
from sync.planner.availability import Availability
from sync.planner.own_cap import full_days
from sync.planner.packed import PackedSpans
from sync.planner.recent import PAIRS_KEPT, Recent
from sync.planner.requests import Commitment, PairRequest, Planned, PlanningInput
from sync.planner.slots import FreeSlots
from sync.planner.ticks import FreeTime, covers, intersect, subtract, tick

_DAY = 24 * 60 * t.MINUTE


class _FreeTime:
    def __init__(self, inputs: PlanningInput, pairs_kept: int = PAIRS_KEPT) -> None:
        self.inputs = inputs
        now = inputs.now.astimezone(UTC)
        self.earliest = now + inputs.min_notice
        self.horizon_end = now + timedelta(weeks=inputs.horizon_weeks)
        # moves may use the rest of the last week of the horizon
        self.search = Interval(self.earliest, self.horizon_end + timedelta(days=7))
        self.pad = t.ticks(inputs.buffer)
        """The buffer, in ticks."""
        # per person for the whole plan, so packed: see sync/planner/packed.py
        self._away: dict[str, PackedSpans] = {}
        self.agenda: dict[str, list[Commitment]] = {
            email: sorted(items) for email, items in inputs.checkins.items()
        }
        self.longest = max(
            (c.span[1] - c.span[0] for items in self.agenda.values() for c in items), default=0
        )
        """No check-in in any agenda is longer (in ticks): where to start looking for those
        that reach into a span. Kept up by `commit`."""
        self.changes = AgendaChanges()
        """Kept up by `commit`, `remove` and `retract`."""
        # check-ins per (person, pair) and local day, for the daily cap
        self.day_load: dict[tuple[str, str], Counter[date]] = {}
        # per pair: only the pairs asked about lately, so that memory does not grow with them
        self._slots: Recent[tuple[str, str], list[FreeSlots]] = Recent(pairs_kept)
        self._unbusy: Recent[tuple[object, ...], FreeTime] = Recent(pairs_kept)
        self._sides: Recent[tuple[object, ...], tuple[Availability, Availability]] = Recent(
            pairs_kept
        )
        self._free: dict[tuple[object, ...], PackedSpans] = {}
        self._work: dict[tuple[object, ...], FreeTime] = {}
        self._blocked: dict[str, PackedSpans] = {}
        self._grids: dict[tuple[object, ...], list[int]] = {}
        # series proposed in this run, by employee: a later pair may move one of their dates
        self.planned: dict[str, Planned] = {}
        self.caps = dict(inputs.caps)

    # ------------------------------------------------------------------ free time

    def availability(self, pair: PairRequest) -> tuple[Availability, Availability]:
        """Both people's workable time; made once per pair, as every date that is not free
        asks it why."""
        key = (*pair.key, pair.employee.paused)
        found = self._sides.get(key)
        if found is None:
            found = self._sides.put(
                key,
                (
                    Availability(pair.manager.person),
                    Availability(pair.employee.person, pair.employee.paused),
                ),
            )
        return found

    def free_spans(self, pair: PairRequest) -> FreeTime:
        """Time inside both people's working hours when neither is busy or in a check-in,
        with the buffer kept around everything that blocks."""
        free = self.unbusy_ticks(pair)
        checkins = [
            c.span
            for email in pair.key
            for c in self.agenda.get(email, [])
            if not c.of_series(pair)
        ]
        free = subtract(free, t.normalise(checkins, self.pad))
        return subtract(free, self.employee_full_days(pair))

    def free_in_week(self, pair: PairRequest, regular: datetime) -> FreeTime:
        """`free_spans` around the organiser-local week of `regular` only: enough to choose a
        time in that week, and a fraction of the work where a week is re-arranged."""
        zone = ZoneInfo(pair.manager.person.timezone)
        local = regular.astimezone(zone)
        sunday = local.date() - timedelta(days=local.weekday() + 1)
        low = tick(datetime.combine(sunday, time(0), zone))
        high = low + 9 * _DAY
        unbusy = self.unbusy_ticks(pair)
        first = max(0, bisect_right(unbusy, (low, low)) - 1)
        last = bisect_left(unbusy, (high, high))
        window = [(max(s, low), min(e, high)) for s, e in unbusy[first:last]]
        pad = self.pad
        checkins = [
            (start, end)
            for email in pair.key
            for c in self.agenda_between(email, low - pad, high + pad)
            for start, end in [c.span]
            if end + pad > low and start - pad < high and not c.of_series(pair)
        ]
        free = subtract([s for s in window if s[0] < s[1]], t.normalise(checkins, pad))
        return subtract(free, self.employee_full_days(pair))

    def employee_full_days(self, pair: PairRequest) -> FreeTime:
        """The days a middle manager (as this pair's employee) is already at their cap."""
        person = pair.employee.person
        cap = self.caps.get(person.email)
        if cap is None:
            return []
        return full_days(person.timezone, cap, self.loads(person), self.loads(person, pair))

    def agenda_between(self, email: str, low: int, high: int) -> list[Commitment]:
        """The person's check-ins that may overlap [low, high): those starting before `high`
        and late enough to reach `low` (a superset; the agenda is sorted by start)."""
        items = self.agenda.get(email, [])
        first = bisect_left(items, low - self.longest, key=_start)
        return items[first : bisect_left(items, high, lo=first, key=_start)]

    def unbusy_ticks(self, pair: PairRequest) -> FreeTime:
        """Shared working time when neither is busy; only check-ins change it later."""
        key = (*pair.key, pair.employee.paused)
        found = self._unbusy.get(key)
        if found is None:
            manager, employee = self.availability(pair)
            found = self._unbusy.put(
                key, intersect(self._own_free(manager), self._own_free(employee))
            )
        return found

    def _own_free(self, side: Availability) -> FreeTime:
        """One person's working time when they are not busy: a manager's serves all their
        pairs."""
        key = (side.person.email, side.person.working_hours, side.paused)
        found = self._free.get(key)
        if found is None:
            blocked = self.blocked(side.person.email)
            found = PackedSpans(subtract(self._working(side), blocked.spans(), blocked.starts))
            self._free[key] = found
        return found.spans()

    def _working(self, side: Availability) -> FreeTime:
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
            self._work[key] = t.spans_of(side.working_spans(self.search))
        return self._work[key]

    def away(self, email: str) -> PackedSpans:
        """When a person is away (time off), as the calendars say, in ticks: asked for most
        dates that are not free."""
        found = self._away.get(email)
        if found is None:
            found = self._away[email] = PackedSpans(
                t.normalise(
                    t.spans_of(
                        b for b in self.inputs.busy.get(email, []) if b.kind is BusyKind.TIME_OFF
                    )
                )
            )
        return found

    def blocked(self, email: str) -> PackedSpans:
        """A person's busy time with the buffer around it."""
        found = self._blocked.get(email)
        if found is None:
            spans = t.normalise(t.spans_of(self.inputs.busy.get(email, [])), self.pad)
            found = self._blocked[email] = PackedSpans(spans)
        return found

    def cap_reached(self, pair: PairRequest, start: datetime) -> bool:
        day = start.astimezone(ZoneInfo(pair.manager.person.timezone)).date()
        return not self.under_cap(pair, day)

    def under_cap(self, pair: PairRequest, day: date) -> bool:
        """Whether the manager has room for this pair on their local `day`: other
        check-ins than the pair's own series below the cap."""
        return self.under_cap_on(pair)(day)

    def under_cap_on(self, pair: PairRequest) -> Callable[[date], bool]:
        """`under_cap` for many days while the agendas stay as they are."""
        manager = pair.manager
        everyone, ours = self.loads(manager.person), self.loads(manager.person, pair)
        cap = manager.max_checkins_per_day
        # .get: a Counter's own lookup of a missing day is a Python call, and most days are
        return lambda day: everyone.get(day, 0) - ours.get(day, 0) < cap

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

    def is_free(self, pair: PairRequest, free: FreeTime, start: datetime, minutes: int) -> bool:
        first = tick(start)
        return covers(free, first, first + minutes * t.MINUTE) and not self.cap_reached(pair, start)

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
        low, high = tick(start), tick(end)
        return any(self.away(p.email).overlaps_any(low, high) for p in pair.people)

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
        people = (pair.manager.person, pair.employee.person)
        low, high = tick(start), tick(end)
        away = [p.first_name for p in people if self.away(p.email).overlaps_any(low, high)]
        if away:
            return say_n("%(names)s is away", "%(names)s are away", len(away), names=listed(away))
        busy = [p.first_name for p in people if self.blocked(p.email).overlaps_any(low, high)]
        if busy:
            return say_n("%(names)s is busy", "%(names)s are busy", len(busy), names=listed(busy))
        near = (low - self.pad, high + self.pad)
        for person in people:
            agenda = t.normalise(
                c.span for c in self.agenda_between(person.email, *near) if not c.of_series(pair)
            )
            if t.overlaps_any(agenda, *near):
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


def _start(item: Commitment) -> int:
    return item.span[0]
