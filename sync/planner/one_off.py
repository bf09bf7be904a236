"""Placing single, extra check-ins: one the employee asked for, or a welcome back after a
long absence. Each goes at the earliest time inside its window (days in the employee's own
zone) that lies inside both people's working hours, keeps the buffer clear of both people's
busy time and of every other check-in (the pair's own series included), and leaves the
manager under their daily cap.

Pure, like the rest of the planner; one-offs planned together see each other.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sync.model.said import Day, Said, Weekday, say
from sync.model.values import CheckinKind, Interval, Occurrence, PlannedSeries
from sync.planner import ticks as t
from sync.planner.explain import slot_phrase
from sync.planner.requests import GRID_MINUTES, PairRequest, PlanFailure, PlanningInput
from sync.planner.solver import _Planner
from sync.planner.ticks import FreeTime, intersect, spans_of, subtract


@dataclass(frozen=True)
class OneOffRequest:
    pair: PairRequest
    kind: CheckinKind
    first_day: date
    last_day: date
    """The window, both days included, in the employee's zone."""
    why: Said
    """Why it is proposed, for the manager: "requested by Lena: the reorg"."""
    avoid: frozenset[datetime] = frozenset()
    """Times the manager rejected for this check-in."""


def plan_one_offs(
    requests: Sequence[OneOffRequest], inputs: PlanningInput
) -> list[tuple[OneOffRequest, PlannedSeries | PlanFailure]]:
    planner = _Planner(inputs)
    ordered = sorted(requests, key=lambda r: (r.first_day, r.last_day, r.pair.key, r.kind))
    return [(request, _place(planner, request)) for request in ordered]


def window_of(request: OneOffRequest) -> Interval:
    """The UTC span from the start of the first day to the end of the last, employee-local."""
    zone = ZoneInfo(request.pair.employee.person.timezone)
    start = datetime.combine(request.first_day, time(0), zone).astimezone(UTC)
    end = datetime.combine(request.last_day + timedelta(days=1), time(0), zone).astimezone(UTC)
    return Interval(start, end)


def _place(planner: _Planner, request: OneOffRequest) -> PlannedSeries | PlanFailure:
    pair = request.pair
    minutes = pair.employee.duration
    length = timedelta(minutes=minutes)
    full = window_of(request)
    window = Interval(max(full.start, planner.earliest), full.end)
    if window.start >= window.end:
        return PlanFailure(
            *pair.key, say("%(window)s is too close or has passed", window=_window_words(request))
        )
    free = free_time(planner, pair, window)
    cap = pair.manager.max_checkins_per_day
    for span_start, span_end in free:
        start, end = _grid_ceil(t.instant(span_start)), t.instant(span_end)
        while start + length <= end:
            if start not in request.avoid and _under_caps(planner, pair, start):
                occurrence = Occurrence(start, start, start + length)
                planner.commit(pair, occurrence, one_off=True)
                return _planned(request, occurrence, planner.inputs.horizon_weeks)
            start += timedelta(minutes=GRID_MINUTES)
    return PlanFailure(
        *pair.key,
        say(
            "no %(minutes)s-minute time %(window)s when both are free inside both working hours "
            "and %(name)s is under the limit of %(cap)s check-ins a day",
            minutes=minutes,
            window=_window_words(request),
            name=pair.manager.person.first_name,
            cap=cap,
        ),
    )


def _under_caps(planner: _Planner, pair: PairRequest, start: datetime) -> bool:
    """Whether the day of `start` is under the manager's cap and, when the employee manages
    a team too, under the employee's own cap: a check-in with one's own manager is one more
    check-in in one's day (README, `max_checkins_per_day`)."""
    employee = pair.employee.person
    limits = [
        (pair.manager.person, pair.manager.max_checkins_per_day),
        (employee, planner.caps.get(employee.email)),
    ]
    return all(
        planner.loads(person)[start.astimezone(ZoneInfo(person.timezone)).date()] < cap
        for person, cap in limits
        if cap is not None
    )


def free_time(planner: _Planner, pair: PairRequest, window: Interval) -> FreeTime:
    """Inside both working hours, clear of busy time and of every check-in in either agenda,
    the pair's own series included, with the buffer around each."""
    manager, employee = planner.availability(pair)
    work = intersect(
        spans_of(manager.working_spans(window)), spans_of(employee.working_spans(window))
    )
    emails = pair.key
    for email in emails:
        busy = planner.blocked(email)
        work = subtract(work, busy.spans(), busy.starts)
    checkins = [c.span for email in emails for c in planner.agenda.get(email, [])]
    return subtract(work, t.normalise(checkins, planner.pad))


def keep_one_off(planner: _Planner, pair: PairRequest, occurrence: Occurrence) -> Occurrence:
    """A booked one-off as it should be now: kept, moved within its week if it now collides,
    or skipped; one a person set in their calendar, or that is too close, is left alone."""
    planner.drop(pair, occurrence)
    minutes = pair.employee.duration
    if not occurrence.fixed and occurrence.start >= planner.earliest:
        free = free_time(planner, pair, planner.search)
        if not (occurrence.takes_place and planner.is_free(pair, free, occurrence.start, minutes)):
            start = occurrence.original_start
            if planner.is_free(pair, free, start, minutes):
                replacement = Occurrence(start, start, start + timedelta(minutes=minutes))
            else:
                replacement = planner.rescue(pair, free, start, minutes)
            if replacement.takes_place or occurrence.takes_place:
                occurrence = replacement
    if occurrence.takes_place and occurrence.end > planner.inputs.now:
        planner.commit(pair, occurrence, one_off=True)
    return occurrence


def _planned(request: OneOffRequest, occurrence: Occurrence, weeks: int) -> PlannedSeries:
    pair = request.pair
    zone = pair.manager.person.timezone
    first = occurrence.start.astimezone(ZoneInfo(zone))
    explanation = say(
        "Once on %(day)s %(time)s: %(why)s. The earliest time both are free %(window)s.",
        day=_day(first.date()),
        time=slot_phrase(first, pair.employee.duration, pair.employee.person.timezone),
        why=request.why,
        window=_window_words(request),
    )
    return PlannedSeries(
        manager=pair.manager.person.email,
        employee=pair.employee.person.email,
        cadence=pair.cadence,
        duration=pair.employee.duration,
        timezone=zone,
        first_start=first,
        rrule="",
        occurrences=(occurrence,),
        explanation=explanation,
        kind=request.kind,
    )


def _window_words(request: OneOffRequest) -> Said:
    first = request.first_day
    last = request.last_day
    if first == last:
        return say("on %(day)s", day=_day(first))
    return say("between %(first)s and %(last)s", first=_day(first), last=_day(last))


def _day(day: date) -> Said:
    return say("%(weekday)s %(day)s", weekday=Weekday(day.weekday(), "short"), day=Day.of(day))


def _grid_ceil(instant: datetime) -> datetime:
    """The first quarter hour at or after `instant` (the same grid in every zone in use)."""
    minutes = instant.minute % GRID_MINUTES
    if minutes == 0 and instant.second == 0 and instant.microsecond == 0:
        return instant
    base = instant.replace(second=0, microsecond=0)
    return base + timedelta(minutes=GRID_MINUTES - minutes)
