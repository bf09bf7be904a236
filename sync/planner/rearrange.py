"""Re-arranging a full week: when no single move makes room (room.py) for a new series'
date, the manager's other new dates of that week are placed again together with it.

Pairs are planned one after another, and each takes the time best for itself; in a busy
week the times left can fit every date only in an order nobody chose, which may take moving
two or more dates at once. A small search finds one: the dates of series proposed in this
run (never a booked one, never a one-off) are taken out of the week and placed back one at a
time, always the one with the fewest free times first, each in its own week and clear of
busy time, hours, the buffer and the manager's cap. The search counts the placements it
tries and gives up after a fixed number, so it is quick and gives the same result on every
run.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Protocol
from zoneinfo import ZoneInfo

from sync.model.said import Said, say
from sync.model.values import Occurrence, OccurrenceStatus
from sync.planner.requests import PairRequest, Planned
from sync.planner.room import Agendas, monday
from sync.planner.ticks import FreeTime

MOST_DATES = 12
"""Weeks with more of the manager's new dates than this are left as they are."""
TRIES = 200
"""Placements tried per week before giving up: keeps the worst week to milliseconds."""


class Week(Agendas, Protocol):
    """What re-arranging needs of the planner besides making room's needs: counting and
    listing a week's free times."""

    def count_in_week(self, pair: PairRequest, free: FreeTime, regular: datetime) -> int: ...

    def times_in_week(
        self, pair: PairRequest, free: FreeTime, regular: datetime, minutes: int
    ) -> list[datetime]: ...


@dataclass
class _Date:
    """One date of the week being placed again."""

    pair: PairRequest
    regular: datetime
    minutes: int
    was: datetime | None = None
    """Where it was before (None for the new date)."""
    start: datetime | None = None
    """Where it goes."""
    planned: Planned | None = None
    index: int = -1


def rearrange(
    planner: Week,
    pair: PairRequest,
    planned: dict[str, Planned],
    regular: datetime,
    minutes: int,
    reason: Said,
) -> Occurrence | None:
    """`pair`'s date at `regular` placed in its week by placing the manager's other new
    dates of that week again; None (and nothing changed) if no arrangement is found."""
    moving = _movable(planner, pair, planned, regular)
    if len(moving) < 2 or len(moving) > MOST_DATES:
        return None  # with one date to move, room.py has already tried everything
    for entry in moving:
        planner.remove(entry.pair, planner.commitment(entry.pair, _occurrence(entry, entry.was)))
    ours = _Date(pair, regular, minutes)
    # most full weeks are full of busy time, not of check-ins: then nothing is searched
    possible = planner.times_in_week(pair, planner.free_in_week(pair, regular), regular, minutes)
    if not possible or not _place(planner, [ours, *moving], [TRIES]):
        for entry in moving:
            planner.commit(entry.pair, _occurrence(entry, entry.was))
        return None
    placed = replace(_occurrence(ours, ours.start), status=OccurrenceStatus.MOVED, reason=reason)
    # `ours` is committed by the caller, with the rest of its series
    planner.remove(pair, planner.commitment(pair, placed))
    why = say(
        "%(employee)s had no other time with %(manager)s that week",
        employee=pair.employee.person.first_name,
        manager=pair.manager.person.first_name,
    )
    for entry in moving:
        if entry.start != entry.was:
            _record(entry, why)
    return placed


def _movable(
    planner: Week, pair: PairRequest, planned: dict[str, Planned], regular: datetime
) -> list[_Date]:
    """The manager's dates of series proposed in this run in the week of `regular`."""
    manager = pair.manager.person
    zone = ZoneInfo(manager.timezone)
    week = monday(regular.astimezone(zone).date())
    out = []
    seen = set()
    for item in [c for p in pair.people for c in planner.agenda.get(p.email, [])]:
        other = planned.get(item.employee)
        if (
            other is None
            or item.one_off
            or item in seen
            or item.employee == pair.employee.person.email
            or monday(item.start.astimezone(zone).date()) != week
        ):
            continue
        seen.add(item)
        for index, occurrence in enumerate(other.series.occurrences):
            if occurrence.takes_place and occurrence.start == item.start:
                rule = occurrence.original_start
                if monday(rule.astimezone(zone).date()) == week:  # else moved in from its period
                    minutes = other.pair.employee.duration
                    out.append(_Date(other.pair, rule, minutes, item.start, None, other, index))
                break
    return out


def _place(planner: Week, waiting: list[_Date], budget: list[int]) -> bool:
    """Depth first: a time for the date with the fewest free times, then the rest; every
    placed date stays committed when it succeeds."""
    if not waiting:
        return True
    options = []
    for position, entry in enumerate(waiting):
        free = planner.free_in_week(entry.pair, entry.regular)
        count = planner.count_in_week(entry.pair, free, entry.regular)
        if not count:
            return False
        options.append((count, position, free))
    _, position, free = min(options, key=lambda o: (o[0], o[1]))
    entry = waiting[position]
    times = planner.times_in_week(entry.pair, free, entry.regular, entry.minutes)
    rest = waiting[:position] + waiting[position + 1 :]
    for start in times:
        if budget[0] <= 0:
            return False
        budget[0] -= 1
        occurrence = _occurrence(entry, start)
        planner.commit(entry.pair, occurrence)
        if _place(planner, rest, budget):
            entry.start = start
            return True
        planner.remove(entry.pair, planner.commitment(entry.pair, occurrence))
    return False


def _occurrence(entry: _Date, start: datetime | None) -> Occurrence:
    assert start is not None
    return Occurrence(entry.regular, start, start + timedelta(minutes=entry.minutes))


def _record(entry: _Date, why: Said) -> None:
    """The moved date into its series, with the reason the manager reads."""
    assert entry.planned is not None and entry.start is not None
    series = entry.planned.series
    moved = _occurrence(entry, entry.start)
    if entry.start != entry.regular:
        moved = replace(moved, status=OccurrenceStatus.MOVED, reason=why)
    occurrences = list(series.occurrences)
    occurrences[entry.index] = moved
    updated = tuple(occurrences)
    entry.planned.series = replace(
        series, occurrences=updated, explanation=entry.planned.explain(updated)
    )
