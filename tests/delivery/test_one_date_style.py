"""One date style for the manager: the page and the digest write the dates inside their
sentences (a pause, a skipped or moved date, a decline) as they write every other date,
"Wed 17 Feb 2027" ("ons 17 feb. 2027"); the operator's texts keep ISO dates."""

from __future__ import annotations

import re
from datetime import date

import pytest

from sync.delivery.wording import managers_wording, wording
from sync.model.said import Day, Said, Weekday, say
from sync.model.timefmt import DAY, in_week, on_day
from sync.plumbing.i18n import Language
from tests.conftest import ConfigDir
from tests.delivery.test_languages import receive

ISO = re.compile(r"\d{4}-\d{2}-\d{2}")
LINK = re.compile(r"https?://\S+")

PAUSE = {
    "en": "Erik's check-ins are paused from Mon 15 Feb 2027 to Fri 19 Feb 2027",
    "sv": "avstämningarna med Erik är pausade från mån 15 feb. 2027 till fre 19 feb. 2027",
}
SKIPPED = {"en": "Wed 17 Feb 2027", "sv": "ons 17 feb. 2027"}
SKIP = {"en": "skipped", "sv": "hoppas över"}


@pytest.mark.parametrize("code", ["en", "sv"])
def test_the_page_and_the_digest_write_a_pause_as_they_write_its_skipped_date(
    config: ConfigDir, code: str
) -> None:
    received = receive(config, code).texts
    home = received["page home"]
    assert f"1 {SKIP[code]}: {PAUSE[code]}" in home, "the chip on Erik's card"
    assert f"{SKIPPED[code]} {SKIP[code]} {PAUSE[code]}" in home, "his list of dates"
    digests = {
        name: text
        for name, text in received.items()
        if name.startswith("digest to Karin") and name.endswith(("plain", "html"))
    }
    assert len(digests) == 4, "two nights, each as plain text and as HTML"
    line = f"{SKIPPED[code]}: {SKIP[code]} ({PAUSE[code]})"
    for name, text in digests.items():
        assert line in " ".join(text.split()), name


@pytest.mark.parametrize("code", ["en", "sv"])
def test_no_iso_date_reaches_the_manager(config: ConfigDir, code: str) -> None:
    """Nothing a manager reads, on any page or in any digest, writes a date as 2027-02-15;
    only addresses, which nobody reads, may hold anything."""
    received = receive(config, code).texts
    shown = {
        name: LINK.sub("", text)
        for name, text in received.items()
        if (name.startswith("page ") or name.startswith("digest ")) and not name.endswith("lang")
    }
    assert len(shown) > 12
    left = {name: ISO.findall(text) for name, text in shown.items() if ISO.search(text)}
    assert left == {}


def test_the_operators_words_keep_iso_dates() -> None:
    pause = say(
        "%(name)s's check-ins are paused from %(first)s to %(last)s",
        name="Erik",
        first=Day.of(date(2027, 2, 15)),
        last=Day.of(date(2027, 2, 19)),
    )
    assert wording("en").word(pause) == "Erik's check-ins are paused from 2027-02-15 to 2027-02-19"
    assert managers_wording("en").word(pause) == (
        "Erik's check-ins are paused from Mon 15 Feb 2027 to Fri 19 Feb 2027"
    )
    assert str(pause) == wording("en").word(pause), "logs and the run report"


def _weekday_and_day(day: date) -> Said:
    return say("%(weekday)s %(day)s", weekday=Weekday(day.weekday(), "short"), day=Day.of(day))


def test_a_weekday_the_planner_put_before_a_date_is_not_said_twice() -> None:
    window = say(
        "between %(first)s and %(last)s",
        first=_weekday_and_day(date(2027, 2, 2)),
        last=_weekday_and_day(date(2027, 2, 5)),
    )
    assert wording("en").word(window) == "between Tue 2027-02-02 and Fri 2027-02-05"
    assert managers_wording("en").word(window) == "between Tue 2 Feb 2027 and Fri 5 Feb 2027"
    moved = say(
        "%(day)s moved to %(weekday)s %(date)s %(time)s because %(why)s",
        day=Day.of(date(2027, 2, 17)),
        weekday=Weekday(3, "short"),
        date=Day.of(date(2027, 2, 25)),
        time="09:00",
        why="Lena is away",
    )
    assert wording("en").word(moved) == (
        "2027-02-17 moved to Thu 2027-02-25 09:00 because Lena is away"
    )
    assert managers_wording("en").word(moved) == (
        "Wed 17 Feb 2027 moved to Thu 25 Feb 2027 09:00 because Lena is away"
    )
    assert managers_wording("sv").word(moved) == (
        "ons 17 feb. 2027 flyttad till tors 25 feb. 2027 09:00 eftersom Lena is away"
    )


def test_one_pattern_in_one_place() -> None:
    sv = Language("sv")
    assert DAY == "EEE d MMM y"
    assert on_day(date(2027, 2, 1), sv) == "mån 1 feb. 2027"
    assert in_week(date(2027, 2, 1), sv) == "mån 1 feb."
