"""What every calendar connector must do, run against each of them.

A new connector joins by adding a `Harness` below; the tests stay the same.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Protocol

import pytest

from sync.config.provider_settings import CalDavSettings
from sync.connectors.base import CalendarRef, Connector
from sync.connectors.caldav.client import CalDavClient
from sync.connectors.caldav.connector import CalDavConnector
from sync.connectors.ics import IcsConnector
from sync.connectors.retry import RetryPolicy
from sync.model.values import BusyBlock, Interval
from tests.caldav_server import PASSWORD, USER, RadicaleServer
from tests.emulators import GoogleCalendarEmulator, GraphEmulator
from tests.google_helpers import connector as google_connector
from tests.outlook_helpers import connector as outlook_connector

WINDOW = Interval(datetime(2027, 3, 1, tzinfo=UTC), datetime(2027, 3, 15, tzinfo=UTC))


class Harness(Protocol):
    connector: Connector

    def person(self, email: str, busy: list[tuple[datetime, datetime]]) -> CalendarRef: ...

    def unreadable(self, email: str) -> CalendarRef: ...


class IcsHarness:
    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.connector: Connector = IcsConnector(folder)

    def person(self, email: str, busy: list[tuple[datetime, datetime]]) -> CalendarRef:
        events = "".join(
            f"BEGIN:VEVENT\nUID:{email}-{n}\nDTSTAMP:20270101T000000Z\n"
            f"DTSTART:{start:%Y%m%dT%H%M%SZ}\nDTEND:{end:%Y%m%dT%H%M%SZ}\nEND:VEVENT\n"
            for n, (start, end) in enumerate(busy)
        )
        name = email.split("@")[0] + ".ics"
        (self.folder / name).write_text(
            f"BEGIN:VCALENDAR\nVERSION:2.0\nPRODID:-//t//t//EN\n{events}END:VCALENDAR\n"
        )
        return CalendarRef(email, "Europe/Stockholm", f"ics:{name}")

    def unreadable(self, email: str) -> CalendarRef:
        return CalendarRef(email, "Europe/Stockholm", "ics:missing.ics")


class GoogleHarness:
    def __init__(self, emulator: GoogleCalendarEmulator, folder: Path) -> None:
        self.emulator = emulator
        emulator.add_user("host@example.com")
        google = google_connector(emulator, folder, read_out_of_office=False)
        google.verify("host@example.com")
        self.connector: Connector = google

    def person(self, email: str, busy: list[tuple[datetime, datetime]]) -> CalendarRef:
        self.emulator.add_user(email, timezone="Europe/Stockholm")
        for start, end in busy:
            self.emulator.add_event(
                email,
                {"start": {"dateTime": start.isoformat()}, "end": {"dateTime": end.isoformat()}},
            )
        return CalendarRef(email, "Europe/Stockholm", "google")

    def unreadable(self, email: str) -> CalendarRef:
        return CalendarRef(email, "Europe/Stockholm", "google")  # no such user


class OutlookHarness:
    def __init__(self, graph: GraphEmulator) -> None:
        self.graph = graph
        graph.add_user("host@example.com")
        outlook = outlook_connector(graph)
        outlook.verify("host@example.com")
        self.connector: Connector = outlook

    def person(self, email: str, busy: list[tuple[datetime, datetime]]) -> CalendarRef:
        self.graph.add_user(email, timezone="UTC")
        for start, end in busy:
            self.graph.add_event(
                email,
                {
                    "subject": "Busy",
                    "start": {"dateTime": f"{start:%Y-%m-%dT%H:%M:%S}", "timeZone": "UTC"},
                    "end": {"dateTime": f"{end:%Y-%m-%dT%H:%M:%S}", "timeZone": "UTC"},
                    "showAs": "busy",
                },
            )
        return CalendarRef(email, "Europe/Stockholm", "outlook")

    def unreadable(self, email: str) -> CalendarRef:
        return CalendarRef(email, "Europe/Stockholm", "outlook")  # no such mailbox


class CalDavHarness:
    """A real CalDAV server (Radicale) with one calendar per person, read by one service
    account; `free_busy=False` makes it refuse free-busy queries, as some servers do."""

    def __init__(self, server: RadicaleServer, *, free_busy: bool) -> None:
        self.server = server
        server.free_busy = free_busy
        settings = CalDavSettings(username=USER, password=PASSWORD, hosts=["127.0.0.1"])
        client = CalDavClient(settings, RetryPolicy(attempts=2), sleep=lambda _s: None)
        self.connector: Connector = CalDavConnector(settings, {}, client)

    def person(self, email: str, busy: list[tuple[datetime, datetime]]) -> CalendarRef:
        url = self.server.calendar(email.split("@")[0])
        for n, (start, end) in enumerate(busy):
            self.server.put(
                url,
                f"{n}.ics",
                "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//t//t//EN\r\nBEGIN:VEVENT\r\n"
                f"UID:{email}-{n}\r\nDTSTAMP:20270101T000000Z\r\n"
                f"DTSTART:{start:%Y%m%dT%H%M%SZ}\r\nDTEND:{end:%Y%m%dT%H%M%SZ}\r\n"
                "SUMMARY:Private\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n",
            )
        return CalendarRef(email, "Europe/Stockholm", f"caldav:{url}")

    def unreadable(self, email: str) -> CalendarRef:
        return CalendarRef(email, "Europe/Stockholm", f"caldav:{self.server.url}/svc/nobody/")


@pytest.fixture(params=["ics", "google", "outlook", "caldav", "caldav-without-free-busy"])
def harness(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Harness]:
    if request.param == "ics":
        yield IcsHarness(tmp_path)
    elif request.param == "google":
        with GoogleCalendarEmulator() as emulator:
            yield GoogleHarness(emulator, tmp_path)
    elif request.param == "outlook":
        with GraphEmulator() as graph:
            yield OutlookHarness(graph)
    else:
        with RadicaleServer(tmp_path / "radicale") as server:
            yield CalDavHarness(server, free_busy=request.param == "caldav")


def at(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2027, 3, day, hour, minute, tzinfo=UTC)


def test_declares_what_it_can_do_as_data(harness: Harness) -> None:
    assert harness.connector.capabilities.reads_busy
    assert isinstance(harness.connector.name, str) and harness.connector.name


def test_busy_time_comes_back_exactly_in_utc_and_sorted(harness: Harness) -> None:
    later, earlier = (at(9, 14), at(9, 15)), (at(2, 9), at(2, 10, 30))
    lena = harness.person("lena@example.com", [later, earlier])
    reading = harness.connector.read_busy([lena], WINDOW)
    assert reading.errors == {}
    assert reading.busy["lena@example.com"] == [BusyBlock(*earlier), BusyBlock(*later)]
    for block in reading.busy["lena@example.com"]:
        assert block.start.utcoffset() == timedelta(0)


def test_busy_time_is_clipped_to_the_window(harness: Harness) -> None:
    erik = harness.person("erik@example.com", [(at(1, 0) - timedelta(hours=2), at(1, 1))])
    reading = harness.connector.read_busy([erik], WINDOW)
    assert reading.busy["erik@example.com"] == [BusyBlock(WINDOW.start, at(1, 1))]


def test_a_free_calendar_is_an_empty_list_not_an_error(harness: Harness) -> None:
    maja = harness.person("maja@example.com", [])
    reading = harness.connector.read_busy([maja], WINDOW)
    assert reading.busy == {"maja@example.com": []}
    assert reading.errors == {}


def test_one_unreadable_calendar_fails_only_its_person(harness: Harness) -> None:
    lena = harness.person("lena@example.com", [(at(3, 9), at(3, 10))])
    ghost = harness.unreadable("ghost@example.com")
    reading = harness.connector.read_busy([ghost, lena], WINDOW)
    assert set(reading.errors) == {"ghost@example.com"}
    assert reading.errors["ghost@example.com"]
    assert "ghost@example.com" not in reading.busy
    assert reading.busy["lena@example.com"] == [BusyBlock(at(3, 9), at(3, 10))]
    assert reading.requests >= 1
