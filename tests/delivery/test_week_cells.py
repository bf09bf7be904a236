"""The week picture's cells are found by bisecting, not by judging each quarter hour against
each busy span; whatever the busy time (spans across midnight, overlapping, unsorted, in
other zones than the viewer's, on the days clocks change), every cell is what the plain rule
says of the whole week's spans."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sync.delivery import week_cells
from sync.delivery.week_cells import DayGrid, SortedSpans, plain_kind
from sync.delivery.week_picture import STEP, _in_week, week_picture
from sync.model.values import Interval
from sync.model.week_busy import WeekBusy

ZONES = [
    "Europe/Stockholm",
    "America/New_York",
    "Asia/Kolkata",
    "Australia/Lord_Howe",  # a half-hour clock change
    "America/Sao_Paulo",
    "Asia/Jerusalem",  # clocks go forward on a Friday
    "Africa/Cairo",  # forward on a Friday, back on a Thursday, at midnight
]
MONDAYS = [
    datetime(2027, 3, 8),  # a plain week
    datetime(2027, 3, 15),  # New York went forward on Sunday 14 March
    datetime(2027, 3, 22),  # Jerusalem forward on Friday 26 March, Europe on Sunday 28
    datetime(2027, 3, 29),
    datetime(2027, 4, 5),  # Lord Howe goes back on Sunday 4 April
    datetime(2027, 4, 26),  # Cairo goes forward on Friday 30 April
    datetime(2027, 10, 4),  # Lord Howe goes forward on Sunday 3 October
    datetime(2027, 10, 25),  # Cairo goes back on Thursday 28 October
    datetime(2027, 11, 1),  # New York goes back on Sunday 7 November
]
SPAN_ZONES = [
    UTC,
    timezone(timedelta(hours=5, minutes=30)),  # as a stored week reads back
    *(ZoneInfo(zone) for zone in ZONES),
]


@st.composite
def spans(
    draw: st.DrawFn, monday: datetime, days: tuple[int, int] = (-2, 7)
) -> tuple[Interval, ...]:
    """Spans from the Saturday before to the Sunday after (or starting within `days`), any
    length (some across midnight), each end in any zone, in no particular order."""
    found = []
    first, last = (monday + timedelta(days=day) for day in days)
    for _ in range(draw(st.integers(0, 25))):
        minutes = int((last - first).total_seconds()) // 60
        start = first + timedelta(minutes=draw(st.integers(0, minutes)))
        end = start + timedelta(minutes=draw(st.sampled_from([1, 10, 15, 45, 90, 600, 2000])))
        found.append(
            Interval(
                start.astimezone(draw(st.sampled_from(SPAN_ZONES))),
                end.astimezone(draw(st.sampled_from(SPAN_ZONES))),
            )
        )
    return tuple(found)


def plain_rows(
    week: WeekBusy, viewer: str, slot: Interval, others: list[Interval], hours: tuple[str, ...]
) -> list[tuple[str, ...]]:
    """The picture's cells the straightforward way: each quarter against every span."""
    tz = ZoneInfo(viewer)
    monday = week.monday.astimezone(tz).replace(hour=0, minute=0, second=0, microsecond=0)
    proposed = _in_week(slot, monday, tz)
    alternatives = [_in_week(other, monday, tz) for other in others]
    rows = []
    for number in range(5):
        day = monday + timedelta(days=number)
        start = datetime(day.year, day.month, day.day, int(hours[0]), tzinfo=tz)
        quarters = [
            Interval(start + STEP * n, start + STEP * (n + 1)) for n in range(4 * len(hours))
        ]
        for busy in (week.manager, week.employee):
            rows.append(tuple(plain_kind(q, busy, proposed, alternatives) for q in quarters))
    return rows


