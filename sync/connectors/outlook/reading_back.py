"""Reading back every organiser's Outlook calendar at once, through Graph's JSON batching.

The two listings of each organiser (the tagged events, the calendar view of their dates in
the window) are independent, so the first pages of all of them go out together, 20 per
round trip, and only listings with more pages are followed in further rounds. What they
show is judged as for one calendar (observing.py); an organiser whose calendar view refuses
the tag filter has each series' dates read on their own, as there.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import datetime

from sync.connectors.base import Observation
from sync.connectors.outlook import batching
from sync.connectors.outlook.client import GraphClient, GraphError, describe
from sync.connectors.outlook.observing import (
    FILTER_REFUSED,
    CalendarReadBack,
    Item,
    events_query,
    take_date,
    take_event,
    view_query,
)
from sync.connectors.retry import GaveUpTonight
from sync.model.values import Interval

EVENTS, VIEW = "events.list", "calendarView"


class Calendars:
    """What the listings showed, per organiser."""

    def __init__(self, organisers: Iterable[str]) -> None:
        self.events: dict[str, dict[str, Item]] = {o: {} for o in organisers}
        self.dates: dict[str, dict[str, list[Item]] | None] = {
            o: defaultdict(list) for o in self.events
        }
        self.errors: dict[str, Exception] = {}
        self.requests: dict[str, int] = dict.fromkeys(self.events, 0)


def read(client: GraphClient, prop: str, organisers: Sequence[str], window: Interval) -> Calendars:
    found = Calendars(organisers)
    pending: dict[tuple[str, str], str] = {}
    for organiser in organisers:
        pending[organiser, EVENTS] = batching.call(
            EVENTS, organiser, "/events", events_query(prop)
        ).url
        view = view_query(prop, window)
        pending[organiser, VIEW] = batching.call(VIEW, organiser, "/calendarView", view).url
    while pending:
        asked = [key for key in sorted(pending) if key[0] not in found.errors]
        calls = [
            batching.Call(kind, organiser, pending[organiser, kind]) for organiser, kind in asked
        ]
        pending = {}
        for (organiser, kind), outcome in zip(asked, batching.run(client, calls), strict=True):
            found.requests[organiser] += 1
            if isinstance(outcome, GaveUpTonight):
                raise outcome
            if (
                kind == VIEW
                and isinstance(outcome, GraphError)
                and outcome.status in FILTER_REFUSED
            ):
                found.dates[organiser] = None  # each series' dates are read on their own
                continue
            if isinstance(outcome, Exception):
                found.errors.setdefault(organiser, outcome)
                continue
            for item in outcome.get("value", []):
                if kind == EVENTS:
                    take_event(found.events[organiser], item, prop)
                elif (dates := found.dates[organiser]) is not None:
                    take_date(dates, item)
            if link := outcome.get("@odata.nextLink"):
                pending[organiser, kind] = batching.relative(client, link)
    return found


def observe_many(
    client: GraphClient,
    prop: str,
    instances: Callable[[str, str, Interval], Iterable[Item]],
    groups: Mapping[str, Mapping[str, Sequence[datetime]]],
    window: Interval,
    failures: tuple[type[Exception], ...],
) -> dict[str, Observation]:
    found = read(client, prop, sorted(groups), window)
    observations = {}
    for organiser, expected in groups.items():
        before = client.requests_by_this_thread()
        observation = Observation()
        try:
            if organiser in found.errors:
                raise found.errors[organiser]
            judged = CalendarReadBack(client, organiser, prop, instances).judge(
                expected, window, found.events[organiser], found.dates[organiser]
            )
            observation.series = judged
        except failures as error:
            observation.error = f"{organiser}'s Outlook calendar: {describe(error)}"
        extra = client.requests_by_this_thread() - before
        observation.requests = found.requests[organiser] + extra
        observations[organiser] = observation
    return observations
