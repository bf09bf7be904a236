"""Properties every one-off check-in must have, over generated organisations: inside both
people's working hours and its window, clear of busy time and of every other check-in (the
pair's own series included), and under the manager's daily cap."""

from __future__ import annotations

import itertools
from collections import Counter
from dataclasses import replace
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sync.model.values import (
    BusyBlock,
    BusyKind,
    CheckinKind,
    DateSpan,
    Interval,
    PlannedSeries,
)
from sync.planner import Commitment, PairRequest, PlanningInput, plan, time_off
from sync.planner.availability import Availability
from sync.planner.one_off import OneOffRequest, plan_one_offs, window_of
from sync.planner.time_off import returns
from tests.planner.test_planner_properties import BUFFER, NOTICE, _working, organisations
from tests.planner_helpers import manager, pair, utc


def _with_series(
    pairs: list[PairRequest], inputs: PlanningInput
) -> tuple[PlanningInput, dict[str, list[Commitment]]]:
    """The inputs with every pair's planned series in both people's agendas."""
    agenda: dict[str, list[Commitment]] = {}
    for series in plan(pairs, inputs):
        if isinstance(series, PlannedSeries):
            for o in series.occurrences:
                if o.takes_place:
                    item = Commitment(o.start, o.end, series.employee)
                    agenda.setdefault(series.manager, []).append(item)
                    agenda.setdefault(series.employee, []).append(item)
    planned = PlanningInput(
        now=inputs.now,
        horizon_weeks=inputs.horizon_weeks,
        min_notice=inputs.min_notice,
        buffer=inputs.buffer,
        busy=inputs.busy,
        checkins=agenda,
    )
    return planned, agenda


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(organisations(), st.lists(st.tuples(st.integers(0, 6), st.integers(0, 30)), max_size=6))
def test_one_offs_are_inside_hours_and_window_clear_of_everything_and_under_the_cap(
    organisation: tuple[list[PairRequest], PlanningInput], asks: list[tuple[int, int]]
) -> None:
    pairs, inputs = organisation
    planned, agenda = _with_series(pairs, inputs)
    today = inputs.now.date()
    requests = [
        OneOffRequest(
            pairs[index % len(pairs)],
            CheckinKind.REQUESTED,
            today + timedelta(days=offset),
            today + timedelta(days=offset + 4),
            "asked",
        )
        for index, offset in asks
    ]
    placed: list[tuple[OneOffRequest, PlannedSeries]] = []
    for request, outcome in plan_one_offs(requests, planned):
        if isinstance(outcome, PlannedSeries):
            placed.append((request, outcome))
    meetings: dict[str, list[tuple[datetime, datetime]]] = {}
    for email, items in agenda.items():
        meetings[email] = [(c.start, c.end) for c in items]
    for request, series in placed:
        (occurrence,) = series.occurrences
        start, end = occurrence.start, occurrence.end
        assert series.rrule == "" and series.kind is CheckinKind.REQUESTED
        assert end - start == timedelta(minutes=request.pair.employee.duration)
        assert start >= inputs.now + NOTICE
        span = window_of(request)
        assert span.start <= start and end <= span.end
        assert _working(request.pair.manager.person, start, end)
        assert _working(request.pair.employee.person, start, end)
        for email in request.pair.key:
            for block in inputs.busy[email]:
                assert not (block.start - BUFFER < end and start < block.end + BUFFER)
            for other_start, other_end in meetings.get(email, []):
                assert not (other_start - BUFFER < end and start < other_end + BUFFER)
        for email in request.pair.key:
            meetings.setdefault(email, []).append((start, end))
    for boss in {p.manager for p in pairs}:
        mine = sorted(meetings.get(boss.person.email, []))
        for (_, first_end), (second_start, _) in itertools.pairwise(mine):
            assert first_end <= second_start
        zone = ZoneInfo(boss.person.timezone)
        per_day = Counter(start.astimezone(zone).date() for start, _ in mine)
        assert max(per_day.values(), default=0) <= boss.max_checkins_per_day


