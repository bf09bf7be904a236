"""Properties every plan must have, over generated organisations, zones, calendars and dates.

The checks recompute local times and holidays independently of the planner's own helpers.
"""

from __future__ import annotations

import itertools
import random
from collections import Counter
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import holidays
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sync.model.values import BusyBlock, Person, PlannedSeries
from sync.planner import PairRequest, PlanFailure, PlanningInput, plan
from tests.planner_helpers import manager, pair

ZONES = [
    "Europe/Stockholm",
    "Europe/London",
    "America/New_York",
    "America/Los_Angeles",
    "Asia/Kolkata",
    "Australia/Sydney",
]
COUNTRIES = {"Europe/Stockholm": "SE", "Europe/London": "GB", "America/New_York": "US"}
CADENCES = ["weekly", "biweekly", "every 3 weeks", "monthly"]
BUFFER = timedelta(minutes=10)
NOTICE = timedelta(hours=24)


@st.composite
def organisations(draw: st.DrawFn) -> tuple[list[PairRequest], PlanningInput]:
    # around DST changes in both hemispheres, and ordinary weeks
    start = draw(st.sampled_from([(2027, 3, 8), (2027, 3, 24), (2026, 10, 20), (2027, 6, 1)]))
    now = datetime(*start, draw(st.integers(0, 23)), tzinfo=UTC)
    managers = []
    for index in range(draw(st.integers(1, 2))):
        zone = draw(st.sampled_from(ZONES))
        first_hour = draw(st.integers(7, 10))
        managers.append(
            manager(
                f"m{index}@example.com",
                cap=draw(st.integers(1, 3)),
                zone=zone,
                hours=(first_hour, first_hour + draw(st.integers(6, 9))),
                holidays=COUNTRIES.get(zone, ""),
            )
        )
    pairs = []
    for index in range(draw(st.integers(1, 7))):
        zone = draw(st.sampled_from(ZONES))
        first_hour = draw(st.integers(6, 11))
        days = draw(st.frozensets(st.integers(0, 6), min_size=2, max_size=6))
        pairs.append(
            pair(
                draw(st.sampled_from(managers)),
                f"e{index}@example.com",
                cadence=draw(st.sampled_from(CADENCES)),
                duration=draw(st.sampled_from([15, 30, 45, 60])),
                zone=zone,
                hours=(first_hour, first_hour + draw(st.integers(6, 10))),
                days=days,
                holidays=COUNTRIES.get(zone, ""),
            )
        )
    people = [m.person.email for m in managers] + [p.employee.person.email for p in pairs]
    busy: dict[str, list[BusyBlock]] = {}
    for email in people:
        blocks = []
        for _ in range(draw(st.integers(0, 40))):
            begin = now + timedelta(minutes=15 * draw(st.integers(0, 4 * 24 * 63)))
            length = timedelta(minutes=draw(st.sampled_from([15, 30, 60, 90, 240, 1440])))
            blocks.append(BusyBlock(begin, begin + length))
        busy[email] = blocks
    inputs = PlanningInput(now=now, horizon_weeks=8, min_notice=NOTICE, buffer=BUFFER, busy=busy)
    return pairs, inputs


def _working(person: Person, start: datetime, end: datetime) -> bool:
    zone = ZoneInfo(person.timezone)
    local_start, local_end = start.astimezone(zone), end.astimezone(zone)
    hours = person.working_hours
    return (
        local_start.date() == local_end.date()
        and local_start.weekday() in person.working_days
        and hours.start <= local_start.time()
        and local_end.time() <= hours.end
        and (
            not person.holidays
            or local_start.date() not in holidays.country_holidays(person.holidays)
        )
    )


