"""Reading back many organisers' calendars one calendar at a time, side by side: for
providers without a batch endpoint that carries the listings (CalDAV), or until one is used."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime

from sync.connectors.base import Observation
from sync.model.values import Interval

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
