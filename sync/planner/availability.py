"""When a person can meet at all: working days and hours in their own zone, minus the
holidays of their country and any paused span. Busy time is handled separately."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from sync.config.days_off import holiday_name
from sync.model.said import Day, Holiday, Said, Weekday, say
from sync.model.timefmt import zone_label
from sync.model.values import DateSpan, Interval, Person
from sync.planner.intervals import Spans


def local(instant: datetime, zone: str) -> datetime:
    return instant.astimezone(ZoneInfo(zone))


class Availability:
    """One person's workable time, evaluated in their own zone."""

    def __init__(self, person: Person, paused: DateSpan | None = None) -> None:
        self.person = person
        self.zone = ZoneInfo(person.timezone)
        self.paused = paused

    def holiday(self, day: date) -> str | None:
        """The holiday that gives the person `day` off, if any."""
        return holiday_name(self.person.holidays, self.person.holiday_categories, day)

    def is_workday(self, day: date) -> bool:
        return (
            day.weekday() in self.person.working_days
            and self.holiday(day) is None
            and not (self.paused and self.paused.contains(day))
        )

    def working_spans(self, window: Interval) -> Spans:
        """Working hours on working days that touch `window`, as UTC intervals."""
        hours = self.person.working_hours
        first = window.start.astimezone(self.zone).date() - timedelta(days=1)
        last = window.end.astimezone(self.zone).date() + timedelta(days=1)
        spans: Spans = []
        day = first
        while day <= last:
            if self.is_workday(day):
                start = datetime.combine(day, hours.start, self.zone).astimezone(UTC)
                end = datetime.combine(day, hours.end, self.zone).astimezone(UTC)
                if start < window.end and window.start < end:
                    spans.append(Interval(max(start, window.start), min(end, window.end)))
            day += timedelta(days=1)
        return spans

    def why_unavailable(self, start: datetime, end: datetime) -> Said | None:
        """Why the person cannot meet in [start, end) regardless of busy time."""
        local_start, local_end = start.astimezone(self.zone), end.astimezone(self.zone)
        day = local_start.date()
        if self.paused and self.paused.contains(day):
            return say(
                "%(name)s's check-ins are paused from %(first)s to %(last)s",
                name=self.person.first_name,
                first=Day.of(self.paused.start),
                last=Day.of(self.paused.end),
            )
        holiday = self.holiday(day)
        if holiday:
            person = self.person
            named = Holiday(person.holidays, person.holiday_categories, day.isoformat(), holiday)
            return say(
                "it is a holiday for %(name)s (%(holiday)s)",
                name=self.person.first_name,
                holiday=named,
            )
        if day.weekday() not in self.person.working_days:
            return say(
                "%(name)s does not work on %(weekdays)s",
                name=self.person.first_name,
                weekdays=Weekday(day.weekday(), "plural"),
            )
        hours = self.person.working_hours
        if local_end.date() != day or not hours.contains(local_start.time(), local_end.time()):
            return say(
                "it is outside %(name)s's working hours (%(hours)s)",
                name=self.person.first_name,
                hours=f"{hours} {zone_label(self.person.timezone)}",
            )
        return None


def next_workdays(availability: Availability, after: date, count: int) -> list[date]:
    """The person's next `count` working days after `after` (holidays and paused days left
    out). Bounded, so someone who never works gets a short list rather than a hang."""
    days: list[date] = []
    day = after
    for _ in range(366):
        if len(days) == count:
            break
        day += timedelta(days=1)
        if availability.is_workday(day):
            days.append(day)
    return days
