"""Writing the series checkin-sync books into the organiser's Outlook calendar through Graph,
and reading back what people did to them.

Graph chooses event ids itself, so a series is found by its extended property (the series
UID) before anything is created, unless the store shows no write of it was ever sent; and
creation carries a `transactionId` so that a retried POST does not make a second event.
Every write compares first and changes only what differs.

Series are written together through JSON batching (write_rounds.py): each round carries the
next requests of every series, 20 to a round trip and at most four per mailbox. A series
tonight's read-back saw is compared with what it saw (its event, its dates in the window),
so nothing is looked for again and nothing is sent for one that already matches.
"""

from __future__ import annotations

from collections.abc import Generator, Iterable, Iterator, Mapping, Sequence
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import quote
from zoneinfo import ZoneInfo

from sync.connectors.base import NEVER_WRITTEN, Observation, ToWrite, WriteFailed, Written
from sync.connectors.batch_rounds import Outcome
from sync.connectors.observe_each import list_one
from sync.connectors.outlook import batching, dates_listing
from sync.connectors.outlook.auth import TokenRefused, TokenUnavailable
from sync.connectors.outlook.client import GraphClient, GraphError, describe
from sync.connectors.outlook.dates_listing import DatesOf, Request
from sync.connectors.outlook.event_shape import (
    SERIES_PROPERTY,
    differs,
    event_body,
    local_time,
    rule_from,
)
from sync.connectors.outlook.held import GraphHeld
from sync.connectors.outlook.observing import (
    CalendarReadBack,
    Item,
    by_original,
    changed_dates,
    pages,
    utc_window,
)
from sync.connectors.outlook.reading_back import observe_many, read
from sync.connectors.outlook.times import graph_time, iana_zone
from sync.connectors.retry import GaveUpTonight, RetriesExhausted
from sync.connectors.write_rounds import Program, drive, write_one
from sync.model.series_end import dates_to_bring_in_line
from sync.model.values import (
    BookedSeries,
    FoundSeries,
    Interval,
    Occurrence,
    OccurrenceStatus,
    SeriesStatus,
)

CANCEL_COMMENT = "This check-in series has ended."
CANCEL = {"comment": CANCEL_COMMENT}
Steps = Generator[list[Request], list[Outcome], Any]
PROVIDER_ERRORS = (GraphError, TokenRefused, TokenUnavailable, RetriesExhausted, OSError)


class GraphWriter:
    def __init__(self, client: GraphClient) -> None:
        self.client = client

    def write_series(self, series: BookedSeries) -> int:
        return write_one(self.write_many, series)

    def write_many(self, items: Sequence[ToWrite]) -> list[Written]:
        programs = [
            _program(
                series,
                seen.held if seen and isinstance(seen.held, GraphHeld) else None,
                never_written=seen is not None and seen.held is NEVER_WRITTEN,
            )
            for series, seen in items
        ]
        organisers = [series.organiser.email for series, _ in items]
        return drive(programs, self._send, organisers)

    def _send(self, requests: list[Request]) -> list[Outcome]:
        return dates_listing.run(self.client, SERIES_PROPERTY, requests)

    def instances(self, organiser: str, event: str, window: Interval) -> Iterator[dict[str, Any]]:
        path = f"/events/{event}/instances"
        yield from pages(self.client, "events.instances", organiser, path, utc_window(window))

    # ------------------------------------------------------------------ reading back

    def observe(
        self, organiser: str, expected: Mapping[str, Sequence[datetime]], window: Interval
    ) -> Observation:
        before = self.client.requests_by_this_thread()
        observation = Observation()
        read_back = CalendarReadBack(self.client, organiser, SERIES_PROPERTY, self.instances)
        try:
            observation.series = read_back.observe(expected, window)
        except PROVIDER_ERRORS as error:
            observation.series = {}
            observation.error = f"{organiser}'s Outlook calendar: {describe(error)}"
        observation.requests = self.client.requests_by_this_thread() - before
        return observation

    def observe_many(
        self, groups: Mapping[str, Mapping[str, Sequence[datetime]]], window: Interval
    ) -> dict[str, Observation]:
        return observe_many(
            self.client, SERIES_PROPERTY, self.instances, groups, window, PROVIDER_ERRORS
        )

    def list_series(self, organiser: str, window: Interval) -> list[FoundSeries]:
        return list_one(self.list_series_many, organiser, window)

    def list_series_many(
        self, organisers: Sequence[str], window: Interval
    ) -> dict[str, list[FoundSeries] | WriteFailed]:
        """Every organiser's series: both listings of all of them go out together through
        JSON batching (reading_back.read), 20 to a round trip and four per mailbox."""
        calendars = read(self.client, SERIES_PROPERTY, sorted(set(organisers)), window)
        listed: dict[str, list[FoundSeries] | WriteFailed] = {}
        for organiser, events in calendars.events.items():
            read_back = CalendarReadBack(self.client, organiser, SERIES_PROPERTY, self.instances)
            dates = calendars.dates[organiser]
            try:
                if organiser in calendars.errors:
                    raise calendars.errors[organiser]
                listed[organiser] = [
                    _found(organiser, uid, item, read_back.dates_of(str(item["id"]), window, dates))
                    for uid, item in events.items()
                    if item.get("type", "seriesMaster") == "seriesMaster"
                ]
            except PROVIDER_ERRORS as error:
                failed = WriteFailed(f"{organiser}'s Outlook calendar: {describe(error)}")
                failed.__cause__ = error
                listed[organiser] = failed
        return listed


