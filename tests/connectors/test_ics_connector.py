"""The ICS connector against a corpus of real-world-style exports (tests/data/ics), one file per
quirk, and against files and a local HTTP server for the I/O and error paths.

Expected intervals are written out in UTC by hand: Stockholm is UTC+1 until 2025-03-30 and
UTC+2 after, New York is UTC-4 from 2025-03-09, Los Angeles UTC-7 from 2025-03-09.
"""

from __future__ import annotations

import http.server
import shutil
import socket
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from icalendar import Calendar

from sync.connectors import ics, ics_busy, ics_parsing
from sync.connectors.base import CalendarRef
from sync.connectors.ics import IcsConnector, locate
from sync.connectors.ics_busy import IcsError, busy_from_ics
from sync.model.errors import CalendarError
from sync.model.values import BusyBlock, BusyKind, Interval

DATA = Path(__file__).parent.parent / "data" / "ics"
KARIN = "karin.berg@example.com"
OLLE = "olle@example.com"
STOCKHOLM = "Europe/Stockholm"


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


def block(start: str, end: str, kind: BusyKind = BusyKind.BUSY) -> BusyBlock:
    return BusyBlock(at(start), at(end), kind)


MARCH = Interval(at("2025-03-01T00:00"), at("2025-04-15T00:00"))


def read(
    name: str, *, email: str = KARIN, tz: str = STOCKHOLM, window: Interval = MARCH
) -> tuple[list[BusyBlock], set[str]]:
    return busy_from_ics(
        (DATA / name).read_bytes(),
        person_email=email,
        person_timezone=tz,
        window=window,
        source_label=name,
    )


def busy_of(
    name: str, *, email: str = KARIN, tz: str = STOCKHOLM, window: Interval = MARCH
) -> list[BusyBlock]:
    blocks, _ = read(name, email=email, tz=tz, window=window)
    return blocks


# --- what counts as busy, file by file ------------------------------------------------------


def test_rrule_with_exdate_and_rdate() -> None:
    # Weekly Mondays 10:00 from 3 March, four times; 10 March excluded, Wednesday 12 March
    # 14:00 added. Plus a one-off in UTC.
    assert busy_of("rrule_exdate_rdate.ics") == [
        block("2025-03-03T09:00", "2025-03-03T10:00"),
        block("2025-03-05T12:00", "2025-03-05T12:30"),
        block("2025-03-12T13:00", "2025-03-12T14:00"),
        block("2025-03-17T09:00", "2025-03-17T10:00"),
        block("2025-03-24T09:00", "2025-03-24T10:00"),
    ]


def test_moved_occurrence_frees_the_old_time_and_blocks_the_new() -> None:
    # Wednesdays 13:00; the 12 March one was moved to Thursday 13 March 15:00.
    assert busy_of("moved_occurrence.ics") == [
        block("2025-03-05T12:00", "2025-03-05T12:30"),
        block("2025-03-13T14:00", "2025-03-13T14:30"),
        block("2025-03-19T12:00", "2025-03-19T12:30"),
    ]


def test_outlook_windows_tzid_and_customized_time_zone() -> None:
    # Tuesdays 14:00 "W. Europe Standard Time" (crossing the March change), and 09:00 in a
    # "Customized Time Zone" that the file defines as US Pacific.
    assert busy_of("outlook_windows_tzid.ics") == [
        block("2025-03-18T13:00", "2025-03-18T14:00"),
        block("2025-03-19T16:00", "2025-03-19T17:00"),
        block("2025-03-25T13:00", "2025-03-25T14:00"),
        block("2025-04-01T12:00", "2025-04-01T13:00"),
    ]


def test_same_custom_tzid_with_different_definitions_in_two_files() -> None:
    # Both files call their zone "Customized Time Zone": one is US Pacific, one Central
    # European. Each must use its own definition, whichever was read first.
    pacific = block("2025-03-19T16:00", "2025-03-19T17:00")
    european = block("2025-03-20T08:00", "2025-03-20T09:00")
    assert pacific in busy_of("outlook_windows_tzid.ics")
    assert busy_of("outlook_customized_time_zone.ics") == [european]
    assert pacific in busy_of("outlook_windows_tzid.ics")


