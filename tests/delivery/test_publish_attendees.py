"""A published calendar (files and feeds, METHOD:PUBLISH) is not an invitation: nobody can
answer it, so no attendee is asked to (RFC 5546 3.2.1 has no RSVP in a PUBLISH). The
attendee is kept without RSVP, so the calendar still shows who the check-in is with and a
lost store can be rebuilt from the files. Invitations and CalDAV resources still ask."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import pytest
from icalendar import Calendar

from sync.ical.ics_writer import calendar_for
from sync.ical.itip import caldav_resource, cancel_calendar, request_calendar
from sync.model.values import BookedSeries
from tests.delivery.test_ics_export import BO, KARIN, eventful_series

PUBLISHED: dict[str, Callable[[BookedSeries], bytes]] = {
    "export file": lambda s: calendar_for(KARIN.email, [s]),
    "feed": lambda s: calendar_for(BO.email, [s], refresh=timedelta(hours=1)),
}


def attendees(data: bytes) -> list[dict[str, str]]:
    found = []
    for event in Calendar.from_ical(data).walk("VEVENT"):
        value = event.get("ATTENDEE", [])
        for a in value if isinstance(value, list) else [value]:
            found.append({"address": str(a), **a.params})
    return found


@pytest.mark.parametrize("kind", sorted(PUBLISHED))
def test_published_calendars_ask_nobody_to_reply(kind: str) -> None:
    data = PUBLISHED[kind](eventful_series())
    assert Calendar.from_ical(data)["METHOD"] == "PUBLISH"
    assert b"RSVP" not in data and b"PARTSTAT" not in data
    found = attendees(data)
    assert len(found) == 2, "the master and the moved date"
    for attendee in found:
        assert attendee == {
            "address": f"mailto:{BO.email}",
            "CN": BO.name,
            "ROLE": "REQ-PARTICIPANT",
        }


def test_invitations_and_caldav_resources_still_ask_the_attendee() -> None:
    for data in (
        request_calendar(eventful_series()),
        caldav_resource(eventful_series(), server_invites=True),
    ):
        (asked,) = {a["address"] for a in attendees(data) if a.get("RSVP") == "TRUE"}
        assert asked == f"mailto:{BO.email}"
    cancel = attendees(cancel_calendar(eventful_series()))
    assert {a["address"] for a in cancel} == {f"mailto:{KARIN.email}", f"mailto:{BO.email}"}
