"""Which export files are already current, so a night does not build them again.

Building a person's .ics file costs milliseconds of iCalendar work, and most people's
check-ins do not change from one night to the next. After an export, each file's inputs
(a digest of the person's series) and the file's size and mtime are noted in
`data_dir/cache/export.json`; the next export builds only the files whose inputs changed or
whose file is not the one it left (deleted, or touched by someone else). A lost or damaged
note only means every file is built again. The texts of the events it built are kept beside
it (`export-events.json`, see kept_texts.py), so a file that is built again renders only the
events that changed.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Sequence
from pathlib import Path

from sync.delivery.export.kept_texts import KeptTexts
from sync.model.values import BookedSeries
from sync.plumbing.cache_file import write_json

FORMAT = 2
"""Raised whenever the writer's output changes for the same series (2: VTIMEZONEs with
yearly rules, no RSVP in published calendars), so an upgrade rewrites every file."""


def series_digest(series: BookedSeries) -> str:
    """What a series is, to the files that hold it (a frozen dataclass with a stable repr);
    made once a night for each series, not once for each file that holds it."""
    return hashlib.sha256(repr(series).encode()).hexdigest()


def inputs_digest(email: str, series: Sequence[str]) -> str:
    """The inputs of `email`'s file: the file is a function of its owner and its series
    (their `series_digest`s, in the file's order) alone."""
    return hashlib.sha256(repr((FORMAT, email, tuple(series))).encode()).hexdigest()


class ExportMemo:
    def __init__(self, path: Path) -> None:
        self.path = path
        try:
            loaded = json.loads(path.read_text())
            self.files: dict[str, list[object]] = dict(loaded) if isinstance(loaded, dict) else {}
        except (OSError, ValueError):
            self.files = {}
        self.kept = KeptTexts(path.with_name("export-events.json"))

    def current(self, file: Path, digest: str) -> bool:
        """Whether `file` is the one written last time from the same inputs."""
        try:
            now = file.stat()
        except OSError:
            return False
        return self.files.get(file.name) == [digest, now.st_size, now.st_mtime_ns]

    def note(self, file: Path, digest: str) -> None:
        found = file.stat()
        self.files[file.name] = [digest, found.st_size, found.st_mtime_ns]

    def save(self, live: Iterable[str]) -> None:
        """Note the files; keep the events' texts of the series `live` (UIDs)."""
        write_json(self.path, self.files)
        self.kept.save(live)