def test_google_x_wr_timezone_sets_recurrence_zone_and_floating_times() -> None:
    # Google writes UTC times and names the zone only in X-WR-TIMEZONE. The Friday 09:00
    # meeting stays 09:00 in Stockholm after the March change (07:00Z, not 08:00Z), and the
    # floating 15:00 is Stockholm time, not the (New York) person's.
    assert busy_of("google_x_wr_timezone.ics", tz="America/New_York") == [
        block("2025-03-21T08:00", "2025-03-21T09:00"),
        block("2025-03-25T14:00", "2025-03-25T15:00"),
        block("2025-03-28T08:00", "2025-03-28T09:00"),
        block("2025-04-04T07:00", "2025-04-04T08:00"),
    ]


def test_floating_times_are_in_the_persons_zone() -> None:
    assert busy_of("floating.ics", tz=STOCKHOLM) == [
        block("2025-03-20T08:00", "2025-03-20T09:00"),
        block("2025-03-20T21:00", "2025-03-20T22:00"),
    ]
    assert busy_of("floating.ics", tz="America/Los_Angeles") == [
        block("2025-03-20T16:00", "2025-03-20T17:00"),
        block("2025-03-21T05:00", "2025-03-21T06:00"),
    ]


def test_floating_event_outside_the_window_in_utc_but_inside_in_the_persons_zone() -> None:
    # 22:00 floating on 20 March is 05:00Z on 21 March in Los Angeles; read naively as UTC
    # it would fall before this window and be lost.
    window = Interval(at("2025-03-21T00:00"), at("2025-03-22T00:00"))
    assert busy_of("floating.ics", tz="America/Los_Angeles", window=window) == [
        block("2025-03-21T05:00", "2025-03-21T06:00")
    ]
    assert busy_of("floating.ics", tz=STOCKHOLM, window=window) == []


def test_all_day_and_multi_day_events_block_whole_local_days() -> None:
    assert busy_of("all_day_multi_day.ics") == [
        # 14 March, DTEND exclusive
        block("2025-03-13T23:00", "2025-03-14T23:00"),
        # 17 March, no DTEND: one day
        block("2025-03-16T23:00", "2025-03-17T23:00"),
        # timed, Wednesday 15:00 to Friday 11:00
        block("2025-03-19T14:00", "2025-03-21T10:00"),
        # 25 March written with DTEND equal to DTSTART: still one day
        block("2025-03-24T23:00", "2025-03-25T23:00"),
        # Friday 28 to Monday 31 March; local midnight moves to 22:00Z with the DST change
        block("2025-03-27T23:00", "2025-03-31T22:00"),
    ]


def test_all_day_events_follow_the_persons_zone() -> None:
    assert busy_of("all_day_multi_day.ics", tz="America/New_York")[0] == block(
        "2025-03-14T04:00", "2025-03-15T04:00"
    )


def test_transparent_and_cancelled_events_are_not_busy() -> None:
    # Free ("transparent") 11 March and cancelled 12 March are absent; of the daily
    # stand-up 17-19 March the cancelled 18 March instance is absent.
    assert busy_of("transparent_cancelled.ics") == [
        block("2025-03-10T09:00", "2025-03-10T10:00"),
        block("2025-03-17T07:30", "2025-03-17T07:45"),
        block("2025-03-19T07:30", "2025-03-19T07:45"),
    ]


def test_declined_invitation_is_free_only_for_the_person_who_declined() -> None:
    # Karin declined 10 March (address in other case), Olle declined 11 March; an
    # unanswered invitation (12 March) still blocks.
    assert busy_of("declined.ics", email=KARIN) == [
        block("2025-03-11T12:00", "2025-03-11T13:00"),
        block("2025-03-12T12:00", "2025-03-12T13:00"),
    ]
    assert busy_of("declined.ics", email=OLLE) == [
        block("2025-03-10T12:00", "2025-03-10T13:00"),
        block("2025-03-12T12:00", "2025-03-12T13:00"),
    ]


