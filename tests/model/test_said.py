"""What the planner says is kept as a message and worded when read: it survives the store's
JSON whole, and reads in each language with that language's words, dates and plurals."""

from __future__ import annotations

import json
from datetime import date

import pytest

from sync.delivery.wording import wording
from sync.model.said import Day, Holiday, Said, Weekday, joined, listed, say, say_n
from sync.model.words import Wording

HOLIDAY = Holiday("SE", ("public", "de_facto"), "2026-12-24", "Christmas Eve")


def moved() -> Said:
    return say(
        "%(day)s moved to %(weekday)s %(time)s because %(why)s",
        day=Day.of(date(2026, 12, 24)),
        weekday=Weekday(1, "short"),
        time="15:30",
        why=say("it is a holiday for %(name)s (%(holiday)s)", name="Erik", holiday=HOLIDAY),
    )


def test_a_message_survives_the_store_whole() -> None:
    message = joined(
        [
            moved(),
            say_n("%(names)s is away", "%(names)s are away", 2, names=listed(["Karin", "Lena"])),
            say("on %(weekdays)s", weekdays=Weekday(3, "plural")),
        ],
        "; ",
    )
    stored = json.loads(json.dumps(message.to_json()))
    assert Said.from_json(stored) == message
    assert Said.loads(message.dumps()) == message


def test_a_message_reads_in_each_language() -> None:
    assert wording("en").word(moved()) == (
        "2026-12-24 moved to Tue 15:30 because it is a holiday for Erik (Christmas Eve)"
    )
    assert wording("sv").word(moved()) == (
        "24 december 2026 flyttad till tis 15:30 eftersom det är en helgdag för Erik (Julafton)"
    )
    assert str(moved()) == wording("en").word(moved())
    away = say_n("%(names)s is away", "%(names)s are away", 2, names=listed(["Karin", "Lena"]))
    assert wording("en").word(away) == "Karin and Lena are away"
    assert wording("sv").word(away) == "Karin och Lena är borta"


def test_a_holiday_the_package_has_no_swedish_for_keeps_its_country_s_name() -> None:
    german = Holiday("DE", ("public",), "2026-12-25", "Christmas Day")
    said = say("it is a holiday for %(name)s (%(holiday)s)", name="Jonas", holiday=german)
    assert wording("sv").word(said) == "det är en helgdag för Jonas (Erster Weihnachtstag)"
    assert wording("en").word(said) == "it is a holiday for Jonas (Christmas Day)"


def test_words_stored_before_messages_are_shown_as_they_are() -> None:
    old = Said.loads("", "skipped because Karin is away")
    assert old.plain
    assert wording("sv").word(old) == "skipped because Karin is away"
    assert Said.from_json("an old reason") == Said.text("an old reason")
    # nothing said reads as nothing, not as the catalogue's header
    assert wording("sv").word(Said("")) == ""


def test_a_sentence_is_worded_in_english_once(monkeypatch: pytest.MonkeyPatch) -> None:
    """A night asks each explanation for its English words several times (the store, the
    alternatives, every save of the run report); it is worded the first time only, and
    stays equal to the same sentence not yet worded."""
    worded: list[Said] = []
    word = Wording.word

    def counted(wording: Wording, said: Said) -> str:
        worded.append(said)
        return word(wording, said)

    monkeypatch.setattr(Wording, "word", counted)
    said = say("%(day)s moved because %(why)s", day=Day("2027-01-04"), why="the offsite")
    assert [str(said) for _ in range(3)] == ["2027-01-04 moved because the offsite"] * 3
    assert worded == [said]
    fresh = say("%(day)s moved because %(why)s", day=Day("2027-01-04"), why="the offsite")
    assert fresh == said and hash(fresh) == hash(said) and repr(fresh) == repr(said)
