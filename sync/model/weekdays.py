"""Weekday names as people write them in people.toml and as RFC 5545 writes them."""

from __future__ import annotations

WEEKDAY_NAMES = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
WEEKDAY_TITLES = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
WEEKDAY_PLURALS = (
    "Mondays",
    "Tuesdays",
    "Wednesdays",
    "Thursdays",
    "Fridays",
    "Saturdays",
    "Sundays",
)
RRULE_DAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")


def parse_weekday(text: str) -> int:
    key = text.strip().lower()[:3]
    if key in WEEKDAY_NAMES and text.strip().lower() in (key, _full(key)):
        return WEEKDAY_NAMES.index(key)
    raise ValueError(f'"{text}" is not a weekday (mon, tue, wed, thu, fri, sat, sun)')


def _full(key: str) -> str:
    return {
        "mon": "monday",
        "tue": "tuesday",
        "wed": "wednesday",
        "thu": "thursday",
        "fri": "friday",
        "sat": "saturday",
        "sun": "sunday",
    }[key]
