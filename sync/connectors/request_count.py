"""Counting a connector's requests when calendars are read and written side by side.

A run reports how many requests each calendar took. Observing and writing run several
calendars at once on one client, so "the client's total before and after" would also count
the other threads' requests; each thread's own count is kept apart for that.
"""

from __future__ import annotations

import threading
from collections import Counter


class RequestCount:
    def __init__(self) -> None:
        self.by_kind: Counter[str] = Counter()
        self._lock = threading.Lock()
        self._local = threading.local()

    def add(self, kind: str) -> None:
        with self._lock:
            self.by_kind[kind] += 1
        self._local.made = self.by_this_thread() + 1

    def by_this_thread(self) -> int:
        """Requests the calling thread has made so far: take the difference around a call."""
        made: int = getattr(self._local, "made", 0)
        return made

    def total(self) -> int:
        with self._lock:
            return sum(self.by_kind.values())