@settings(max_examples=150, deadline=None)
@given(data=st.data())
def test_every_cell_is_what_the_plain_rule_says(data: st.DataObject) -> None:
    week_zone = ZoneInfo(data.draw(st.sampled_from(ZONES)))
    viewer = data.draw(st.sampled_from(ZONES))
    monday = data.draw(st.sampled_from(MONDAYS)).replace(tzinfo=week_zone)
    week = WeekBusy(monday, data.draw(spans(monday)), data.draw(spans(monday)))
    # a slot early in the day widens the picture into the hours a clock change touches
    first = monday + timedelta(
        days=data.draw(st.integers(0, 4)),
        hours=data.draw(st.sampled_from([0, 1, 2, 3, 7, 10, 16, 22])),
        minutes=data.draw(st.sampled_from([0, 15, 30, 40])),
    )
    slot = Interval(first, first + timedelta(minutes=data.draw(st.sampled_from([15, 30, 60]))))
    shifts = data.draw(st.lists(st.sampled_from([-3, 2, 5, 26]), max_size=3))
    others = [
        Interval(slot.start + timedelta(hours=h), slot.end + timedelta(hours=h)) for h in shifts
    ]
    picture = week_picture(week, viewer, slot, others, "Lena Berg")
    assert [row.cells for row in picture.rows] == plain_rows(
        week, viewer, slot, others, picture.hours
    )


GAP_DAYS = [
    ("Asia/Jerusalem", datetime(2027, 3, 22), 4),  # 02:00 is 03:00 on Friday 26 March
    ("Africa/Cairo", datetime(2027, 4, 26), 4),  # 00:00 is 01:00 on Friday 30 April
    ("Africa/Cairo", datetime(2027, 10, 25), 3),  # 24:00 is 23:00 again on Thursday
]


@settings(max_examples=100, deadline=None)
@given(data=st.data())
def test_every_cell_of_a_day_clocks_change_on_is_what_the_plain_rule_says(
    data: st.DataObject,
) -> None:
    """A night hour on the viewer's clock-change day shows the hours the clocks skip or
    repeat, where wall-clock and UTC order differ: spans near them, in any zone."""
    viewer, monday, weekday = data.draw(st.sampled_from(GAP_DAYS))
    tz = ZoneInfo(viewer)
    monday = monday.replace(tzinfo=tz)
    week = WeekBusy(
        monday,
        data.draw(spans(monday, (weekday - 1, weekday + 1))),
        data.draw(spans(monday, (weekday - 1, weekday + 1))),
    )
    first = monday + timedelta(
        days=data.draw(st.integers(0, 4)), hours=data.draw(st.integers(0, 1))
    )
    slot = Interval(first, first + timedelta(minutes=15))
    picture = week_picture(week, viewer, slot, [], "Lena Berg")
    assert [row.cells for row in picture.rows] == plain_rows(week, viewer, slot, [], picture.hours)


def test_an_ordinary_day_is_not_judged_quarter_by_quarter(monkeypatch: pytest.MonkeyPatch) -> None:
    def judged(*_: object) -> str:
        raise AssertionError("a quarter judged one by one")

    monkeypatch.setattr(week_cells, "plain_kind", judged)
    tz = ZoneInfo("Europe/Stockholm")
    monday = datetime(2027, 3, 8, tzinfo=tz)
    busy = tuple(
        Interval(monday + timedelta(hours=h), monday + timedelta(hours=h, minutes=50))
        for h in range(0, 120, 2)
    )
    slot = Interval(monday + timedelta(hours=10), monday + timedelta(hours=10, minutes=30))
    picture = week_picture(WeekBusy(monday, busy, busy), "Europe/Stockholm", slot, [], "Lena")
    assert picture.rows[0].cells[:4] == ("busy", "busy", "busy", "busy")
    assert picture.rows[0].cells[8] == "slot"


def test_a_day_across_a_clock_gap_is_judged_the_plain_way() -> None:
    tz = ZoneInfo("Europe/Stockholm")
    gap = DayGrid.of(datetime(2027, 3, 28, 1, tzinfo=tz), 12, STEP)
    plain = DayGrid.of(datetime(2027, 3, 29, 1, tzinfo=tz), 12, STEP)
    assert not gap.in_order
    assert plain.in_order


def test_only_the_spans_near_a_day_are_placed() -> None:
    monday = datetime(2027, 3, 8, tzinfo=UTC)
    spans = SortedSpans.of(
        [Interval(monday + timedelta(hours=h), monday + timedelta(hours=h + 1)) for h in range(120)]
    )
    tuesday = (monday + timedelta(days=1, hours=8)).timestamp()
    near = spans.near(tuesday, tuesday + 10 * 3600)
    assert [span.start.hour for span in near] == list(range(5, 21))