def test_outlook_busy_status() -> None:
    # BUSY and TENTATIVE block, FREE does not, OOF is time off (all-day and timed).
    assert busy_of("oof.ics") == [
        block("2025-03-19T08:00", "2025-03-19T09:00"),
        block("2025-03-20T12:00", "2025-03-20T13:00"),
        block("2025-03-21T11:00", "2025-03-21T16:00", BusyKind.TIME_OFF),
        block("2025-03-23T23:00", "2025-03-25T23:00", BusyKind.TIME_OFF),
    ]


@pytest.mark.parametrize(
    ("start", "end", "expected"),
    [
        (
            "2025-03-20T00:00",
            "2025-04-08T00:00",
            ["2025-03-24T08:00", "2025-03-31T07:00", "2025-04-07T07:00"],
        ),
        (
            "2025-10-19T00:00",
            "2025-11-04T00:00",
            ["2025-10-20T07:00", "2025-10-27T08:00", "2025-11-03T08:00"],
        ),
    ],
    ids=["march", "october"],
)
def test_weekly_meeting_keeps_its_local_time_across_dst(
    start: str, end: str, expected: list[str]
) -> None:
    blocks = busy_of("dst.ics", window=Interval(at(start), at(end)))
    assert [b.start for b in blocks] == [at(s) for s in expected]
    assert all(b.start.astimezone(ZoneInfo(STOCKHOLM)).hour == 9 for b in blocks)


def test_iana_tzid_utc_and_duration() -> None:
    assert busy_of("iana_tzid_utc_duration.ics") == [
        block("2025-03-12T13:00", "2025-03-12T14:00"),
        block("2025-03-13T16:00", "2025-03-13T16:45"),
    ]


def test_todos_journals_freebusy_and_zero_length_events_are_not_busy() -> None:
    assert busy_of("todo_journal_freebusy_zero_length.ics") == [
        block("2025-03-18T15:30", "2025-03-18T16:00")
    ]


def test_own_check_ins_are_reported_and_not_busy() -> None:
    blocks, own = read("own_events.ics", email=OLLE)
    assert blocks == [block("2025-03-06T10:00", "2025-03-06T11:00")]
    # The 2024 one lies outside the window.
    assert own == {"7f3c9a2e-1b4d-4c8e-9f10-2a3b4c5d6e7f@checkin-sync"}


def test_blocks_are_clipped_to_the_window_and_in_utc() -> None:
    stockholm = ZoneInfo(STOCKHOLM)
    window = Interval(
        datetime(2025, 3, 24, 9, 15, tzinfo=stockholm),
        datetime(2025, 3, 31, 9, 10, tzinfo=stockholm),
    )
    blocks = busy_of("dst.ics", window=window)
    assert blocks == [
        block("2025-03-24T08:15", "2025-03-24T08:30"),
        block("2025-03-31T07:00", "2025-03-31T07:10"),
    ]
    assert all(b.start.tzinfo is UTC and b.end.tzinfo is UTC for b in blocks)


def test_concatenated_calendars_are_all_read() -> None:
    # Some merge tools glue whole exports together; every VCALENDAR counts.
    data = (DATA / "dst.ics").read_bytes() + (DATA / "iana_tzid_utc_duration.ics").read_bytes()
    window = Interval(at("2025-03-10T00:00"), at("2025-03-25T00:00"))
    blocks, _ = busy_from_ics(
        data, person_email=KARIN, person_timezone=STOCKHOLM, window=window, source_label="x"
    )
    assert blocks == [
        block("2025-03-12T13:00", "2025-03-12T14:00"),
        block("2025-03-13T16:00", "2025-03-13T16:45"),
        block("2025-03-24T08:00", "2025-03-24T08:30"),
    ]


