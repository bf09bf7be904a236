"""Wording what the planner said for a reader: in their language, with holidays named as
the holidays package names them there (sync/config/days_off.py)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from sync.delivery.holiday_names import HolidayNames
from sync.model.said import Holiday
from sync.model.timefmt import DAY
from sync.model.words import Wording
from sync.plumbing.i18n import Language


def wording(code: str, names: HolidayNames | None = None) -> Wording:
    """How readers of the language `code` ("sv") read what the planner said; dates as the
    catalogue writes them in a sentence (ISO in English), for operators. Holidays are named
    from `names` where it has them (`kept_names`)."""
    return Wording(Language(code), names.name if names else _holiday_in)


def kept_names(path: Path) -> HolidayNames:
    """Holidays' names kept in `path` between commands (sync/delivery/holiday_names.py)."""
    return HolidayNames(path, _holiday_in)


def managers_wording(code: str) -> Wording:
    """As `wording`, with dates as the manager's page and emails write every date ("Mon 15
    Feb 2027"), so a sentence's dates and the list of dates beside it read alike."""
    return Wording(Language(code), _holiday_in, DAY)


def _holiday_in(holiday: Holiday, code: str) -> str:
    # the holidays package loads its countries when a holiday is first named, not with the
    # wording: `proposals` and the web page mostly name none, and answer sooner without it
    from sync.config.days_off import holiday_name_in

    day = date.fromisoformat(holiday.day)
    return holiday_name_in(holiday.region, holiday.categories, day, code) or holiday.name
