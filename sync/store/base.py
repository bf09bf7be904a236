"""What every part of the store builds on: the open connection, transactions, and the audit
log that each change of state is written to."""

from __future__ import annotations

import sqlite3
from collections.abc import Collection, Iterator
from contextlib import contextmanager
from enum import StrEnum
from typing import Any

from sync.store.records import now_text


class StoreBase:
    """The connection and the audit log. `Store` sets `db` and `label` when it opens the
    database; the mixins that hold each concept's SQL (proposals, series, outbox) build on
    this class."""

    db: sqlite3.Connection
    label: str
    """Where the database lives, for error messages."""

    @contextmanager
    def transaction(self) -> Iterator[None]:
        self.db.execute("BEGIN IMMEDIATE")
        try:
            yield
        except BaseException:
            # SQLite has rolled back already after some errors (a full disk): a ROLLBACK
            # then would fail and hide the error that says what happened
            if self.db.in_transaction:
                self.db.execute("ROLLBACK")
            raise
        self.db.execute("COMMIT")

    # ------------------------------------------------------------------ audit

    def _audit(
        self,
        actor: str,
        entity: str,
        entity_id: str,
        before: StrEnum | None,
        after: StrEnum,
        note: str,
    ) -> None:
        self.db.execute(
            "INSERT INTO audit (at, actor, entity, entity_id, from_state, to_state, note) "
            "VALUES (?, ?, ?, ?, ?, ?, ?)",
            (
                now_text(),
                actor,
                entity,
                entity_id,
                before.value if before else None,
                after.value,
                note,
            ),
        )

    def audit_of(self, entity_ids: Collection[str], limit: int) -> list[dict[str, Any]]:
        """The latest `limit` entries about these proposals (ids) and series (uids), newest
        first."""
        if not entity_ids:
            return []
        marks = ",".join("?" * len(entity_ids))
        sql = f"SELECT * FROM audit WHERE entity_id IN ({marks}) ORDER BY id DESC LIMIT ?"
        return [dict(row) for row in self.db.execute(sql, [*entity_ids, limit])]

    def audit_log(self, entity_id: str | None = None) -> list[dict[str, Any]]:
        sql = "SELECT * FROM audit"
        args: tuple[str, ...] = ()
        if entity_id is not None:
            sql += " WHERE entity_id = ?"
            args = (entity_id,)
        return [dict(row) for row in self.db.execute(sql + " ORDER BY id", args)]
