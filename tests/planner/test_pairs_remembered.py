"""The planner remembers its per-pair answers (shared free time, both people's workable time,
slot bits) for the pairs asked about last only, so its memory does not grow with the
organisation; a pair asked about again after it was forgotten gets the same answer, so a
plan is the same whatever the bound."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings

from sync.model.values import BusyBlock
from sync.planner import PairRequest, PlanningInput, plan
from sync.planner.availability import Availability
from sync.planner.slots import FreeSlots
from sync.planner.solver import _Planner
from tests.planner.test_planner_properties import organisations
from tests.planner.test_team_weeks import middle_manager_weeks
from tests.planner_helpers import inputs, manager, pair, utc
from tests.store.held_objects import reachable

KEPT = 3


def crowded_organisation(teams: int) -> tuple[list[PairRequest], PlanningInput]:
    """Teams of four whose managers are busy most mornings and take two check-ins a day:
    dates are rescued and moved, so pairs are asked about again after others."""
    pairs, busy = [], {}
    for team in range(teams):
        boss = manager(f"m{team}@example.com", cap=2, zone="UTC", holidays="")
        busy[boss.person.email] = [
            BusyBlock(utc(2027, 3, day, 9), utc(2027, 3, day, 14)) for day in range(1, 32)
        ]
        pairs += [pair(boss, f"e{team}.{n}@example.com", zone="UTC", holidays="") for n in range(4)]
    return pairs, inputs(utc(2027, 2, 28, 7), busy, weeks=4)


def test_what_the_planner_holds_per_pair_does_not_grow_with_the_pairs() -> None:
    held = []
    for teams in (2, 6):
        pairs, planning = crowded_organisation(teams)
        planner = _Planner(planning, pairs_kept=KEPT)
        planner.plan_all(pairs)
        held.append(
            (
                len(reachable(planner, FreeSlots)),
                len(reachable(planner, Availability)),
            )
        )
    slots, sides = held[-1]
    assert slots <= KEPT * 4  # a pair keeps the slot bits of its last four free times
    assert sides <= KEPT * 2
    assert held[0] == held[-1]


def test_a_forgotten_pair_is_planned_as_a_remembered_one() -> None:
    pairs, planning = crowded_organisation(4)
    assert _Planner(planning, pairs_kept=1).plan_all(pairs) == plan(pairs, planning)
    pairs, planning = middle_manager_weeks()
    assert _Planner(planning, pairs_kept=1).plan_all(pairs) == plan(pairs, planning)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(organisations())
def test_plans_are_the_same_whatever_the_planner_remembers(
    organisation: tuple[list[PairRequest], PlanningInput],
) -> None:
    pairs, planning = organisation
    assert _Planner(planning, pairs_kept=1).plan_all(pairs) == plan(pairs, planning)
