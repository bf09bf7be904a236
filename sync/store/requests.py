"""Employees' asks for one extra check-in. Each is recorded once, however often people.toml
still shows it, and closed when it is booked or its window has passed: that is how a request
in people.toml is honoured once without the service ever rewriting the file."""

from __future__ import annotations

from datetime import date

from sync.store.base import StoreBase
from sync.store.records import RequestRecord, RequestState, now_text, request_from_row

CLI_SOURCE = "cli"
ROSTER_SOURCE = "people.toml"


class RequestsMixin(StoreBase):
    def add_request(
        self,
        employee: str,
        source: str,
        key: str,
        made_on: date,
        within_days: int,
        reason: str,
        actor: str,
    ) -> RequestRecord | None:
        """Record a request; None if this one (same employee, source and key) is known."""
        with self.transaction():
            cursor = self.db.execute(
                "INSERT OR IGNORE INTO checkin_requests (employee, source, key, made_on, "
                "within_days, reason, state, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    employee,
                    source,
                    key,
                    made_on.isoformat(),
                    within_days,
                    reason,
                    RequestState.OPEN.value,
                    now_text(),
                ),
            )
            if cursor.rowcount != 1:
                return None
            assert cursor.lastrowid is not None
            note = f"within {within_days} working days" + (f": {reason}" if reason else "")
            self._audit(actor, "request", str(cursor.lastrowid), None, RequestState.OPEN, note)
            row = self.db.execute(
                "SELECT * FROM checkin_requests WHERE id = ?", (cursor.lastrowid,)
            ).fetchone()
            return request_from_row(row)

    def requests(self, states: tuple[RequestState, ...] | None = None) -> list[RequestRecord]:
        sql = "SELECT * FROM checkin_requests"
        args: list[str] = []
        if states is not None:
            sql += f" WHERE state IN ({','.join('?' * len(states))})"
            args = [s.value for s in states]
        return [request_from_row(row) for row in self.db.execute(sql + " ORDER BY id", args)]

    def close_request(
        self, request: RequestRecord, state: RequestState, actor: str, note: str
    ) -> None:
        with self.transaction():
            self.db.execute(
                "UPDATE checkin_requests SET state = ?, closed_at = ?, note = ? WHERE id = ?",
                (state.value, now_text(), note, request.id),
            )
            self._audit(actor, "request", str(request.id), request.state, state, note)
