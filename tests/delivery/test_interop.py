"""Everything we write that a calendar app reads — exported files, feeds, invitations and
CalDAV resources — read back by parsers that share no code with our writer: vobject, `ical`
and a CalDAV server (Radicale, which validates the upload and expands the series itself).
All must see exactly the meetings the store holds, for a series that crosses a daylight-
saving change and has a moved and a skipped date; and names and texts must survive."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, time, timedelta
from itertools import pairwise
from zoneinfo import ZoneInfo

import pytest
import vobject
from ical.calendar_stream import IcsCalendarStream
from icalendar import Calendar

from sync.ical.ics_writer import calendar_for
from sync.ical.itip import caldav_resource, request_calendar
from sync.model.values import Attendee, BookedSeries, OccurrenceStatus
from tests.caldav_server import RadicaleServer
from tests.delivery.test_ics_export import EXPECTED_STARTS as STARTS
from tests.delivery.test_ics_export import (
    KARIN,
    MOVED_TO,
    SKIPPED_AT,
    STOCKHOLM,
    eventful_series,
    make_series,
    moved,
    skipped,
)
from tests.icaljs_reader import IcalJs
from tests.interop import (
    Times,
    own_zones_only,
    with_ical,
    with_radicale,
    with_recurring_ical_events,
    with_vobject,
)

WRITERS: dict[str, Callable[[BookedSeries], bytes]] = {
    "export file": lambda s: calendar_for(KARIN.email, [s]),
    "feed": lambda s: calendar_for(KARIN.email, [s], refresh=timedelta(hours=1)),
    "invitation": request_calendar,
    "caldav resource": lambda s: caldav_resource(s, server_invites=False),
}
STORE: Times = [(s.astimezone(UTC), s.astimezone(UTC) + timedelta(minutes=30)) for s in STARTS]


def test_the_series_crosses_a_dst_change_with_a_move_and_a_skip() -> None:
    offsets = {s.astimezone(STOCKHOLM).utcoffset() for s in STARTS}
    assert len(offsets) == 2, "winter and summer time"
    assert MOVED_TO in STARTS and SKIPPED_AT not in STARTS


@pytest.mark.parametrize("kind", sorted(WRITERS))
def test_independent_parsers_see_the_stores_meetings(
    kind: str, radicale_server: RadicaleServer
) -> None:
    data = WRITERS[kind](eventful_series())
    assert with_vobject(data) == STORE
    assert with_ical(data) == STORE
    assert with_radicale(radicale_server, data) == STORE


AWKWARD_NAME = 'Lind, Karin; "KL" \\ Åsa-Öberg'
AWKWARD_SUMMARY = "Check-in: Karin, Bo; \\ weekly — 1:1\nsecond line: åäö ✓ 日本語"
AWKWARD_DESCRIPTION = ("Agenda: a, b; c\nNotes \\ more, and a long line of text " * 6).strip()


def awkward() -> BookedSeries:
    return eventful_series(
        organiser=Attendee(KARIN.email, AWKWARD_NAME),
        summary=AWKWARD_SUMMARY,
        description=AWKWARD_DESCRIPTION,
    )


@pytest.mark.parametrize("kind", sorted(WRITERS))
def test_texts_round_trip_through_every_parser(kind: str, radicale_server: RadicaleServer) -> None:
    data = WRITERS[kind](awkward())

    master = next(
        e for e in vobject.readOne(data.decode()).vevent_list if not hasattr(e, "recurrence_id")
    )
    assert master.summary.value == AWKWARD_SUMMARY
    assert master.description.value == AWKWARD_DESCRIPTION

    (event, *_) = IcsCalendarStream.calendar_from_ics(data.decode()).events
    assert event.summary == AWKWARD_SUMMARY
    assert event.description == AWKWARD_DESCRIPTION
    assert event.organizer is not None and event.organizer.common_name == AWKWARD_NAME

    url = radicale_server.calendar("texts")
    lines = data.decode().split("\r\n")
    text = "\r\n".join(line for line in lines if not line.startswith("METHOD:"))
    radicale_server.put(url, "series.ics", text)
    status, stored = radicale_server.get(url + "series.ics")
    assert status == 200
    (back, *_) = [e for e in Calendar.from_ical(stored).walk("VEVENT") if "RECURRENCE-ID" not in e]
    assert back["SUMMARY"] == AWKWARD_SUMMARY
    assert back["DESCRIPTION"] == AWKWARD_DESCRIPTION
    assert back["ORGANIZER"].params["CN"] == AWKWARD_NAME


@pytest.mark.parametrize("kind", sorted(WRITERS))
def test_long_lines_are_folded_at_75_octets_between_characters(kind: str) -> None:
    data = WRITERS[kind](awkward())
    lines = data.split(b"\r\n")
    assert max(len(line) for line in lines) <= 75
    assert any(line.startswith(b" ") for line in lines), "the long texts were folded"
    for line in lines:
        line.decode("utf-8")  # no multi-byte character is split across two lines
    assert b"\n" not in data.replace(b"\r\n", b""), "only CRLF line ends"


# --- every reader, every kind of zone ----------------------------------------------------------

ZONES = [
    "Europe/London",  # standard offset zero: vobject read the old export an hour off
    "Europe/Lisbon",  # zero as well, other names (WET/WEST)
    "Atlantic/Reykjavik",  # zero, and no daylight-saving time
    "Europe/Dublin",  # the tz database's "negative DST": winter is its daylight time
    "Australia/Sydney",  # southern hemisphere: summer time spans the new year
    "Asia/Tokyo",  # no daylight-saving time
]
FIRST, LAST = date(2027, 1, 5), date(2028, 12, 26)
"""A weekly Tuesday check-in over two years: every zone above changes its clocks four times."""


def weekly_in(zone_name: str) -> tuple[BookedSeries, Times]:
    """10:00 every Tuesday in `zone_name`, with the first meeting after each autumn change
    (whichever month that is in the zone) moved to the Wednesday and the one after each
    spring change skipped; and the meetings the store holds for it."""
    zone = ZoneInfo(zone_name)
    starts = [
        datetime.combine(FIRST + timedelta(weeks=n), time(10), zone)
        for n in range((LAST - FIRST).days // 7 + 1)
    ]
    occurrences = []
    for previous, current in pairwise(starts):
        before, after = previous.utcoffset(), current.utcoffset()
        assert before is not None and after is not None
        original = current.astimezone(UTC)
        if after < before:
            moved_to = (current + timedelta(days=1)).astimezone(UTC)
            occurrences.append(moved(original, moved_to, "the clocks went back"))
        elif after > before:
            occurrences.append(skipped(original))
    series = make_series(
        uid=f"{zone_name.replace('/', '-').lower()}@checkin-sync",
        timezone=zone_name,
        first_start=starts[0].astimezone(UTC),
        until=starts[-1].astimezone(UTC),
        occurrences=tuple(occurrences),
    )
    changed = {o.original_start for o in occurrences}
    kept = [(s.astimezone(UTC), o.start) for o in occurrences for s in [o.start] if o.takes_place]
    store = [s.astimezone(UTC) for s in starts if s.astimezone(UTC) not in changed]
    store += [start for start, _ in kept]
    return series, [(s, s + timedelta(minutes=30)) for s in sorted(store)]


def test_the_zones_change_their_clocks_as_the_test_needs() -> None:
    for name in ZONES:
        series, _ = weekly_in(name)
        changes = sum(o.status is OccurrenceStatus.MOVED for o in series.occurrences)
        expected = 0 if name in ("Atlantic/Reykjavik", "Asia/Tokyo") else 2
        assert changes == expected, name
        assert len(series.occurrences) == 2 * expected, name


@pytest.mark.parametrize("kind", sorted(WRITERS))
def test_every_reader_sees_the_same_instants_in_every_zone(
    kind: str, icaljs: IcalJs, radicale_server: RadicaleServer
) -> None:
    files = {name: WRITERS[kind](weekly_in(name)[0]) for name in ZONES}
    by_icaljs = dict(zip(ZONES, icaljs.read(list(files.values())), strict=True))
    for name, data in files.items():
        store = weekly_in(name)[1]
        readers = {
            "recurring-ical-events": with_recurring_ical_events(own_zones_only(data)),
            "vobject": with_vobject(data),
            "ical": with_ical(own_zones_only(data)),
            "ical.js": by_icaljs[name],
            "Radicale": with_radicale(radicale_server, data, name=calendar_name(kind, name)),
        }
        for reader, times in readers.items():
            assert times == store, f"{reader} reads the {kind} in {name} otherwise"


def calendar_name(kind: str, zone: str) -> str:
    return f"{kind}-{zone}".replace(" ", "-").replace("/", "-").lower()


def test_the_readers_take_the_offsets_from_our_vtimezone(icaljs: IcalJs) -> None:
    # a VTIMEZONE that puts London's summer at +02:00 must move every summer meeting for
    # every reader above: none of them answers from a zone database of its own
    series, store = weekly_in("Europe/London")
    wrong = calendar_for(KARIN.email, [series]).replace(b"TZOFFSETTO:+0100", b"TZOFFSETTO:+0200")
    summer = {s for s, _ in store if s.astimezone(ZoneInfo("Europe/London")).dst()}
    readers = {
        "recurring-ical-events": with_recurring_ical_events(own_zones_only(wrong)),
        "vobject": with_vobject(wrong),
        "ical": with_ical(own_zones_only(wrong)),
        "ical.js": icaljs.read([wrong])[0],
    }
    for reader, times in readers.items():
        starts = {s for s, _ in times}
        assert not summer & starts, f"{reader} kept the right summer times"
        assert {s - timedelta(hours=1) for s in summer} <= starts, reader
