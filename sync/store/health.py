"""What the calendars said about single dates (who declined which occurrence), and each
pair's health as last reported, so a pair turning at risk is news only once."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from datetime import datetime

from sync.model.values import Interval
from sync.store.base import StoreBase
from sync.store.records import instant, now_text


class HealthMixin(StoreBase):
    def note_declines(
        self, uid: str, window: Interval, declines: Mapping[datetime, frozenset[str]]
    ) -> bool:
        """Replace what is known about declined dates of a series inside `window` (dates
        before it stay as they were last seen). True if anything changed."""
        before = self.declines_of(uid)
        inside = {start: who for start, who in before.items() if window.start <= start < window.end}
        wanted = {start: who for start, who in declines.items() if who}
        if inside == wanted:
            return False
        with self.transaction():
            for start in inside:
                self.db.execute(
                    "DELETE FROM occurrence_declines WHERE series_uid = ? AND original_start = ?",
                    (uid, start.isoformat()),
                )
            for start, who in wanted.items():
                for email in sorted(who):
                    self.db.execute(
                        "INSERT OR IGNORE INTO occurrence_declines "
                        "(series_uid, original_start, email) VALUES (?, ?, ?)",
                        (uid, start.isoformat(), email),
                    )
        return True

    def declines_of(self, uid: str) -> dict[datetime, frozenset[str]]:
        return self.declines().get(uid, {})

    def declines(self) -> dict[str, dict[datetime, frozenset[str]]]:
        """Who declined which date, by series uid and the date's rule start (UTC)."""
        found: dict[str, dict[datetime, set[str]]] = defaultdict(lambda: defaultdict(set))
        for row in self.db.execute("SELECT * FROM occurrence_declines"):
            found[row["series_uid"]][instant(row["original_start"])].add(row["email"])
        return {
            uid: {start: frozenset(who) for start, who in dates.items()}
            for uid, dates in found.items()
        }

    def pair_health(self) -> dict[str, tuple[bool, str]]:
        """Employee → (at risk, why) as of the last run."""
        rows = self.db.execute("SELECT employee, at_risk, reason FROM pair_health")
        return {row["employee"]: (bool(row["at_risk"]), row["reason"]) for row in rows}

    def set_pair_health(self, employee: str, manager: str, at_risk: bool, reason: str) -> None:
        self.db.execute(
            "INSERT INTO pair_health (employee, manager, at_risk, reason, changed_at) "
            "VALUES (?, ?, ?, ?, ?) ON CONFLICT (employee) DO UPDATE SET manager = excluded."
            "manager, at_risk = excluded.at_risk, reason = excluded.reason, "
            "changed_at = excluded.changed_at",
            (employee, manager, int(at_risk), reason, now_text()),
        )
