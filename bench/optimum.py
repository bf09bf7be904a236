"""The most due check-ins any plan could place, as an integer program solved by HiGHS.

The upper bound in `bench.quality` asks, per pair and due period, whether some free slot
existed; it ignores the pair's neighbours, so two pairs wanting the manager's only free
hour both count. This module asks the exact question instead, per manager: how many of the
team's due periods can hold a check-in at once, when

- each check-in starts on the 15-minute grid inside its due period, lies inside both
  people's working hours on a working day (holidays out), keeps `buffer_minutes` clear of
  both people's busy time and time off, and is after the notice (the candidates of the
  upper bound);
- a due period holds at most one check-in;
- no two check-ins of one person are closer than the buffer;
- a manager has at most `max_checkins_per_day` check-ins on a local day of their own zone,
  counting those with their own manager too (the product's rule: the cap is about the
  manager's day, and a check-in with one's own manager is part of it).

The scope of the program, stated with the figure wherever it is shown:

- "organisation": up to `CLUSTER_PAIRS` pairs the whole organisation is one program and its
  optimum is exact;
- "clusters of subtrees (k links relaxed)": above, the organisation is cut into clusters of
  whole subtrees of at most `CLUSTER_PAIRS` pairs where the fewest middle managers link two
  of them (`bench.clusters`). Each link is relaxed: the middle manager's check-in with
  their own manager is in the upper cluster only, their team's in their own, so neither
  program sees the other part of their day (they may be in two places at once, and their
  cap holds in each cluster apart). Every constraint of a cluster is one of the
  organisation's, so each cluster's optimum is at least what the organisation's optimum
  places in it, and the sum is an upper bound of the optimum: placed ÷ that figure
  understates, never flatters, a plan. With no link relaxed it is the exact optimum;
- "per team" (`per_team`): every manager's team alone, every middle manager a relaxed
  link; the loosest bound, kept for comparison.

A program not solved within its time limit counts with HiGHS's proven bound instead of its
optimum (still an upper bound; the figure then says "not proven").

HiGHS runs single-threaded with a fixed seed and no gap tolerance, so the figure is exact
and the same on every run.
"""

from __future__ import annotations

import time as clock
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from zoneinfo import ZoneInfo

import highspy

from bench.clusters import clusters, relaxed_links
from bench.quality import Calendars, Pair, PairTerms, grid_starts
from sync.planner.zero_one import solved

SECONDS_PER_TEAM = 120.0
"""A team whose program is not solved by then counts with HiGHS's proven bound instead."""
CLUSTER_PAIRS = 2_000
"""Pairs up to which the whole organisation is one program, and above which it is solved in
clusters of at most this many. At N = 10,021 (seed 7): 11 clusters of 597 to 1,930 pairs
(35,000 to 112,000 variables), 2 to 10 s of CPU each, 10 links relaxed, a bound one check-in
above the exact optimum; the whole organisation as one program takes 155 s of CPU and
2.3 GB."""
SECONDS_PER_CLUSTER = 600.0
ORGANISATION = "organisation"
CLUSTERS = "clusters of subtrees"
PER_TEAM = "per team"


@dataclass(frozen=True)
class Candidate:
    pair: Pair
    period: int
    start: float
    end: float


@dataclass
class Optimum:
    """The best count and one plan reaching it (start times per pair and due period)."""

    placed: int = 0
    starts: dict[Pair, dict[int, float]] = field(default_factory=dict)
    proven: bool = True
    """False if a program ran out of time: `placed` then counts HiGHS's bound for it, still
    an upper one."""
    teams: int = 0
    programs: int = 0
    variables: int = 0
    seconds: float = 0.0
    slowest: float = 0.0
    """Seconds of the longest program."""
    scope: str = PER_TEAM
    """ORGANISATION: the exact optimum; CLUSTERS or PER_TEAM: an upper bound of it, exact
    only if no link is relaxed (see the module's note)."""
    relaxed_links: int = 0
    """Middle managers whose check-in with their own manager is in another program than
    their team's."""

    def add(self, other: Optimum) -> None:
        self.placed += other.placed
        self.starts.update(other.starts)
        self.proven &= other.proven
        self.teams += other.teams
        self.programs += other.programs
        self.variables += other.variables
        self.seconds += other.seconds
        self.slowest = max(self.slowest, other.slowest)

    def describe(self) -> str:
        """The scope as the bench prints it."""
        if self.scope == CLUSTERS:
            return f"{CLUSTERS} ({self.relaxed_links} links relaxed)"
        return self.scope

    def as_dict(self) -> dict[str, float | int | bool | str]:
        return {
            "placed": self.placed,
            "proven": self.proven,
            "teams": self.teams,
            "programs": self.programs,
            "variables": self.variables,
            "seconds": round(self.seconds, 2),
            "slowest_program_seconds": round(self.slowest, 2),
            "scope": self.scope,
            "relaxed_links": self.relaxed_links,
        }


def candidates(calendars: Calendars, pair: Pair, term: PairTerms) -> list[Candidate]:
    """Every grid start in each due period where the pair is free for the whole check-in."""
    free = calendars.free_for_pair(pair)
    length = term.minutes * 60.0
    out: list[Candidate] = []
    for index, (lo, hi) in enumerate(calendars.periods(term)):
        for start in grid_starts(free, lo, hi, length):
            out.append(Candidate(pair, index, start, start + length))
    return out


