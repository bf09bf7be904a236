"""Where a replaced series stops: it keeps no date that ends after its replacement begins,
and its UNTIL names the last date it keeps (RFC 5545 counts UNTIL as included)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from sync.model.series_end import keeps, last_date, last_kept
from sync.model.values import Occurrence, OccurrenceStatus

STOCKHOLM = "Europe/Stockholm"
TUESDAY_0845 = datetime(2027, 1, 5, 8, 45, tzinfo=ZoneInfo(STOCKHOLM))


def weekly_until(cut: datetime, *, occurrences: tuple[Occurrence, ...] = ()) -> datetime | None:
    return last_kept(TUESDAY_0845, STOCKHOLM, "weekly", 30, occurrences, cut)


def test_the_replacements_first_date_is_not_kept_even_on_the_same_slot() -> None:
    cut = TUESDAY_0845 + timedelta(weeks=2)
    assert weekly_until(cut) == (TUESDAY_0845 + timedelta(weeks=1)).astimezone(UTC)
    assert not keeps(weekly_until(cut), cut)


def test_an_earlier_date_the_same_day_is_kept_only_if_it_is_over_before() -> None:
    same_day = TUESDAY_0845 + timedelta(weeks=2)
    # 08:45-09:15 runs into a new series starting at 09:00: that day is not kept
    overlapping = weekly_until(same_day + timedelta(minutes=15))
    assert overlapping == (TUESDAY_0845 + timedelta(weeks=1)).astimezone(UTC)
    # a new series at 09:15 starts as the old date ends: both stand
    assert weekly_until(same_day + timedelta(minutes=30)) == same_day.astimezone(UTC)


def test_a_date_moved_past_the_replacements_start_ends_the_series_before_it() -> None:
    original = (TUESDAY_0845 + timedelta(weeks=1)).astimezone(UTC)
    moved = Occurrence(
        original,
        original + timedelta(days=2),
        original + timedelta(days=2, minutes=30),
        OccurrenceStatus.MOVED,
        "a conflict",
    )
    cut = original + timedelta(days=1)
    assert weekly_until(cut, occurrences=(moved,)) == TUESDAY_0845.astimezone(UTC)


def test_a_skipped_date_before_the_replacement_is_kept_as_skipped() -> None:
    original = (TUESDAY_0845 + timedelta(weeks=1)).astimezone(UTC)
    skipped = Occurrence(
        original, original, original + timedelta(minutes=30), OccurrenceStatus.SKIPPED, "away"
    )
    cut = original + timedelta(minutes=10)
    assert weekly_until(cut, occurrences=(skipped,)) == original


def test_a_series_replaced_before_its_first_date_keeps_nothing() -> None:
    assert weekly_until(TUESDAY_0845) is None
    assert weekly_until(TUESDAY_0845 + timedelta(minutes=29)) is None


def test_wall_clock_time_holds_across_daylight_saving() -> None:
    # Stockholm moves to summer time on 2027-03-28: the series stays at 08:45 local
    cut = datetime(2027, 4, 6, 8, 45, tzinfo=ZoneInfo(STOCKHOLM))
    assert weekly_until(cut) == datetime(2027, 3, 30, 6, 45, tzinfo=UTC)


def test_an_end_read_from_a_calendar_becomes_the_last_dates_start() -> None:
    # Graph's endDate 2027-01-19 read as the last moment of that day
    end_of_day = datetime(2027, 1, 20, tzinfo=ZoneInfo(STOCKHOLM)) - timedelta(microseconds=1)
    expected = (TUESDAY_0845 + timedelta(weeks=2)).astimezone(UTC)
    assert last_date(TUESDAY_0845, STOCKHOLM, "weekly", end_of_day) == expected
    assert last_date(TUESDAY_0845, STOCKHOLM, "weekly", expected) == expected
    a_week_on = expected - timedelta(weeks=1)
    assert last_date(TUESDAY_0845, STOCKHOLM, "biweekly", a_week_on) == TUESDAY_0845.astimezone(UTC)