def _series(outcomes: list[object]) -> list[PlannedSeries]:
    return [o for o in outcomes if isinstance(o, PlannedSeries)]


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(organisations())
def test_every_placed_checkin_respects_hours_busy_time_overlaps_and_caps(
    organisation: tuple[list[PairRequest], PlanningInput],
) -> None:
    pairs, inputs = organisation
    outcomes = plan(pairs, inputs)
    assert len(outcomes) == len(pairs)
    by_employee = {p.employee.person.email: p for p in pairs}
    per_manager: dict[str, list[tuple[datetime, datetime]]] = {}
    for series in _series(outcomes):
        request = by_employee[series.employee]
        for occurrence in series.occurrences:
            if not occurrence.takes_place:
                continue
            start, end = occurrence.start, occurrence.end
            assert end - start == timedelta(minutes=request.employee.duration)
            assert start >= inputs.now + NOTICE
            assert _working(request.manager.person, start, end)
            assert _working(request.employee.person, start, end)
            for email in (series.manager, series.employee):
                for block in inputs.busy[email]:
                    assert not (block.start - BUFFER < end and start < block.end + BUFFER)
            per_manager.setdefault(series.manager, []).append((start, end))
    for email, meetings in per_manager.items():
        meetings.sort()
        for (_, first_end), (second_start, _) in itertools.pairwise(meetings):
            assert first_end <= second_start, f"{email} has overlapping check-ins"
        boss = next(p.manager for p in pairs if p.manager.person.email == email)
        zone = ZoneInfo(boss.person.timezone)
        per_day = Counter(start.astimezone(zone).date() for start, _ in meetings)
        assert max(per_day.values()) <= boss.max_checkins_per_day


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(organisations())
def test_series_keep_one_weekday_and_wall_clock_time_in_the_organisers_zone(
    organisation: tuple[list[PairRequest], PlanningInput],
) -> None:
    pairs, inputs = organisation
    for series in _series(plan(pairs, inputs)):
        zone = ZoneInfo(series.timezone)
        rule_times = {
            (o.original_start.astimezone(zone).weekday(), o.original_start.astimezone(zone).time())
            for o in series.occurrences
        }
        assert len(rule_times) == 1
        first = series.first_start
        assert (first.weekday(), first.time().replace(tzinfo=None)) in rule_times
        weeks = {_monday(o.original_start.astimezone(zone).date()) for o in series.occurrences}
        first_week = _monday((inputs.now + NOTICE).astimezone(zone).date())
        if datetime.combine(first_week, time(0), zone) < inputs.now + NOTICE:
            first_week += timedelta(weeks=1)
        for occurrence in series.occurrences:
            if occurrence.status.value == "moved":
                original = _monday(occurrence.original_start.astimezone(zone).date())
                moved = _monday(occurrence.start.astimezone(zone).date())
                if original == moved:
                    continue
                # only a date of an N-week cadence leaves its week: to another week of its
                # period (N weeks from the first whole week after the notice), which holds
                # no other date of the series
                period = series.cadence.weeks * 7
                assert series.cadence.weeks > 1 and not series.cadence.monthly
                assert (original - first_week).days // period == (moved - first_week).days // period
                assert (original - first_week).days >= 0 and moved not in weeks


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(organisations(), st.integers(0, 2**32))
def test_same_input_in_any_order_gives_the_same_plan(
    organisation: tuple[list[PairRequest], PlanningInput], seed: int
) -> None:
    pairs, inputs = organisation
    shuffler = random.Random(seed)
    shuffled_pairs = pairs[:]
    shuffler.shuffle(shuffled_pairs)
    shuffled_busy = {}
    for email in shuffler.sample(list(inputs.busy), len(inputs.busy)):
        blocks = inputs.busy[email][:]
        shuffler.shuffle(blocks)
        shuffled_busy[email] = blocks
    shuffled = PlanningInput(
        now=inputs.now,
        horizon_weeks=inputs.horizon_weeks,
        min_notice=inputs.min_notice,
        buffer=inputs.buffer,
        busy=shuffled_busy,
    )
    assert plan(pairs, inputs) == plan(shuffled_pairs, shuffled)


def test_failures_are_reported_not_dropped() -> None:
    boss = manager(zone="Europe/Stockholm", hours=(9, 12))
    far = pair(boss, "lena@example.com", zone="America/Los_Angeles", hours=(9, 12))
    (outcome,) = plan(
        [far],
        PlanningInput(
            now=datetime(2027, 1, 11, tzinfo=UTC),
            horizon_weeks=4,
            min_notice=NOTICE,
            buffer=BUFFER,
            busy={},
        ),
    )
    assert isinstance(outcome, PlanFailure)
    assert "working hours never overlap" in str(outcome.reason)


def _monday(day: date) -> date:
    return day - timedelta(days=day.weekday())
