"""Making room in a full week: when a new series' date finds no free time in its week, a
date of another series planned in the same run may move within its own week to free one
(or, for a series of every two or more weeks, to another week of its period).

Pairs are planned one after another, so an earlier pair can take the only time a later
pair had that week although it could have used another. Moving that earlier date (still in
its week or period, still clear of everyone's busy time, hours and the manager's cap)
places a check-in that would otherwise be skipped. This holds also when the later date's
own day is one someone is away on: the rest of the week may still have room. Only series
proposed in this run are moved — never a booked one, whose move would be a calendar change
nobody asked for.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime, timedelta
from typing import Protocol
from zoneinfo import ZoneInfo

from sync.model.said import Said, say
from sync.model.values import Occurrence, OccurrenceStatus
from sync.planner.requests import Commitment, PairRequest, Planned, PlanningInput
from sync.planner.ticks import FreeTime, room_for, ticks


class Agendas(Protocol):
    """What making room needs of the planner: the agendas, and taking dates out and in.
    A protocol, so that this file and the planner that calls it do not import each other."""

    agenda: dict[str, list[Commitment]]

    def free_spans(self, pair: PairRequest) -> FreeTime: ...

    def free_in_week(self, pair: PairRequest, regular: datetime) -> FreeTime: ...

    def unbusy_ticks(self, pair: PairRequest) -> FreeTime: ...

    def cap_reached(self, pair: PairRequest, start: datetime) -> bool: ...

    @property
    def inputs(self) -> PlanningInput: ...

    def best_in_week(
        self, pair: PairRequest, free: FreeTime, regular: datetime, minutes: int
    ) -> datetime | None: ...

    def best_in_period(
        self, pair: PairRequest, free: FreeTime, regular: datetime, minutes: int
    ) -> datetime | None: ...

    def commitment(
        self, pair: PairRequest, occurrence: Occurrence, *, one_off: bool = False
    ) -> Commitment: ...

    def commit(
        self, pair: PairRequest, occurrence: Occurrence, *, one_off: bool = False
    ) -> None: ...

    def remove(self, pair: PairRequest, item: Commitment) -> None: ...


def make_room(
    planner: Agendas,
    pair: PairRequest,
    planned: dict[str, Planned],
    regular: datetime,
    minutes: int,
    reason: Said,
) -> Occurrence | None:
    """`pair`'s date at `regular`, placed in its week by moving one date of another series
    of the same manager; None if no single move frees a time."""
    manager = pair.manager.person
    zone = ZoneInfo(manager.timezone)
    week = monday(regular.astimezone(zone).date())
    unbusy = planner.unbusy_ticks(pair)
    for item in list(planner.agenda.get(manager.email, [])):
        other = planned.get(item.employee)
        if (
            other is None
            or item.one_off
            or item.employee == pair.employee.person.email
            or monday(item.start.astimezone(zone).date()) != week
            or not _may_free(planner, pair, unbusy, item, minutes)
        ):
            continue
        placed = _try(planner, pair, other, item, regular, minutes, reason)
        if placed is not None:
            return placed
    return None


def _try(
    planner: Agendas,
    pair: PairRequest,
    other: Planned,
    item: Commitment,
    regular: datetime,
    minutes: int,
    reason: Said,
) -> Occurrence | None:
    index = next(
        (
            i
            for i, o in enumerate(other.series.occurrences)
            if o.takes_place and o.start == item.start
        ),
        None,
    )
    if index is None:
        return None
    displaced = other.series.occurrences[index]
    planner.remove(other.pair, item)
    start = planner.best_in_week(pair, planner.free_in_week(pair, regular), regular, minutes)
    if start is None:
        planner.commit(other.pair, displaced)
        return None
    ours = Occurrence(
        regular, start, start + timedelta(minutes=minutes), OccurrenceStatus.MOVED, reason
    )
    planner.commit(pair, ours)
    their_minutes = other.pair.employee.duration
    length = timedelta(minutes=their_minutes)
    free = planner.free_spans(other.pair)
    theirs = planner.best_in_week(
        other.pair, free, displaced.original_start, their_minutes
    ) or planner.best_in_period(other.pair, free, displaced.original_start, their_minutes)
    # `ours` is committed by the caller, with the rest of its series
    planner.remove(pair, planner.commitment(pair, ours))
    if theirs is None or theirs == displaced.start:
        planner.commit(other.pair, displaced)
        return None if theirs is None else ours
    # read as "… moved to Wed 10:00 because Bo had no other time with Karin that week"
    why = say(
        "%(employee)s had no other time with %(manager)s that week",
        employee=pair.employee.person.first_name,
        manager=pair.manager.person.first_name,
    )
    moved = Occurrence(
        displaced.original_start, theirs, theirs + length, OccurrenceStatus.MOVED, why
    )
    planner.commit(other.pair, moved)
    occurrences = list(other.series.occurrences)
    occurrences[index] = moved
    updated = tuple(occurrences)
    other.series = replace(other.series, occurrences=updated, explanation=other.explain(updated))
    return ours


def monday(day: date) -> date:
    return day - timedelta(days=day.weekday())


def _may_free(
    planner: Agendas, pair: PairRequest, unbusy: FreeTime, item: Commitment, minutes: int
) -> bool:
    """Whether taking `item` out could free a time for `pair` at all: a freed time overlaps
    the item and its buffer, inside the pair's shared hours when neither is busy, unless
    the item held the manager's last check-in of its day. Most dates of a full week fail
    this cheap test, and then nothing is taken out and put back."""
    if planner.cap_reached(pair, item.start):
        return True
    length = ticks(timedelta(minutes=minutes))
    reach = ticks(planner.inputs.buffer) + length
    start, end = item.span
    return room_for(unbusy, start - reach, end + reach, length)