def reversed_components(data: bytes) -> bytes:
    """The same calendar with its top-level components (VEVENT, VTIMEZONE…) in reverse."""
    lines = data.decode("utf-8").splitlines()
    assert lines[0] == "BEGIN:VCALENDAR"
    assert lines[-1] == "END:VCALENDAR"
    header: list[str] = []
    components: list[list[str]] = []
    depth = 0
    for line in lines[1:-1]:
        if depth == 0 and not line.startswith("BEGIN:"):
            header.append(line)
            continue
        if depth == 0:
            components.append([])
        components[-1].append(line)
        if line.startswith("BEGIN:"):
            depth += 1
        elif line.startswith("END:"):
            depth -= 1
    assert len(components) >= 2
    flipped = [line for component in reversed(components) for line in component]
    return "\r\n".join([lines[0], *header, *flipped, lines[-1], ""]).encode()


CORPUS = sorted(p.name for p in DATA.glob("*.ics") if p.name != "malformed.ics")


@pytest.mark.parametrize("name", CORPUS)
def test_order_of_components_does_not_matter(name: str) -> None:
    data = (DATA / name).read_bytes()
    flipped = reversed_components(data)
    original = busy_from_ics(
        data, person_email=KARIN, person_timezone=STOCKHOLM, window=MARCH, source_label=name
    )
    assert original[0], "each corpus file has busy time in March"
    assert (
        busy_from_ics(
            flipped, person_email=KARIN, person_timezone=STOCKHOLM, window=MARCH, source_label=name
        )
        == original
    )


# --- data that is not a usable calendar ----------------------------------------------------

HEAD = b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Example//EN\r\n"
TAIL = b"END:VCALENDAR\r\n"


def event(*lines: str) -> bytes:
    body = "".join(f"{line}\r\n" for line in ("UID:x1", "SUMMARY:Secret salary talk", *lines))
    return f"BEGIN:VEVENT\r\n{body}END:VEVENT\r\n".encode()


TIMES = ("DTSTART:20250320T090000Z", "DTEND:20250320T100000Z")


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"", "the file is empty"),
        (b"<!DOCTYPE html><html><title>Secret salary talk</title></html>", "got an HTML"),
        (b"Secret salary talk\r\n", "it does not start with BEGIN:VCALENDAR"),
        (event(*TIMES), "no VCALENDAR in it, only VEVENT"),
        (HEAD + event(*TIMES) + b"Secret salary talk\r\n" + TAIL, "a line is not in iCalendar"),
        (HEAD + event("DTSTART:2025-03-20 09:00", TIMES[1]) + TAIL, "malformed DTSTART"),
        (HEAD + event(TIMES[1]) + TAIL, "an event has no DTSTART"),
        (HEAD + event(*TIMES, "RRULE:FREQ=SOMETIMES") + TAIL, "unreadable RRULE"),
        (HEAD + event(*TIMES, "RRULE:FREQ=DAILY", "EXDATE:soon") + TAIL, "malformed EXDATE"),
    ],
    ids=[
        "empty",
        "html",
        "not-ical",
        "bare-vevent",
        "bad-line",
        "bad-dtstart",
        "no-dtstart",
        "bad-rrule",
        "bad-exdate",
    ],
)
def test_unusable_data_is_an_error_with_a_short_reason_and_no_content(
    data: bytes, reason: str
) -> None:
    with pytest.raises(IcsError) as caught:
        busy_from_ics(
            data, person_email=KARIN, person_timezone=STOCKHOLM, window=MARCH, source_label="k.ics"
        )
    message = str(caught.value)
    assert message.startswith("k.ics: not a valid iCalendar file (")
    assert reason in message
    assert "Secret" not in message
    assert "\n" not in message
    assert isinstance(caught.value, CalendarError)


def test_malformed_file_from_the_corpus() -> None:
    with pytest.raises(IcsError, match="cut short") as caught:
        read("malformed.ics")
    assert str(caught.value) == (
        "malformed.ics: not a valid iCalendar file (no complete VCALENDAR; is the file cut short?)"
    )


def test_unknown_x_wr_timezone_is_ignored_rather_than_failing_the_calendar() -> None:
    data = HEAD + b"X-WR-TIMEZONE:Mountain Time\r\n" + event(*TIMES) + TAIL
    blocks, _ = busy_from_ics(
        data, person_email=KARIN, person_timezone=STOCKHOLM, window=MARCH, source_label="k.ics"
    )
    assert blocks == [block("2025-03-20T09:00", "2025-03-20T10:00")]