def test_the_earliest_free_time_wins_and_a_full_day_is_passed_over() -> None:
    boss = manager(cap=1)
    lena = pair(boss, "lena@example.com")
    monday = utc(2027, 2, 1, 7)
    busy = {
        "karin@example.com": [BusyBlock(utc(2027, 2, 2, 8), utc(2027, 2, 2, 9))],
        "lena@example.com": [],
    }
    taken = {"karin@example.com": [Commitment(utc(2027, 2, 3, 8), utc(2027, 2, 3, 8, 30), "x")]}
    inputs = PlanningInput(monday, 8, NOTICE, BUFFER, busy, taken)
    request = OneOffRequest(lena, CheckinKind.REQUESTED, date(2027, 2, 2), date(2027, 2, 4), "")
    ((_, outcome),) = plan_one_offs([request], inputs)
    assert isinstance(outcome, PlannedSeries)
    # Tuesday 09:00 Stockholm is busy until 10:00 (+ buffer); Wednesday is at its cap of one
    assert outcome.first_start == datetime(2027, 2, 2, 10, 15, tzinfo=ZoneInfo("Europe/Stockholm"))
    inputs = PlanningInput(
        monday,
        8,
        NOTICE,
        BUFFER,
        {**busy, "lena@example.com": [BusyBlock(utc(2027, 2, 2), utc(2027, 2, 3))]},
        taken,
    )
    ((_, outcome),) = plan_one_offs([request], inputs)
    assert isinstance(outcome, PlannedSeries)
    assert outcome.first_start.date() == date(2027, 2, 4), "Wednesday is at Karin's cap"


def test_a_middle_managers_own_full_day_is_passed_over() -> None:
    boss = manager()
    lena = pair(boss, "lena@example.com")
    monday = utc(2027, 2, 1, 7)
    busy: dict[str, list[BusyBlock]] = {"karin@example.com": [], "lena@example.com": []}
    # Lena manages a team of her own, with a cap of one check-in a day; Tuesday has hers
    own_team = Commitment(utc(2027, 2, 2, 14), utc(2027, 2, 2, 14, 30), "omar@example.com")
    inputs = PlanningInput(
        monday,
        8,
        NOTICE,
        BUFFER,
        busy,
        {"lena@example.com": [own_team]},
        caps={"lena@example.com": 1},
    )
    request = OneOffRequest(lena, CheckinKind.REQUESTED, date(2027, 2, 2), date(2027, 2, 4), "")
    ((_, outcome),) = plan_one_offs([request], inputs)
    assert isinstance(outcome, PlannedSeries)
    assert outcome.first_start.date() == date(2027, 2, 3), "Tuesday is at Lena's own cap"


def test_returns_count_working_days_away_and_ignore_weekends_and_holidays() -> None:
    lena = pair(manager(), "lena@example.com").employee
    window = Interval(utc(2026, 12, 14), utc(2027, 2, 1))
    # away from Mon 21 Dec to Fri 8 Jan, over Christmas and New Year
    away = [BusyBlock(utc(2026, 12, 20, 23), utc(2027, 1, 8, 23), BusyKind.TIME_OFF)]
    (back,) = returns(lena, away, window)
    assert back.back == date(2027, 1, 11)
    assert back.last_day == date(2027, 1, 12)
    # 15 weekdays, less Christmas Eve, Christmas Day, New Year's Eve, New Year's Day and
    # Epiphany (public and de-facto holidays in SE)
    assert back.away_days == 10
    half_days = [
        BusyBlock(utc(2027, 1, day, 8), utc(2027, 1, day, 11), kind=BusyKind.TIME_OFF)
        for day in range(11, 16)
    ]
    assert returns(lena, half_days, window) == [], "mornings off are not days away"


def test_returns_look_at_no_day_of_someone_with_no_time_off(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Most people, every night: their window's days are not walked one by one."""
    lena = pair(manager(), "lena@example.com").employee
    window = Interval(utc(2026, 12, 14), utc(2027, 2, 1))
    busy = [BusyBlock(utc(2026, 12, 20, 23), utc(2027, 1, 8, 23))]

    def walked(*args: object) -> bool:
        raise AssertionError("a day was looked at")

    monkeypatch.setattr(time_off, "_mostly_off", walked)
    monkeypatch.setattr(Availability, "is_workday", walked)
    assert returns(lena, busy, window) == []
    paused = replace(lena, paused=DateSpan(date(2026, 12, 21), date(2027, 1, 8)))
    with pytest.raises(AssertionError, match="a day was looked at"):
        returns(paused, busy, window)
