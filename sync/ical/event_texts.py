"""Each event's iCalendar text, built once for its exact content and reused.

Turning a VEVENT into text is most of what writing a calendar costs (icalendar's
serialising and line folding), and from one night to the next most events say exactly what
they said before. An event's text is keyed by a fingerprint of its facts (sync/ical/events.py:
everything the event says, nothing else), of this module's FORMAT and of icalendar's version,
so a key can only find text that the same facts would give again.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from dataclasses import dataclass

import icalendar

from sync.ical.event_lines import event_text
from sync.ical.events import EventFacts

FORMAT = 1
"""Raised whenever `render_event` writes other text for the same facts, so that no text kept
by an earlier version is used again."""


@dataclass(frozen=True)
class EventText:
    uid: str
    text: bytes
    tzids: tuple[str, ...]
    """The zones the event's times are written in (a VTIMEZONE each, in its calendar)."""


def fingerprint(facts: EventFacts) -> str:
    # the repr of frozen dataclasses of str, int, bool and datetimes (with their zone) is
    # stable from one process to the next
    content = repr((FORMAT, icalendar.__version__, facts))
    return hashlib.sha256(content.encode()).hexdigest()


class EventTexts:
    """Texts by fingerprint: those known from before (`known`), and which of them, and of
    the ones made here, were asked for since."""

    def __init__(self, known: dict[str, EventText] | None = None) -> None:
        self.known: dict[str, EventText] = dict(known or {})
        self.asked: set[str] = set()
        self.rendered = 0
        """How many events had to be rendered."""

    def text(self, facts: EventFacts) -> EventText:
        key = fingerprint(facts)
        self.asked.add(key)
        found = self.known.get(key)
        if found is None:
            found = self.known[key] = _render(facts)
            self.rendered += 1
        return found

    def worth_keeping(self, live: set[str]) -> Iterator[tuple[str, EventText]]:
        """What to keep for the next time: the texts asked for since, and for series not
        built since but still in `live` (UIDs), the texts they had. Older versions of a
        series that was built since, and texts of series that ended, are dropped."""
        built = {self.known[key].uid for key in self.asked}
        for key, found in self.known.items():
            if key in self.asked or (found.uid in live and found.uid not in built):
                yield key, found


def _render(facts: EventFacts) -> EventText:
    text, tzids = event_text(facts)
    return EventText(facts.uid, text, tzids)
