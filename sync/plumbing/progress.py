"""A one-line progress display on a terminal; nothing at all under cron or in a pipe."""

from __future__ import annotations

import sys
from typing import TextIO


class Progress:
    def __init__(self, stream: TextIO | None = None, enabled: bool | None = None) -> None:
        self.stream = stream or sys.stderr
        self.enabled = self.stream.isatty() if enabled is None else enabled
        self._width = 0

    def show(self, label: str, done: int, total: int) -> None:
        if not self.enabled or total <= 0:
            return
        filled = int(20 * done / total)
        line = f"{label:<24} [{'#' * filled}{'.' * (20 - filled)}] {done}/{total}"
        self._width = max(self._width, len(line))
        self.stream.write("\r" + line.ljust(self._width))
        self.stream.flush()

    def done(self) -> None:
        if self.enabled and self._width:
            self.stream.write("\r" + " " * self._width + "\r")
            self.stream.flush()
            self._width = 0