def best(
    calendars: Calendars,
    terms: Mapping[Pair, PairTerms],
    limit: int = CLUSTER_PAIRS,
    seconds_per_cluster: float = SECONDS_PER_CLUSTER,
) -> Optimum:
    """The exact optimum of the whole organisation if it has at most `limit` pairs, else the
    sum over clusters of subtrees of at most `limit` pairs (see the module's note)."""
    parts = clusters(terms, limit)
    links = relaxed_links(parts, terms)
    # clusters with no link between them (separate organisations) are solved exactly
    total = Optimum(scope=CLUSTERS if links else ORGANISATION, relaxed_links=links)
    for cluster in parts:
        total.add(solve(calendars, {p: terms[p] for p in cluster.pairs}, seconds_per_cluster))
    return total


def per_team(
    calendars: Calendars,
    terms: Mapping[Pair, PairTerms],
    seconds_per_team: float = SECONDS_PER_TEAM,
) -> Optimum:
    """The optimum of each manager's team, added up (see the module's note)."""
    teams: dict[str, dict[Pair, PairTerms]] = defaultdict(dict)
    for pair, term in terms.items():
        teams[pair[0]][pair] = term
    employees = {employee for _, employee in terms}
    total = Optimum(scope=PER_TEAM, relaxed_links=sum(1 for m in teams if m in employees))
    for manager in sorted(teams):
        total.add(solve(calendars, teams[manager], seconds_per_team))
    return total


def solve(
    calendars: Calendars, terms: Mapping[Pair, PairTerms], seconds: float = SECONDS_PER_TEAM
) -> Optimum:
    """The most due periods of `terms`' pairs that hold a check-in at once."""
    started = clock.perf_counter()
    found = [c for pair in sorted(terms) for c in candidates(calendars, pair, terms[pair])]
    rows = _rows(calendars, terms, found)
    result = Optimum(teams=len({m for m, _ in terms}), programs=1, variables=len(found))
    if found:
        chosen, result.placed, result.proven = _run(len(found), rows, seconds)
        for index in chosen:
            item = found[index]
            result.starts.setdefault(item.pair, {})[item.period] = item.start
    result.seconds = result.slowest = clock.perf_counter() - started
    return result


Row = tuple[int, list[int]]
"""At most this many of these candidates (by index)."""


def _rows(
    calendars: Calendars, terms: Mapping[Pair, PairTerms], found: list[Candidate]
) -> list[Row]:
    rows: list[Row] = []
    periods: dict[tuple[Pair, int], list[int]] = defaultdict(list)
    by_person: dict[str, list[int]] = defaultdict(list)
    by_day: dict[tuple[str, str], list[int]] = defaultdict(list)
    zones: dict[str, ZoneInfo] = {}
    caps = cap_of(terms)
    for index, item in enumerate(found):
        periods[(item.pair, item.period)].append(index)
        for email in item.pair:
            by_person[email].append(index)
            if email not in caps:
                continue  # not a manager: no cap
            zone = zones.setdefault(email, ZoneInfo(calendars.person(email).zone))
            day = datetime.fromtimestamp(item.start, zone).date().isoformat()
            by_day[(email, day)].append(index)
    rows += [(1, members) for members in periods.values() if len(members) > 1]
    for members in by_person.values():
        rows += _cliques(found, members, calendars.buffer)
    for (manager, _), members in by_day.items():
        if len(members) > caps[manager]:
            rows.append((caps[manager], members))
    return rows


def cap_of(terms: Mapping[Pair, PairTerms]) -> dict[str, int]:
    """Each manager's daily cap, by email (a pair's cap is its manager's)."""
    return {pair[0]: term.cap for pair, term in terms.items()}


def _cliques(found: list[Candidate], members: list[int], buffer: float) -> list[Row]:
    """One person's check-ins that would come closer than the buffer, as at-most-one rows.
    Stretched by the buffer, check-ins conflict exactly when they overlap: an interval graph,
    whose maximal cliques are the sets open at some start, just before the next end."""
    events = sorted(
        [(found[i].end + buffer, 0, i) for i in members] + [(found[i].start, 1, i) for i in members]
    )
    rows: list[Row] = []
    open_: set[int] = set()
    grew = False
    for _, kind, index in events:
        if kind == 1:
            open_.add(index)
            grew = True
            continue
        if grew and len(open_) > 1:
            rows.append((1, sorted(open_)))
        grew = False
        open_.discard(index)
    return rows


def _run(columns: int, rows: list[Row], seconds: float) -> tuple[list[int], int, bool]:
    options = {"mip_rel_gap": 0.0, "mip_abs_gap": 0.0, "time_limit": seconds}
    program = [(-highspy.kHighsInf, float(bound), members) for bound, members in rows]
    highs = solved([1.0] * columns, program, options)
    values = highs.getSolution().col_value
    chosen = [i for i in range(columns) if values[i] > 0.5]
    proven = highs.getModelStatus() == highspy.HighsModelStatus.kOptimal
    if proven:
        return chosen, len(chosen), True
    # out of time: the best proven bound still bounds the optimum from above
    bound = highs.getInfo().mip_dual_bound
    return chosen, int(bound + 1e-6), False
