"""Counting a connector's requests when calendars are read and written side by side.

A run reports how many requests each calendar took. Observing and writing run several
calendars at once on one client, so "the client's total before and after" would also count
the other threads' requests; each thread's own count is kept apart for that. A read sends
its batches from the client's pool of threads, so neither a thread's count nor the total
is its own: it hands a `Tally` to what it sends and counts there.
"""

from __future__ import annotations

import threading
from collections import Counter


class RequestCount:
    def __init__(self) -> None:
        self.by_kind: Counter[str] = Counter()
        self._lock = threading.Lock()
        self._local = threading.local()

    def add(self, kind: str, tally: Tally | None = None) -> None:
        """One request of `kind` sent, also counted in `tally` where one is given."""
        with self._lock:
            self.by_kind[kind] += 1
        self._local.made = self.by_this_thread() + 1
        if tally is not None:
            tally.add()

    def by_this_thread(self) -> int:
        """Requests the calling thread has made so far: take the difference around a call."""
        made: int = getattr(self._local, "made", 0)
        return made


class Tally:
    """The requests of one piece of work, on whichever threads they are sent."""

    def __init__(self) -> None:
        self._made = 0
        self._lock = threading.Lock()

    def add(self) -> None:
        with self._lock:
            self._made += 1

    @property
    def made(self) -> int:
        with self._lock:
            return self._made
