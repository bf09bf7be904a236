"""Out-of-office time in Google calendars: read only where it can matter, many people per
round trip.

Free/busy already shows an out-of-office event as busy time; only its label (time off, not a
meeting) is missing, and the label matters where time off covers much of a working day (a
day away, a return from leave). So a person's events are listed only when their free/busy
shows a busy span at least as long as `CalendarRef.time_off_from` touching one of their
working days; everyone else's busy time is as good without it. Calendar v3 has no listing
over many calendars, so the listings (one per person, as that person) go through Google's
batch endpoint, 50 per round trip.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from datetime import timedelta
from typing import Any
from zoneinfo import ZoneInfo

from google.auth.exceptions import RefreshError
from googleapiclient.errors import HttpError

from sync.connectors.base import CalendarRef
from sync.connectors.google import batching
from sync.connectors.google.auth import SCOPE_EVENTS_READ
from sync.connectors.google.client import CalendarApi, GoogleClient
from sync.connectors.google.errors import reason_of, status_of
from sync.connectors.google.times import parse_instant, rfc3339
from sync.connectors.request_count import Tally
from sync.model.values import BusyBlock, BusyKind, Interval

FIELDS = "items(status,eventType,start,end),nextPageToken"
SCOPES = (SCOPE_EVENTS_READ,)
"""What a listing acts with: the person's own events, read only."""


def may_be_away(person: CalendarRef, busy: Sequence[BusyBlock]) -> bool:
    """Whether free/busy shows a span long enough to be time off that counts: at least
    `time_off_from`, on one of the person's working days (in their zone)."""
    zone = ZoneInfo(person.timezone)
    for span in _merged(busy):
        if span.end - span.start < person.time_off_from:
            continue
        day = span.start.astimezone(zone).date()
        while day <= span.end.astimezone(zone).date():
            if day.weekday() in person.working_days:
                return True
            day += timedelta(days=1)
    return False


def _merged(blocks: Sequence[BusyBlock]) -> list[Interval]:
    """Busy blocks joined where they touch or overlap: back-to-back events are one span."""
    spans: list[Interval] = []
    for block in sorted(blocks, key=lambda b: b.start):
        if spans and block.start <= spans[-1].end:
            if block.end > spans[-1].end:
                spans[-1] = Interval(spans[-1].start, block.end)
        else:
            spans.append(Interval(block.start, block.end))
    return spans


class OutOfOffice:
    """Lists out-of-office events; without permission to read events it degrades to
    free/busy alone, once for the whole run rather than once per person."""

    def __init__(self, client: GoogleClient) -> None:
        self.client = client
        self.denied = False
        self._lock = threading.Lock()

    def tokens_ahead(self, people: Sequence[CalendarRef]) -> None:
        """Starts fetching the tokens these people's listings will act with, so that a
        round trip of listings waits for its fifty tokens no longer than it must."""
        if not self.denied:
            self.client.tokens.ahead((person.email, SCOPES) for person in people)

    def read(
        self, people: Sequence[CalendarRef], window: Interval, tally: Tally | None = None
    ) -> dict[str, list[BusyBlock]]:
        """Time off per person (people whose events could not be read are left out: their
        free/busy already counts the time as busy). The listings sent are counted in `tally`."""
        found: dict[str, list[BusyBlock]] = {}
        pages: dict[str, str | None] = {p.email: None for p in people}
        by_email = {p.email: p for p in people}
        while pages and not self.denied:
            pages = self.list_round(by_email, pages, window, found, tally)
        return found

    def list_round(
        self,
        by_email: dict[str, CalendarRef],
        pages: dict[str, str | None],
        window: Interval,
        found: dict[str, list[BusyBlock]],
        tally: Tally | None,
    ) -> dict[str, str | None]:
        """One round of listings, a page for each person in `pages` (None: their first),
        their time off added to `found`; the pages still to be asked for."""
        asked = sorted(pages)
        calls = [self._call(email, window, pages[email]) for email in asked]
        more: dict[str, str | None] = {}
        outcomes = batching.run(self.client, calls, tally=tally)
        for email, outcome in zip(asked, outcomes, strict=True):
            if isinstance(outcome, Exception):
                self._failed(outcome)
                found.pop(email, None)
                continue
            blocks = found.setdefault(email, [])
            blocks += _time_off(outcome, by_email[email].timezone)
            if token := outcome.get("nextPageToken"):
                more[email] = token
        return more

    def _call(self, email: str, window: Interval, token: str | None) -> batching.Call:
        def request(cal: CalendarApi) -> Any:
            return cal.events().list(
                calendarId=email,
                eventTypes=["outOfOffice"],
                singleEvents=True,
                timeMin=rfc3339(window.start),
                timeMax=rfc3339(window.end),
                pageToken=token,
                fields=FIELDS,
            )

        return batching.Call("events.list", email, SCOPES, request)

    def _failed(self, error: Exception) -> None:
        refused = isinstance(error, HttpError) and (
            status_of(error) in (401, 403) and reason_of(error) not in ("rateLimitExceeded",)
        )
        # RefreshError: the delegation does not include the events scope
        if refused or isinstance(error, RefreshError):
            self._deny()
        # anything else (retries ran out, not tonight): only this person's label is missing

    def _deny(self) -> None:
        with self._lock:
            self.denied = True


def _time_off(answer: dict[str, Any], zone: str) -> list[BusyBlock]:
    return [
        BusyBlock(
            parse_instant(item["start"], zone), parse_instant(item["end"], zone), BusyKind.TIME_OFF
        )
        for item in answer.get("items", [])
        if item.get("status") != "cancelled" and item.get("eventType") == "outOfOffice"
    ]
