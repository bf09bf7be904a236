"""English is worded without loading Babel (sync/model/english.py, the ISO date in
sync/plumbing/i18n.py), in the very words Babel's English data gives."""

from __future__ import annotations

from datetime import date

from babel.dates import format_date, get_day_names
from babel.lists import format_list
from hypothesis import given
from hypothesis import strategies as st

from sync.model.english import SHORT_WEEKDAYS, english_list
from sync.plumbing.i18n import ISO_DAY, Language, available_languages


def test_short_weekdays_are_babels() -> None:
    names = get_day_names("abbreviated", locale="en")
    assert tuple(names[day] for day in range(7)) == SHORT_WEEKDAYS


@given(st.lists(st.text(max_size=12), max_size=6))
def test_lists_are_joined_as_babel_joins_them(items: list[str]) -> None:
    assert english_list(tuple(items)) == format_list(items, locale="en")


@given(st.dates(min_value=date(1, 1, 1)))
def test_an_iso_date_is_written_as_babel_writes_it_in_every_language(day: date) -> None:
    for code in available_languages():
        assert Language(code).date(day, ISO_DAY) == format_date(day, ISO_DAY, locale=code)
