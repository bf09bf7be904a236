"""What the digests told of lines that can stand unchanged night after night (a pair that
could not be planned, a series not yet in the calendar): per manager, pair, section and what
was said, the night it was first told and the night it was last told."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from sync.store.base import StoreBase

ToldKey = tuple[str, str, str, str]
"""Manager, employee, section, and what was said (as stored: `Said.dumps()`)."""


@dataclass(frozen=True)
class Told:
    since: date
    """The night it was first told, in these words."""
    told_on: date
    """The night it was last told."""


class ToldMixin(StoreBase):
    def told_lines(self) -> dict[ToldKey, Told]:
        rows = self.db.execute(
            "SELECT manager, employee, section, said, since, told_on FROM digest_told"
        )
        return {
            (row["manager"], row["employee"], row["section"], row["said"]): Told(
                date.fromisoformat(row["since"]), date.fromisoformat(row["told_on"])
            )
            for row in rows
        }

    def note_told(self, told: Iterable[tuple[ToldKey, Told]]) -> None:
        """Call in the transaction that queues the digest telling them: a night that dies
        between the two would otherwise lose, or tell twice, what was told."""
        self.db.executemany(
            "INSERT INTO digest_told (manager, employee, section, said, since, told_on) "
            "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (manager, employee, section, said) "
            "DO UPDATE SET since = excluded.since, told_on = excluded.told_on",
            [(*key, when.since.isoformat(), when.told_on.isoformat()) for key, when in told],
        )

    def forget_told(self, keys: Iterable[ToldKey]) -> None:
        """Lines that no longer stand: should one come back, it is news again."""
        with self.transaction():
            self.db.executemany(
                "DELETE FROM digest_told WHERE manager = ? AND employee = ? AND section = ? "
                "AND said = ?",
                list(keys),
            )
