"""A refused time (a declined series, a rejected proposal) teaches the planner: the pair's
next proposals stay an hour clear of it on that weekday, say so, and say when nothing else
fits rather than offering it again."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from sync.model.values import BusyBlock, OccurrenceStatus, PlannedSeries
from sync.planner import PairRequest, PlanFailure, plan
from sync.planner.maintain import BookedPair, maintain
from sync.planner.refused import RefusedTime
from tests.planner_helpers import inputs, manager, pair, utc

STOCKHOLM = ZoneInfo("Europe/Stockholm")
NOW = utc(2027, 2, 1, 6)  # Monday 07:00 Stockholm
TUESDAY = frozenset({1})


def lena(hours: tuple[int, int] = (9, 13)) -> PairRequest:
    """Karin and Lena only ever work on Tuesdays: a first proposal is Tuesdays 09:00."""
    boss = manager(days=TUESDAY, hours=hours, holidays="")
    return pair(boss, "lena@example.com", days=TUESDAY, hours=hours, holidays="")


def refused(
    start: datetime, because: str = "Lena declined", until: datetime = NOW + timedelta(weeks=8)
) -> RefusedTime:
    return RefusedTime(start, 30, "Europe/Stockholm", until, because)


def planned(request: PairRequest) -> PlannedSeries:
    (outcome,) = plan([request], inputs(NOW))
    assert isinstance(outcome, PlannedSeries), outcome
    return outcome


def local_minutes(moment: datetime) -> int:
    local = moment.astimezone(STOCKHOLM)
    return local.hour * 60 + local.minute


def test_without_refusals_the_first_proposal_is_tuesdays_at_nine() -> None:
    first = planned(lena())
    assert first.first_start.astimezone(STOCKHOLM).time() == time(9)


def test_a_declined_time_is_avoided_with_an_hour_either_side_and_the_reason_is_given() -> None:
    declined = refused(datetime(2027, 1, 5, 9, tzinfo=STOCKHOLM))
    series = planned(replace(lena(), avoid=(declined,)))
    starts = {local_minutes(o.original_start) for o in series.occurrences}
    # 09:00-09:30 refused: nothing may start before 10:30 (the check-in plus an hour)
    assert starts == {10 * 60 + 30}, str(series.explanation)
    assert "Avoiding Tuesdays 09:00, which Lena declined." in str(series.explanation)
    for alternative in series.alternatives:
        assert local_minutes(alternative.first_start) >= 10 * 60 + 30


def test_rejecting_again_and_again_never_gives_an_overlapping_time() -> None:
    request = lena(hours=(9, 17))
    times: list[int] = []
    for round_ in range(3):
        series = planned(request)
        start = series.first_start.astimezone(STOCKHOLM)
        for earlier in times:
            assert abs(local_minutes(start) - earlier) >= 30 + 60, (round_, str(series.explanation))
        times.append(local_minutes(start))
        rejected = refused(start, "Karin rejected")
        request = replace(request, avoid=(*request.avoid, rejected))
    assert "which Karin rejected" in str(series.explanation)


def test_when_only_the_refused_time_is_free_the_planner_says_so_instead_of_repeating() -> None:
    declined = refused(datetime(2027, 1, 5, 9, tzinfo=STOCKHOLM))
    (outcome,) = plan([replace(lena(hours=(9, 10)), avoid=(declined,))], inputs(NOW))
    assert isinstance(outcome, PlanFailure), outcome
    assert "refused lately (Tuesdays 09:00, which Lena declined)" in str(outcome.reason)
    assert "none is proposed again" in str(outcome.reason)


def test_a_refusal_older_than_its_weeks_no_longer_counts() -> None:
    declined = refused(datetime(2027, 1, 5, 9, tzinfo=STOCKHOLM), until=NOW)
    series = planned(replace(lena(), avoid=(declined,)))
    assert series.first_start.astimezone(STOCKHOLM).time() == time(9)
    assert "Avoiding" not in str(series.explanation)


def test_the_refused_wall_clock_is_read_in_the_organisers_zone() -> None:
    # refused as 03:00 New York, which is 09:00 in Karin's Stockholm
    new_york = ZoneInfo("America/New_York")
    declined = RefusedTime(
        datetime(2027, 1, 5, 3, tzinfo=new_york),
        30,
        "America/New_York",
        NOW + timedelta(weeks=8),
        "Lena declined",
    )
    series = planned(replace(lena(), avoid=(declined,)))
    assert local_minutes(series.first_start) == 10 * 60 + 30


def test_a_booked_date_that_must_move_is_not_moved_onto_a_refused_time() -> None:
    """Lena declined Tuesdays 09:00; the series that replaced it meets at 11:00. When a
    meeting takes 10:30-12:00 one Tuesday, the nearest free time (10:00) is within an hour
    of the refused one: the date moves after the meeting instead."""
    request = replace(lena(), avoid=(refused(datetime(2027, 1, 5, 9, tzinfo=STOCKHOLM)),))
    first = datetime(2027, 2, 2, 11, tzinfo=STOCKHOLM)
    busy_day = first + timedelta(weeks=2)
    meeting = BusyBlock(busy_day - timedelta(minutes=30), busy_day + timedelta(hours=1))
    booked = BookedPair(request, first, ())
    (dates,) = maintain([booked], inputs(NOW, busy={"lena@example.com": [meeting]})).values()
    [moved] = [o for o in dates if o.original_start == busy_day]
    assert moved.status is OccurrenceStatus.MOVED, moved
    assert local_minutes(moved.start) >= 12 * 60, moved
    assert all(o.status is OccurrenceStatus.OK for o in dates if o is not moved)
