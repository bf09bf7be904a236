"""Writing many series one request at a time, organisers side by side: for providers without
a batch endpoint that carries writes (CalDAV)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor

from sync.connectors.base import ToWrite, WriteFailed, Written
from sync.connectors.retry import GaveUpTonight
from sync.model.values import BookedSeries

PARALLEL = 8
"""Organisers' calendars written at once; one organiser's series are written one by one."""


def write_each(write: Callable[[BookedSeries], int], items: Sequence[ToWrite]) -> list[Written]:
    results = [Written() for _ in items]
    by_organiser: dict[str, list[int]] = defaultdict(list)
    for index, (series, _) in enumerate(items):
        by_organiser[series.organiser.email].append(index)

    def organiser(indexes: list[int]) -> None:
        over_quota: GaveUpTonight | None = None
        for index in indexes:
            if over_quota is not None:  # the organiser's other series wait with it
                results[index].error = over_quota
                continue
            try:
                results[index].requests = write(items[index][0])
            except GaveUpTonight as error:
                results[index].error = over_quota = error
            except WriteFailed as error:
                results[index].error = error

    with ThreadPoolExecutor(max_workers=min(PARALLEL, len(by_organiser)) or 1) as pool:
        list(pool.map(organiser, by_organiser.values()))
    return results
