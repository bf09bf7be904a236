"""iTIP invitations by email (RFC 5546 / RFC 6047) for people whose calendar checkin-sync
cannot write to: sent once per version, updated when dates move, cancelled at the end, and
read by independent parsers exactly as the store has the series."""

from __future__ import annotations

import email
import email.policy
from collections.abc import Callable
from datetime import datetime, timedelta
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pytest
from icalendar import Calendar

from sync.store import SeriesRecord, Store
from tests.caldav_server import RadicaleServer
from tests.cli.test_cli_end_to_end import (
    KARIN_CALENDAR,
    NOW,
    PEOPLE,
    by_employee,
    proposals,
    run,
)
from tests.conftest import ConfigDir, Result
from tests.delivery.test_digest_email import Inbox
from tests.interop import expected, with_ical, with_radicale, with_vobject
from tests.night.test_keep_up import busy_event, store_approve

CLI = Callable[..., Result]
LENA_SERIES = "lena@example.com"


@pytest.fixture
def booked(cli: CLI, config: ConfigDir) -> ConfigDir:
    """Karin (calendar = ics:) and Lena (ics:) with Lena's weekly series booked."""
    config.calendar("karin.ics", KARIN_CALENDAR)
    config.calendar("lena.ics")
    config.people(PEOPLE)
    assert run(cli, config).code == 0
    lena = by_employee(proposals(cli, config))["lena@example.com"]
    store_approve(config, lena["id"])
    result = run(cli, config)
    assert result.code == 0, result.out
    return config


def sent(config: ConfigDir) -> list[tuple[str, EmailMessage]]:
    """Invitation emails written to the outbox folder, oldest first: (recipient, message)."""
    found = []
    paths = (config.data / "outbox").glob("*-invitation-*.eml")
    for path in sorted(paths, key=lambda p: int(p.name.split("-")[1])):
        message = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
        assert isinstance(message, EmailMessage)
        found.append((path.name.split("-invitation-")[1].removesuffix(".eml"), message))
    return found


def calendar_part(message: EmailMessage) -> tuple[str, bytes]:
    """The method the email announces and the iCalendar object it carries."""
    part = next(p for p in message.walk() if p.get_content_type() == "text/calendar")
    data = part.get_payload(decode=True)
    assert isinstance(data, bytes)
    return str(part.get_param("method")), data


def lena_series(config: ConfigDir) -> SeriesRecord:
    store = Store.open(config.data / "state.sqlite")
    try:
        (series,) = [s for s in store.series() if s.proposal.employee == LENA_SERIES]
        return series
    finally:
        store.close()


def structure(message: EmailMessage) -> list[tuple[str, dict[str, str], str | None]]:
    """Each part of the email in order: content type, its parameters, and how it is
    disposed (attachment or not)."""
    found = []
    for part in message.walk():
        params = {k: v for k, v in part.get_params()[1:] if k != "boundary"}
        found.append((part.get_content_type(), params, part.get_content_disposition()))
    return found


