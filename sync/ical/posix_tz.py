"""The POSIX TZ string at the end of a TZif file (RFC 8536 3.3): a zone's current rule, e.g.
`GMT0BST,M3.5.0/1,M10.5.0` (London) or `AEST-10AEDT,M10.1.0,M4.1.0/3` (Sydney).

It is parsed into the onsets of its two local times for any year, and, where the dates are
"the nth (or last) weekday of a month", into the yearly RRULE that states the same dates.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from sync.ical.tzif import LocalTime

_NAME = r"(?:<[A-Za-z0-9+-]+>|[A-Za-z]{3,})"
_OFFSET = r"[+-]?\d{1,3}(?::\d{1,2}){0,2}"
_DATE = r"(?:J\d{1,3}|\d{1,3}|M\d{1,2}\.\d\.\d)"
_PATTERN = re.compile(
    rf"(?P<std>{_NAME})(?P<std_offset>{_OFFSET})"
    rf"(?:(?P<dst>{_NAME})(?P<dst_offset>{_OFFSET})?"
    rf",(?P<start>{_DATE})(?:/(?P<start_time>{_OFFSET}))?"
    rf",(?P<end>{_DATE})(?:/(?P<end_time>{_OFFSET}))?)?"
)
_WEEKDAYS = ("SU", "MO", "TU", "WE", "TH", "FR", "SA")  # POSIX counts from Sunday = 0
_SHORTEST_MONTH = (31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)


@dataclass(frozen=True)
class Change:
    """The day a local time begins each year and its local wall time then (in the local time
    it ends), as the TZ string states it."""

    day: str
    """`Mm.w.d`, `Jn` or `n`."""
    seconds: int
    """After midnight; may be negative or exceed a day (RFC 8536 3.3.1)."""

    def local_onset(self, year: int) -> datetime:
        return datetime.combine(self._date(year), datetime.min.time()) + timedelta(
            seconds=self.seconds
        )

    def _date(self, year: int) -> date:
        if self.day.startswith("M"):
            month, week, weekday = (int(part) for part in self.day[1:].split("."))
            first = date(year, month, 1)
            # date.weekday() counts from Monday = 0, POSIX from Sunday = 0
            day = first + timedelta(days=(weekday - (first.weekday() + 1)) % 7)
            day += timedelta(weeks=week - 1)
            while day.month != month:  # week 5 is "the last", which may be the 4th
                day -= timedelta(weeks=1)
            return day
        if self.day.startswith("J"):  # 1..365, February 29 never counted
            n = int(self.day[1:])
            leap = year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)
            return date(year, 1, 1) + timedelta(days=n - 1 + (leap and n >= 60))
        return date(year, 1, 1) + timedelta(days=int(self.day))  # 0..365, Feb 29 counted

    def rrule(self) -> dict[str, object] | None:
        """The yearly RRULE (as icalendar's vRecur takes it) whose dates are this change's
        dates at its time of day, or None where no simple rule states them."""
        if not self.day.startswith("M"):
            return None
        month, week, weekday = (int(part) for part in self.day[1:].split("."))
        shift = self.seconds // 86400  # whole days the time of day moves the date
        if shift == 0:
            nth = -1 if week == 5 else week
            return {"FREQ": "YEARLY", "BYMONTH": month, "BYDAY": f"{nth}{_WEEKDAYS[weekday]}"}
        # e.g. Jerusalem's M3.4.4/26: the Friday after the fourth Thursday, 02:00. A week of
        # possible days moved by `shift`, with the shifted weekday, says the same if that week
        # stays inside the month in every year.
        days = (
            range(-7 + shift, shift)
            if week == 5
            else range(7 * week - 6 + shift, 7 * week + 1 + shift)
        )
        if week == 5 and not days.stop <= 0:
            return None
        if week != 5 and not (days.start >= 1 and days.stop - 1 <= _SHORTEST_MONTH[month - 1]):
            return None
        return {
            "FREQ": "YEARLY",
            "BYMONTH": month,
            "BYDAY": _WEEKDAYS[(weekday + shift) % 7],
            "BYMONTHDAY": list(days),
        }


@dataclass(frozen=True)
class PosixRule:
    standard: LocalTime
    daylight: LocalTime | None
    """None: the same local time all year."""
    starts: Change | None
    """When `daylight` begins (in `standard` wall time)."""
    ends: Change | None
    """When it ends (in `daylight` wall time)."""

    def changes(self, year: int) -> list[tuple[datetime, LocalTime, LocalTime]]:
        """This year's changes as (UTC instant, local time before, local time after)."""
        if self.daylight is None or self.starts is None or self.ends is None:
            return []
        found = [
            (self.starts.local_onset(year) - _delta(self.standard), self.standard, self.daylight),
            (self.ends.local_onset(year) - _delta(self.daylight), self.daylight, self.standard),
        ]
        return sorted((at.replace(tzinfo=UTC), before, after) for at, before, after in found)


def parse_posix_tz(text: str) -> PosixRule | None:
    """The rule `text` states; None if it is empty or not in the form RFC 8536 describes."""
    match = _PATTERN.fullmatch(text)
    if match is None:
        return None
    standard = LocalTime(-_seconds(match["std_offset"]), False, _name(match["std"]))
    if match["dst"] is None:
        return PosixRule(standard, None, None, None)
    daylight_offset = (
        -_seconds(match["dst_offset"]) if match["dst_offset"] else standard.offset + 3600
    )
    daylight = LocalTime(daylight_offset, True, _name(match["dst"]))
    starts = Change(match["start"], _seconds(match["start_time"] or "2"))
    ends = Change(match["end"], _seconds(match["end_time"] or "2"))
    return PosixRule(standard, daylight, starts, ends)


def _seconds(text: str) -> int:
    sign = -1 if text.startswith("-") else 1
    parts = [int(part) for part in text.lstrip("+-").split(":")]
    hours, minutes, seconds = [*parts, 0, 0][:3]
    return sign * (hours * 3600 + minutes * 60 + seconds)


def _name(text: str) -> str:
    return text.strip("<>")


def _delta(local: LocalTime) -> timedelta:
    return timedelta(seconds=local.offset)
