"""An iTIP invitation as an email (iMIP, RFC 6047): a short text for people, the iCalendar
object as a `text/calendar; method=…` alternative that mail and calendar apps act on, and the
same object attached as invite.ics for anything that only looks at attachments.

The attachment is `application/ics`, not a second text/calendar part: clients that find two
calendar parts with a method offer the invitation twice.

The organiser's own copy (a PUBLISH, see invitations.py) comes from the service's address:
mail from oneself about one's own meeting is what Outlook and Gmail distrust.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from email.headerregistry import Address
from email.message import EmailMessage
from email.policy import SMTP
from email.utils import format_datetime, make_msgid, parseaddr

from sync.export.itip import CANCEL
from sync.mail_headers import address, header_text
from sync.model import Attendee, BookedSeries, OccurrenceStatus
from sync.settings import Settings
from sync.timefmt import day, moment, pattern, span, zone_label

ATTACHMENT = "invite.ics"


@dataclass(frozen=True)
class Invitation:
    recipient: Attendee
    series: BookedSeries
    cadence: str
    method: str
    """REQUEST or CANCEL: what happened to the series (`calendar` says how it is sent)."""
    update: bool
    """The recipient was invited to an earlier version of this series."""
    zone: str
    """The recipient's own time zone, for the text."""
    calendar: bytes

    @property
    def own(self) -> bool:
        """The recipient is the organiser: her copy is published, not an invitation."""
        return self.recipient.email.lower() == self.series.organiser.email.lower()


def calendar_method(calendar: bytes) -> str:
    """The METHOD of an iCalendar object, which the text/calendar part must repeat
    (RFC 6047 2.4)."""
    match = re.search(rb"\r\nMETHOD:([A-Z-]+)\r\n", calendar)
    if match is None:
        raise ValueError("an invitation needs an iCalendar object with a METHOD")
    return match.group(1).decode()


def subject(invitation: Invitation) -> str:
    what = invitation.series.summary
    if invitation.method == CANCEL:
        return f"Cancelled: {what}"
    return f"{'Updated invitation' if invitation.update else 'Invitation'}: {what}"


def text(invitation: Invitation, now: datetime) -> str:
    s, zone = invitation.series, invitation.zone
    other = s.attendee if invitation.recipient.email.lower() == s.organiser.email.lower() else None
    person = other or s.organiser
    who = f"with {person.name or person.email}"
    first_name = (invitation.recipient.name or invitation.recipient.email).split()[0]
    lines = [f"Hi {first_name},", ""]
    if invitation.method == CANCEL:
        lines += [
            f"Your regular check-in {who} is cancelled. Opening this invitation in your calendar "
            f"app removes it (or import the attached {ATTACHMENT}).",
        ]
        return "\n".join(lines) + "\n"
    end = s.first_start + timedelta(minutes=s.duration)
    repeat = pattern(s.rrule, invitation.cadence, s.first_start, end, zone, None).mine
    lead = "has changed" if invitation.update else "is planned"
    lines += [
        f"Your regular check-in {who} {lead}:",
        "",
        f"  {repeat} ({zone_label(zone)})",
        f"  first on {span(s.first_start, end, zone, None).mine}",
    ]
    if s.until is not None:
        lines.append(f"  until {day(s.until, zone)}")
    for o in s.occurrences:
        if o.original_start < now:
            continue
        if o.status is OccurrenceStatus.MOVED:
            lines.append(f"  {day(o.original_start, zone)} moves to {moment(o.start, zone)}")
        elif o.status is OccurrenceStatus.SKIPPED:
            lines.append(f"  no check-in on {day(o.original_start, zone)}")
    what = "a check-in" if invitation.own else "an invitation"
    lines += [
        "",
        s.description,
        "",
        f"Your calendar app shows this email as {what} to add; or import the attached "
        f"{ATTACHMENT}.",
    ]
    return "\n".join(lines) + "\n"


def to_email(invitation: Invitation, settings: Settings, now: datetime) -> bytes:
    message = EmailMessage()
    organiser = invitation.series.organiser
    sender = settings.invitations.from_address
    message["Subject"] = header_text(subject(invitation))
    if invitation.own:
        message["From"] = sender or settings.smtp.from_address
    elif sender:
        message["From"] = sender
        message["Reply-To"] = _address(organiser)
    else:
        # From the organiser, as RFC 6047 expects of an invitation; Sender: names the
        # service that sent it on their behalf
        message["From"] = _address(organiser)
        message["Sender"] = settings.smtp.from_address
    message["To"] = _address(invitation.recipient)
    message["Date"] = format_datetime(datetime.now().astimezone())
    message["Message-ID"] = make_msgid(domain=_domain(sender or settings.smtp.from_address))
    message.set_content(text(invitation, now))
    params = {"method": calendar_method(invitation.calendar), "charset": "UTF-8"}
    message.add_alternative(invitation.calendar, maintype="text", subtype="calendar", params=params)
    message.add_attachment(
        invitation.calendar, maintype="application", subtype="ics", filename=ATTACHMENT
    )
    return message.as_bytes(policy=SMTP)


def _address(person: Attendee) -> Address | str:
    return address(person.name, person.email)


def _domain(address: str) -> str:
    return parseaddr(address)[1].rpartition("@")[2] or "checkin-sync.invalid"