def test_both_people_on_ics_calendars_are_invited_once(
    cli: CLI, booked: ConfigDir, radicale_server: RadicaleServer
) -> None:
    invitations = dict(sent(booked))
    assert sorted(invitations) == ["karin@example.com", "lena@example.com"]
    series = lena_series(booked)
    for who, message in invitations.items():
        assert message["Subject"] == "Invitation: Check-in: Lind, Karin / Lena Berg"
        # RFC 6047: the method is a parameter of the text/calendar part and repeats METHOD;
        # the same object is attached, as application/ics so no client offers it twice
        method = "PUBLISH" if who == "karin@example.com" else "REQUEST"
        assert structure(message) == [
            ("multipart/mixed", {}, None),
            ("multipart/alternative", {}, None),
            ("text/plain", {"charset": "utf-8"}, None),
            ("text/calendar", {"method": method, "charset": "UTF-8"}, None),
            ("application/ics", {}, "attachment"),
        ]
        _, data = calendar_part(message)
        (attachment,) = list(message.iter_attachments())
        assert attachment.get_filename() == "invite.ics"
        assert attachment.get_payload(decode=True) == data
        calendar = Calendar.from_ical(data)
        assert calendar["METHOD"] == method
        (event,) = calendar.walk("VEVENT")
        assert event["UID"] == series.uid
        assert event["SEQUENCE"] == 0
        assert str(event["ORGANIZER"]) == "mailto:karin@example.com"
        body = message.get_body(("plain",))
        assert body is not None
        text = body.get_content()  # type: ignore[attr-defined]
        assert "Your regular check-in with" in text
        # every reader sees the meetings the store holds
        want = expected(series.occurrences)
        assert with_vobject(data)[: len(want)] == want
        assert with_ical(data)[: len(want)] == want
        assert with_radicale(radicale_server, data, who.split("@")[0])[: len(want)] == want

    lena = invitations["lena@example.com"]
    assert lena["From"] == '"Lind, Karin" <karin@example.com>'
    assert lena["Sender"] == "checkin-sync@localhost"
    (event,) = Calendar.from_ical(calendar_part(lena)[1]).walk("VEVENT")
    attendees = {str(a): a.params["PARTSTAT"] for a in event["ATTENDEE"]}
    assert attendees == {
        "mailto:karin@example.com": "ACCEPTED",
        "mailto:lena@example.com": "NEEDS-ACTION",
    }

    # Karin organises it: a REQUEST from herself to herself is one Outlook and Gmail will not
    # add, so hers is the event to add as it is, from the service, asking nobody to reply
    karin = invitations["karin@example.com"]
    assert karin["From"] == "checkin-sync@localhost"
    assert karin["Sender"] is None and karin["Reply-To"] is None
    _, data = calendar_part(karin)
    (event,) = Calendar.from_ical(data).walk("VEVENT")
    assert str(event["ATTENDEE"]) == "mailto:lena@example.com"
    assert b"RSVP" not in data and b"PARTSTAT" not in data

    assert run(cli, booked).code == 0
    assert len(sent(booked)) == 2, "a re-run sends nothing again"


def test_a_moved_date_sends_an_update_with_a_higher_sequence(
    cli: CLI, booked: ConfigDir, radicale_server: RadicaleServer
) -> None:
    third = lena_series(booked).occurrences[2]
    booked.calendar("lena.ics", busy_event(third.start - timedelta(minutes=15), 60, "dentist-1"))
    assert run(cli, booked).code == 0

    series = lena_series(booked)
    assert series.occurrences[2].status.value == "moved"
    updates = sent(booked)[2:]
    assert sorted(who for who, _ in updates) == ["karin@example.com", "lena@example.com"]
    for who, message in updates:
        assert message["Subject"].startswith("Updated invitation: ")
        method, data = calendar_part(message)
        assert method == ("PUBLISH" if who == "karin@example.com" else "REQUEST")
        events = Calendar.from_ical(data).walk("VEVENT")
        assert {e["SEQUENCE"] for e in events} == {series.sequence} and series.sequence > 0
        assert [e.decoded("RECURRENCE-ID") for e in events if "RECURRENCE-ID" in e] == [
            third.original_start
        ]
        want = expected(series.occurrences)
        assert third.start not in [s for s, _ in with_vobject(data)]
        for times in (
            with_vobject(data),
            with_ical(data),
            with_radicale(radicale_server, data, who.split("@")[0]),
        ):
            assert times[: len(want)] == want


def test_dates_entering_the_horizon_as_planned_send_nothing(cli: CLI, booked: ConfigDir) -> None:
    before = lena_series(booked)
    week_later = (datetime.fromisoformat(NOW) + timedelta(weeks=1)).isoformat()
    assert run(cli, booked, now=week_later).code == 0
    after = lena_series(booked)
    assert len(after.occurrences) > len(before.occurrences)
    assert after.sequence == before.sequence, "nothing a calendar shows changed"
    assert len(sent(booked)) == 2, "the calendars would look the same: nobody is emailed"


