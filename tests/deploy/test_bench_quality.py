"""The benchmark's quality checker, baselines and request minimums on hand-made cases."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

from bench.baselines import each_earliest, first_free_two
from bench.minimums import reads, round_trips, writes
from bench.org import Block, Org, Person
from bench.quality import Calendars, Checkin, PairTerms, Plan, evaluate, upper_bounds

NOW = datetime(2027, 2, 27, 22, 0, tzinfo=UTC)  # the notice ends on Monday 1 March, 00:00
ZONE = ZoneInfo("Europe/Stockholm")
M, E = "m@example.com", "e@example.com"
PAIR = (M, E)


def at(day: int, hour: int, minute: int = 0) -> float:
    """A local Stockholm time in March 2027, as the checker's seconds."""
    return datetime(2027, 3, day, hour, minute, tzinfo=ZONE).timestamp()


def org(*, cap: int = 4) -> tuple[Org, dict[tuple[str, str], PairTerms]]:
    """Karin-like manager busy every weekday morning; her report busy on the afternoon of
    Mon 1 March and at noon on Mon 15 March. Three weeks of horizon: two whole weeks due."""
    manager = Person(M, "M", "Europe/Stockholm", "SE", "", (time(9), time(17)), "none")
    employee = Person(E, "E", "Europe/Stockholm", "SE", "", (time(9), time(17)), "none")
    manager.reports, employee.manager = [E], M
    manager.blocks = [Block(datetime(2027, 3, 1, 9), 180, "busy", (0, 1, 2, 3, 4))]
    employee.blocks = [
        Block(datetime(2027, 3, 1, 13), 240),
        Block(datetime(2027, 3, 15, 12), 60),
    ]
    built = Org(seed=0, now=NOW, people={M: manager, E: employee}, horizon_weeks=3)
    return built, {PAIR: PairTerms(period_days=7, minutes=30, cap=cap, zone="Europe/Stockholm")}


def test_due_periods_and_the_upper_bound() -> None:
    built, terms = org()
    calendars = Calendars(built)
    assert calendars.periods(terms[PAIR]) == [(at(1, 0), at(8, 0)), (at(8, 0), at(15, 0))]
    assert upper_bounds(calendars, terms) == {PAIR: [True, True]}


def test_a_monthly_pairs_due_periods_are_the_calendar_months_its_rule_follows() -> None:
    """Monthly means the nth weekday of each month: a check-in on the last Tuesday of March
    (the 30th) is March's, though it is more than four weeks after the notice. April is
    cut by the horizon to less than four weeks, so it is not due."""
    built, terms = org()
    built.horizon_weeks = 8
    terms[PAIR] = PairTerms(28, 30, 4, "Europe/Stockholm", monthly=True)
    calendars = Calendars(built)
    april = datetime(2027, 4, 1, tzinfo=ZONE).timestamp()
    assert calendars.periods(terms[PAIR]) == [(at(1, 0), april)]
    plan = Plan("monthly", {PAIR: [Checkin(at(30, 13), at(30, 13), 30)]})
    result = evaluate(plan, calendars, terms, upper_bounds(calendars, terms)).as_dict()
    assert result["due"] == 1 and result["placed_free"] == 1


def test_a_plan_at_free_regular_times_scores_fully() -> None:
    built, terms = org()
    calendars = Calendars(built)
    good = Plan(
        "good", {PAIR: [Checkin(at(3, 13), at(3, 13), 30), Checkin(at(10, 13), at(10, 13), 30)]}
    )
    result = evaluate(good, calendars, terms, upper_bounds(calendars, terms)).as_dict()
    assert result["placed_free"] == 2 and result["regular"] == 2
    assert result["collisions_with_busy"] == 0 and result["placed_vs_upper_bound"] == 1.0


def test_collisions_hours_moves_and_skips_are_told_apart() -> None:
    built, terms = org()
    calendars = Calendars(built)
    plan = Plan(
        "bad",
        {
            PAIR: [
                Checkin(at(2, 10), at(2, 10), 30),  # the manager is busy
                Checkin(at(9, 18), at(9, 18), 30),  # after working hours
                Checkin(at(16, 14), at(17, 14), 30),  # moved: free, but not regular
            ]
        },
    )
    result = evaluate(plan, calendars, terms, upper_bounds(calendars, terms)).as_dict()
    assert result["collisions_with_busy"] == 1
    assert result["outside_working_hours"] == 1
    assert result["placed_free"] == 0  # the moved one is outside both due periods
    skipped = Plan(
        "skips", {PAIR: [Checkin(at(3, 13), None, 30), Checkin(at(10, 13), at(11, 13), 30)]}
    )
    result = evaluate(skipped, calendars, terms, upper_bounds(calendars, terms)).as_dict()
    assert result["placed_free"] == 1 and result["regular"] == 0


