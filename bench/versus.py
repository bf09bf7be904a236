"""The pure planner on a generated organisation, in this process, judged against the exact
optimum: the bench's "planner alone" step, and a quick loop for work on the planner.

`python -m bench.versus --size 300 [--seed 7]` prints placed / optimum without emulators or
the service: the planner sees the generator's busy time, as the nights' service would read it.
Above 2,000 pairs the optimum is solved in clusters of subtrees (`bench.optimum`);
`--cluster-pairs` sets their size (0: every team its own cluster, the bound per team), to
see what a looser or tighter bound gives.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

from bench.baselines import period_days
from bench.config import write_config
from bench.optimum import CLUSTER_PAIRS, Optimum, best
from bench.org import Org, generate, spans
from bench.output import PLACED_VS_OPTIMUM, PLANNER_SECONDS_PER_1000
from bench.quality import Calendars, Checkin, Pair, PairTerms, Plan, evaluate, upper_bounds

if TYPE_CHECKING:
    from sync.config.roster import Roster
    from sync.planner import PlanOutcome


def pair_terms(roster: Roster) -> dict[Pair, PairTerms]:
    """What the checker needs of each pair, as the roster resolves it (cadence rules,
    durations and caps inherited from managers and defaults)."""
    terms: dict[Pair, PairTerms] = {}
    for email, employee in roster.employees.items():
        manager = roster.managers[employee.manager]
        days = period_days(employee.cadence.weeks, employee.cadence.monthly)
        terms[(employee.manager, email)] = PairTerms(
            days,
            employee.duration,
            manager.max_checkins_per_day,
            manager.person.timezone,
            employee.cadence.monthly,
        )
    return terms


@dataclass
class PlannerRun:
    outcomes: list[PlanOutcome]
    pairs: int
    wall_seconds: float
    cpu_seconds: float

    def plan(self) -> Plan:
        """The planned series as the checker reads a plan."""
        out = Plan("planner alone")
        from sync.model.values import PlannedSeries

        for outcome in self.outcomes:
            if not isinstance(outcome, PlannedSeries):
                continue
            out.checkins[(outcome.manager, outcome.employee)] = [
                Checkin(
                    o.original_start.timestamp(),
                    o.start.timestamp() if o.takes_place else None,
                    outcome.duration,
                )
                for o in outcome.occurrences
            ]
        return out


def run_planner(org: Org, roster: Roster, now: datetime) -> PlannerRun:
    """`sync.planner.plan` on every pair of the roster with busy time from the generator."""
    from sync.model.values import BusyBlock, BusyKind
    from sync.night.reconcile import reconcile
    from sync.planner import PlanningInput, plan
    from sync.plumbing.collector import collected_as_at_night

    earliest = now + timedelta(hours=org.min_notice_hours)
    pairs = [item.request for item in reconcile(roster, [], {}, now.date(), earliest).plan]
    lo, hi = org.window
    busy = {
        email: [
            BusyBlock(s.start, s.end, BusyKind.TIME_OFF if s.kind == "off" else BusyKind.BUSY)
            for s in spans(person, lo, hi)
        ]
        for email, person in org.people.items()
    }
    inputs = PlanningInput(
        now=now,
        horizon_weeks=org.horizon_weeks,
        min_notice=timedelta(hours=org.min_notice_hours),
        buffer=timedelta(minutes=org.buffer_minutes),
        busy=busy,
        caps={email: m.max_checkins_per_day for email, m in roster.managers.items()},
    )
    # the nightly job plans with the collector's night thresholds; so is it measured here
    with collected_as_at_night():
        started, cpu = time.perf_counter(), time.process_time()
        outcomes = plan(pairs, inputs)
        wall, cpu = time.perf_counter() - started, time.process_time() - cpu
    return PlannerRun(outcomes, len(pairs), wall, cpu)


def compare(
    org: Org, terms: dict[Pair, PairTerms], plans: Sequence[Plan], limit: int = CLUSTER_PAIRS
) -> tuple[Optimum, dict[str, dict[str, float]]]:
    """The optimum (in clusters of at most `limit` pairs), and each plan's quality with its
    share of it."""
    calendars = Calendars(org)
    bounds = upper_bounds(calendars, terms)
    found = best(calendars, terms, limit)
    out = {}
    for item in plans:
        quality = evaluate(item, calendars, terms, bounds).as_dict()
        quality["placed_vs_optimum"] = round(quality["placed_free"] / max(found.placed, 1), 4)
        out[item.name] = quality
    return found, out


def main(argv: list[str] | None = None) -> int:
    from bench.nights import NOW
    from sync.config.roster import load_roster

    parser = argparse.ArgumentParser(prog="python -m bench.versus", description=__doc__)
    parser.add_argument("--size", type=int, default=300)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--cluster-pairs", type=int, default=CLUSTER_PAIRS)
    args = parser.parse_args(argv)
    org = generate(args.size, args.seed, NOW)
    with tempfile.TemporaryDirectory() as folder:
        write_config(org, Path(folder))
        roster = load_roster(Path(folder) / "people.toml")
    run = run_planner(org, roster, NOW)
    found, quality = compare(org, pair_terms(roster), [run.plan()], args.cluster_pairs)
    ours = quality["planner alone"]
    print(
        f"N = {len(org.people)}: {run.pairs} pairs planned in {run.wall_seconds:.2f} s "
        f"(CPU {run.cpu_seconds:.2f} s); "
        f"due {ours['due']}, upper bound {ours['upper_bound']}, optimum {found.placed} "
        f"({found.describe()}, {'proven' if found.proven else 'bound'}, {found.variables} "
        f"variables, {found.programs} programs in {found.seconds:.1f} s, the slowest "
        f"{found.slowest:.1f} s); placed {ours['placed_free']} = "
        f"{ours['placed_vs_optimum']:.2%} of the optimum, regular {ours['regular_share']:.2%}"
    )
    # CPU seconds: on a shared machine the wall clock also measures the neighbours
    per_1000 = run.cpu_seconds / max(run.pairs, 1) * 1000
    fast = per_1000 <= PLANNER_SECONDS_PER_1000
    close = ours["placed_vs_optimum"] >= PLACED_VS_OPTIMUM
    print(
        f"  planner ≤ {PLANNER_SECONDS_PER_1000} s per 1,000 pairs: {per_1000:.2f} s of CPU "
        f"{'MET' if fast else 'MISSED'}\n"
        f"  placed / exact optimum ≥ {PLACED_VS_OPTIMUM:.1%}: {ours['placed_vs_optimum']:.2%} "
        f"{'MET' if close else 'MISSED'}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
