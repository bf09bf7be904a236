"""The bench's exact optimum on hand-built weeks whose best plan is known by construction,
its plans checked by the independent checker, and the planner compared against it."""

from __future__ import annotations

import itertools
import tempfile
from datetime import UTC, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bench.config import write_config
from bench.optimum import Optimum, best, candidates, per_team, solve
from bench.org import Block, Org, Person, generate
from bench.output import optimum_scope, scope_name
from bench.quality import Calendars, Checkin, PairTerms, Plan, evaluate, upper_bounds
from bench.versus import main as versus_main
from bench.versus import pair_terms, run_planner
from sync.config.roster import load_roster

NOW = datetime(2027, 3, 1, 1, 0, tzinfo=UTC)
"""Monday night: with a day's notice, the first due week is Monday 8 March."""
BOSS = "karin@example.com"
WEEKDAYS = (0, 1, 2, 3, 4)


def person(email: str, zone: str = "Europe/Stockholm", country: str = "SE") -> Person:
    name = email.split("@")[0].title()
    return Person(email, name, zone, country, "", (time(9), time(17)), "none")


def team(reports: list[Person], *, cap: int = 4, weeks: int = 1, cadence: str = "weekly") -> Org:
    """Karin (Stockholm, 09–17) and her reports, planned over `weeks` whole weeks."""
    boss = person(BOSS)
    boss.max_per_day = cap
    for report in reports:
        report.manager = BOSS
        report.cadence = report.cadence or cadence
        boss.reports.append(report.email)
    people = {p.email: p for p in [boss, *reports]}
    # horizon: the notice week, then `weeks` whole weeks (ending Sunday night, local)
    return Org(seed=0, now=NOW, people=people, horizon_weeks=weeks + 1)


def busy_day(day: datetime, *free: tuple[int, int]) -> list[Block]:
    """Busy 09:00–17:00 on `day` except the given (hour, hour) windows."""
    blocks, clock = [], 9
    for start, end in [*free, (17, 17)]:
        if start > clock:
            blocks.append(Block(day.replace(hour=clock), (start - clock) * 60))
        clock = end
    return blocks


def terms_of(org: Org) -> dict[tuple[str, str], PairTerms]:
    with tempfile.TemporaryDirectory() as folder:
        write_config(org, Path(folder))
        return pair_terms(load_roster(Path(folder) / "people.toml"))


def planned(org: Org) -> Plan:
    with tempfile.TemporaryDirectory() as folder:
        write_config(org, Path(folder))
        roster = load_roster(Path(folder) / "people.toml")
    return run_planner(org, roster, NOW).plan()


def as_plan(best: Optimum, terms: dict[tuple[str, str], PairTerms]) -> Plan:
    return Plan(
        "optimum",
        {
            pair: [Checkin(None, start, terms[pair].minutes) for _, start in sorted(dates.items())]
            for pair, dates in best.starts.items()
        },
    )


def judged(plan: Plan, org: Org, terms: dict[tuple[str, str], PairTerms]) -> dict[str, float]:
    calendars = Calendars(org)
    return evaluate(plan, calendars, terms, upper_bounds(calendars, terms)).as_dict()


def at(day: int, hour: int, minute: int = 0) -> float:
    """A Stockholm time in March 2027, as the checker's seconds."""
    return datetime(2027, 3, day, hour, minute, tzinfo=ZoneInfo("Europe/Stockholm")).timestamp()


def week(day: int) -> datetime:
    """A local (naive) date in March 2027, 00:00."""
    return datetime(2027, 3, day)


# ----------------------------------------------------------------------------- by construction


def test_two_free_hours_hold_two_of_three_check_ins_though_each_pair_alone_fits() -> None:
    """Karin is free only 10–11 on Monday and Wednesday: with the buffer, one 30-minute
    check-in fits in each. Each of three reports could take either (the upper bound says 3);
    only two can happen."""
    reports = [person(f"r{i}@example.com") for i in range(3)]
    org = team(reports)
    boss = org.people[BOSS]
    for day in (8, 10):
        boss.blocks += busy_day(week(day), (10, 11))
    for day in (9, 11, 12):
        boss.blocks += busy_day(week(day))
    terms = terms_of(org)
    best = per_team(Calendars(org), terms)
    assert best.placed == 2 and best.proven
    quality = judged(as_plan(best, terms), org, terms)
    assert quality["upper_bound"] == 3
    assert quality["placed_free"] == 2 and quality["double_booked"] == 0
    starts = sorted(s for dates in best.starts.values() for s in dates.values())
    local = [datetime.fromtimestamp(s, org.people[BOSS].tz) for s in starts]
    assert [(t.day, t.hour, t.minute) for t in local] == [(8, 10, 15), (10, 10, 15)]
    # the planner reaches it: two series, the third pair gets none
    assert judged(planned(org), org, terms)["placed_free"] == 2


