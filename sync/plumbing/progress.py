"""A one-line progress display on a terminal, with counts and the time left; nothing at all
under cron, in a pipe or a redirect.

Shown only when both stdout and stderr are terminals: the line is drawn on stderr, and a run
whose report goes to a file or a pipe (cron, `run > night.txt`, tests) is not being watched.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from typing import TextIO

Tick = Callable[[int, int], None]
"""`tick(done, total)`: how far a phase is; what long loops outside the CLI are handed."""


def on_terminal(stream: TextIO) -> bool:
    return stream.isatty() and sys.stdout.isatty()


class Progress:
    def __init__(
        self,
        stream: TextIO | None = None,
        enabled: bool | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.stream = stream or sys.stderr
        self.enabled = on_terminal(self.stream) if enabled is None else enabled
        self.clock = clock
        self._width = 0
        self._phase: tuple[str, float, int] | None = None
        """The phase shown: its label, when it started and how much was done then."""

    def tick(self, label: str) -> Tick:
        """`show` for one phase, to hand to code that knows counts but not labels."""
        return lambda done, total: self.show(label, done, total)

    def show(self, label: str, done: int, total: int) -> None:
        if not self.enabled or total <= 0:
            return
        now = self.clock()
        if self._phase is None or self._phase[0] != label:
            self._phase = (label, now, done)
        filled = int(20 * done / total)
        line = f"{label:<24} [{'#' * filled}{'.' * (20 - filled)}] {done}/{total}"
        line += self._left(now, done, total)
        self._width = max(self._width, len(line))
        self.stream.write("\r" + line.ljust(self._width))
        self.stream.flush()

    def _left(self, now: float, done: int, total: int) -> str:
        """The time left at the pace since the phase started; none before the pace is known."""
        assert self._phase is not None
        _, started, done_then = self._phase
        if done >= total or done <= done_then or now <= started:
            return ""
        left = (now - started) / (done - done_then) * (total - done)
        return f", about {_duration(left)} left"

    def done(self) -> None:
        self._phase = None
        if self.enabled and self._width:
            self.stream.write("\r" + " " * self._width + "\r")
            self.stream.flush()
            self._width = 0


def _duration(seconds: float) -> str:
    if seconds < 1:
        return "1 s"
    if seconds < 90:
        return f"{round(seconds)} s"
    minutes, rest = divmod(round(seconds), 60)
    return f"{minutes} min {rest:02d} s"
