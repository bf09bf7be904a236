"""A calendar put together from its parts' texts (ics_writer.calendar_text, which invitations
and CalDAV resources are made with) is what icalendar writes for the whole calendar."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

import pytest

from sync.ical.events import Style
from sync.ical.folding import ical_bytes
from sync.ical.ics_writer import build_calendar, calendar_text
from sync.ical.itip import CANCEL, REQUEST
from sync.model.values import BookedSeries, Occurrence, OccurrenceStatus, SeriesStatus
from tests.delivery.test_ics_export import at, eventful_series, make_series, two_zone_series


def one_off(status: OccurrenceStatus = OccurrenceStatus.OK) -> BookedSeries:
    start = at(date(2027, 3, 4), 13)
    meeting = Occurrence(start, start, start + timedelta(minutes=30), status=status)
    return make_series(uid="once@checkin-sync", rrule="", occurrences=(meeting,))


SERIES: dict[str, list[BookedSeries]] = {
    "plain": [make_series()],
    "eventful": [eventful_series()],
    "cancelled": [replace(eventful_series(), status=SeriesStatus.CANCELLED)],
    "odd names": [
        eventful_series(
            summary='Check-in: "Åsa"; Öberg, \\ ^ 😀',
            description="Line one\nline two; with, punctuation " * 6,
        )
    ],
    "one-off": [one_off()],
    "skipped one-off": [one_off(OccurrenceStatus.SKIPPED)],
    "two zones": two_zone_series(),
    "none": [],
}
STYLES = [Style(), Style(organiser_attends=True), Style(schedule_agent="CLIENT")]


@pytest.mark.parametrize("name", SERIES)
@pytest.mark.parametrize("method", [REQUEST, CANCEL, "PUBLISH", None])
@pytest.mark.parametrize("style", STYLES)
@pytest.mark.parametrize("masters_only", [False, True])
def test_the_same_bytes_as_the_whole_calendar(
    name: str, method: str | None, style: Style, masters_only: bool
) -> None:
    series = SERIES[name]
    built = build_calendar(series, method=method, style=style, masters_only=masters_only)
    made = calendar_text(series, method=method, style=style, masters_only=masters_only)
    assert made == ical_bytes(built)
