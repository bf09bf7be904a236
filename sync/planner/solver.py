"""Choosing one weekday and time per pair, and placing every occurrence in the horizon.

Pure: everything comes in through `PlanningInput` and the pairs; nothing is read or written.
Pairs are planned one after another, the most constrained first, and each chosen series is
added to both people's agendas so later pairs neither overlap it nor exceed a manager's daily
cap. Every ordering decision ends in a total order on plain values, so shuffled input gives
the same output."""

from __future__ import annotations

import gc
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import replace
from datetime import timedelta
from zoneinfo import ZoneInfo

from sync.model.said import Day, Said, joined, say
from sync.model.values import Occurrence, PlannedSeries
from sync.planner.candidates import _distinct, _Scored, _unmet_preference
from sync.planner.explain import explain_series
from sync.planner.intervals import intersect
from sync.planner.requests import (
    ALTERNATIVES,
    PairRequest,
    PlanFailure,
    Planned,
    PlanningInput,
    PlanOutcome,
)
from sync.planner.single_dates import _SingleDates
from sync.planner.slots import local_instant
from sync.planner.team_weeks import fill_empty_weeks
from sync.planner.ticks import FreeTime, total


def plan(
    pairs: Sequence[PairRequest],
    inputs: PlanningInput,
    tick: Callable[[int, int], None] | None = None,
) -> list[PlanOutcome]:
    """A series (or the reason there is none) for every pair, ordered by manager, employee.
    `tick(pairs planned, pairs)` after each pair, for a progress display."""
    with _older_objects_left_alone():
        return _Planner(inputs).plan_all(pairs, tick)


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


class _Planner(_SingleDates):
    # ------------------------------------------------------------------ driving

    def plan_all(
        self, pairs: Sequence[PairRequest], tick: Callable[[int, int], None] | None = None
    ) -> list[PlanOutcome]:
        unique = {pair.key: pair for pair in pairs}
        for pair in unique.values():  # a middle manager's cap holds their own check-ins too
            self.caps.setdefault(pair.manager.person.email, pair.manager.max_checkins_per_day)
        if tick is not None:
            tick(0, len(unique))  # the pace, and so the time left, is counted from here
        order = sorted(unique.values(), key=lambda p: (total(self.free_spans(p)), p.key))
        outcomes: dict[tuple[str, str], PlanOutcome] = {}
        for done, pair in enumerate(order, 1):
            outcomes[pair.key] = self.plan_pair(pair)
            if tick is not None:
                tick(done, len(order))
        fill_empty_weeks(self)
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

    # ------------------------------------------------------------------ occurrences

    def build(
        self,
        pair: PairRequest,
        free: FreeTime,
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
        seen = self.changes.by_others(pair)
        for start in starts:
            if self.is_free(pair, free, start, minutes):
                occurrence = Occurrence(start, start, start + length)
            else:
                occurrence = self.rescue(pair, free, start, minutes, make_room=commit)
                if commit and self.changes.by_others(pair) != seen:
                    # making room moved other series' dates, maybe into this pair's free time
                    free, seen = self.free_spans(pair), self.changes.by_others(pair)
            occurrences.append(occurrence)
            if commit and occurrence.takes_place:
                self.commit(pair, occurrence)
        first = starts[0].astimezone(zone)
        # `explain` is kept in `self.planned`: were it to hold `self`, planner and plan would
        # form a cycle, and a finished plan would wait for the cyclic collector to be freed
        horizon_weeks = self.inputs.horizon_weeks
        avoiding = tuple(r.phrase() for r in pair.refused(self.inputs.now))

        def explain(dates: tuple[Occurrence, ...]) -> Said:
            return explain_series(
                first=first,
                minutes=minutes,
                cadence=pair.cadence,
                cadence_reason=pair.cadence_reason,
                employee_zone=pair.employee.person.timezone,
                occurrences=list(dates),
                preferred_by=pair.employee.person.first_name if scored.preferred else None,
                horizon_weeks=horizon_weeks,
                avoiding=avoiding,
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
            self.planned[pair.employee.person.email] = Planned(pair, series, explain)
        return series

    def why_no_slot(self, pair: PairRequest, free: FreeTime) -> Said:
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
