"""Lines folded a whole line at a time (sync/ical/folding.py) are icalendar's own folding,
byte for byte: multi-byte characters and escapes at the 74-octet edge included."""

from __future__ import annotations

from dataclasses import replace

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from icalendar import Calendar, Event
from icalendar.parser import Contentline

from sync.ical import folding
from sync.ical.ics_writer import build_calendar
from sync.ical.vtimezone import vtimezone
from tests.delivery.test_ics_export import UNTIL, make_series

# one to four octets in UTF-8, and the characters icalendar will not end a piece with
PIECES = st.sampled_from(
    ["a", "Z", " ", ";", ":", ",", '"', "\\", "^", "\\n", "^n", "é", "ß", "–", "€", "✓",
     "日本", "😀", "𝄞", "\t"]
)  # fmt: skip


def icalendars_fold(line: str) -> bytes:
    return Contentline(line).to_ical()


@settings(max_examples=500)
@given(st.lists(PIECES, max_size=120).map("".join))
def test_fold_is_icalendars_fold(line: str) -> None:
    assert folding.fold(line) == icalendars_fold(line)


@pytest.mark.parametrize("filler", ["a", "é", "€", "😀", "\\", "^"])
@pytest.mark.parametrize("length", range(60, 160))
def test_every_length_across_the_edges(filler: str, length: int) -> None:
    # a character of each width ending exactly at, before and after each 74-octet edge
    for lead in range(4):
        line = "x" * lead + filler * length
        assert folding.fold(line) == icalendars_fold(line), (lead, filler, length)


def test_a_component_is_the_same_bytes_as_its_to_ical() -> None:
    long = "Välkommen – en lång beskrivning; med komman, \\ och ^ och 😀 " * 9
    series = make_series(until=UNTIL, description=long, summary=long[:80])
    calendar = build_calendar([series, replace(series, uid="b@checkin-sync")], method="PUBLISH")
    assert folding.ical_bytes(calendar) == calendar.to_ical()
    zone = vtimezone("America/New_York", UNTIL.date().replace(month=1, day=1), UNTIL.date())
    assert folding.ical_bytes(zone) == zone.to_ical()
    assert folding.ical_bytes(Event()) == Event().to_ical()


def test_icalendars_own_folding_is_not_used(monkeypatch: pytest.MonkeyPatch) -> None:
    """The point of it: icalendar's character-by-character fold is not called."""

    def refuse(line: str, *args: object) -> str:
        raise AssertionError("icalendar folded a line")

    monkeypatch.setattr("icalendar.parser.content_line._foldline", refuse)
    calendar = Calendar()
    calendar.add("x-wr-calname", "a name longer than one line can hold, " * 4)
    assert folding.ical_bytes(calendar).count(b"\r\n ") == 2
