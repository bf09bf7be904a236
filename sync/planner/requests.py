"""What the planner is asked and answers: the pairs, their existing check-ins, the planning
input, a failure's reason, and a series planned in this run."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import cached_property

from sync.model.cadence import Cadence
from sync.model.said import Said
from sync.model.values import (
    REGULAR_CADENCE,
    BusyBlock,
    Employee,
    Interval,
    Manager,
    Occurrence,
    Person,
    PlannedSeries,
)
from sync.planner.refused import RefusedTime
from sync.planner.ticks import Span, tick

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

    @cached_property
    def span(self) -> Span:
        """[start, end) in ticks: an agenda is read for every free time looked up."""
        return tick(self.start), tick(self.end)


@dataclass(frozen=True)
class PlanningInput:
    now: datetime
    horizon_weeks: int
    min_notice: timedelta
    buffer: timedelta
    busy: Mapping[str, Sequence[BusyBlock]]
    checkins: Mapping[str, Sequence[Commitment]] = field(default_factory=dict)
    """Check-ins already booked or proposed, per person; new ones must not overlap them."""
    caps: Mapping[str, int] = field(default_factory=dict)
    """`max_checkins_per_day` of everyone who manages someone, by email: a middle manager's
    check-in with their own manager counts toward their own cap too. The managers of the
    pairs being planned need not be here."""


@dataclass(frozen=True)
class PlanFailure:
    manager: str
    employee: str
    reason: Said


PlanOutcome = PlannedSeries | PlanFailure


@dataclass
class Planned:
    """A series proposed in this run: its request, and how to explain it again."""

    pair: PairRequest
    series: PlannedSeries
    explain: Callable[[tuple[Occurrence, ...]], Said]
