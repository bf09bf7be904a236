"""An employee's preferred time weighs in proportion to how often it is free: it wins when
free on most dates, and when it loses the proposal says why and offers it as the first
alternative."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sync.model.values import BusyBlock, Employee, PlannedSeries, TimeRange, Window
from sync.planner import PairRequest, PlanningInput, plan
from tests.planner_helpers import inputs, manager, pair, utc

STOCKHOLM = ZoneInfo("Europe/Stockholm")
NOW = utc(2027, 1, 4, 6)  # Monday; the next eight weeks hold eight Thursdays
THURSDAYS = [date(2027, 1, 7) + timedelta(weeks=n) for n in range(8)]
THURSDAY_AFTERNOON = Window(frozenset({3}), TimeRange(time(13), time(15)))


def sofia_with_busy_thursdays(busy_thursdays: int) -> PlannedSeries:
    """Sofia prefers Thursday afternoons; Karin is in a meeting all afternoon on the first
    `busy_thursdays` Thursdays, and free all day every other weekday."""
    boss = manager(holidays="")
    sofia = pair(boss, "sofia@example.com", preferred=(THURSDAY_AFTERNOON,), holidays="")
    busy = [
        BusyBlock(
            datetime.combine(day, time(12), STOCKHOLM), datetime.combine(day, time(17), STOCKHOLM)
        )
        for day in THURSDAYS[:busy_thursdays]
    ]
    (series,) = plan([sofia], inputs(NOW, {"karin@example.com": busy}))
    assert isinstance(series, PlannedSeries), series
    return series


def in_window(start: datetime) -> bool:
    local = start.astimezone(STOCKHOLM)
    return local.weekday() == 3 and time(13) <= local.time() <= time(14, 30)


def held(series: PlannedSeries) -> int:
    return sum(1 for o in series.occurrences if o.status.value == "ok")


def test_a_preferred_time_free_on_most_dates_wins_over_one_free_on_all() -> None:
    series = sofia_with_busy_thursdays(3)  # free on 5 of 8 Thursdays
    assert in_window(series.first_start), str(series.explanation)
    assert "inside Sofia's preferred time: free for both on 5 of 8 dates" in str(series.explanation)


def test_a_preferred_time_free_on_few_dates_loses_says_why_and_is_the_first_alternative() -> None:
    series = sofia_with_busy_thursdays(5)  # free on only 3 of 8 Thursdays
    assert not in_window(series.first_start)
    assert held(series) == 8
    assert (
        "Not inside Sofia's preferred time: the best time there, on Thursdays 13:00–13:30 "
        "Stockholm, is free for both on only 3 of 8 dates (the first alternative)."
    ) in str(series.explanation)
    first_alternative = series.alternatives[0]
    assert in_window(first_alternative.first_start)
    assert held(first_alternative) == 3
    assert len(series.alternatives) == 2


def test_a_preference_never_free_is_named_as_such() -> None:
    series = sofia_with_busy_thursdays(8)
    assert not in_window(series.first_start)
    assert "No time inside Sofia's preferred time is free for both" in str(series.explanation)


# ------------------------------------------------------------------ properties

ZONES = ["Europe/Stockholm", "America/New_York", "Asia/Kolkata"]


@st.composite
def preferring_pairs(draw: st.DrawFn) -> tuple[PairRequest, PlanningInput]:
    now = datetime(2027, 1, 4, draw(st.integers(0, 23)), tzinfo=UTC)
    boss = manager(zone=draw(st.sampled_from(ZONES)), hours=(8, 18), holidays="")
    start = draw(st.integers(7, 15))
    window = Window(
        draw(st.frozensets(st.integers(0, 4), min_size=1, max_size=2)),
        TimeRange(time(start), time(start + draw(st.integers(1, 3)))),
    )
    request = pair(
        boss,
        "sofia@example.com",
        zone=draw(st.sampled_from(ZONES)),
        hours=(7, 19),
        holidays="",
        preferred=(window,),
    )
    busy = []
    for email in ("karin@example.com", "sofia@example.com"):
        for _ in range(draw(st.integers(0, 30))):
            begin = now + timedelta(minutes=30 * draw(st.integers(0, 2 * 24 * 56)))
            length = timedelta(minutes=draw(st.sampled_from([60, 180, 600])))
            busy.append((email, BusyBlock(begin, begin + length)))
    by_person: dict[str, list[BusyBlock]] = {}
    for email, block in busy:
        by_person.setdefault(email, []).append(block)
    return request, inputs(now, by_person)


def _preferred(employee: Employee, start: datetime, minutes: int) -> bool:
    local = start.astimezone(ZoneInfo(employee.person.timezone))
    end = local + timedelta(minutes=minutes)
    return any(
        local.weekday() in w.days and w.hours.start <= local.time() and end.time() <= w.hours.end
        for w in employee.preferred
    ) and (end.date() == local.date())


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(preferring_pairs())
def test_preference_weighs_in_proportion_and_a_lost_one_is_offered_and_explained(
    case: tuple[PairRequest, PlanningInput],
) -> None:
    request, planning = case
    (series,) = plan([request], planning)
    if not isinstance(series, PlannedSeries):
        return
    employee, minutes = request.employee, request.employee.duration
    name = employee.person.first_name
    if _preferred(employee, series.first_start, minutes):
        assert f"inside {name}'s preferred time" in str(series.explanation)
        return
    offered = [a for a in series.alternatives if _preferred(employee, a.first_start, minutes)]
    if not offered:
        assert f"No time inside {name}'s preferred time is free" in str(series.explanation)
        return
    best = series.alternatives[0]
    assert best in offered, "the best preferred time is the first alternative"
    assert f"Not inside {name}'s preferred time" in str(series.explanation)
    # it lost on the count: free on at most half the dates the chosen series is free on
    assert 2 * held(best) <= held(series), str(series.explanation)