def test_the_daily_cap_limits_a_manager_free_on_one_day_only() -> None:
    reports = [person(f"r{i}@example.com") for i in range(4)]
    org = team(reports, cap=2)
    for day in (9, 10, 11, 12):
        org.people[BOSS].blocks += busy_day(week(day))
    terms = terms_of(org)
    best = per_team(Calendars(org), terms)
    assert best.placed == 2
    quality = judged(as_plan(best, terms), org, terms)
    assert quality["upper_bound"] == 4 and quality["manager_days_over_cap"] == 0
    assert judged(planned(org), org, terms)["placed_free"] == 2


def test_working_hours_in_both_zones_and_holidays_leave_what_is_left() -> None:
    """Week of 22 March: Karin is free only on Thursday morning and on Good Friday (a
    Swedish holiday). Thursday morning in Stockholm is night in New York: Lena there has
    no possible time; Bo in Stockholm has Thursday."""
    lena = person("lena@example.com", "America/New_York", "US")
    bo = person("bo@example.com")
    org = team([lena, bo])
    org.now = NOW + timedelta(weeks=2)  # due: the week of 22 March
    for day in (22, 23, 24):
        org.people[BOSS].blocks += busy_day(week(day))
    org.people[BOSS].blocks += busy_day(week(25), (9, 12))
    terms = terms_of(org)
    best = per_team(Calendars(org), terms)
    assert best.placed == 1
    assert list(best.starts) == [(BOSS, bo.email)]
    assert not candidates(Calendars(org), (BOSS, lena.email), terms[(BOSS, lena.email)])


def test_a_fortnight_with_one_free_week_each_still_holds_both_check_ins() -> None:
    """Biweekly, over two fortnights: Ana is away in the first week of the first and the
    second week of the second. Every weekday-and-time series meets one of those weeks; the
    optimum uses the other week of each fortnight."""
    ana = person("ana@example.com")
    ana.blocks = [
        Block(week(8), 24 * 60, "off", days=5),
        Block(datetime(2027, 3, 29), 24 * 60, "off", days=5),
    ]
    org = team([ana], weeks=4, cadence="biweekly")
    org.people[BOSS].blocks = [b for d in (2, 3, 4, 5) for b in busy_day(week(d))]
    terms = terms_of(org)
    best = per_team(Calendars(org), terms)
    assert best.placed == 2
    ours = judged(planned(org), org, terms)
    assert ours["placed_free"] == best.placed
    assert ours["collisions_with_busy"] == 0
    with tempfile.TemporaryDirectory() as folder:
        write_config(org, Path(folder))
        roster = load_roster(Path(folder) / "people.toml")
    (series,) = run_planner(org, roster, NOW).outcomes
    # the manager reads where the date went, with its date: "Tue" alone would mean that week
    assert "1 moved to another week of its 2-week period" in str(series.explanation)
    assert "2027-03-30 moved to Tue 2027-03-23 09:00 because Ana is away" in str(series.explanation)


def test_a_middle_managers_one_free_hour_counts_once_for_the_organisation() -> None:
    """Mia reports to Karin and manages Ole, and is free only 10–11 on Monday: one of her
    two check-ins can happen. Solved per team, each team gets her hour (an upper bound of
    2); the whole organisation, solved at once, gets the exact 1."""
    mia, ole = person("mia@example.com"), person("ole@example.com")
    org = team([mia])
    ole.manager, ole.cadence = mia.email, "weekly"
    mia.reports.append(ole.email)
    org.people[ole.email] = ole
    mia.blocks = busy_day(week(8), (10, 11)) + [
        b for d in (9, 10, 11, 12) for b in busy_day(week(d))
    ]
    terms = terms_of(org)
    calendars = Calendars(org)
    assert per_team(calendars, terms).placed == 2
    exact = best(calendars, terms)
    assert exact.placed == 1 and exact.scope == "organisation" and exact.proven
    quality = judged(as_plan(exact, terms), org, terms)
    assert quality["placed_free"] == 1 and quality["double_booked"] == 0
    assert judged(planned(org), org, terms)["placed_free"] == 1