# --- the connector: sources, sharing, errors -----------------------------------------------


def test_connector_declares_what_it_can_do() -> None:
    connector = IcsConnector(Path("config"))
    assert connector.name == "ics"
    assert connector.capabilities.reads_busy
    assert not connector.capabilities.writes_events


def test_locate_keeps_the_source_as_written_for_messages() -> None:
    here = locate("ics:demo/karin.ics", Path("config"))
    assert (here.label, here.path, here.url) == (
        "config/demo/karin.ics",
        Path("config/demo/karin.ics"),
        None,
    )
    remote = locate("ics:https://cal.example.com/k.ics", Path("config"))
    assert (remote.label, remote.url) == (
        "https://cal.example.com/k.ics",
        "https://cal.example.com/k.ics",
    )
    apple = locate("ics:webcal://p01-caldav.icloud.com/published/2/abc", Path("config"))
    assert apple.label == "webcal://p01-caldav.icloud.com/…/abc"
    assert apple.url == "https://p01-caldav.icloud.com/published/2/abc"
    assert locate("ics:./demo/../demo/karin.ics", Path("config")).key == here.key


def ref(email: str, source: str, tz: str = STOCKHOLM) -> CalendarRef:
    return CalendarRef(email=email, timezone=tz, source=source)


@pytest.fixture
def config_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A relative config folder, as the CLI passes it, so labels read config/demo/…"""
    monkeypatch.chdir(tmp_path)
    folder = Path("config/demo")
    folder.mkdir(parents=True)
    return folder


def test_missing_and_malformed_files_fail_only_their_own_people(config_dir: Path) -> None:
    shutil.copy(DATA / "dst.ics", config_dir / "karin.ics")
    shutil.copy(DATA / "malformed.ics", config_dir / "broken.ics")
    people = [
        ref("karin@example.com", "ics:karin.ics"),
        ref("anna@example.com", "ics:gone.ics"),
        ref("bo@example.com", "ics:gone.ics"),
        ref("cia@example.com", "ics:broken.ics"),
        ref("dan@example.com", "ics:broken.ics"),
    ]
    window = Interval(at("2025-03-20T00:00"), at("2025-04-01T00:00"))

    reading = IcsConnector(config_dir).read_busy(people, window)

    missing = "config/demo/gone.ics: cannot read the file (No such file or directory)"
    broken = (
        "config/demo/broken.ics: not a valid iCalendar file "
        "(no complete VCALENDAR; is the file cut short?)"
    )
    assert reading.errors == {
        "anna@example.com": missing,
        "bo@example.com": missing,
        "cia@example.com": broken,
        "dan@example.com": broken,
    }
    assert reading.busy == {
        "karin@example.com": [
            block("2025-03-24T08:00", "2025-03-24T08:30"),
            block("2025-03-31T07:00", "2025-03-31T07:30"),
        ]
    }
    assert reading.requests == 3


def test_shared_file_is_read_and_parsed_once_but_interpreted_per_person(
    config_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    shutil.copy(DATA / "declined.ics", config_dir / "team.ics")
    shutil.copy(DATA / "own_events.ics", config_dir / "olle.ics")
    reads: list[str] = []
    parses: list[str] = []
    real_read_file = ics._read_file
    real_parse = ics_busy.parse_calendars

    def counting_read_file(path: Path, label: str) -> bytes:
        reads.append(str(path))
        return real_read_file(path, label)

    def counting_parse(data: bytes, source_label: str) -> list[Calendar]:
        parses.append(source_label)
        return real_parse(data, source_label)

    monkeypatch.setattr(ics, "_read_file", counting_read_file)
    monkeypatch.setattr(ics_parsing, "parse_calendars", counting_parse)
    people = [
        ref(KARIN, "ics:team.ics"),
        ref("olle@example.com", "ics:./team.ics"),
        ref("sven@example.com", "ics:olle.ics"),
    ]

    reading = IcsConnector(config_dir).read_busy(people, MARCH)

    assert reading.errors == {}
    assert sorted(reads) == ["config/demo/olle.ics", "config/demo/team.ics"]
    assert sorted(parses) == ["config/demo/olle.ics", "config/demo/team.ics"]
    assert reading.requests == 2
    assert reading.busy[KARIN][0] == block("2025-03-11T12:00", "2025-03-11T13:00")
    assert reading.busy[OLLE][0] == block("2025-03-10T12:00", "2025-03-10T13:00")
    assert reading.own_events == {
        "sven@example.com": {"7f3c9a2e-1b4d-4c8e-9f10-2a3b4c5d6e7f@checkin-sync"}
    }


def test_unknown_person_timezone_fails_only_that_person(config_dir: Path) -> None:
    shutil.copy(DATA / "floating.ics", config_dir / "shared.ics")
    people = [ref(KARIN, "ics:shared.ics"), ref(OLLE, "ics:shared.ics", tz="Mars/Olympus")]
    reading = IcsConnector(config_dir).read_busy(people, MARCH)
    assert reading.errors == {OLLE: "config/demo/shared.ics: unknown time zone 'Mars/Olympus'"}
    assert reading.busy[KARIN][0] == block("2025-03-20T08:00", "2025-03-20T09:00")


def test_an_unexpected_failure_stays_with_its_own_source(
    config_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    shutil.copy(DATA / "dst.ics", config_dir / "karin.ics")
    shutil.copy(DATA / "floating.ics", config_dir / "odd.ics")
    real_parse = ics_busy.parse_calendars

    def parse_failing_on_odd(data: bytes, source_label: str) -> list[Calendar]:
        if source_label.endswith("odd.ics"):
            raise RecursionError("a bug somewhere below us")
        return real_parse(data, source_label)

    monkeypatch.setattr(ics_parsing, "parse_calendars", parse_failing_on_odd)
    people = [ref(KARIN, "ics:karin.ics"), ref(OLLE, "ics:odd.ics")]
    reading = IcsConnector(config_dir).read_busy(people, MARCH)
    assert reading.errors == {OLLE: "config/demo/odd.ics: cannot be read (RecursionError)"}
    assert reading.busy[KARIN][0] == block("2025-03-24T08:00", "2025-03-24T08:30")


# --- http(s) sources ------------------------------------------------------------------------


@dataclass
class Route:
    status: int
    body: bytes
    stall_before_headers: bool = False
    stall_in_body: bool = False
    trickle: bool = False


@dataclass
class FakeServer:
    base: str
    routes: dict[str, Route]
    hits: list[tuple[str, str]] = field(default_factory=list)
    release: threading.Event = field(default_factory=threading.Event)

    def url(self, path: str) -> str:
        return self.base + path


class _Server(http.server.ThreadingHTTPServer):
    fake: FakeServer

    def handle_error(self, request: object, client_address: object) -> None:
        pass  # a client that gave up mid-response is the point of the timeout tests


class _Handler(http.server.BaseHTTPRequestHandler):
    server: _Server

    def do_GET(self) -> None:
        fake = self.server.fake
        fake.hits.append((self.path, self.headers.get("User-Agent", "")))
        route = fake.routes.get(self.path, Route(404, b"Not Found"))
        if route.stall_before_headers:
            fake.release.wait(10)
        self.send_response(route.status)
        self.send_header("Content-Type", "text/calendar; charset=utf-8")
        self.send_header("Content-Length", str(len(route.body)))
        self.end_headers()
        if route.trickle:
            for i in range(0, len(route.body), 40):
                self.wfile.write(route.body[i : i + 40])
                self.wfile.flush()
                if fake.release.wait(0.05):
                    return
        elif route.stall_in_body:
            self.wfile.write(route.body[:20])
            self.wfile.flush()
            fake.release.wait(10)
            self.wfile.write(route.body[20:])
        else:
            self.wfile.write(route.body)

    def log_message(self, format: str, *args: object) -> None:
        pass


LOCAL = ("127.0.0.1",)
"""The test servers run on this machine: their feeds are allowed as [ics] allow_hosts would."""


@pytest.fixture
def server() -> Iterator[FakeServer]:
    httpd = _Server(("127.0.0.1", 0), _Handler)
    httpd.daemon_threads = True
    fake = FakeServer(base=f"http://127.0.0.1:{httpd.server_address[1]}", routes={})
    httpd.fake = fake
    thread = threading.Thread(target=httpd.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    yield fake
    fake.release.set()
    httpd.shutdown()
    httpd.server_close()
    thread.join()


def test_http_source_is_fetched_once_for_everyone_who_shares_it(server: FakeServer) -> None:
    server.routes["/team.ics"] = Route(200, (DATA / "declined.ics").read_bytes())
    url = server.url("/team.ics")
    people = [ref(KARIN, f"ics:{url}"), ref(OLLE, f"ics:{url}")]

    reading = IcsConnector(Path("config"), allow_hosts=LOCAL).read_busy(people, MARCH)

    assert reading.errors == {}
    assert server.hits == [("/team.ics", "checkin-sync")]
    assert reading.requests == 1
    assert reading.busy[KARIN] == [
        block("2025-03-11T12:00", "2025-03-11T13:00"),
        block("2025-03-12T12:00", "2025-03-12T13:00"),
    ]
    assert reading.busy[OLLE][0] == block("2025-03-10T12:00", "2025-03-10T13:00")


def test_http_error_status(server: FakeServer) -> None:
    url = server.url("/private-abc/basic.ics")
    reading = IcsConnector(Path("config"), allow_hosts=LOCAL).read_busy(
        [ref(KARIN, f"ics:{url}")], MARCH
    )
    # the secret token in the path stays out of the message
    assert reading.errors == {KARIN: f"{server.url('/…/basic.ics')}: HTTP 404"}
    assert "private-abc" not in reading.errors[KARIN]
    assert reading.busy == {}
    assert reading.requests == 1


def test_http_page_that_is_not_a_calendar(server: FakeServer) -> None:
    server.routes["/login.ics"] = Route(200, b"<!DOCTYPE html>\n<html><body>Sign in</body></html>")
    url = server.url("/login.ics")
    reading = IcsConnector(Path("config"), allow_hosts=LOCAL).read_busy(
        [ref(KARIN, f"ics:{url}")], MARCH
    )
    assert reading.errors == {
        KARIN: f"{url}: not a valid iCalendar file (got an HTML or XML page instead of a calendar)"
    }


@pytest.mark.parametrize("stall", ["before_headers", "in_body", "trickle"])
def test_slow_server_times_out(server: FakeServer, stall: str) -> None:
    server.routes["/slow.ics"] = Route(
        200,
        (DATA / "dst.ics").read_bytes(),
        stall_before_headers=stall == "before_headers",
        stall_in_body=stall == "in_body",
        # Never idle as long as the timeout, so only the overall deadline can stop it.
        trickle=stall == "trickle",
    )
    url = server.url("/slow.ics")
    people = [ref(KARIN, f"ics:{url}"), ref(OLLE, f"ics:{url}")]
    reading = IcsConnector(Path("config"), timeout_seconds=0.2, allow_hosts=LOCAL).read_busy(
        people, MARCH
    )
    message = f"{url}: timed out after 0.2 s"
    assert reading.errors == {KARIN: message, OLLE: message}
    assert reading.busy == {}


def test_nothing_listening(config_dir: Path) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    url = f"http://127.0.0.1:{port}/k.ics"
    shutil.copy(DATA / "dst.ics", config_dir / "olle.ics")
    people = [ref(KARIN, f"ics:{url}"), ref(OLLE, "ics:olle.ics")]
    reading = IcsConnector(config_dir, timeout_seconds=2, allow_hosts=LOCAL).read_busy(
        people, MARCH
    )
    assert reading.errors == {KARIN: f"{url}: cannot connect (Connection refused)"}
    assert reading.busy[OLLE][0] == block("2025-03-24T08:00", "2025-03-24T08:30")
