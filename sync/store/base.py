"""What every part of the store builds on: the open connection, transactions, and the audit
log that each change of state is written to."""

from __future__ import annotations

import sqlite3
from collections.abc import Collection, Iterator
from contextlib import contextmanager
from enum import StrEnum
from typing import Any

from sync.model.said import Said
from sync.store.query_memo import QueryMemo
from sync.store.records import ProposalRecord, SeriesRecord, now_text
from sync.store.revocation_file import RevocationFile
from sync.store.row_memo import RowMemo


class StoreBase:
    """The connection and the audit log. `Store` sets `db` and `label` when it opens the
    database; the mixins that hold each concept's SQL (proposals, series, outbox) build on
    this class."""

    db: sqlite3.Connection
    label: str
    """Where the database lives, for error messages."""
    revocations: RevocationFile
    """Revocations a lost database must not undo, in a file beside it."""
    proposal_memo: RowMemo[ProposalRecord]
    series_memo: RowMemo[SeriesRecord]
    """Records decoded from rows that have not changed since (row_memo.py)."""
    proposal_reads: QueryMemo[ProposalRecord]
    series_reads: QueryMemo[SeriesRecord]
    """Reads of many records answered again while their tables are unchanged
    (query_memo.py)."""

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
        note: str | Said,
    ) -> None:
        """`note` in words, or as what was said: kept in English words, and as a message
        each reader's history words in their own language."""
        said = note if isinstance(note, Said) else Said.text(note)
        self.db.execute(
            "INSERT INTO audit (at, actor, entity, entity_id, from_state, to_state, note, "
            "note_said) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (
                now_text(),
                actor,
                entity,
                entity_id,
                before.value if before else None,
                after.value,
                str(said),
                said.dumps() if not said.plain else "",
            ),
        )

    def audit_of(self, entities: Collection[tuple[str, str]], limit: int) -> list[dict[str, Any]]:
        """The latest `limit` entries about these entities, newest first. Each is named by
        its kind and id, e.g. ("proposal", "3") or ("series", uid): ids of different kinds
        overlap (proposal 3 and request 3 are different people's), so an id alone would
        bring in entries about someone else."""
        by_kind: dict[str, list[str]] = {}
        for kind, entity_id in entities:
            by_kind.setdefault(kind, []).append(entity_id)
        if not by_kind:
            return []
        clauses = [
            f"(entity = ? AND entity_id IN ({','.join('?' * len(ids))}))"
            for ids in by_kind.values()
        ]
        args: list[str | int] = []
        for kind, ids in by_kind.items():
            args += [kind, *ids]
        sql = f"SELECT * FROM audit WHERE {' OR '.join(clauses)} ORDER BY id DESC LIMIT ?"
        return [dict(row) for row in self.db.execute(sql, [*args, limit])]

    def audit_log(
        self, entity_id: str | None = None, *, entity: str = "proposal"
    ) -> list[dict[str, Any]]:
        """Every entry, oldest first; with `entity_id`, those about that one `entity`."""
        sql = "SELECT * FROM audit"
        args: tuple[str, ...] = ()
        if entity_id is not None:
            sql += " WHERE entity = ? AND entity_id = ?"
            args = (entity, entity_id)
        return [dict(row) for row in self.db.execute(sql + " ORDER BY id", args)]
