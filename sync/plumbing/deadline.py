"""A run's deadline: past it, a run starts no new reads or writes and says what it left."""

from __future__ import annotations

import time
from collections.abc import Callable


class Deadline:
    def __init__(self, seconds: float, clock: Callable[[], float] = time.monotonic) -> None:
        self.clock = clock
        self.ends = clock() + seconds

    def passed(self) -> bool:
        return self.clock() >= self.ends

    def left(self) -> float:
        return max(0.0, self.ends - self.clock())
