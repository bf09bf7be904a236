"""How often a pair meets: parsing the roster's words, the RRULE, and the dates it produces."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta

from sync.model.weekdays import RRULE_DAYS

CADENCE_CHOICES = "weekly, biweekly, every N weeks, monthly"
_EVERY_N_WEEKS = re.compile(r"every\s+(\d+)\s+weeks?")
MAX_WEEKS = 8
ONE_OFF_LABEL = "once"
"""What a one-off check-in keeps where a series keeps its cadence."""
_AVERAGE_MONTH_DAYS = 30.44


@dataclass(frozen=True)
class Cadence:
    """Either every `weeks` weeks on one weekday, or monthly on the same nth weekday."""

    weeks: int = 1
    monthly: bool = False

    @classmethod
    def parse(cls, text: str) -> Cadence:
        words = " ".join(str(text).lower().split())
        if words == "weekly":
            return cls(1)
        if words == "biweekly":
            return cls(2)
        if words == "monthly":
            return cls(monthly=True)
        match = _EVERY_N_WEEKS.fullmatch(words)
        if match:
            weeks = int(match.group(1))
            if 1 <= weeks <= MAX_WEEKS:
                return cls(weeks)
            raise ValueError(f'"{text}": N must be between 1 and {MAX_WEEKS}')
        raise ValueError(f'"{text}" is not one of {CADENCE_CHOICES}')

    @classmethod
    def from_rrule(cls, rule: str) -> Cadence:
        """The cadence of a rule this service wrote (the inverse of `rrule`)."""
        parts = dict(part.split("=", 1) for part in rule.removeprefix("RRULE:").split(";"))
        if parts.get("FREQ") == "MONTHLY":
            return cls(monthly=True)
        if parts.get("FREQ") != "WEEKLY":
            raise ValueError(f"not a check-in rule: {rule}")
        return cls(int(parts.get("INTERVAL", "1")))

    @property
    def label(self) -> str:
        if self.monthly:
            return "monthly"
        if self.weeks == 1:
            return "weekly"
        if self.weeks == 2:
            return "biweekly"
        return f"every {self.weeks} weeks"

    @property
    def average_days(self) -> float:
        return _AVERAGE_MONTH_DAYS if self.monthly else 7.0 * self.weeks

    def is_more_often_than(self, other: Cadence) -> bool:
        return self.average_days < other.average_days

    @property
    def phases(self) -> int:
        """How many distinct first weeks a series can start in (a biweekly series has two)."""
        return 4 if self.monthly else self.weeks

    def rrule(self, first: date) -> str:
        day = RRULE_DAYS[first.weekday()]
        if self.monthly:
            return f"FREQ=MONTHLY;BYDAY={nth_weekday_of_month(first)}{day}"
        if self.weeks == 1:
            return f"FREQ=WEEKLY;BYDAY={day}"
        return f"FREQ=WEEKLY;INTERVAL={self.weeks};BYDAY={day}"

    def dates(self, first: date, last: date) -> Iterator[date]:
        """Every date the rule produces from `first` up to and including `last`."""
        if not self.monthly:
            step = timedelta(weeks=self.weeks)
            current = first
            while current <= last:
                yield current
                current += step
            return
        nth = nth_weekday_of_month(first)
        year, month = first.year, first.month
        while True:
            current = nth_weekday(year, month, first.weekday(), nth)
            if current > last:
                return
            yield current
            year, month = (year + 1, 1) if month == 12 else (year, month + 1)

    def __str__(self) -> str:
        return self.label


def nth_weekday_of_month(day: date) -> int:
    """1..4 for the first to fourth such weekday; -1 for a fifth one (meaning "last")."""
    nth = (day.day - 1) // 7 + 1
    return -1 if nth == 5 else nth


def nth_weekday(year: int, month: int, weekday: int, nth: int) -> date:
    if nth == -1:
        following = date(year + (month == 12), month % 12 + 1, 1)
        last = following - timedelta(days=1)
        return last - timedelta(days=(last.weekday() - weekday) % 7)
    first = date(year, month, 1)
    return first + timedelta(days=(weekday - first.weekday()) % 7 + 7 * (nth - 1))
