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

Up to `WHOLE_UP_TO` pairs the whole organisation is one program, and its optimum is exact.
Above, it is solved per team: a middle manager's check-in with their own manager is then in
that manager's problem only, so the sum over teams can only be higher than the
organisation's optimum: placed ÷ that figure understates, never flatters, a plan.

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

from bench.quality import Calendars, Pair, PairTerms, grid_starts
from sync.planner.zero_one import solved

SECONDS_PER_TEAM = 120.0
"""A team whose program is not solved by then counts with HiGHS's proven bound instead."""
WHOLE_UP_TO = 2_000
"""Pairs up to which the whole organisation is solved as one program (1,000 pairs: 62,000
variables, about 30 s on one core); above, per team."""
SECONDS_WHOLE = 600.0


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
    """False if a team ran out of time: `placed` is then HiGHS's bound, still an upper one."""
    teams: int = 0
    variables: int = 0
    seconds: float = 0.0
    scope: str = "per team"
    """"organisation": the exact optimum; "per team": an upper bound of it (see above)."""

    def add(self, other: Optimum) -> None:
        self.placed += other.placed
        self.starts.update(other.starts)
        self.proven &= other.proven
        self.teams += other.teams
        self.variables += other.variables
        self.seconds += other.seconds

    def as_dict(self) -> dict[str, float | int | bool | str]:
        return {
            "placed": self.placed,
            "proven": self.proven,
            "teams": self.teams,
            "variables": self.variables,
            "seconds": round(self.seconds, 2),
            "scope": self.scope,
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


def best(calendars: Calendars, terms: Mapping[Pair, PairTerms]) -> Optimum:
    """The exact optimum of the whole organisation where it is solved in time, else the
    per-team bound."""
    if len(terms) <= WHOLE_UP_TO:
        whole = solve(calendars, terms, SECONDS_WHOLE)
        if whole.proven:
            whole.scope = "organisation"
            return whole
    return per_team(calendars, terms)


def per_team(
    calendars: Calendars,
    terms: Mapping[Pair, PairTerms],
    seconds_per_team: float = SECONDS_PER_TEAM,
) -> Optimum:
    """The optimum of each manager's team, added up (see the module's note)."""
    teams: dict[str, dict[Pair, PairTerms]] = defaultdict(dict)
    for pair, term in terms.items():
        teams[pair[0]][pair] = term
    total = Optimum()
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
    result = Optimum(teams=1, variables=len(found))
    if found:
        chosen, result.placed, result.proven = _run(len(found), rows, seconds)
        for index in chosen:
            item = found[index]
            result.starts.setdefault(item.pair, {})[item.period] = item.start
    result.seconds = clock.perf_counter() - started
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
