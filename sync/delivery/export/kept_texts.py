"""The events' iCalendar texts an export made, kept in data_dir/cache/ for the next one.

A file whose check-ins changed is written again whole, but most of its events say what they
said last night (a manager's file changes when one of her reports' series does): with the
texts kept, only the changed events are rendered. Each text is found by the exact fingerprint
of what its event says (sync/ical/event_texts.py), so a kept text is never the wrong one; a
lost or damaged file only means the events are rendered again. It is read only on a night
that builds some file, and keeps the current texts of live series only.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path

from sync.ical.event_texts import EventText, EventTexts
from sync.plumbing.cache_file import write_json


class KeptTexts:
    def __init__(self, path: Path) -> None:
        self.path = path
        self._texts: EventTexts | None = None

    @property
    def texts(self) -> EventTexts:
        """Read on first use."""
        if self._texts is None:
            self._texts = EventTexts(_read(self.path))
        return self._texts

    def save(self, live: Iterable[str]) -> None:
        """Keep for the next export the texts still of use for the series `live` (UIDs)."""
        if self._texts is None:
            return  # nothing was built, so nothing changed
        kept = dict(self._texts.worth_keeping(set(live)))
        if self._texts.rendered == 0 and kept.keys() == self._texts.known.keys():
            return
        payload = {key: [t.uid, t.text.decode(), list(t.tzids)] for key, t in kept.items()}
        write_json(self.path, payload)


def _read(path: Path) -> dict[str, EventText]:
    try:
        loaded = json.loads(path.read_text())
    except (OSError, ValueError):
        return {}
    if not isinstance(loaded, dict):
        return {}
    texts = {}
    for key, entry in loaded.items():
        match entry:
            case [str(uid), str(text), list(tzids)] if all(isinstance(t, str) for t in tzids):
                texts[key] = EventText(uid, text.encode(), tuple(tzids))
            case _:
                return {}  # not a file this version wrote: start afresh
    return texts