def test_a_middle_managers_own_check_in_counts_toward_her_cap_in_optimum_and_planner() -> None:
    """The product's cap is about a manager's day: Mia (cap 1) is free only on Monday, at
    10–11 and at 14–15; Ole is busy at 10. Her check-in with Ole (planned first: it has
    the least free time) and hers with Karin would both fit, but her day holds one."""
    mia, ole = person("mia@example.com"), person("ole@example.com")
    org = team([mia])
    mia.max_per_day = 1
    ole.manager, ole.cadence = mia.email, "weekly"
    mia.reports.append(ole.email)
    org.people[ole.email] = ole
    mia.blocks = busy_day(week(8), (10, 11), (14, 15)) + [
        b for d in (9, 10, 11, 12) for b in busy_day(week(d))
    ]
    ole.blocks = [Block(week(8).replace(hour=10), 60)]
    terms = terms_of(org)
    exact = best(Calendars(org), terms)
    assert exact.placed == 1 and exact.scope == "organisation" and exact.proven
    ours = judged(planned(org), org, terms)
    assert ours["placed_free"] == 1 and ours["manager_days_over_cap"] == 0
    # the checker counts her day the same way: both check-ins on Monday are over her cap
    both = Plan(
        "both",
        {
            (BOSS, mia.email): [Checkin(None, at(8, 10, 15), 30)],
            (mia.email, ole.email): [Checkin(None, at(8, 14, 15), 30)],
        },
    )
    assert judged(both, org, terms)["manager_days_over_cap"] == 1


def test_a_generated_organisation_is_planned_without_a_double_booking() -> None:
    """60 people (seed 3): making room moves another series' date into a week where the
    pair being planned later places a date of its own. The pair's free time must be read
    again after such a move, or both dates end up at the same time."""
    org = generate(60, 3, NOW)
    with tempfile.TemporaryDirectory() as folder:
        write_config(org, Path(folder))
        roster = load_roster(Path(folder) / "people.toml")
    terms = pair_terms(roster)
    quality = judged(run_planner(org, roster, NOW).plan(), org, terms)
    assert quality["double_booked"] == 0 and quality["collisions_with_busy"] == 0


# ----------------------------------------------------------------------------- properties

DAY_BLOCKS = st.lists(
    st.tuples(st.integers(0, 4), st.integers(0, 15), st.sampled_from([30, 60, 90, 240])),
    max_size=12,
)


def random_team(
    data: st.DataObject, count: int, weeks: int = 1
) -> tuple[Org, dict[tuple[str, str], PairTerms]]:
    reports = []
    for index in range(count):
        zone, country = data.draw(
            st.sampled_from(
                [("Europe/Stockholm", "SE"), ("Europe/London", "GB"), ("Asia/Kolkata", "IN")]
            )
        )
        report = person(f"r{index}@example.com", zone, country)
        report.duration = data.draw(st.sampled_from([None, 45, 60]))
        reports.append(report)
    org = team(reports, cap=data.draw(st.integers(1, 3)), weeks=weeks)
    for email in org.people:
        for day, half_hour, minutes in data.draw(DAY_BLOCKS):
            start = week(8 + day).replace(hour=9) + timedelta(minutes=30 * half_hour)
            org.people[email].blocks.append(Block(start, minutes))
    return org, terms_of(org)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_the_optimal_plan_keeps_every_rule_the_checker_knows(data: st.DataObject) -> None:
    org, terms = random_team(data, data.draw(st.integers(1, 4)))
    calendars = Calendars(org)
    best = per_team(calendars, terms)
    assert best.proven
    quality = judged(as_plan(best, terms), org, terms)
    # every check-in of the optimum counts: inside both hours, clear of busy time and of
    # each other, the cap kept; and no more than some free slot allowed
    assert quality["placed_free"] == best.placed <= quality["upper_bound"]
    assert quality["collisions_with_busy"] == quality["outside_working_hours"] == 0
    assert quality["double_booked"] == quality["manager_days_over_cap"] == 0
    starts = sorted(
        (start, start + terms[pair].minutes * 60)
        for pair, dates in best.starts.items()
        for start in dates.values()
    )
    for (_, end), (start, _) in itertools.pairwise(starts):
        assert start - end >= calendars.buffer  # the manager keeps the buffer between them


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_no_pair_of_check_ins_beats_the_optimum_of_two_pairs(data: st.DataObject) -> None:
    """Brute force over every choice of two pairs' check-ins in one week."""
    org, terms = random_team(data, 2)
    calendars = Calendars(org)
    cap = org.people[BOSS].max_per_day
    a, b = [[None, *candidates(calendars, pair, term)] for pair, term in terms.items()]
    best = 0
    for x, y in itertools.product(a, b):
        placed = [c for c in (x, y) if c is not None]
        if len(placed) == 2:
            early, late = sorted(placed, key=lambda c: c.start)
            if late.start < early.end + calendars.buffer:
                continue
            days = {datetime.fromtimestamp(c.start, org.people[BOSS].tz).date() for c in placed}
            if cap == 1 and len(days) == 1:
                continue
        best = max(best, len(placed))
    assert solve(calendars, terms).placed == best