def _program(
    series: BookedSeries, held: GraphHeld | None, *, never_written: bool
) -> Program[Request]:
    """Graph chooses event ids itself: a series not seen tonight is looked for by its tag
    before anything is created, unless no write of it was ever sent (`never_written`), and
    created with a `transactionId` so that a POST sent again (a batch that timed out) does
    not make a second event."""
    organiser = series.organiser.email
    calls = _Calls(organiser)
    existing: Item | None = None
    if held is not None:
        existing = held.master
    elif not never_written:
        (answer,) = yield [calls.find(series.uid)]
        _check(series, [answer])
        existing = next(
            (
                dict(item)
                for item in answer.get("value", [])
                if item.get("type", "seriesMaster") in ("seriesMaster", "singleInstance")
            ),
            None,
        )
    if series.status is SeriesStatus.CANCELLED or (
        series.one_off and not any(o.takes_place for o in series.occurrences)
    ):
        if existing is not None and not existing.get("isCancelled"):
            path = f"/events/{existing['id']}/cancel"
            _check(series, (yield [calls.write("events.cancel", "POST", path, CANCEL)]))
        return
    body = event_body(series)
    if existing is None:
        create = {**body, "transactionId": series.uid.split("@", 1)[0]}
        (created,) = yield [calls.write("events.create", "POST", "/events", create)]
        _check(series, [created])
        event = str(created["id"])
    else:
        event = str(existing["id"])
        if existing.get("isCancelled"):
            raise WriteFailed(
                f"the series was cancelled in {organiser}'s calendar; it is not re-created"
            )
        if differs(existing, body):
            patch = {k: v for k, v in body.items() if k != "singleValueExtendedProperties"}
            _check(
                series, (yield [calls.write("events.patch", "PATCH", f"/events/{event}", patch)])
            )
    if series.one_off:
        return  # its one date is the event itself
    yield from _exceptions(series, event, existing is None, held)


