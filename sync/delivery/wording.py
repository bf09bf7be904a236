"""Wording what the planner said for a reader: in their language, with holidays named as
the holidays package names them there (sync/config/days_off.py)."""

from __future__ import annotations

from datetime import date

from sync.model.said import Holiday
from sync.model.words import Wording
from sync.plumbing.i18n import Language


def wording(code: str) -> Wording:
    """How readers of the language `code` ("sv") read what the planner said."""
    return Wording(Language(code), _holiday_in)


def _holiday_in(holiday: Holiday, code: str) -> str:
    # the holidays package loads its countries when a holiday is first named, not with the
    # wording: `proposals` and the web page mostly name none, and answer sooner without it
    from sync.config.days_off import holiday_name_in

    day = date.fromisoformat(holiday.day)
    return holiday_name_in(holiday.region, holiday.categories, day, code) or holiday.name
