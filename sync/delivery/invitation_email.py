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

from sync.config.settings import Settings
from sync.delivery.mail_headers import address, header_text
from sync.ical.itip import CANCEL
from sync.model.timefmt import day, moment, pattern, span, zone_label
from sync.model.values import Attendee, BookedSeries, OccurrenceStatus, first_name
from sync.plumbing.i18n import ENGLISH, Language

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
    language: Language = ENGLISH
    """The language of the email around the invitation (its description has its own)."""

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
    what, _ = invitation.series.summary, invitation.language.gettext
    if invitation.method == CANCEL:
        return _("Cancelled: %(what)s", what=what)
    if invitation.update:
        return _("Updated invitation: %(what)s", what=what)
    return _("Invitation: %(what)s", what=what)


def text(invitation: Invitation, now: datetime) -> str:
    s, zone, language = invitation.series, invitation.zone, invitation.language
    _ = language.gettext
    other = s.attendee if invitation.recipient.email.lower() == s.organiser.email.lower() else None
    person = other or s.organiser
    who = person.name or person.email
    recipient = invitation.recipient
    lines = [_("Hi %(first_name)s,", first_name=first_name(recipient.name, recipient.email)), ""]
    if invitation.method == CANCEL:
        lines += [
            _(
                "Your regular check-in with %(who)s is cancelled. Opening this invitation in "
                "your calendar app removes it (or import the attached %(file)s).",
                who=who,
                file=ATTACHMENT,
            ),
        ]
        return "\n".join(lines) + "\n"
    end = s.first_start + timedelta(minutes=s.duration)
    repeat = pattern(s.rrule, invitation.cadence, s.first_start, end, zone, None, language).mine
    if invitation.update:
        lead = _("Your regular check-in with %(who)s has changed:", who=who)
    else:
        lead = _("Your regular check-in with %(who)s is planned:", who=who)
    first = span(s.first_start, end, zone, None, language).mine
    lines += [
        lead,
        "",
        f"  {repeat} ({zone_label(zone)})",
        "  " + _("first on %(when)s", when=first),
    ]
    if s.until is not None:
        lines.append("  " + _("until %(day)s", day=day(s.until, zone, language)))
    for o in s.occurrences:
        if o.original_start < now:
            continue
        was = day(o.original_start, zone, language)
        if o.status is OccurrenceStatus.MOVED:
            moved = moment(o.start, zone, language)
            lines.append("  " + _("%(day)s moves to %(when)s", day=was, when=moved))
        elif o.status is OccurrenceStatus.SKIPPED:
            lines.append("  " + _("no check-in on %(day)s", day=was))
    if invitation.own:
        add = _(
            "Your calendar app shows this email as a check-in to add; or import the attached "
            "%(file)s.",
            file=ATTACHMENT,
        )
    else:
        add = _(
            "Your calendar app shows this email as an invitation to add; or import the "
            "attached %(file)s.",
            file=ATTACHMENT,
        )
    lines += ["", s.description, "", add]
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
