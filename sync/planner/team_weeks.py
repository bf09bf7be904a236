"""Filling a week the planner left empty: the hard weeks of a team solved together.

Pairs are planned one after another, and moving dates one or a few at a time (room.py,
rearrange.py) cannot see every chain: a biweekly date that moves to the other week of its
fortnight so that a weekly one fits, a middle manager's check-in with their own manager
that gives up the hour their team needs. Once every pair is planned, each date still
skipped although the pair alone had time that week is tried once more: the new dates of
the manager and the employee in the weeks of its period are placed again all at once, by
an integer program (HiGHS) that keeps every one of them (in its week, or its period) and
places as many skipped ones as it can, moving as few dates as it may. Most such programs
cannot place one more date; a short search shows that first (more_placeable.py), and then
HiGHS is not asked.

The program keeps the rules of the rest of the planner: each date in its own week or
period, clear of busy time, hours, other check-ins and the buffer, every manager's day
under their cap. HiGHS runs on one thread with a fixed seed and a limit on its branch-and-
bound nodes rather than on time, so the same input gives the same plan on every machine.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time, timedelta
from typing import Protocol
from zoneinfo import ZoneInfo

from sync.model.said import Said, say
from sync.model.values import Occurrence, OccurrenceStatus, Person
from sync.planner.more_placeable import may_place_more
from sync.planner.rearrange import Week
from sync.planner.requests import PairRequest, Planned
from sync.planner.room import monday
from sync.planner.ticks import room_for, tick, ticks
from sync.planner.too_close import too_close
from sync.planner.zero_one import Row, solved

MOST_DATES = 40
"""Neighbourhoods with more dates than this are left as they are: the program stays small."""
PAIRS_PER_PROGRAM = 4
PROGRAMS_AT_LEAST = 25
"""Programs per run: one per this many pairs planned, or this many in a small run; counted,
not timed, so the plan is the same on every machine (at N = 1,000: 82 of 249 allowed)."""
NODES = 500
"""Branch-and-bound nodes per program: a work limit, the same on every machine."""
PLACED = 100_000
"""What a date placed is worth: more than every preference below over a whole program, so
the program first places as many dates as it can."""
STAY = 100
"""A date kept at its time: moved dates are calendar changes, so as few as may be."""
REGULAR = 10
"""A date at its rule's time."""
BETTER = 9
"""A time earlier in the planner's own order for the date (preferred time, then nearest to
the regular one), scaled from this down to nothing."""


class Team(Week, Protocol):
    """What solving a team's weeks needs of the planner besides re-arranging's needs."""

    planned: dict[str, Planned]
    caps: dict[str, int]

    def loads(self, person: Person, pair: PairRequest | None = None) -> Counter[date]: ...

    def other_weeks(self, pair: PairRequest, regular: datetime) -> list[int]: ...

    def why_not(self, pair: PairRequest, start: datetime, end: datetime) -> Said: ...


@dataclass
class _Date:
    """One date of the program: a placed date that may move, or a skipped one to fill."""

    planned: Planned
    index: int
    why: Said | None = None
    """Why a skipped date's regular time is not free, said when it is filled elsewhere."""
    times: list[datetime] = field(default_factory=list)
    """Where it may go, best first."""

    @property
    def occurrence(self) -> Occurrence:
        return self.planned.series.occurrences[self.index]

    @property
    def pair(self) -> PairRequest:
        return self.planned.pair


