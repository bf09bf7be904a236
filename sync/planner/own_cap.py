"""A middle manager's own check-ins count toward their daily cap.

`max_checkins_per_day` is about a manager's day: a check-in with their own manager is one
more check-in in it. When the planner places a check-in of a pair whose employee manages a
team too, the employee's local days that already hold their cap are not free for it, just
as the manager's full days are not (see `_FreeTime.under_cap`)."""

from __future__ import annotations

from collections import Counter
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sync.planner.ticks import FreeTime, tick


def full_days(
    zone: str, cap: int | None, everything: Counter[date], own_series: Counter[date]
) -> FreeTime:
    """The person's local days (as spans of ticks) whose check-ins, besides the pair's own
    series (`own_series`, which is being placed again), already reach `cap`; none without
    a cap (someone who manages nobody)."""
    if cap is None:
        return []
    local = ZoneInfo(zone)
    days = sorted(day for day, count in everything.items() if count - own_series[day] >= cap)
    return [
        (
            tick(datetime.combine(day, time(0), local)),
            tick(datetime.combine(day + timedelta(days=1), time(0), local)),
        )
        for day in days
    ]