def _exceptions(series: BookedSeries, event: str, created: bool, held: GraphHeld | None) -> Steps:
    """Bring each changed date in line, in one round. The dates tonight's read-back saw are
    taken as it saw them; others are listed first (Graph's occurrence ids are its own). A
    date that was over before the read-back's window is left as the calendar shows it."""
    changes = dates_to_bring_in_line(series, created=created)
    current: dict[datetime, Item] = {}
    if held is not None:
        changes = [o for o in changes if o.end > held.window.start]
        current = held.dates
        unseen = [o for o in changes if not _inside(o, held.window)]
    else:
        unseen = changes
    if unseen:
        first = min(o.original_start for o in unseen) - timedelta(days=1)
        last = max(max(o.original_start, o.start) for o in unseen) + timedelta(days=8)
        current = {**current, **(yield from _listed(series, event, Interval(first, last)))}
    calls = _Calls(series.organiser.email)
    writes: list[Request] = []
    for occurrence in changes:
        item = current.get(occurrence.original_start)
        if item is None:
            continue  # cancelled already (Graph leaves cancelled occurrences out)
        if occurrence.status is OccurrenceStatus.SKIPPED:
            writes.append(calls.write("events.delete", "DELETE", f"/events/{item['id']}"))
            continue
        if graph_time(item["start"]) == occurrence.start:
            continue
        moved = {
            "start": local_time(occurrence.start, series.timezone),
            "end": local_time(occurrence.end, series.timezone),
        }
        writes.append(calls.write("events.patch", "PATCH", f"/events/{item['id']}", moved))
    if writes:
        _check(series, (yield writes))


def _inside(occurrence: Occurrence, window: Interval) -> bool:
    return all(
        window.start <= t < window.end for t in (occurrence.original_start, occurrence.start)
    )


def _listed(series: BookedSeries, event: str, window: Interval) -> Steps:
    """The series' occurrences in `window`, by rule start (listed with the other series of
    its organiser that wait for theirs: dates_listing.py)."""
    (answer,) = yield [DatesOf(series.organiser.email, event, window)]
    _check(series, [answer])
    return by_original(answer.get("value", []))


class _Calls:
    """Requests on one organiser's mailbox, as a batch takes them (relative URLs)."""

    def __init__(self, organiser: str) -> None:
        self.organiser = organiser

    def find(self, uid: str) -> batching.Call:
        """The series' event, found by its tag."""
        params = {
            "$filter": (
                "singleValueExtendedProperties/Any(ep: ep/id eq "
                f"'{SERIES_PROPERTY}' and ep/value eq '{uid}')"
            ),
            "$expand": f"singleValueExtendedProperties($filter=id eq '{SERIES_PROPERTY}')",
        }
        return batching.call("events.list", self.organiser, "/events", params)

    def write(self, kind: str, method: str, path: str, body: Any = None) -> batching.Call:
        url = f"/users/{quote(self.organiser)}{path}"
        return batching.Call(kind, self.organiser, url, method, body)


def _check(series: BookedSeries, outcomes: Sequence[Outcome]) -> None:
    """Every request answered; else the series is not written, and the report says why."""
    for outcome in outcomes:
        if isinstance(outcome, GaveUpTonight):
            raise outcome
        if isinstance(outcome, Exception):
            raise WriteFailed(
                f"writing to {series.organiser.email}'s Outlook calendar failed: "
                f"{describe(outcome)}"
            ) from outcome


def _found(
    organiser: str, uid: str, item: dict[str, Any], dates: Iterable[dict[str, Any]]
) -> FoundSeries:
    """A series master as the store needs it to rebuild the series."""
    start, end = graph_time(item["start"]), graph_time(item["end"])
    # Graph answers in UTC unless asked otherwise; the series' own zone is kept here
    zone = iana_zone(
        item["recurrence"].get("range", {}).get("recurrenceTimeZone")
        or item.get("originalStartTimeZone")
        or item["start"].get("timeZone", "UTC")
    )
    rule, until = rule_from(item["recurrence"], zone)
    attendee = (item.get("attendees") or [{}])[0].get("emailAddress", {})
    cancelled = bool(item.get("isCancelled"))
    exceptions = {} if cancelled else changed_dates(dates, [])[0]
    return FoundSeries(
        uid=uid,
        organiser=organiser,
        attendee=str(attendee.get("address", "")).lower(),
        attendee_name=str(attendee.get("name", "")),
        timezone=zone,
        first_start=start.astimezone(ZoneInfo(zone)),
        duration=int((end - start).total_seconds() // 60),
        rrule=rule,
        until=until,
        cancelled=cancelled,
        exceptions=exceptions,
    )
