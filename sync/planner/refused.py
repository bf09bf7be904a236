"""Times a pair refused lately (a declined series, a rejected proposal), which its next
proposals keep away from.

Refusing a time says more than "not at that exact minute": 15 minutes later overlaps the
same meeting, or an hour of the day someone keeps for something else. So the whole refused
check-in, widened by an hour on each side, is avoided on its weekday, until `until`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sync.model.said import Said, Weekday, say

MARGIN_MINUTES = 60
"""How far around a refused check-in a new one must stay."""


@dataclass(frozen=True, order=True)
class RefusedTime:
    start: datetime
    """A start of the refused check-in (aware): its weekday and wall-clock time in `timezone`
    are what is avoided."""
    minutes: int
    timezone: str
    """The zone of the refused series' organiser, whose wall clock the series kept."""
    until: datetime
    """Avoided by proposals made before this instant."""
    because: Said = field(compare=False)
    """Who refused it: "Lena declined", "Karin rejected"."""

    def active(self, now: datetime) -> bool:
        return now < self.until

    def blocks(self, weekday: int, minute: int, minutes: int, zone: ZoneInfo) -> bool:
        """Whether a check-in of `minutes` on `weekday` at `minute` after local midnight of
        `zone` (the organiser's) comes within the margin of this refused one."""
        local = self.start.astimezone(zone)
        if local.weekday() != weekday:
            return False
        begin = local.hour * 60 + local.minute - MARGIN_MINUTES
        end = begin + self.minutes + 2 * MARGIN_MINUTES
        return minute < end and minute + minutes > begin

    def phrase(self) -> Said:
        """ "Tuesdays 09:00, which Lena declined", on the refused series' own wall clock."""
        local = self.start.astimezone(ZoneInfo(self.timezone))
        return say(
            "%(weekdays)s %(time)s, which %(who)s",
            weekdays=Weekday(local.weekday(), "plural"),
            time=f"{local:%H:%M}",
            who=self.because,
        )


def refused_until(decided: datetime, first_start: datetime, weeks: int) -> datetime:
    """The end of the avoidance: `weeks` after the refusal, or after the refused series'
    first date if that was later (a proposal is refused before it starts, a series may be
    declined after), so it lasts the same whatever clock recorded the decision."""
    return max(decided, first_start) + timedelta(weeks=weeks)
