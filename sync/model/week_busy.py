"""The pair's busy time in the week of a proposal's first check-in, kept with the proposal
so the approval page and the digest can draw the week. Only when each person is busy, the
way a free/busy query answers: never a title, a place or anyone else's time.

A stored proposal keeps it as its JSON text until it is drawn (`StoredWeekBusy`): a night
keeps every live proposal decoded, and only the digest and the approval page draw the week;
decoded, each span is an interval and two datetimes (some 34 MB at N = 10,000)."""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sync.model.values import BusyBlock, Interval

WORKING_DAYS = 5


@dataclass(frozen=True)
class WeekBusy:
    """Monday 00:00 of the week (in the series' zone) and each person's busy intervals in
    its working days, merged and clipped to it."""

    monday: datetime
    manager: tuple[Interval, ...]
    employee: tuple[Interval, ...]

    def to_json(self) -> str:
        return json.dumps(
            {
                "monday": self.monday.isoformat(),
                "manager": _spans(self.manager),
                "employee": _spans(self.employee),
            }
        )

    def decoded(self) -> WeekBusy:
        """Itself: what a stored week decodes to (see `StoredWeekBusy`)."""
        return self

    @staticmethod
    def from_json(text: str) -> WeekBusy | None:
        """None for proposals made before the week was kept, or an unreadable value."""
        if not text:
            return None
        try:
            data = json.loads(text)
            return WeekBusy(
                datetime.fromisoformat(data["monday"]),
                _intervals(data["manager"]),
                _intervals(data["employee"]),
            )
        except (KeyError, TypeError, ValueError):
            return None


class StoredWeekBusy:
    """A week as the store keeps it, decoded each time it is read (nothing reads it twice
    in a night)."""

    __slots__ = ("text",)

    def __init__(self, text: str) -> None:
        self.text = text

    def decoded(self) -> WeekBusy | None:
        """None for an unreadable value, as `WeekBusy.from_json`."""
        return WeekBusy.from_json(self.text)

    def to_json(self) -> str:
        return self.text

    def __eq__(self, other: object) -> bool:
        if isinstance(other, StoredWeekBusy):
            return self.text == other.text
        return NotImplemented

    def __hash__(self) -> int:
        return hash(self.text)

    def __repr__(self) -> str:
        return f"StoredWeekBusy({self.text!r})"


def stored_week(text: str) -> StoredWeekBusy | None:
    """What a stored proposal holds for its `week_busy` column: None for one made before the
    week was kept."""
    return StoredWeekBusy(text) if text else None


def week_of(
    first_start: datetime,
    zone: str,
    manager: Sequence[BusyBlock],
    employee: Sequence[BusyBlock],
) -> WeekBusy:
    """The working week (Monday to Friday, in `zone`) that holds `first_start`."""
    local = first_start.astimezone(ZoneInfo(zone))
    monday = (local - timedelta(days=local.weekday())).replace(
        hour=0, minute=0, second=0, microsecond=0
    )
    window = Interval(monday, monday + timedelta(days=WORKING_DAYS))
    return WeekBusy(monday, _within(manager, window), _within(employee, window))


def _within(blocks: Iterable[BusyBlock], window: Interval) -> tuple[Interval, ...]:
    clipped = sorted(
        Interval(max(b.start, window.start), min(b.end, window.end))
        for b in blocks
        if b.start < window.end and window.start < b.end
    )
    merged: list[Interval] = []
    for span in clipped:  # overlapping events tell no more than their union
        if merged and span.start <= merged[-1].end:
            merged[-1] = Interval(merged[-1].start, max(merged[-1].end, span.end))
        else:
            merged.append(span)
    return tuple(merged)


def _spans(intervals: Iterable[Interval]) -> list[list[str]]:
    return [[i.start.isoformat(), i.end.isoformat()] for i in intervals]


def _intervals(spans: Iterable[Sequence[str]]) -> tuple[Interval, ...]:
    return tuple(
        Interval(datetime.fromisoformat(start), datetime.fromisoformat(end)) for start, end in spans
    )
