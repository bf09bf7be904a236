"""Sentences the planner and the night made (sync/model/said.py), in a language.

Each msgid is looked up in the language's catalogue, its values worded first: dates and
weekdays with the language's own names and formats (Babel's CLDR data), lists with the
language's "and". Holidays are named by `name_holiday`: in English by the name the planner
kept; sync/delivery/wording.py gives readers of other languages the holidays package's names.

Dates follow the catalogue's pattern for a date in a sentence (ISO in English, which operators
grep in logs and run reports) unless a Wording says its own: the manager's page and emails
write them as they write every other date (sync/model/timefmt.py).

English weekdays and lists are worded as Babel's English data has them, without loading
Babel (sync/model/english.py): an English listing loads none of it.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from dataclasses import dataclass, field
from datetime import date

from sync.model.english import SHORT_WEEKDAYS, english_list
from sync.model.said import Day, Holiday, Listed, Said, Value, Weekday
from sync.model.stored_said import StoredSaid
from sync.model.timefmt import weekday_in_month, weekday_plurals
from sync.plumbing.i18n import ENGLISH, N_, SOURCE_LANGUAGE, Language

_DATE_NAMES_WEEKDAY = {
    "%(weekday)s %(day)s": "%(day)s",
    "%(day)s moved to %(weekday)s %(date)s %(time)s because %(why)s": N_(
        "%(day)s moved to %(date)s %(time)s because %(why)s"
    ),
}
"""The planner's sentences that put a weekday before a date (sync/planner/one_off.py,
explain.py), said without it where the date's own pattern names the weekday: "Tue 2 Feb
2027", not "Tue Tue 2 Feb 2027"."""


WORDED_LIMIT = 4096
"""Values a Wording keeps worded: bounded, as one wording may serve a long-running process
(the web app, a night) whose sentences never repeat."""


def kept_name(holiday: Holiday, _language: str) -> str:
    """The holiday's name as the planner kept it (in English)."""
    return holiday.name


@dataclass(frozen=True)
class Wording:
    language: Language = ENGLISH
    name_holiday: Callable[[Holiday, str], str] = kept_name
    """The name of a holiday in a language (a catalogue code)."""
    day_pattern: str = ""
    """The CLDR pattern of a date in a sentence; empty: the catalogue's."""
    _worded: dict[Hashable, str] = field(
        default_factory=dict, init=False, repr=False, compare=False, hash=False
    )
    """Dates, weekdays, holidays and lists worded before: a listing of a thousand proposals
    names the same ones again and again, and each wording of one asks Babel (locale data,
    date patterns) or the holidays package anew. Sentences are worded each time: most are
    said once, and a sentence's hash is that of everything in it, which costs more than
    wording it."""

    def word(self, said: Said) -> str:
        if said.plain or not said.msgid:  # gettext("") is the catalogue's header
            return said.msgid
        if "E" in self.day_pattern and said.msgid in _DATE_NAMES_WEEKDAY:
            kept = tuple((name, value) for name, value in said.values if name != "weekday")
            said = Said(_DATE_NAMES_WEEKDAY[said.msgid], kept, said.plural)
        values = {name: self._value(value) for name, value in said.values}
        if said.plural:
            count = said.value("num")
            assert isinstance(count, int)
            return self.language.ngettext(said.msgid, said.plural, count, **values)
        return self.language.gettext(said.msgid, **values)

    def word_stored(self, stored: StoredSaid) -> str:
        """`word(stored.said())`: the English words the store holds, where this wording
        words a sentence as they were worded (`str(said)`, with ENGLISH_WORDING): in
        English, with the catalogue's dates, and with no holiday that it might name
        otherwise than by the name the planner kept."""
        if (
            self.language.code == SOURCE_LANGUAGE
            and not self.day_pattern
            and (self.name_holiday is kept_name or not stored.may_name_a_holiday())
        ):
            return stored.english
        return self.word(stored.said())

    def _value(self, value: Value) -> str | int:
        if isinstance(value, str | int):
            return value
        if isinstance(value, Said):
            return self.word(value)
        if isinstance(value, Listed):
            return self._listed(value)
        worded = self._worded.get(value)
        if worded is None:
            worded = self._remember(value, self._leaf(value))
        return worded

    def _leaf(self, value: Day | Weekday | Holiday) -> str:
        if isinstance(value, Day):
            # each catalogue says its own pattern (English: ISO dates, which operators grep)
            pattern = self.day_pattern or self.language.pgettext(
                "a date in a sentence (CLDR pattern)", "yyyy-MM-dd"
            )
            return self.language.date(date.fromisoformat(value.iso), pattern)
        if isinstance(value, Weekday):
            return self._weekday(value)
        return self.name_holiday(value, self.language.code)

    def _remember(self, key: Hashable, worded: str) -> str:
        if len(self._worded) >= WORDED_LIMIT:
            self._worded.clear()
        self._worded[key] = worded
        return worded

    def _weekday(self, value: Weekday) -> str:
        if value.form == "plural":
            return weekday_plurals(self.language)[value.number]
        if value.form == "nth":
            return weekday_in_month(value.number, self.language)
        if self.language.code == SOURCE_LANGUAGE:
            return SHORT_WEEKDAYS[value.number]  # without loading Babel (sync/model/english.py)
        from babel.dates import get_day_names

        return str(get_day_names("abbreviated", locale=self.language.code)[value.number])

    def _listed(self, value: Listed) -> str:
        items = tuple(str(self._value(item)) for item in value.items)
        if value.joiner != "and":
            return value.joiner.join(items)
        key = ("and", items)
        worded = self._worded.get(key)
        if worded is None:
            worded = self._remember(key, self._and(items))
        return worded

    def _and(self, items: tuple[str, ...]) -> str:
        if self.language.code == SOURCE_LANGUAGE:
            return english_list(items)  # without loading Babel (sync/model/english.py)
        from babel.lists import format_list

        return format_list(list(items), locale=self.language.code)


ENGLISH_WORDING = Wording()
