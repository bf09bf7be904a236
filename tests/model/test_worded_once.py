"""A Wording words each date, weekday, holiday and list once (sync/model/words.py): a listing
of a thousand proposals names the same ones again and again, and each asks Babel or the
holidays package anew. What it says does not change, and what it keeps stays bounded."""

from __future__ import annotations

from collections import Counter
from datetime import date

import pytest

from sync.delivery.wording import wording
from sync.model import words
from sync.model.said import Day, Holiday, Said, Weekday, listed, say
from sync.model.words import Wording
from sync.plumbing.i18n import Language

CHRISTMAS = Holiday("SE", (), "2026-12-25", "Christmas Day")
NEW_YEAR = Holiday("SE", (), "2027-01-01", "New Year's Day")


def sentence(day: date, holiday: Holiday, names: list[str]) -> Said:
    return say(
        "%(day)s moved to %(weekday)s %(time)s because %(why)s",
        day=Day.of(day),
        weekday=Weekday(3, "short"),
        time="11:00",
        why=say(
            "%(names)s: %(when)s, %(holiday)s",
            names=listed(names),
            when=Weekday(3, "plural"),
            holiday=holiday,
        ),
    )


def counted(monkeypatch: pytest.MonkeyPatch) -> Counter[str]:
    """How often Babel and the holidays are asked, by what."""
    asked: Counter[str] = Counter()
    date_of, list_of = Language.date, Wording._and

    def day_in(language: Language, day: date, pattern: str) -> str:
        asked["day"] += 1
        return date_of(language, day, pattern)

    def joined_with_and(wording: Wording, items: tuple[str, ...]) -> str:
        asked["list"] += 1
        return list_of(wording, items)

    monkeypatch.setattr(Language, "date", day_in)
    monkeypatch.setattr(Wording, "_and", joined_with_and)
    return asked


@pytest.mark.parametrize("code", ["en", "sv"])
def test_each_value_is_worded_once(code: str, monkeypatch: pytest.MonkeyPatch) -> None:
    asked = counted(monkeypatch)
    holidays: list[Holiday] = []

    def name(holiday: Holiday, language: str) -> str:
        holidays.append(holiday)
        return f"{holiday.name} ({language})"

    fresh = Wording(Language(code), name)
    said = [
        sentence(date(2026, 12, 24), CHRISTMAS, ["Ade", "Gus"]),
        sentence(date(2026, 12, 24), CHRISTMAS, ["Ade", "Gus"]),
        sentence(date(2026, 12, 31), NEW_YEAR, ["Ade", "Gus"]),
        sentence(date(2026, 12, 31), NEW_YEAR, ["Ade"]),
    ]
    worded = [fresh.word(s) for s in said]
    assert asked == {"day": 2, "list": 2}
    assert holidays == [CHRISTMAS, NEW_YEAR]
    # the same words as a wording that starts afresh for each sentence
    assert worded == [Wording(Language(code), name).word(s) for s in said]
    assert worded[0] == worded[1] != worded[2] != worded[3]


def test_forms_of_one_weekday_are_not_confused() -> None:
    english = wording("en")
    said = say(
        "%(a)s %(b)s %(c)s",
        a=Weekday(1, "short"),
        b=Weekday(1, "plural"),
        c=Weekday(1, "nth"),
    )
    assert english.word(said) == "Tue Tuesdays Tuesday"
    assert english.word(said) == "Tue Tuesdays Tuesday"


def test_what_is_kept_stays_bounded(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(words, "WORDED_LIMIT", 10)
    english = wording("en")
    first = date(2027, 1, 1)
    days = [Day.of(date.fromordinal(first.toordinal() + n)) for n in range(25)]
    for day in days:
        english.word(say("%(day)s", day=day))
        assert len(english._worded) <= 10
    assert english.word(say("%(day)s", day=days[0])) == "2027-01-01"