def fill_empty_weeks(planner: Team) -> None:
    """Every skipped date of the series proposed in this run that the pair alone could have
    held, tried once, in a fixed order."""
    involved: dict[str, list[Planned]] = defaultdict(list)
    for email in sorted(planner.planned):
        for person in planner.planned[email].pair.people:
            involved[person.email].append(planner.planned[email])
    targets = [
        (planned, index)
        for email in sorted(planner.planned)
        for planned in [planner.planned[email]]
        for index, occurrence in enumerate(planned.series.occurrences)
        if not occurrence.takes_place
    ]
    budget = max(PROGRAMS_AT_LEAST, len(planner.planned) // PAIRS_PER_PROGRAM)
    for planned, index in targets:
        if budget <= 0:
            return
        if not planned.series.occurrences[index].takes_place and _worth_trying(
            planner, planned, index
        ):
            budget -= 1
            _solve(planner, _neighbourhood(planner, involved, planned, index), planned)


def _worth_trying(planner: Team, planned: Planned, index: int) -> bool:
    """Whether the pair alone has a grid time in the date's week or period (other check-ins
    and caps aside): most skipped dates are of someone away, and then nothing is built."""
    pair, regular = planned.pair, planned.series.occurrences[index].original_start
    if _paused(pair, regular):
        return False
    unbusy = planner.unbusy_ticks(pair)
    zone = ZoneInfo(pair.manager.person.timezone)
    length = ticks(timedelta(minutes=pair.employee.duration))
    for week in _weeks_of(planner, pair, regular):
        # a span long enough in the week will do: the program looks at the grid and the caps
        low = datetime.combine(monday(week.astimezone(zone).date()), time(0), zone)
        if room_for(unbusy, tick(low), tick(low + timedelta(days=7)), length):
            return True
    return False


def _paused(pair: PairRequest, regular: datetime) -> bool:
    """Whether the employee is paused on the date's day: such a date is skipped on purpose
    (see `rescue`), never moved."""
    paused = pair.employee.paused
    return bool(
        paused
        and paused.contains(regular.astimezone(ZoneInfo(pair.employee.person.timezone)).date())
    )


def _weeks_of(planner: Team, pair: PairRequest, regular: datetime) -> list[datetime]:
    """The regular date moved to each week it may take place in, its own first."""
    offsets = [0, *planner.other_weeks(pair, regular)]
    return [regular + timedelta(weeks=offset) for offset in offsets]


def _neighbourhood(
    planner: Team, involved: dict[str, list[Planned]], target: Planned, index: int
) -> list[_Date]:
    """The target date first, then the new dates of its manager and employee in the weeks
    of its period: of every series proposed in this run that either of them is in."""
    pair = target.pair
    zone = ZoneInfo(pair.manager.person.timezone)
    regular = target.series.occurrences[index].original_start
    weeks = {monday(w.astimezone(zone).date()) for w in _weeks_of(planner, pair, regular)}
    dates = [_Date(target, index)]
    seen = {(id(target), index)}
    for planned in [p for person in pair.people for p in involved[person.email]]:
        for position, occurrence in enumerate(planned.series.occurrences):
            if not occurrence.takes_place and _paused(planned.pair, occurrence.original_start):
                continue
            moment = occurrence.start if occurrence.takes_place else occurrence.original_start
            if (id(planned), position) not in seen and monday(
                moment.astimezone(zone).date()
            ) in weeks:
                seen.add((id(planned), position))
                dates.append(_Date(planned, position))
    return dates


def _solve(planner: Team, dates: list[_Date], target: Planned) -> None:
    """Place the dates again together if that places more of them; else leave them."""
    if len(dates) > MOST_DATES:
        return
    for entry in dates:  # why each skipped date's time is not free, before anything moves
        occurrence = entry.occurrence
        if not occurrence.takes_place:
            end = occurrence.original_start + timedelta(minutes=entry.pair.employee.duration)
            entry.why = planner.why_not(entry.pair, occurrence.original_start, end)
    for entry in dates:
        if entry.occurrence.takes_place:
            planner.remove(entry.pair, planner.commitment(entry.pair, entry.occurrence))
    for entry in dates:
        minutes = entry.pair.employee.duration
        entry.times = [
            start
            for week in _weeks_of(planner, entry.pair, entry.occurrence.original_start)
            for start in planner.times_in_week(
                entry.pair, planner.free_in_week(entry.pair, week), week, minutes
            )
        ]
        current = entry.occurrence
        if current.takes_place and current.start not in entry.times:
            entry.times.append(current.start)  # where it is now stays possible
        if not dates[0].times:
            break  # the target has no time even with every other new date out of the way
    chosen = _program(planner, dates) if dates[0].times else None
    placed_before = sum(entry.occurrence.takes_place for entry in dates)
    if chosen is None or sum(t is not None for t in chosen) <= placed_before:
        for entry in dates:
            if entry.occurrence.takes_place:
                planner.commit(entry.pair, entry.occurrence)
        return
    moved_why = say(
        "%(employee)s had no other time with %(manager)s that week",
        employee=target.pair.employee.person.first_name,
        manager=target.pair.manager.person.first_name,
    )
    for entry, start in zip(dates, chosen, strict=True):
        _record(planner, entry, start, entry.why or moved_why)


def _program(planner: Team, dates: list[_Date]) -> list[datetime | None] | None:
    """The time of each date, None where it stays skipped; None if no plan places more
    dates than now (HiGHS is not asked when a search shows that first) or HiGHS found no
    plan."""
    columns: list[tuple[int, datetime]] = []
    weights: list[float] = []
    of_date: list[list[int]] = []
    for number, entry in enumerate(dates):
        occurrence = entry.occurrence
        of_date.append([])
        for rank, start in enumerate(entry.times):
            of_date[number].append(len(columns))
            columns.append((number, start))
            kept = occurrence.takes_place and start == occurrence.start
            weights.append(
                PLACED
                + (STAY if kept else 0)
                + (REGULAR if start == occurrence.original_start else 0)
                + BETTER * (1 - rank / len(entry.times))
            )
    rows = list(_rows(planner, dates, columns))
    placed = [of_date[n] for n, entry in enumerate(dates) if entry.occurrence.takes_place]
    skipped = [of_date[n] for n, entry in enumerate(dates) if not entry.occurrence.takes_place]
    if not may_place_more(rows, placed, skipped):
        return None
    highs = solved(weights, rows, {"mip_max_nodes": NODES})
    if highs.getInfo().primal_solution_status != 2:  # 2: a feasible solution
        return None
    values = highs.getSolution().col_value
    chosen: list[datetime | None] = [None] * len(dates)
    for column, (number, start) in enumerate(columns):
        if values[column] > 0.5:
            chosen[number] = start
    return chosen


def _rows(planner: Team, dates: list[_Date], columns: list[tuple[int, datetime]]) -> Iterator[Row]:
    by_date: dict[int, list[int]] = defaultdict(list)
    by_person: dict[str, list[int]] = defaultdict(list)
    by_day: dict[tuple[str, date], list[int]] = defaultdict(list)
    people: dict[str, Person] = {}
    for column, (number, start) in enumerate(columns):
        by_date[number].append(column)
        for person in dates[number].pair.people:
            people[person.email] = person
            by_person[person.email].append(column)
            if person.email in planner.caps:
                day = start.astimezone(ZoneInfo(person.timezone)).date()
                by_day[(person.email, day)].append(column)
    for number, members in sorted(by_date.items()):
        # a date that had a time keeps one: the program only ever adds check-ins
        yield (1 if dates[number].occurrence.takes_place else 0), 1, members
    for _, members in sorted(by_person.items()):
        yield from _overlaps(planner, dates, columns, members)
    for (email, day), members in sorted(by_day.items()):
        room = planner.caps[email] - planner.loads(people[email])[day]
        if len(members) > room:
            yield 0, max(room, 0), members


def _overlaps(
    planner: Team, dates: list[_Date], columns: list[tuple[int, datetime]], members: list[int]
) -> Iterator[Row]:
    """At most one of one person's times that come closer than the buffer."""
    pad = planner.inputs.buffer
    times = []
    for column in members:
        number, start = columns[column]
        minutes = dates[number].pair.employee.duration
        times.append((start, start + timedelta(minutes=minutes) + pad, column))
    for close in too_close(times):
        yield 0, 1, close


def _record(planner: Team, entry: _Date, start: datetime | None, why: Said) -> None:
    """The date at its new time into its series and both agendas."""
    occurrence = entry.occurrence
    if start is None:
        return  # still skipped, as it was: the program keeps every placed date
    length = timedelta(minutes=entry.pair.employee.duration)
    if occurrence.takes_place and start == occurrence.start:
        planner.commit(entry.pair, occurrence)
        return
    if start == occurrence.original_start:
        new = Occurrence(start, start, start + length)
    else:
        new = Occurrence(
            occurrence.original_start, start, start + length, OccurrenceStatus.MOVED, why
        )
    planner.commit(entry.pair, new)
    series = entry.planned.series
    occurrences = list(series.occurrences)
    occurrences[entry.index] = new
    updated = tuple(occurrences)
    entry.planned.series = replace(
        series, occurrences=updated, explanation=entry.planned.explain(updated)
    )
