"""Reading back many organisers' calendars one calendar at a time, side by side: for
providers without a batch endpoint that carries the listings (CalDAV), or until one is used.
The same for listing every series of many organisers (a rebuild of a lost database), and
one organiser's through a provider's listing of many."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime

from sync.connectors.base import Observation, WriteFailed
from sync.model.values import FoundSeries, Interval

PARALLEL = 8
"""Calendars read at once; each connector bounds its own concurrency per mailbox."""


def observe_each(
    observe: Callable[[str, Mapping[str, Sequence[datetime]], Interval], Observation],
    groups: Mapping[str, Mapping[str, Sequence[datetime]]],
    window: Interval,
) -> dict[str, Observation]:
    organisers = sorted(groups)
    with ThreadPoolExecutor(max_workers=PARALLEL) as pool:
        seen = list(
            pool.map(lambda organiser: observe(organiser, groups[organiser], window), organisers)
        )
    return dict(zip(organisers, seen, strict=True))


def list_each(
    list_series: Callable[[str, Interval], list[FoundSeries]],
    organisers: Sequence[str],
    window: Interval,
) -> dict[str, list[FoundSeries] | WriteFailed]:
    def listed(organiser: str) -> list[FoundSeries] | WriteFailed:
        try:
            return list_series(organiser, window)
        except WriteFailed as error:
            return error

    ordered = sorted(set(organisers))
    with ThreadPoolExecutor(max_workers=PARALLEL) as pool:
        found = list(pool.map(listed, ordered))
    return dict(zip(ordered, found, strict=True))


def list_one(
    list_series_many: Callable[
        [Sequence[str], Interval], Mapping[str, list[FoundSeries] | WriteFailed]
    ],
    organiser: str,
    window: Interval,
) -> list[FoundSeries]:
    """`list_series` of one organiser through a provider's `list_series_many`."""
    found = list_series_many([organiser], window)[organiser]
    if isinstance(found, WriteFailed):
        raise found
    return found