def test_a_cancelled_series_sends_cancel(cli: CLI, booked: ConfigDir) -> None:
    people = (booked.root / "people.toml").read_text()
    lena_entry = people[people.index("[[employees]]") : people.index('cadence = "weekly"')]
    booked.people(people.replace(lena_entry + 'cadence = "weekly"\n', ""))
    assert run(cli, booked).code == 0

    cancels = sent(booked)[2:]
    assert sorted(who for who, _ in cancels) == ["karin@example.com", "lena@example.com"]
    for who, message in cancels:
        assert message["Subject"] == "Cancelled: Check-in: Lind, Karin / Lena Berg"
        method, data = calendar_part(message)
        # the organiser's copy is replaced by a cancelled version of the one she added
        assert method == ("PUBLISH" if who == "karin@example.com" else "CANCEL")
        calendar = Calendar.from_ical(data)
        assert calendar["METHOD"] == method
        (event,) = calendar.walk("VEVENT")
        assert event["STATUS"] == "CANCELLED"
        assert "RECURRENCE-ID" not in event
        assert event["SEQUENCE"] == lena_series(booked).sequence >= 1
    assert run(cli, booked).code == 0
    assert len(sent(booked)) == 4


def test_a_configured_sender_sends_with_reply_to_the_organiser(cli: CLI, config: ConfigDir) -> None:
    config.settings('[invitations]\nfrom_address = "Check-ins <checkins@example.com>"\n')
    config.calendar("karin.ics", KARIN_CALENDAR)
    config.calendar("lena.ics")
    config.people(PEOPLE)
    assert run(cli, config).code == 0
    store_approve(config, by_employee(proposals(cli, config))["lena@example.com"]["id"])
    assert run(cli, config).code == 0
    messages = dict(sent(config))
    lena, karin = messages["lena@example.com"], messages["karin@example.com"]
    assert lena["From"] == "Check-ins <checkins@example.com>"
    assert lena["Reply-To"] == '"Lind, Karin" <karin@example.com>'
    assert karin["From"] == "Check-ins <checkins@example.com>"
    assert karin["Reply-To"] is None, "her own copy: there is nobody to reply to"


def test_invitations_can_be_turned_off(cli: CLI, config: ConfigDir) -> None:
    config.settings("[invitations]\nsend = false\n")
    config.calendar("karin.ics", KARIN_CALENDAR)
    config.calendar("lena.ics")
    config.people(PEOPLE)
    assert run(cli, config).code == 0
    store_approve(config, by_employee(proposals(cli, config))["lena@example.com"]["id"])
    assert run(cli, config).code == 0
    assert sent(config) == []


def test_an_invitation_the_mail_server_refused_is_retried_never_doubled(
    cli: CLI, config: ConfigDir, inbox: tuple[Inbox, int]
) -> None:
    received, port = inbox
    mail = f'[smtp]\nhost = "127.0.0.1"\nport = {port}\nsecurity = "none"\n'
    config.settings(mail.replace(str(port), "1"))  # nothing listens there
    config.calendar("karin.ics", KARIN_CALENDAR)
    config.calendar("lena.ics")
    config.people(PEOPLE)
    assert run(cli, config).code == 1
    store_approve(config, by_employee(proposals(cli, config))["lena@example.com"]["id"])
    failed = run(cli, config)
    assert failed.code == 1
    assert "Invitations not sent (kept, and retried by the next run):" in failed.out
    assert "lena@example.com: 127.0.0.1:1: cannot connect" in failed.out

    config.settings(mail)
    later = datetime.fromisoformat("2027-02-01T08:00:00+00:00").isoformat()
    assert run(cli, config, now=later).code == 0
    assert run(cli, config, now=later).code == 0
    invitations = [
        (rcpt, m) for rcpt, m in received.received if m["Subject"].startswith("Invitation")
    ]
    assert sorted(rcpt for rcpt, _ in invitations) == [
        ["karin@example.com"],
        ["lena@example.com"],
    ]


def _subjects(messages: list[tuple[str, Any]]) -> list[str]:
    return [m["Subject"] for _, m in messages]


def _names(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())
