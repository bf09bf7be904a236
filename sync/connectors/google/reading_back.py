"""Reading back what people did to the series checkin-sync booked in Google calendars, for
every organiser at once.

Two listings per organiser tell everything: the tagged series themselves (existence,
deletion, a decline of the whole series live on the series master) and their dates in the
window (`singleEvents`), whatever the number of series. They are independent, so the first
pages of every organiser's listings go out together through Google's batch endpoint, 50
per round trip, and only listings with more pages are followed in further rounds.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

from sync.connectors.base import Observation, RemoteSeries, WriteFailed
from sync.connectors.google import batching
from sync.connectors.google.auth import SCOPE_EVENTS
from sync.connectors.google.client import CalendarApi, GoogleClient
from sync.connectors.google.errors import describe
from sync.connectors.google.held import GoogleHeld, for_the_writer
from sync.connectors.google.times import parse_instant, rfc3339
from sync.connectors.google.writing import SERIES_KEY, TAG, event_id
from sync.connectors.observe_each import list_one
from sync.connectors.retry import GaveUpTonight
from sync.model.values import FoundSeries, Interval

Item = dict[str, Any]
MASTERS, DATES = "masters", "dates"
DATE_FIELDS = (
    "items(id,status,recurringEventId,originalStartTime,start,end,"
    "attendees(email,responseStatus)),nextPageToken"
)
"""What is read of a date: its place in the series, its times, who declined it, and the id
a write of it goes to. Every date of every series in the window is listed each night;
without a selection each comes with the series' texts, attendees and properties again."""
MASTER_FIELDS = (
    "items(id,status,recurringEventId,originalStartTime,start,end,summary,description,"
    "recurrence,sequence,attendees(email,displayName,responseStatus),extendedProperties),"
    "nextPageToken"
)
"""What is read of a series: what its writer compares with what it would write, who
declined it, and what rebuilding it takes. Every booked series is listed each night and held
until booking; its links, creator, organiser, reminders and stamps are not read."""


def split_until(line: str) -> tuple[str, datetime | None]:
    """ "RRULE:FREQ=WEEKLY;BYDAY=TU;UNTIL=20270301T000000Z" → the rule and its end."""
    parts = line.removeprefix("RRULE:").split(";")
    until = None
    for part in parts:
        if part.startswith("UNTIL="):
            until = datetime.strptime(part[6:], "%Y%m%dT%H%M%SZ").replace(tzinfo=UTC)
    return ";".join(p for p in parts if not p.startswith("UNTIL=")), until


@dataclass
class Calendar:
    """One organiser's calendar as listed: series masters by UID, dates by series event id."""

    masters: dict[str, Item] = field(default_factory=dict)
    dates: dict[str, list[Item]] = field(default_factory=dict)
    changed: dict[str, list[Item]] = field(default_factory=dict)
    """Every moved or cancelled date of a series, however far away, by series event id."""
    requests: int = 0
    error: Exception | None = None


class GoogleReadBack:
    def __init__(self, client: GoogleClient) -> None:
        self.client = client

    def calendars(self, organisers: Sequence[str], window: Interval) -> dict[str, Calendar]:
        """Both listings of every organiser's calendar; a calendar that could not be read
        carries its error. GaveUpTonight (a quota lasting hours) stops the reading."""
        found = {organiser: Calendar() for organiser in organisers}
        pages: dict[tuple[str, str], str | None] = {
            (organiser, listing): None for organiser in organisers for listing in (MASTERS, DATES)
        }
        while pages:
            asked = [key for key in sorted(pages) if found[key[0]].error is None]
            calls = [
                _call(organiser, listing, window, pages[organiser, listing])
                for organiser, listing in asked
            ]
            pages = {}

            def take(index: int, answer: Any, asked: list[tuple[str, str]] = asked) -> Any:
                # on the thread that received the page, as it arrives: the organisation's
                # listings are not all held parsed at once before they are taken in
                organiser, listing = asked[index]
                _take(found[organiser], listing, answer.get("items", []))
                return answer.get("nextPageToken") or ""

            for (organiser, listing), outcome in zip(
                asked, batching.run(self.client, calls, take), strict=True
            ):
                calendar = found[organiser]
                calendar.requests += 1
                if isinstance(outcome, GaveUpTonight):
                    raise outcome
                if isinstance(outcome, Exception):
                    calendar.error = calendar.error or outcome
                    continue
                if outcome:
                    pages[organiser, listing] = outcome
        return found

    def observe_many(
        self, groups: Mapping[str, Mapping[str, Sequence[datetime]]], window: Interval
    ) -> dict[str, Observation]:
        # Google lists cancelled occurrences itself, so the expected dates are not needed
        observations = {}
        for organiser, calendar in self.calendars(sorted(groups), window).items():
            observation = Observation(requests=calendar.requests)
            if calendar.error is not None:
                observation.error = f"{organiser}'s Google Calendar: {describe(calendar.error)}"
            else:
                observation.series = {
                    uid: _remote(uid, calendar.masters.get(uid), calendar.dates, calendar.changed)
                    for uid in groups[organiser]
                }
            observations[organiser] = observation
        return observations

    def list_series(self, organiser: str, window: Interval) -> list[FoundSeries]:
        return list_one(self.list_series_many, organiser, window)

    def list_series_many(
        self, organisers: Sequence[str], window: Interval
    ) -> dict[str, list[FoundSeries] | WriteFailed]:
        """Every organiser's series, their listings carried 50 to a round trip."""
        listed: dict[str, list[FoundSeries] | WriteFailed] = {}
        for organiser, calendar in self.calendars(sorted(set(organisers)), window).items():
            if calendar.error is not None:
                message = f"{organiser}'s Google Calendar: {describe(calendar.error)}"
                failed = WriteFailed(message)
                failed.__cause__ = calendar.error
                listed[organiser] = failed
                continue
            # a one-off check-in (a single event) is not rebuilt: it is one date, soon past,
            # and the Outlook and export readers leave them out alike
            listed[organiser] = [
                _found(organiser, uid, item, calendar.dates)
                for uid, item in calendar.masters.items()
                if item.get("recurrence")
            ]
        return listed