def test_days_over_the_managers_cap_and_double_bookings_are_counted() -> None:
    built, terms = org(cap=1)
    calendars = Calendars(built)
    other = ("m@example.com", "x@example.com")
    built.people["x@example.com"] = Person(
        "x@example.com", "X", "Europe/Stockholm", "SE", "", (time(9), time(17)), "none", M
    )
    terms[other] = PairTerms(7, 30, 1, "Europe/Stockholm")
    plan = Plan(
        "crowded",
        {
            PAIR: [Checkin(at(3, 13), at(3, 13), 30)],
            other: [Checkin(at(3, 13, 15), at(3, 13, 15), 30)],
        },
    )
    result = evaluate(plan, calendars, terms, upper_bounds(calendars, terms)).as_dict()
    assert result["manager_days_over_cap"] == 1
    assert result["double_booked"] == 2


def test_first_free_slot_checks_two_dates_then_repeats_blindly() -> None:
    built, terms = org()
    calendars = Calendars(built)
    plan = first_free_two(calendars, terms)
    starts = [c.start for c in plan.checkins[PAIR]]
    # Mon 1 March 12:15: the manager's morning and its 10-minute buffer are over, and the
    # report's afternoon starts at 13:00; Mon 8 March is free too, so it is taken
    assert starts == [at(1, 12, 15), at(8, 12, 15), at(15, 12, 15)]
    result = evaluate(plan, calendars, terms, upper_bounds(calendars, terms)).as_dict()
    assert result["collisions_with_busy"] == 1  # the third date, never checked
    assert result["regular_share"] == 1.0


def test_each_date_earliest_places_every_period_at_its_first_free_time() -> None:
    built, terms = org()
    calendars = Calendars(built)
    plan = each_earliest(calendars, terms)
    assert [c.start for c in plan.checkins[PAIR]] == [at(1, 12, 15), at(8, 12, 15)]
    assert all(c.regular is None for c in plan.checkins[PAIR])
    result = evaluate(plan, calendars, terms, upper_bounds(calendars, terms)).as_dict()
    assert result["placed_free"] == 2 and result["collisions_with_busy"] == 0
    assert result["regular"] == 2  # same weekday and time as its first date


def test_minimum_reads_follow_the_providers_batch_sizes_and_window_chunks() -> None:
    built, _ = org()
    for index in range(120):
        email = f"g{index}@x"
        built.people[email] = Person(email, "G", "UTC", "SE", "", (time(9), time(17)), "google")
    for index in range(41):
        email = f"o{index}@x"
        built.people[email] = Person(email, "O", "UTC", "SE", "", (time(9), time(17)), "outlook")
    built.horizon_weeks = 8  # reads 9 weeks: two chunks of at most 60 days
    assert reads(built) == {
        "google freeBusy": 3 * 2,
        "google out-of-office events.list": 120,
        "graph getSchedule": 3 * 2,
    }


def test_minimum_writes_count_new_series_changed_dates_and_ended_series() -> None:
    def proposal(pid: int, state: str, dates: list[tuple[str, str, str]]) -> dict[str, object]:
        return {
            "id": pid,
            "series": {"state": state, "calendar": "google"},
            "occurrences": [{"original_start": o, "status": s, "start": t} for o, s, t in dates],
        }

    before = [proposal(1, "booked", [("a", "ok", "a"), ("b", "ok", "b")])]
    after = [
        proposal(1, "booked", [("a", "ok", "a"), ("b", "moved", "c"), ("d", "skipped", "d")]),
        proposal(2, "booked", [("x", "ok", "x"), ("y", "moved", "z")]),
    ]
    assert writes(before, after) == {"google": 2 + 2, "outlook": 0}
    assert writes(after, [proposal(1, "superseded", [])]) == {"google": 1, "outlook": 0}
    ics = [{"id": 3, "series": {"state": "booked", "calendar": "ics"}}]
    assert writes([], ics) == {"google": 0, "outlook": 0}


def test_the_batched_minimum_carries_50_google_or_20_graph_calls_per_round_trip() -> None:
    parts = {
        "google freeBusy": 6,
        "google out-of-office events.list": 120,
        "graph getSchedule": 6,
        "observe graph listings": 41,
        "google writes": 50,
    }
    assert round_trips(parts) == 1 + 3 + 1 + 3 + 1


def test_the_week_in_which_the_notice_ends_is_not_yet_due() -> None:
    built, terms = org()
    built.now = NOW + timedelta(days=1, hours=12)  # the notice ends on Tue 2 March
    calendars = Calendars(built)
    assert calendars.periods(terms[PAIR]) == [(at(8, 0), at(15, 0)), (at(15, 0), at(22, 0))]
    plan = Plan("early", {PAIR: [Checkin(at(3, 13), at(3, 13), 30)]})
    result = evaluate(plan, calendars, terms, upper_bounds(calendars, terms)).as_dict()
    assert result["due"] == 2 and result["placed_free"] == 0
