"""Times of one person that come closer than the buffer, as the largest sets of which at
most one can be chosen: the rows a search or a program over many dates' times needs."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import datetime
from heapq import heappop, heappush


def too_close(times: Iterable[tuple[datetime, datetime, int]]) -> Iterator[list[int]]:
    """Each largest set of `times` (start, end stretched by the buffer, number) that all
    overlap, as sorted numbers; sets of one are left out. Stretched by the buffer, two times
    conflict when they overlap (touching is not overlapping); the largest sets that all
    overlap are the ones running just before one of them ends, after a new one began."""
    starting = sorted((start, number, end) for start, end, number in times)
    running: list[tuple[datetime, int]] = []  # (end, number), a heap
    grew = False
    for start, number, end in starting:
        while running and running[0][0] <= start:
            if grew and len(running) > 1:
                yield sorted(n for _, n in running)
            grew = False
            heappop(running)
        heappush(running, (end, number))
        grew = True
    if grew and len(running) > 1:
        yield sorted(n for _, n in running)
