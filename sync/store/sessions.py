"""Sessions of the approval app: started by a sign-in link, ended by signing out, by their
absolute lifetime, or when the manager is no longer in the roster. The browser holds a random
key; the store holds only its hash, so a copy of the database signs nobody in."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime

from sync.store.base import StoreBase
from sync.store.records import now_text


def _hash(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


class SessionsMixin(StoreBase):
    def start_session(self, key: str, email: str, now: datetime, expires: datetime) -> None:
        with self.transaction():
            # sessions past their lifetime can never be used again: nothing to keep
            self.db.execute("DELETE FROM web_sessions WHERE expires_at < ?", (_text(now),))
            self.db.execute(
                "INSERT INTO web_sessions (key_hash, email, started_at, expires_at) "
                "VALUES (?, ?, ?, ?)",
                (_hash(key), email, _text(now), _text(expires)),
            )

    def session_email(self, key: str, now: datetime) -> str | None:
        """Whose live session `key` is; None if it never was, has ended or has expired."""
        row = self.db.execute(
            "SELECT email, expires_at FROM web_sessions WHERE key_hash = ? AND ended_at IS NULL",
            (_hash(key),),
        ).fetchone()
        if row is None or now >= datetime.fromisoformat(row["expires_at"]):
            return None
        return str(row["email"])

    def end_session(self, key: str, why: str) -> None:
        self.db.execute(
            "UPDATE web_sessions SET ended_at = ?, ended_why = ? "
            "WHERE key_hash = ? AND ended_at IS NULL",
            (now_text(), why, _hash(key)),
        )


def _text(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="seconds")
