"""A series as iTIP (RFC 5546) and as a CalDAV resource, built from the same components as
the published calendars so every copy of a series says the same thing.

REQUEST carries the whole series (master and moved occurrences): a client that has it
replaces its copy when SEQUENCE is higher, which also covers one moved or skipped date.
CANCEL names the series only by its master, which cancels every occurrence.
"""

from __future__ import annotations

from dataclasses import replace

from sync.ical.events import Style
from sync.ical.ics_writer import PUBLISH, calendar_text
from sync.model.values import BookedSeries, SeriesStatus

REQUEST, CANCEL = "REQUEST", "CANCEL"


def request_calendar(series: BookedSeries) -> bytes:
    return calendar_text([series], method=REQUEST, style=Style(organiser_attends=True))


def cancel_calendar(series: BookedSeries) -> bytes:
    cancelled = replace(series, status=SeriesStatus.CANCELLED)
    return calendar_text(
        [cancelled], method=CANCEL, style=Style(organiser_attends=True), masters_only=True
    )


def method_for(series: BookedSeries) -> str:
    return CANCEL if series.status is SeriesStatus.CANCELLED else REQUEST


def itip_calendar(series: BookedSeries) -> bytes:
    """The invitation a series in its present state calls for."""
    if method_for(series) == CANCEL:
        return cancel_calendar(series)
    return request_calendar(series)


def organiser_copy(series: BookedSeries) -> bytes:
    """The organiser's own copy when checkin-sync writes to no calendar of hers. Not a
    REQUEST: one she organises and is sent by herself is one Outlook and Gmail will not add
    (there is nobody to answer). A PUBLISH is an event to add as it is (RFC 5546 3.2.1); a
    later version replaces it by UID and SEQUENCE, and an ended one says STATUS:CANCELLED."""
    cancelled = series.status is SeriesStatus.CANCELLED
    return calendar_text([series], method=PUBLISH, masters_only=cancelled)


def caldav_resource(series: BookedSeries, *, server_invites: bool) -> bytes:
    """The calendar object resource for the organiser's CalDAV calendar. Unless the server
    sends invitations itself, attendees are marked SCHEDULE-AGENT=CLIENT: checkin-sync
    emails them, and a scheduling server must not send a second invitation (RFC 6638 7.1)."""
    style = Style(schedule_agent=None if server_invites else "CLIENT")
    return calendar_text([series], method=None, style=style)
