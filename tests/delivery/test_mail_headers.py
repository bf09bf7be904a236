"""Headers built from names and titles written by people stay one line each."""

from __future__ import annotations

import email
import email.policy
from datetime import UTC, datetime

import pytest

from sync.config.settings import Settings
from sync.delivery.invitation_email import Invitation, to_email
from sync.delivery.mail_headers import address, header_text
from sync.ical.itip import REQUEST
from sync.model.values import Attendee
from tests.delivery.test_ics_export import make_series

NOW = datetime(2027, 2, 1, 7, tzinfo=UTC)


@pytest.mark.parametrize(
    ("raw", "plain"),
    [
        ("Karin\r\nBcc: all@example.com", "Karin Bcc: all@example.com"),
        ("Lena\u2028Berg", "Lena Berg"),
        ("Lena\x00\x1b[31m Berg", "Lena [31m Berg"),
        ("  Lena \t Berg ", "Lena Berg"),
        ("Åsa Öberg", "Åsa Öberg"),
    ],
)
def test_header_text_is_one_line(raw: str, plain: str) -> None:
    assert header_text(raw) == plain


def test_an_address_the_email_library_refuses_is_still_one_line() -> None:
    assert address("Mallory", "mal\r\nBcc: x@example.com") == "mal Bcc: x@example.com"


def test_an_invitation_from_a_series_stored_with_line_breaks_is_sent_intact() -> None:
    """Series proposed before the roster refused such names keep them in the store."""
    evil = Attendee("mallory@example.com", "Mallory\r\nBcc: everyone@example.com")
    series = make_series(attendee=evil, summary="Check-in: Karin / Mallory\r\nBcc: all@x.com")
    calendar = b"BEGIN:VCALENDAR\r\nMETHOD:REQUEST\r\nEND:VCALENDAR\r\n"
    invitation = Invitation(evil, series, "weekly", REQUEST, False, "Europe/Stockholm", calendar)

    raw = to_email(invitation, Settings(), NOW)

    message = email.message_from_bytes(raw, policy=email.policy.default)
    assert message["Subject"] == "Invitation: Check-in: Karin / Mallory Bcc: all@x.com"
    assert message["To"] == '"Mallory Bcc: everyone@example.com" <mallory@example.com>'
    assert message["Bcc"] is None