def _call(organiser: str, listing: str, window: Interval, token: str | None) -> batching.Call:
    def masters(cal: CalendarApi) -> Any:
        return cal.events().list(
            calendarId=organiser,
            privateExtendedProperty=f"{TAG}=1",
            showDeleted=True,
            maxResults=250,
            pageToken=token,
            fields=MASTER_FIELDS,
        )

    def dates(cal: CalendarApi) -> Any:
        return cal.events().list(
            calendarId=organiser,
            privateExtendedProperty=f"{TAG}=1",
            singleEvents=True,
            showDeleted=True,
            timeMin=rfc3339(window.start),
            timeMax=rfc3339(window.end),
            maxResults=2500,
            pageToken=token,
            fields=DATE_FIELDS,
        )

    request = masters if listing == MASTERS else dates
    return batching.Call("events.list", organiser, (SCOPE_EVENTS,), request)


def _take(calendar: Calendar, listing: str, items: list[Item]) -> None:
    for item in items:
        if listing == DATES:
            # every date of every tagged series inside the window (dates carry the tag)
            if "recurringEventId" in item:
                calendar.dates.setdefault(str(item["recurringEventId"]), []).append(item)
            continue
        if "recurringEventId" in item:  # a changed occurrence, which carries the tag too
            calendar.changed.setdefault(str(item["recurringEventId"]), []).append(item)
            continue
        uid = item.get("extendedProperties", {}).get("private", {}).get(SERIES_KEY)
        if uid:
            calendar.masters[uid] = item


def _found(
    organiser: str,
    uid: str,
    item: dict[str, Any],
    dates: Mapping[str, list[dict[str, Any]]],
) -> FoundSeries:
    start, end = parse_instant(item["start"]), parse_instant(item["end"])
    zone = item["start"].get("timeZone", "UTC")
    rule, until = split_until(next(r for r in item.get("recurrence", []) if r.startswith("RRULE:")))
    attendee = (item.get("attendees") or [{}])[0]
    cancelled = item.get("status") == "cancelled"
    remote = _remote(uid, None if cancelled else item, dates)
    return FoundSeries(
        uid=uid,
        organiser=organiser,
        attendee=str(attendee.get("email", "")).lower(),
        attendee_name=str(attendee.get("displayName", "")),
        timezone=zone,
        first_start=start.astimezone(ZoneInfo(zone)),
        duration=int((end - start).total_seconds() // 60),
        rrule=rule,
        until=until,
        cancelled=cancelled,
        sequence=int(item.get("sequence", 0)),
        exceptions=remote.exceptions,
    )


def _remote(
    uid: str,
    master: dict[str, Any] | None,
    dates: Mapping[str, list[dict[str, Any]]],
    changed: Mapping[str, list[dict[str, Any]]] | None = None,
) -> RemoteSeries:
    if master is None or master.get("status") == "cancelled":
        return RemoteSeries(uid, exists=False)
    declined = _declined(master)
    listed = dates.get(event_id(uid), [])
    moved = {
        parse_instant(item["originalStartTime"]): item
        for item in (changed or {}).get(event_id(uid), [])
        if "originalStartTime" in item
    }
    held = GoogleHeld(
        master,
        {
            **{
                parse_instant(item["originalStartTime"]): for_the_writer(item)
                for item in listed
                if "originalStartTime" in item
            },
            **{original: for_the_writer(item) for original, item in moved.items()},
        },
        frozenset(moved),
    )
    if not master.get("recurrence"):
        start, end = parse_instant(master["start"]), parse_instant(master["end"])
        return RemoteSeries(
            uid,
            exists=True,
            declined_by=declined,
            single=Interval(start, end),
            held=held,
        )
    exceptions: dict[datetime, Interval | None] = {}
    declined_dates: dict[datetime, frozenset[str]] = {}
    for item in listed:
        if "originalStartTime" not in item:
            continue
        original = parse_instant(item["originalStartTime"])
        if item.get("status") == "cancelled":
            exceptions[original] = None
            continue
        start, end = parse_instant(item["start"]), parse_instant(item["end"])
        if start != original:
            exceptions[original] = Interval(start, end)
        if who := _declined(item):
            declined_dates[original] = who
    return RemoteSeries(
        uid,
        exists=True,
        declined_by=declined,
        exceptions=exceptions,
        declined_dates=declined_dates,
        held=held,
    )


def _declined(event: dict[str, Any]) -> frozenset[str]:
    """Who declined the event (for an instance: that one date)."""
    return frozenset(
        a["email"].lower()
        for a in event.get("attendees", [])
        if a.get("responseStatus") == "declined" and "email" in a
    )
