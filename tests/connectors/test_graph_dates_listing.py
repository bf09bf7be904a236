"""The dates of series just created on Graph, listed once per organiser through the tagged
calendar view rather than once per series: each series moves its own dates; the pages of
a long view are followed; an organiser whose view refuses the tag filter has each series
listed on its own; an organiser whose view fails fails only its own series."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from sync.connectors.base import RemoteSeries, WriteFailed
from sync.connectors.outlook.held import GraphHeld
from sync.model.values import BookedSeries, Interval
from tests.batch_helpers import FIRST, LENA, SECOND, booked, moved, organisers, uid
from tests.emulators import GraphEmulator
from tests.outlook_helpers import connector

ORGANISERS = organisers(3)


@pytest.fixture
def graph(graph_emulator: GraphEmulator) -> GraphEmulator:
    for email in [LENA, *ORGANISERS]:
        graph_emulator.add_user(email)
    return graph_emulator


def two_series(organiser: str) -> list[BookedSeries]:
    """Two weekly series `organiser` books tonight, each with its second date an hour later."""
    first = moved(organiser)
    second = replace(first, uid=f"{organiser[:3]}bbcdefghijklmnop@checkin-sync")
    return [first, second]


def new(items: list[BookedSeries]) -> list[tuple[BookedSeries, RemoteSeries]]:
    return [(s, RemoteSeries.never_written(s.uid)) for s in items]


def moved_dates(graph: GraphEmulator, organiser: str) -> list[datetime]:
    """The second date of each of the organiser's series, as the calendar holds it."""
    around = (SECOND - timedelta(days=2), SECOND + timedelta(days=2))
    masters = [e for e in graph.events(organiser) if e.get("type") == "seriesMaster"]
    return [
        datetime.fromisoformat(i["start"]["dateTime"]).replace(
            tzinfo=ZoneInfo(i["start"]["timeZone"])
        )
        for master in masters
        for i in graph.instances(organiser, master["id"], *around)
    ]


def test_series_created_together_share_their_organisers_listing(graph: GraphEmulator) -> None:
    items = [s for o in ORGANISERS for s in two_series(o)]
    written = connector(graph).write_many(new(items))
    assert [w.error for w in written] == [None] * 6
    assert graph.count("events.instances") == 0
    assert graph.count("calendarView") == 3  # one per organiser, not one per series
    assert graph.count("events.create") == graph.count("events.patch") == 6
    assert graph.round_trips() == 3  # creates, listings, moves
    assert sum(w.requests for w in written) == len(graph.requests) - graph.count("batch")
    for organiser in ORGANISERS:
        assert moved_dates(graph, organiser) == [SECOND + timedelta(hours=1)] * 2


def test_the_pages_of_a_long_view_are_followed(
    graph: GraphEmulator, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("sync.connectors.outlook.observing.PAGE", "1")
    items = [s for o in ORGANISERS for s in two_series(o)]
    written = connector(graph).write_many(new(items))
    assert [w.error for w in written] == [None] * 6
    pages = graph.count("calendarView")
    assert pages > 3  # each organiser's view took more than one page
    assert graph.round_trips() == 2 + pages // 3  # the organisers' pages went out together
    assert sum(w.requests for w in written) == len(graph.requests) - graph.count("batch")
    for organiser in ORGANISERS:
        assert moved_dates(graph, organiser) == [SECOND + timedelta(hours=1)] * 2


def test_a_view_that_refuses_the_tag_filter_lists_each_series_on_its_own(
    graph: GraphEmulator,
) -> None:
    graph.inject(r"/users/o01@example\.com/calendarView", 400, code="ErrorInvalidProperty")
    items = [s for o in ORGANISERS for s in two_series(o)]
    written = connector(graph).write_many(new(items))
    assert [w.error for w in written] == [None] * 6
    assert graph.count("events.instances") == 2  # o01's two series
    assert sum(w.requests for w in written) == len(graph.requests) - graph.count("batch")
    for organiser in ORGANISERS:
        assert moved_dates(graph, organiser) == [SECOND + timedelta(hours=1)] * 2


def test_a_view_that_fails_fails_only_its_organisers_series(graph: GraphEmulator) -> None:
    graph.inject(r"/users/o02@example\.com/calendarView", 403, code="ErrorAccessDenied")
    items = [s for o in ORGANISERS for s in two_series(o)]
    written = connector(graph).write_many(new(items))
    assert [type(w.error) for w in written[4:]] == [WriteFailed] * 2
    assert "403" in str(written[4].error)
    assert [w.error for w in written[:4]] == [None] * 4
    for organiser in ORGANISERS[:2]:
        assert moved_dates(graph, organiser) == [SECOND + timedelta(hours=1)] * 2


def test_the_read_back_holds_of_each_date_what_a_write_reads(graph: GraphEmulator) -> None:
    """Every date of every booked series is held from the read-back until booking, through
    the night's reading and planning: of each, its id and where it is, nothing more."""
    organiser = ORGANISERS[0]
    outlook = connector(graph)
    written = outlook.write_many(new([booked(organiser)]))
    assert [w.error for w in written] == [None]
    window = Interval(FIRST - timedelta(days=1), FIRST + timedelta(weeks=9))
    seen = outlook.observe_many({organiser: {uid(organiser): []}}, window)
    remote = seen[organiser].series[uid(organiser)]
    assert isinstance(remote.held, GraphHeld) and len(remote.held.dates) >= 8
    assert all(set(item) == {"id", "start"} for item in remote.held.dates.values())
    assert outlook.write_many([(booked(organiser), remote)])[0].error is None
