"""Busy time read from an .ics calendar, kept between runs while the calendar is unchanged.

Parsing and expanding iCalendar data is the costliest part of reading calendars: about a
tenth of a second per person, every night, for files that mostly did not change. So each
source's busy time is kept in `data_dir/cache/ics/`, computed over the night's window and
two weeks beyond it, under the SHA-256 of the calendar's bytes. A later night whose window
fits inside and whose bytes hash the same takes it from there; anything else (a changed
file, a window past the kept range, a damaged or older cache file) reads the calendar again.
The cache is only ever a shortcut: deleting it changes nothing but the time a run takes.
"""

from __future__ import annotations

import hashlib
import json
import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import lru_cache
from pathlib import Path
from typing import Any

from sync.connectors.base import clip
from sync.model.values import BusyBlock, BusyKind, Interval
from sync.plumbing.cache_file import write_json
from sync.plumbing.logs import event

AHEAD = timedelta(days=14)
"""How far past the night's window busy time is kept, so the next nights still fit in."""
FORMAT = 1
log = logging.getLogger(__name__)


@dataclass(frozen=True)
class PersonBusy:
    """One person's view of a calendar over the kept range: busy blocks, and the service's
    own check-ins found there (by UID, with their times, to tell which a window sees)."""

    blocks: tuple[BusyBlock, ...]
    own: tuple[tuple[datetime, datetime, str], ...]

    def within(self, window: Interval) -> tuple[list[BusyBlock], set[str]]:
        """What reading the calendar for `window` alone would have given."""
        own = {uid for start, end, uid in self.own if window.overlaps(Interval(start, end))}
        return clip(self.blocks, window), own


def person_key(email: str, timezone: str) -> str:
    # the person's zone places floating times, and declines are per person
    return f"{email.lower()} {timezone}"


def digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


class IcsBusyCache:
    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def wide(self, window: Interval) -> Interval:
        """The range read and kept when a calendar is parsed."""
        return Interval(window.start, window.end + AHEAD)

    def load(
        self, source: str, data_digest: str, window: Interval, people: list[str]
    ) -> dict[str, PersonBusy] | None:
        """The kept busy time of `people`, if it is for these bytes and covers `window`."""
        try:
            kept = json.loads(self._path(source).read_text())
            if kept.get("format") != FORMAT or kept.get("digest") != data_digest:
                return None
            start = datetime.fromisoformat(kept["start"])
            end = datetime.fromisoformat(kept["end"])
            if not (start <= window.start and window.end <= end):
                return None
            found = {key: _person(kept["people"][key]) for key in people}
        except (OSError, ValueError, KeyError, TypeError):
            return None  # missing, damaged or from another version: read the calendar
        return found

    def store(
        self, source: str, data_digest: str, kept: Interval, people: dict[str, PersonBusy]
    ) -> None:
        payload = {
            "format": FORMAT,
            "source": source,
            "digest": data_digest,
            "start": kept.start.isoformat(),
            "end": kept.end.isoformat(),
            "people": {key: _plain(busy) for key, busy in people.items()},
        }
        try:
            write_json(self._path(source), payload)
        except OSError as error:
            event(log, "ics cache not written", logging.WARNING, reason=str(error))

    def _path(self, source: str) -> Path:
        return self.folder / f"{hashlib.sha256(source.encode()).hexdigest()[:32]}.json"


def _plain(busy: PersonBusy) -> dict[str, Any]:
    return {
        "blocks": [[b.start.isoformat(), b.end.isoformat(), b.kind.value] for b in busy.blocks],
        "own": [[s.isoformat(), e.isoformat(), uid] for s, e, uid in busy.own],
    }


def _person(data: dict[str, Any]) -> PersonBusy:
    blocks = tuple(BusyBlock(_instant(s), _instant(e), BusyKind(k)) for s, e, k in data["blocks"])
    own = tuple((_instant(s), _instant(e), str(uid)) for s, e, uid in data["own"])
    return PersonBusy(blocks, own)


@lru_cache(maxsize=16384)
def _instant(text: str) -> datetime:
    """A kept time, parsed once: a night holds every block it reads until it ends, and
    meetings start and end on the same few thousand times (the quarter hours of the
    window), so the blocks share them as the Google and Outlook readers' blocks do."""
    return datetime.fromisoformat(text)
