"""Wording what the planner said for a reader: in their language, with holidays named as
the holidays package names them there (sync/days_off.py)."""

from __future__ import annotations

from datetime import date

from sync.days_off import holiday_name_in
from sync.i18n import Language
from sync.said import Holiday
from sync.words import Wording


def wording(code: str) -> Wording:
    """How readers of the language `code` ("sv") read what the planner said."""
    return Wording(Language(code), _holiday_in)


def _holiday_in(holiday: Holiday, code: str) -> str:
    day = date.fromisoformat(holiday.day)
    return holiday_name_in(holiday.region, holiday.categories, day, code) or holiday.name
