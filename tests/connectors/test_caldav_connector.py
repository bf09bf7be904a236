"""The CalDAV connector against a real CalDAV server (Radicale): series written with
conditional PUTs, read back with what people did to them, and failures told apart."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from icalendar import Calendar

from sync.config.provider_settings import CalDavSettings
from sync.connectors.base import CalendarRef, WriteFailed
from sync.connectors.caldav.client import CalDavClient
from sync.connectors.caldav.connector import CalDavConnector
from sync.connectors.caldav.writing import resource_name
from sync.connectors.retry import RetryPolicy
from sync.model.values import Interval, SeriesStatus
from tests.caldav_server import PASSWORD, USER, RadicaleServer
from tests.delivery.test_ics_export import (
    KARIN,
    MOVED_FROM,
    MOVED_TO,
    SKIPPED_AT,
    at,
    eventful_series,
    make_series,
)

WINDOW = Interval(datetime(2027, 2, 1, tzinfo=UTC), datetime(2027, 6, 1, tzinfo=UTC))


def connector(
    server: RadicaleServer, password: str = PASSWORD, *, server_invites: bool = False
) -> tuple[CalDavConnector, str]:
    url = server.calendar("karin")
    settings = CalDavSettings(
        username=USER,
        password=password,
        hosts=["127.0.0.1"],
        server_sends_invitations=server_invites,
    )
    client = CalDavClient(settings, RetryPolicy(attempts=3), sleep=lambda _s: None)
    return CalDavConnector(settings, {KARIN.email: f"caldav:{url}"}, client), url


def stored(server: RadicaleServer, url: str) -> Calendar:
    status, text = server.get(url + resource_name(eventful_series().uid))
    assert status == 200
    return Calendar.from_ical(text)


def edit(server: RadicaleServer, url: str, change: str, replacement: str) -> None:
    """A person changes the series in their calendar app."""
    name = resource_name(eventful_series().uid)
    _, text = server.get(url + name)
    assert change in text
    server.put(url, name, text.replace(change, replacement, 1))


def test_writing_twice_is_one_resource_made_with_if_none_match(
    radicale_server: RadicaleServer,
) -> None:
    caldav, url = connector(radicale_server)
    assert caldav.write_series(eventful_series()) >= 1
    caldav.write_series(eventful_series())  # a run that crashed before recording the write

    listing = radicale_server.session().request("PROPFIND", url, headers={"Depth": "1"})
    assert listing.text.count(".ics</") == 1
    events = stored(radicale_server, url).walk("VEVENT")
    assert [str(e["UID"]) for e in events] == ["karin-bo@checkin-sync"] * 2
    assert {e["ATTENDEE"].params["SCHEDULE-AGENT"] for e in events} == {"CLIENT"}


def test_a_scheduling_server_is_left_to_invite(radicale_server: RadicaleServer) -> None:
    caldav, url = connector(radicale_server, server_invites=True)
    caldav.write_series(eventful_series())
    (master, _) = stored(radicale_server, url).walk("VEVENT")
    assert "SCHEDULE-AGENT" not in master["ATTENDEE"].params
    assert caldav.capabilities.sends_invitations


def test_what_we_wrote_reads_back_as_no_change(radicale_server: RadicaleServer) -> None:
    caldav, _ = connector(radicale_server)
    series = eventful_series()
    caldav.write_series(series)
    seen = caldav.observe(KARIN.email, {series.uid: []}, WINDOW)
    assert seen.error is None
    remote = seen.series[series.uid]
    assert remote.exists and not remote.declined_by
    # the calendar shows our own skip and move, which the store already holds
    assert remote.exceptions[SKIPPED_AT] is None
    assert remote.exceptions[MOVED_FROM] == Interval(MOVED_TO, MOVED_TO + timedelta(minutes=30))


def test_a_persons_move_and_cancellation_are_seen(radicale_server: RadicaleServer) -> None:
    caldav, url = connector(radicale_server)
    series = make_series(until=at(date(2027, 4, 27), 23))
    caldav.write_series(series)
    moved_to = "20270310T150000"
    edit(
        radicale_server,
        url,
        "END:VEVENT",
        "END:VEVENT\r\nBEGIN:VEVENT\r\nUID:karin-bo@checkin-sync\r\n"
        "DTSTAMP:20270201T000000Z\r\nRECURRENCE-ID;TZID=Europe/Stockholm:20270309T100000\r\n"
        f"DTSTART;TZID=Europe/Stockholm:{moved_to}\r\nDTEND;TZID=Europe/Stockholm:20270310T153000"
        "\r\nSUMMARY:moved by Karin\r\nEND:VEVENT",
    )
    # the series' own rule, not one of the VTIMEZONE's yearly ones before it
    edit(
        radicale_server,
        url,
        "RRULE:FREQ=WEEKLY",
        "EXDATE;TZID=Europe/Stockholm:20270316T100000\r\nRRULE:FREQ=WEEKLY",
    )

    remote = caldav.observe(KARIN.email, {series.uid: []}, WINDOW).series[series.uid]
    assert remote.exceptions == {
        at(date(2027, 3, 9)): Interval(at(date(2027, 3, 10), 15), at(date(2027, 3, 10), 15, 30)),
        at(date(2027, 3, 16)): None,
    }


def test_a_decline_is_seen_and_kept_when_the_series_changes(
    radicale_server: RadicaleServer,
) -> None:
    caldav, url = connector(radicale_server)
    series = eventful_series()
    caldav.write_series(series)
    edit(radicale_server, url, "PARTSTAT=NEEDS-ACTION", "PARTSTAT=DECLINED")

    remote = caldav.observe(KARIN.email, {series.uid: []}, WINDOW).series[series.uid]
    assert remote.declined_by == frozenset({"bo.berg@example.com"})
    changed = replace(series, sequence=1, description="New purpose.")
    caldav.write_series(changed)
    (master, _) = stored(radicale_server, url).walk("VEVENT")
    assert master["DESCRIPTION"] == "New purpose."
    assert master["ATTENDEE"].params["PARTSTAT"] == "DECLINED"


def test_a_change_made_while_we_write_is_not_overwritten(
    radicale_server: RadicaleServer,
) -> None:
    caldav, url = connector(radicale_server)
    series = eventful_series()
    caldav.write_series(series)
    radicale_server.before_conditional_put = lambda: edit(
        radicale_server, url, "SUMMARY:Check-in: Karin / Bo", "SUMMARY:Karin's own title"
    )
    with pytest.raises(WriteFailed, match=r"changed in karin\.lind@example\.com's calendar while"):
        caldav.write_series(replace(series, sequence=1, description="New purpose."))
    (master, _) = stored(radicale_server, url).walk("VEVENT")
    assert master["SUMMARY"] == "Karin's own title"
    assert master["DESCRIPTION"] != "New purpose."


def test_a_series_deleted_by_a_person_is_not_recreated(radicale_server: RadicaleServer) -> None:
    caldav, url = connector(radicale_server)
    series = eventful_series()
    caldav.write_series(series)
    radicale_server.delete(url + resource_name(series.uid))

    assert not caldav.observe(KARIN.email, {series.uid: []}, WINDOW).series[series.uid].exists
    with pytest.raises(WriteFailed, match=r"deleted in karin\.lind@example\.com's calendar"):
        caldav.write_series(replace(series, sequence=1))
    assert radicale_server.get(url + resource_name(series.uid))[0] == 404


def test_cancelling_deletes_and_ending_sets_until(radicale_server: RadicaleServer) -> None:
    caldav, url = connector(radicale_server)
    series = make_series()
    caldav.write_series(series)
    caldav.write_series(replace(series, sequence=1, until=at(date(2027, 3, 20))))
    (master,) = stored(radicale_server, url).walk("VEVENT")
    assert master["RRULE"]["UNTIL"] == [at(date(2027, 3, 20))]

    caldav.write_series(replace(series, sequence=2, status=SeriesStatus.CANCELLED))
    assert radicale_server.get(url + resource_name(series.uid))[0] == 404
    caldav.write_series(replace(series, sequence=2, status=SeriesStatus.CANCELLED))


def test_a_resource_we_did_not_make_is_never_overwritten(
    radicale_server: RadicaleServer,
) -> None:
    caldav, url = connector(radicale_server)
    name = resource_name(eventful_series().uid)
    foreign = (
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//t//t//EN\r\nBEGIN:VEVENT\r\nUID:someone-else"
        "\r\nDTSTAMP:20270101T000000Z\r\nDTSTART:20270302T090000Z\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
    )
    radicale_server.put(url, name, foreign)
    with pytest.raises(WriteFailed, match="was not made by checkin-sync"):
        caldav.write_series(eventful_series())
    assert "someone-else" in radicale_server.get(url + name)[1]


def test_a_busy_server_is_retried(radicale_server: RadicaleServer) -> None:
    caldav, url = connector(radicale_server)
    radicale_server.failures = [503, 429]
    caldav.write_series(eventful_series())
    assert stored(radicale_server, url).walk("VEVENT")


def test_a_server_that_stays_down_fails_the_write_with_a_reason(
    radicale_server: RadicaleServer,
) -> None:
    caldav, _ = connector(radicale_server)
    radicale_server.failures = [500] * 3
    with pytest.raises(WriteFailed, match=r"answered 500 \(gave up after 3 attempts\)"):
        caldav.write_series(eventful_series())


def test_refused_credentials_are_named_without_the_password(
    radicale_server: RadicaleServer, tmp_path: Path
) -> None:
    caldav, url = connector(radicale_server, password="wrong-password-123")
    lena = CalendarRef("lena@example.com", "Europe/Stockholm", f"caldav:{url}")
    reading = caldav.read_busy([lena], WINDOW)
    why = reading.errors["lena@example.com"]
    assert "refused the user name or password" in why
    assert "wrong-password-123" not in why
    with pytest.raises(WriteFailed) as failed:
        caldav.write_series(eventful_series())
    assert "refused the user name or password" in str(failed.value)
    observed = caldav.observe(KARIN.email, {eventful_series().uid: []}, WINDOW)
    assert observed.error is not None and "refused" in observed.error
    assert observed.series == {}


def test_own_checkins_in_free_busy_are_marked_as_includes_own(
    radicale_server: RadicaleServer,
) -> None:
    caldav, url = connector(radicale_server)
    caldav.write_series(make_series(until=at(date(2027, 3, 9), 23)))
    karin = CalendarRef(KARIN.email, "Europe/Stockholm", f"caldav:{url}")
    reading = caldav.read_busy([karin], WINDOW)
    # the free-busy answer holds the two check-ins; the run takes them out again
    assert len(reading.busy[KARIN.email]) == 2
    assert caldav.capabilities.busy_includes_own_events
