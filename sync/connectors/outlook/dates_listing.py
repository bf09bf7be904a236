"""Listing the dates of the series a round of writes needs them for: one calendar view per
organiser, not one listing per series.

Graph chooses occurrence ids itself, so a series whose dates are to be moved or cancelled
right after it was created (or that tonight's read-back did not see) has its dates listed
first. One series at a time (`/events/{id}/instances`) that is a request per series: about
2,800 at 10,000 people. The organiser's calendar view with the service's tag filter shows
the dates of every series booked there, so the series of one organiser that wait for their
dates in the same round share one listing (page after page, the pages of every organiser
together), and each series is answered with its own dates. Where Graph refuses the tag
filter on the calendar view, each of that organiser's series is listed on its own, as
before. The other calls of the round go out with the first pages.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass
from typing import TypeVar

from sync.connectors.batch_rounds import Outcome
from sync.connectors.outlook import batching
from sync.connectors.outlook.client import GraphClient, GraphError
from sync.connectors.outlook.observing import (
    FILTER_REFUSED,
    Item,
    take_date,
    utc_window,
    view_query,
)
from sync.connectors.write_rounds import Shared
from sync.model.values import Interval

VIEW, INSTANCES = "calendarView", "events.instances"
Key = TypeVar("Key", bound=Hashable)


@dataclass(frozen=True)
class DatesOf:
    """A series' dates in `window` (its event `event` in `organiser`'s calendar), answered
    as a listing is: {"value": [occurrences and exceptions]}, every page taken."""

    organiser: str
    event: str
    window: Interval


Request = batching.Call | DatesOf


def run(client: GraphClient, prop: str, requests: Sequence[Request]) -> list[Outcome]:
    """Every request's outcome, in order: a call's answer or the exception it ended with;
    for a DatesOf, its dates (or exception) as `Shared`, with its part of the requests
    that listed them."""
    outcomes: list[Outcome] = [None] * len(requests)
    calls = {i: r for i, r in enumerate(requests) if isinstance(r, batching.Call)}
    asked: dict[str, list[int]] = defaultdict(list)
    for index, request in enumerate(requests):
        if isinstance(request, DatesOf):
            asked[request.organiser].append(index)
    views = {
        organiser: _view(prop, organiser, [_dates_of(requests[i]).window for i in indexes])
        for organiser, indexes in asked.items()
    }
    sent: Counter[Hashable] = Counter()
    viewed = _follow(client, views, calls, outcomes, sent)
    alone: dict[int, batching.Call] = {}
    for organiser, indexes in asked.items():
        listed = viewed[organiser]
        if isinstance(listed, GraphError) and listed.status in FILTER_REFUSED:
            alone |= {i: _instances(_dates_of(requests[i])) for i in indexes}
            listed = []  # each series' own listing answers it
        by_master = _by_master(listed)
        for index in indexes:
            event = _dates_of(requests[index]).event
            dates = by_master if isinstance(by_master, Exception) else by_master.get(event, [])
            # the view's requests are counted once, with the organiser's first series
            outcomes[index] = (dates, sent[organiser] if index == indexes[0] else 0)
    for index, items in _follow(client, alone, {}, outcomes, sent).items():
        outcomes[index] = (items, outcomes[index][1] + sent[index])
    return [
        Shared(_listing(o[0]), o[1]) if isinstance(requests[i], DatesOf) else o
        for i, o in enumerate(outcomes)
    ]


def _listing(dates: list[Item] | Exception) -> Outcome:
    return dates if isinstance(dates, Exception) else {"value": dates}


def _dates_of(request: Request) -> DatesOf:
    assert isinstance(request, DatesOf)
    return request


def _view(prop: str, organiser: str, windows: Sequence[Interval]) -> batching.Call:
    """The organiser's tagged dates over every window asked for."""
    window = Interval(min(w.start for w in windows), max(w.end for w in windows))
    return batching.call(VIEW, organiser, "/calendarView", view_query(prop, window))


def _instances(request: DatesOf) -> batching.Call:
    path = f"/events/{request.event}/instances"
    return batching.call(INSTANCES, request.organiser, path, utc_window(request.window))


def _by_master(listed: list[Item] | Exception) -> dict[str, list[Item]] | Exception:
    if isinstance(listed, Exception):
        return listed
    by_master: dict[str, list[Item]] = defaultdict(list)
    for item in listed:
        take_date(by_master, item)
    return by_master


def _follow(
    client: GraphClient,
    listings: Mapping[Key, batching.Call],
    calls: Mapping[int, batching.Call],
    outcomes: list[Outcome],
    sent: Counter[Hashable],
) -> dict[Key, list[Item] | Exception]:
    """Every listing's items, page after page (or the exception it ended with), each page
    counted in `sent`; `calls` go out with the first pages, their outcomes put in
    `outcomes` at their indexes."""
    found: dict[Key, list[Item] | Exception] = {key: [] for key in listings}
    pending = dict(listings)
    first = list(calls.items())
    while pending or first:
        keys = list(pending)
        answers = batching.run(client, [c for _, c in first] + [pending[k] for k in keys])
        for (index, _), answer in zip(first, answers, strict=False):
            outcomes[index] = answer
        pages, first, pending = answers[len(first) :], [], {}
        for key, page in zip(keys, pages, strict=True):
            sent[key] += 1
            listed = found[key]
            if isinstance(page, Exception) or isinstance(listed, Exception):
                found[key] = page
                continue
            listed.extend(page.get("value", []))
            if link := page.get("@odata.nextLink"):
                pending[key] = batching.Call(
                    listings[key].kind, listings[key].mailbox, batching.relative(client, link)
                )
    return found
