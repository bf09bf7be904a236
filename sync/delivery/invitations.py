"""Invitations by email for everyone whose calendar checkin-sync does not write to.

Who is invited depends on where the series lives:
- only in the exported files (the organiser's calendar is `ics:` or `none`): both people;
- in the organiser's calendar through a connector that makes the provider invite attendees
  (Google, Outlook, or a CalDAV server with scheduling): nobody, so nobody is invited twice;
- in the organiser's calendar otherwise (a plain CalDAV store): the attendee.

The organiser's own copy is a PUBLISH (an event to add), not a REQUEST she would send
herself, which Outlook and Gmail refuse. Each recipient gets a new version when the series
changed in a way their calendar shows since they were last sent it (a new SEQUENCE alone,
as when a date enters the planning horizon just as the rule has it, sends nothing), and a
CANCEL (the organiser: a PUBLISH of the cancelled series) when it is cancelled. What was
sent is recorded with the queued email, per series and recipient, so a re-run or a crash
never sends the same version twice.
"""

from __future__ import annotations

import hashlib
from collections.abc import Collection, Mapping
from datetime import datetime

from sync.config.settings import Settings
from sync.connectors.base import CalendarWriter
from sync.delivery.export.series import to_booked
from sync.delivery.invitation_email import Invitation, calendar_method, subject, to_email
from sync.ical.itip import CANCEL, itip_calendar, method_for, organiser_copy
from sync.model.values import Attendee
from sync.plumbing.i18n import Language
from sync.store import EXPORT_ONLY, SentInvitation, SeriesRecord, SeriesState, Store


def recipients(
    organiser: Attendee, attendee: Attendee, calendar: str, writers: Mapping[str, CalendarWriter]
) -> list[Attendee] | None:
    """Who must be emailed about a series between `organiser` and `attendee` that lives in
    `calendar` (a connector kind or "export"); None while that calendar is not set up, so
    nothing is decided yet."""
    if calendar == EXPORT_ONLY:
        return [organiser, attendee]
    writer = writers.get(calendar)
    if writer is None:
        return None
    if writer.capabilities.sends_invitations:
        return []
    return [attendee]


def queue_invitations(
    store: Store,
    settings: Settings,
    writers: Mapping[str, CalendarWriter],
    zones: Mapping[str, str],
    now: datetime,
    calendars: Collection[str] | None = None,
) -> int:
    """Queue what each recipient has not been sent yet; returns how many emails. With
    `calendars`, only for the series that live in one of them."""
    if not settings.invitations.send:
        return 0
    queued = 0
    everyone_sent = store.invitations_sent()
    for record in store.series():
        if record.state is SeriesState.BOOKING:
            continue  # not in any calendar yet
        if calendars is not None and record.calendar not in calendars:
            continue
        proposal = record.proposal
        organiser = Attendee(proposal.manager, proposal.manager_name)
        attendee = Attendee(proposal.employee, proposal.employee_name)
        sent = everyone_sent.get(record.uid, {})
        # Most nights nobody lacks the current version: that is known from the record alone,
        # before anything is built (an invitation's calendar is its costly part).
        due = [
            person
            for person in recipients(organiser, attendee, record.calendar, writers) or []
            if not _has_version(sent.get(person.email.lower()), record.sequence)
        ]
        if due:
            queued += _queue_for(store, settings, record, due, sent, zones, now)
    return queued


def _has_version(last: SentInvitation | None, sequence: int) -> bool:
    return last is not None and last.sequence >= sequence


def _queue_for(
    store: Store,
    settings: Settings,
    record: SeriesRecord,
    people: list[Attendee],
    sent: Mapping[str, SentInvitation],
    zones: Mapping[str, str],
    now: datetime,
) -> int:
    """Queue the current version of `record` for `people`, who lack it; returns how many
    emails."""
    queued = 0
    series = to_booked(record, settings.language)
    method = method_for(series)
    for person in people:
        email = person.email.lower()
        own = email == series.organiser.email.lower()
        calendar = organiser_copy(series) if own else itip_calendar(series)
        digest = content_digest(calendar)
        last = sent.get(email)
        if (last is None and _nothing_to_tell(record, method)) or (
            last is not None and last.digest == digest
        ):
            # e.g. a date entering the horizon as the rule has it: nothing to show
            store.queue_invitation(
                record.uid, email, series.sequence, calendar_method(calendar), "", None, digest
            )
            continue
        invitation = Invitation(
            recipient=person,
            series=series,
            cadence=record.proposal.cadence,
            method=method,
            update=last is not None,
            zone=zones.get(email, series.timezone),
            calendar=calendar,
            language=Language(settings.language),
        )
        message = to_email(invitation, settings, now)
        if store.queue_invitation(
            record.uid,
            email,
            series.sequence,
            calendar_method(calendar),
            subject(invitation),
            message,
            digest,
        ):
            queued += 1
    return queued


def content_digest(calendar: bytes) -> str:
    """What an invitation says, leaving out what changes with every version (SEQUENCE and
    the time stamps): equal digests mean the recipient's calendar would look the same."""
    unfolded = calendar.replace(b"\r\n ", b"").split(b"\r\n")
    kept = [line for line in unfolded if not line.startswith(_VERSIONED)]
    return hashlib.sha256(b"\r\n".join(kept)).hexdigest()


_VERSIONED = (b"SEQUENCE:", b"DTSTAMP:", b"LAST-MODIFIED:")


def _nothing_to_tell(record: SeriesRecord, method: str) -> bool:
    """A series that ended or was cancelled before this person was ever invited: there is
    nothing in their calendar to update (a replacing series brings its own invitation)."""
    return method == CANCEL or record.state is SeriesState.SUPERSEDED
