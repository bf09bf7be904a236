"""Python's cyclic garbage collector during a night.

A night holds the whole organisation's busy time and records in memory (millions of
objects) and makes hundreds of thousands more, step after step, as it reads the store.
With CPython's default thresholds (a young collection every 700 allocations, a full one
whenever a quarter as many objects as survive have survived since the last) the collector
walks that whole heap again and again: measured at N = 1,000 (bench/README.md), a fifth of a
night's CPU went to the collector, and it finds almost nothing, since reference counting
frees the night's objects. Nothing the night builds relies on the collector: cycles are
rare (exceptions with their tracebacks, a few library objects), so they are still
collected, only less often.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager

NIGHT_THRESHOLDS = (50_000, 20, 100)
"""A young collection every 50,000 allocations, an older one every 20 of those, a full one
at most every 100 of those (and, as always, only once enough has survived since the last)."""


def collect_less_often() -> None:
    """For a long run over a large heap (the nightly job), and for a command that builds
    as many objects (`proposals`: a few hundred thousand for a thousand proposals, where the
    collector took a tenth of its CPU); not for short commands."""
    gc.set_threshold(*NIGHT_THRESHOLDS)


@contextmanager
def collected_as_at_night() -> Iterator[None]:
    """The night's thresholds for a while, then the caller's again: to measure a part of
    the night (the planner, in the bench) as the nightly job runs it."""
    before = gc.get_threshold()
    gc.set_threshold(*NIGHT_THRESHOLDS)
    try:
        yield
    finally:
        gc.set_threshold(*before)
