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

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from typing import Protocol
from zoneinfo import ZoneInfo

from sync.model.said import Said, say
from sync.model.values import Occurrence, OccurrenceStatus
from sync.planner.more_placeable import may_place_all
from sync.planner.requests import PairRequest, Planned
from sync.planner.room import Agendas, monday
from sync.planner.ticks import FreeTime, Span, tick
from sync.planner.too_close import too_close
from sync.planner.week_slots import WeekSlots
from sync.planner.zero_one import Row

MOST_DATES = 12
"""Weeks with more of the manager's new dates than this are left as they are."""
TRIES = 200
"""Placements tried per week before giving up: keeps the worst week to milliseconds."""


class Week(Agendas, Protocol):
    """What re-arranging needs of the planner besides making room's needs: counting and
    listing a week's free times."""

    pad: int

    def count_in_week(self, pair: PairRequest, free: FreeTime, regular: datetime) -> int: ...

    def under_cap_on(self, pair: PairRequest) -> Callable[[date], bool]: ...

    def times_in_week(
        self, pair: PairRequest, free: FreeTime, regular: datetime, minutes: int
    ) -> list[datetime]: ...

    def times_in_bits(
        self, pair: PairRequest, bits: Callable[[date], int], regular: datetime, minutes: int
    ) -> list[datetime]: ...

    def week_slots(self, pair: PairRequest, regular: datetime) -> WeekSlots: ...

    def employee_full_days(self, pair: PairRequest) -> FreeTime: ...


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
    week: WeekSlots | None = None
    """Its free grid times with every date of the search out of the week."""


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
    ours = _Date(pair, regular, minutes, week=planner.week_slots(pair, regular))
    assert ours.week is not None
    # most full weeks are full of busy time, not of check-ins: then nothing is searched
    possible = planner.times_in_bits(pair, ours.week.base.__getitem__, regular, minutes)
    for entry in moving if possible else []:
        entry.week = planner.week_slots(entry.pair, entry.regular)
    waiting = [ours, *moving]
    if not possible or not _may_fit(planner, waiting) or not _place(planner, waiting, [TRIES], []):
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


def _place(planner: Week, waiting: list[_Date], budget: list[int], placed: list[_Taken]) -> bool:
    """Depth first: a time for the date with the fewest free times, then the rest; every
    placed date stays committed when it succeeds. `placed`: the dates the search has put
    in so far, which each waiting date's week has to leave out."""
    if not waiting:
        return True
    options = []
    for position, entry in enumerate(waiting):
        assert entry.week is not None
        bits = entry.week.bits_without(_cuts(planner, entry.pair, placed))
        # as `count_in_week` counts: free grid times on days under the manager's cap
        under_cap = planner.under_cap_on(entry.pair)
        count = sum(free.bit_count() for day, free in bits.items() if free and under_cap(day))
        if not count:
            return False
        options.append((count, position, bits))
    _, position, bits = min(options, key=lambda o: (o[0], o[1]))
    entry = waiting[position]
    times = planner.times_in_bits(entry.pair, bits.__getitem__, entry.regular, entry.minutes)
    rest = waiting[:position] + waiting[position + 1 :]
    people = {person.email for person in entry.pair.people}
    for start in times:
        if budget[0] <= 0:
            return False
        budget[0] -= 1
        occurrence = _occurrence(entry, start)
        planner.commit(entry.pair, occurrence)
        placed.append((people, (tick(occurrence.start), tick(occurrence.end))))
        if _place(planner, rest, budget, placed):
            entry.start = start
            return True
        placed.pop()
        planner.remove(entry.pair, planner.commitment(entry.pair, occurrence))
    return False


def _may_fit(planner: Week, waiting: list[_Date]) -> bool:
    """False only if the dates cannot all have a time even with the rule of the search
    loosened to this: each takes one of the times its week has before the search begins,
    and no two of one person's come closer than the buffer. The search only ever takes
    times away (other dates placed, days reaching the cap), so then it cannot place them
    either; most weeks it fails in are settled here, in a few bit operations per step."""
    pad = planner.inputs.buffer
    dates: list[list[int]] = []
    times: dict[str, list[tuple[datetime, datetime, int]]] = defaultdict(list)
    count = 0
    for entry in waiting:
        assert entry.week is not None
        dates.append([])
        for start in planner.times_in_bits(
            entry.pair, entry.week.base.__getitem__, entry.regular, entry.minutes
        ):
            dates[-1].append(count)
            end = start + timedelta(minutes=entry.minutes) + pad
            for person in entry.pair.people:
                times[person.email].append((start, end, count))
            count += 1
    rows: list[Row] = [(1, 1, columns) for columns in dates]
    rows += [(0, 1, close) for email in sorted(times) for close in too_close(times[email])]
    return may_place_all(rows, dates)


_Taken = tuple[set[str], Span]
"""A date the search placed: whose agendas it is in, and when."""


def _cuts(planner: Week, pair: PairRequest, placed: list[_Taken]) -> FreeTime:
    """What the placed dates take from `pair`'s free time: each in the agenda of one of
    the pair, with the buffer around it, and the employee's days that are now full (see
    `free_in_week`)."""
    emails = {person.email for person in pair.people}
    pad = planner.pad
    taken = [(start - pad, end + pad) for people, (start, end) in placed if people & emails]
    return taken + planner.employee_full_days(pair) if taken else taken


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
