"""Lines of the digest that can stand unchanged night after night: a pair that could not be
planned, a series not yet in the calendar. A manager who is told the same every night learns
to ignore the digest, so such a line is told the night it appears, again when what is said of
it changes, and as a reminder a week after it was last told while it lasts: it neither
vanishes nor nags. The run report still lists every one of them each night."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta

from sync.delivery.report import PairLine
from sync.store import Store, Told, ToldKey

REMIND_AFTER = timedelta(days=7)

STANDING_SECTIONS = frozenset({"skipped", "write_failures"})
"""The report's sections whose lines repeat while their cause lasts (the others are events
of the night, or, like pairs at risk, news only when they turn)."""


class StandingLines:
    """Which standing lines tonight's digests tell, and what to remember once they are
    queued. `night` is the date the run plans for, not the real time, so simulated nights
    count their days like real ones."""

    def __init__(self, store: Store, night: date) -> None:
        self.night = night
        self.told = store.told_lines()
        self.standing: set[ToldKey] = set()
        self.to_note: dict[str, list[tuple[ToldKey, Told]]] = {}

    def tell(self, section: str, line: PairLine) -> Told | None:
        """When `line` is told tonight, since when it stands (tonight for news); None while
        the manager was told it lately."""
        key = (line.manager, line.employee, section, line.text.dumps())
        self.standing.add(key)
        told = self.told.get(key)
        if told is not None and self.night - told.told_on < REMIND_AFTER:
            return None
        since = told.since if told is not None else self.night
        self.to_note.setdefault(line.manager, []).append((key, Told(since, self.night)))
        return Told(since, self.night)

    def told_to(self, manager: str) -> Iterable[tuple[ToldKey, Told]]:
        """What `manager`'s digest tells tonight, to note as it is queued."""
        return self.to_note.get(manager, [])

    def forget_gone(self, store: Store) -> None:
        """Forget lines that no longer stand, so one that comes back is news again."""
        store.forget_told(key for key in self.told if key not in self.standing)
