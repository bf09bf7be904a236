"""The week picture: both people's busy time across the working week of a proposal, with the
proposed time and the other times the planner found marked. A grid of quarter hours, laid
out by the approval page (with its style sheet) and the digest (with inline styles, as mail
programs want): plain values, so each only draws them."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

from sync.delivery.week_cells import BUSY, FREE, OTHER, SLOT, DayGrid, SortedSpans
from sync.model.timefmt import in_week, on_day
from sync.model.values import Interval, first_name
from sync.model.week_busy import WORKING_DAYS, WeekBusy
from sync.plumbing.i18n import ENGLISH, Language
from sync.store import ProposalRecord

STEP = timedelta(minutes=15)
FIRST_HOUR, LAST_HOUR = 8, 18
"""The hours always shown; a slot outside them widens the picture."""


@dataclass(frozen=True)
class PictureRow:
    day: str
    """The day's label on its first row ("Mon 1 Feb"); empty on the second."""
    who: str
    cells: tuple[str, ...]


@dataclass(frozen=True)
class WeekPicture:
    hours: tuple[str, ...]
    """The label of each hour column ("08" …); each hour is four cells."""
    rows: tuple[PictureRow, ...]
    summary: str
    """The picture in words, for screen readers and the plain-text email."""
    lines: tuple[str, ...]
    """The plain-text drawing: a line of hours, then one per row ("#" busy, "P" proposed,
    "o" other times)."""


def week_picture(
    week: WeekBusy,
    zone: str,
    slot: Interval,
    others: Sequence[Interval],
    employee_name: str,
    language: Language = ENGLISH,
) -> WeekPicture:
    """The picture in `zone` (the viewer's). `slot` and `others` are first dates; each is
    shown on its weekday and time in this week, as a weekly rule repeats it."""
    tz = ZoneInfo(zone)
    monday = week.monday.astimezone(tz).replace(hour=0, minute=0, second=0, microsecond=0)
    proposed = _in_week(slot, monday, tz)
    alternatives = [_in_week(other, monday, tz) for other in others]
    first, last = _hours(monday, tz, [proposed, *alternatives])
    you = language.gettext("You")
    name = first_name(employee_name, employee_name)
    rows = []
    busy = ((you, SortedSpans.of(week.manager)), (name, SortedSpans.of(week.employee)))
    for number in range(WORKING_DAYS):
        day = monday + timedelta(days=number)
        label = in_week(day.date(), language)
        grid = _day_grid(day.date(), first, last, tz)
        for who, spans in busy:
            cells = grid.cells(spans, proposed, alternatives)
            rows.append(PictureRow(label if who == you else "", who, cells))
    summary = language.gettext(
        "Busy time of you and %(name)s in the week of %(day)s, in your zone; the proposed "
        "time is marked.",
        name=name,
        day=on_day(monday.date(), language),
    )
    marks = {FREE: ".", BUSY: "#", SLOT: "P", OTHER: "o"}
    width = max(len(row.day) for row in rows) + 1
    who_width = max(len(row.who) for row in rows) + 1
    hours = tuple(f"{hour:02d}" for hour in range(first, last))
    lines = (
        " " * (width + who_width) + "".join(f"{hour:<4}" for hour in hours).rstrip(),
        *(
            f"{row.day:<{width}}{row.who:<{who_width}}{''.join(marks[c] for c in row.cells)}"
            for row in rows
        ),
    )
    return WeekPicture(
        hours=hours,
        rows=tuple(rows),
        summary=summary,
        lines=lines,
    )


def _in_week(span: Interval, monday: datetime, tz: ZoneInfo) -> Interval:
    """`span` moved to the same weekday and time of the week that starts at `monday`."""
    local = span.start.astimezone(tz)
    day = monday + timedelta(days=local.weekday())
    start = _local(day, 0, tz) + timedelta(hours=local.hour, minutes=local.minute)
    return Interval(start, start + (span.end - span.start))


def _local(day: datetime, hour: int, tz: ZoneInfo) -> datetime:
    """`hour`:00 on `day`'s date, as the wall clock in `tz` shows it."""
    return datetime(day.year, day.month, day.day, hour, tzinfo=tz)


@lru_cache(maxsize=1024)
def _day_grid(calendar_day: date, first: int, last: int, tz: ZoneInfo) -> DayGrid:
    """The quarters of `calendar_day` from `first`:00 to `last`:00 in `tz`, made once for
    every picture that shows that day: a manager's team is mostly proposed the same weeks,
    in the manager's zone."""
    start = datetime(calendar_day.year, calendar_day.month, calendar_day.day, first, tzinfo=tz)
    return DayGrid.of(start, 4 * (last - first), STEP)


def _hours(monday: datetime, tz: ZoneInfo, marked: Sequence[Interval]) -> tuple[int, int]:
    first, last = FIRST_HOUR, LAST_HOUR
    for span in marked:
        start, end = span.start.astimezone(tz), span.end.astimezone(tz)
        first = min(first, start.hour)
        last = max(last, end.hour + (1 if end.minute else 0))
    return first, min(last, 24)


def proposal_picture(
    record: ProposalRecord, zone: str, language: Language = ENGLISH
) -> WeekPicture | None:
    """The picture of a stored proposal; None for one made before its week was kept."""
    week = record.week_busy.decoded() if record.week_busy is not None else None
    if week is None:
        return None
    length = timedelta(minutes=record.duration)
    others = []
    for raw in record.alternatives:
        try:
            start = datetime.fromisoformat(raw["first_start"])
        except (KeyError, TypeError, ValueError):
            continue  # an unreadable alternative is not offered, nor drawn
        others.append(Interval(start, start + length))
    slot = Interval(record.first_start, record.first_start + length)
    return week_picture(week, zone, slot, others, record.employee_name, language)