# ----------------------------------------------------------------------------- in clusters


def test_a_relaxed_link_lets_the_clusters_count_the_middle_managers_hour_twice() -> None:
    """Mia's one free hour, as above, with Karin's team and Mia's in separate clusters:
    her check-in with Karin is in the upper one only, so each cluster gets her hour."""
    mia, ole = person("mia@example.com"), person("ole@example.com")
    org = team([mia])
    ole.manager, ole.cadence = mia.email, "weekly"
    mia.reports.append(ole.email)
    org.people[ole.email] = ole
    mia.blocks = busy_day(week(8), (10, 11)) + [
        b for d in (9, 10, 11, 12) for b in busy_day(week(d))
    ]
    terms = terms_of(org)
    split = best(Calendars(org), terms, limit=1)
    assert (split.scope, split.relaxed_links, split.programs) == ("clusters of subtrees", 1, 2)
    assert split.describe() == "clusters of subtrees (1 links relaxed)"
    assert split.placed == 2 and split.proven
    assert best(Calendars(org), terms).placed == 1


def test_clusters_bound_the_organisations_optimum_from_above() -> None:
    """60 people (seed 3) solved whole, in clusters of at most 12 pairs and per team: each
    relaxation can only count more, and one relaxing fewer links counts at most as many."""
    org = generate(60, 3, NOW)
    terms = terms_of(org)
    calendars = Calendars(org)
    whole = best(calendars, terms)
    assert whole.scope == "organisation" and whole.relaxed_links == 0 and whole.proven
    split = best(calendars, terms, limit=12)
    teams = per_team(calendars, terms)
    assert split.scope == "clusters of subtrees" and split.proven
    assert 0 < split.relaxed_links < teams.relaxed_links
    assert whole.placed <= split.placed <= teams.placed
    again = best(calendars, terms, limit=12)  # the same clusters, the same plan
    assert (again.placed, again.starts, again.relaxed_links, again.variables) == (
        split.placed,
        split.starts,
        split.relaxed_links,
        split.variables,
    )


def test_clusters_with_no_link_between_them_are_the_exact_optimum() -> None:
    """Two organisations side by side (Karin's, Lars's), each its own cluster: nothing is
    relaxed and the sum is the optimum of both solved as one program."""
    reports = [person(f"r{i}@example.com") for i in range(3)]
    org = team(reports)
    lars = person("lars@example.com")
    for index in range(3):
        other = person(f"s{index}@example.com")
        other.manager, other.cadence = lars.email, "weekly"
        lars.reports.append(other.email)
        org.people[other.email] = other
    org.people[lars.email] = lars
    for day in (8, 10):  # both managers: little room, so the programs have work to do
        org.people[BOSS].blocks += busy_day(week(day), (10, 11))
        lars.blocks += busy_day(week(day), (14, 16))
    terms = terms_of(org)
    calendars = Calendars(org)
    split = best(calendars, terms, limit=3)
    assert (split.scope, split.relaxed_links, split.programs) == ("organisation", 0, 2)
    one_program = solve(calendars, terms)
    assert one_program.proven and split.placed == one_program.placed


def test_the_bench_says_which_scope_its_optimum_comes_from() -> None:
    clustered = Optimum(placed=5, scope="clusters of subtrees", relaxed_links=10, programs=11)
    result = clustered.as_dict()
    assert result["relaxed_links"] == 10 and result["programs"] == 11
    assert scope_name(result) == "clusters of subtrees (10 links relaxed)"
    assert "an upper bound of the optimum" in optimum_scope(result)
    exact = Optimum(placed=5, scope="organisation", programs=1).as_dict()
    assert scope_name(exact) == "organisation"
    assert optimum_scope(exact) == "the whole organisation: the exact optimum"


def test_the_planner_alone_is_judged_against_clusters_of_the_size_asked(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert versus_main(["--size", "60", "--seed", "3", "--cluster-pairs", "12"]) == 0
    printed = capsys.readouterr().out
    assert "clusters of subtrees (" in printed and "links relaxed)" in printed
    assert "placed / exact optimum" in printed
