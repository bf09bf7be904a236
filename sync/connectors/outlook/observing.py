"""Reading back what people did to the series booked in an Outlook calendar, in two
listings per organiser however many series they have: the tagged events themselves (is
each series still there, cancelled, declined?) and the calendar view of their dates in the
window (which dates moved, were cancelled or declined).

Only events carrying the service's tag are asked for; no other meeting is read. If Graph
refuses the tag filter on the calendar view, each series' dates are read on their own, as
`/events/{id}/instances` — more requests, the same answer.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from datetime import UTC, datetime
from typing import Any

from sync.connectors.base import RemoteSeries
from sync.connectors.outlook.client import GraphClient, GraphError
from sync.connectors.outlook.held import GraphHeld, for_the_writer
from sync.connectors.outlook.times import graph_time
from sync.model.values import Interval

Item = dict[str, Any]
PAGE = "100"
FILTER_REFUSED = frozenset({400, 501})


def tag_filter(prop: str) -> str:
    return f"singleValueExtendedProperties/Any(ep: ep/id eq '{prop}' and ep/value ne null)"


def tag_expand(prop: str) -> str:
    return f"singleValueExtendedProperties($filter=id eq '{prop}')"


def series_uid(item: Item, prop: str) -> str | None:
    for extended in item.get("singleValueExtendedProperties") or []:
        if str(extended.get("id", "")).lower() == prop.lower():
            return str(extended["value"])
    return None


def utc_window(window: Interval) -> dict[str, str]:
    return {
        "startDateTime": window.start.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "endDateTime": window.end.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
    }


def pages(
    client: GraphClient, kind: str, organiser: str, path: str, params: dict[str, str]
) -> Iterator[Item]:
    url: str | None = client.url(organiser, path)
    query: dict[str, str] | None = params
    while url:
        answer = client.call(kind, organiser, "GET", url, params=query)
        yield from answer.get("value", [])
        url, query = answer.get("@odata.nextLink"), None


class CalendarReadBack:
    """One organiser's calendar, read back for the series the store expects there."""

    def __init__(
        self,
        client: GraphClient,
        organiser: str,
        prop: str,
        instances: Callable[[str, str, Interval], Iterable[Item]],  # when the view fails
    ) -> None:
        self.client = client
        self.organiser = organiser
        self.prop = prop
        self.instances = instances

    def observe(
        self, expected: Mapping[str, Sequence[datetime]], window: Interval
    ) -> dict[str, RemoteSeries]:
        return self.judge(expected, window, self.tagged_events(), self.tagged_dates(window))

    def judge(
        self,
        expected: Mapping[str, Sequence[datetime]],
        window: Interval,
        events: Mapping[str, Item],
        dates: Mapping[str, list[Item]] | None,
    ) -> dict[str, RemoteSeries]:
        """The series as the two listings show them (`dates` None: read each on its own)."""
        found: dict[str, RemoteSeries] = {}
        for uid, starts in expected.items():
            event = events.get(uid)
            if event is None or event.get("isCancelled"):
                found[uid] = RemoteSeries(uid, exists=False)
                continue
            declined = declined_by(event)
            if not event.get("recurrence"):
                start, end = graph_time(event["start"]), graph_time(event["end"])
                found[uid] = RemoteSeries(
                    uid,
                    exists=True,
                    declined_by=declined,
                    single=Interval(start, end),
                    held=GraphHeld(event, {}, window),
                )
                continue
            items = list(self.dates_of(str(event["id"]), window, dates))
            exceptions, declined_dates = changed_dates(items, starts)
            found[uid] = RemoteSeries(
                uid,
                exists=True,
                declined_by=declined,
                exceptions=exceptions,
                declined_dates=declined_dates,
                held=GraphHeld(event, for_the_writer(by_original(items)), window),
            )
        return found

    def dates_of(
        self, event_id: str, window: Interval, dates: Mapping[str, list[Item]] | None
    ) -> Iterable[Item]:
        """One series' dates: from the calendar view when it was read, else on their own."""
        if dates is not None:
            return dates.get(event_id, [])
        return self.instances(self.organiser, event_id, window)

    def tagged_events(self) -> dict[str, Item]:
        """Every series master and one-off event the service booked here, by series UID."""
        events: dict[str, Item] = {}
        listing = pages(
            self.client, "events.list", self.organiser, "/events", events_query(self.prop)
        )
        for item in listing:
            take_event(events, item, self.prop)
        return events

    def tagged_dates(self, window: Interval) -> dict[str, list[Item]] | None:
        """The dates of the tagged series in the window, by series master id; None if Graph
        does not take the tag filter on the calendar view."""
        params = view_query(self.prop, window)
        by_master: dict[str, list[Item]] = defaultdict(list)
        try:
            for item in pages(self.client, "calendarView", self.organiser, "/calendarView", params):
                take_date(by_master, item)
        except GraphError as error:
            if error.status not in FILTER_REFUSED:
                raise
            return None
        return by_master


def events_query(prop: str) -> dict[str, str]:
    return {"$filter": tag_filter(prop), "$expand": tag_expand(prop), "$top": PAGE}


def view_query(prop: str, window: Interval) -> dict[str, str]:
    return {
        **utc_window(window),
        "$filter": tag_filter(prop),
        "$select": "id,type,seriesMasterId,originalStart,start,end,isCancelled,attendees",
        "$top": PAGE,
    }


def take_event(events: dict[str, Item], item: Item, prop: str) -> None:
    """A series master or one-off the service booked, by its series UID."""
    uid = series_uid(item, prop)
    if uid and item.get("type", "seriesMaster") in ("seriesMaster", "singleInstance"):
        events[uid] = item


def take_date(by_master: dict[str, list[Item]], item: Item) -> None:
    if item.get("seriesMasterId"):
        by_master[str(item["seriesMasterId"])].append(item)


def by_original(items: Iterable[Item]) -> dict[datetime, Item]:
    """Occurrences by their rule start (UTC)."""
    return {
        graph_time({"dateTime": item["originalStart"], "timeZone": "UTC"}): item
        for item in items
        if "originalStart" in item
    }


def changed_dates(
    items: Iterable[Item], starts: Sequence[datetime]
) -> tuple[dict[datetime, Interval | None], dict[datetime, frozenset[str]]]:
    """Occurrences that differ from the rule, and who declined which date."""
    exceptions: dict[datetime, Interval | None] = {}
    declined_dates: dict[datetime, frozenset[str]] = {}
    seen = set()
    for item in items:
        if "originalStart" not in item:
            continue
        original = graph_time({"dateTime": item["originalStart"], "timeZone": "UTC"})
        seen.add(original)
        if item.get("isCancelled"):
            exceptions[original] = None
            continue
        start, end = graph_time(item["start"]), graph_time(item["end"])
        if start != original:
            exceptions[original] = Interval(start, end)
        if who := declined_by(item):
            declined_dates[original] = who
    for original in starts:
        if original not in seen:
            exceptions[original] = None  # Graph leaves a cancelled occurrence out
    return exceptions, declined_dates


def declined_by(event: Item) -> frozenset[str]:
    """Who declined the event (for an occurrence: that one date)."""
    return frozenset(
        str(a["emailAddress"]["address"]).lower()
        for a in event.get("attendees", [])
        if str(a.get("status", {}).get("response", "")).lower() == "declined"
    )
