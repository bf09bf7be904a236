"""Whether tables may have changed since they were last read, known without reading them.

Temporary triggers (this connection's own: they live in its `temp` schema, never in the
file) count the rows this connection inserts, updates or deletes in each watched table,
through a function of this process, whoever issues the SQL. SQLite's `PRAGMA data_version`
changes whenever another connection, of this process or another, commits. Together they
name the state of the watched tables: while it is the same, so is every row in them.

Inside a transaction there is no state to name: what is read there may yet be rolled back,
and a rollback does not take the counts back.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable

_WRITTEN = "checkin_sync_table_written"
"""The SQL function the triggers call; a name no table or column of ours uses."""
_VERBS = ("INSERT", "UPDATE", "DELETE")


class TableWatch:
    def __init__(self, db: sqlite3.Connection, tables: Iterable[str]) -> None:
        self._db = db
        self._writes = dict.fromkeys(tables, 0)
        db.create_function(_WRITTEN, 1, self._written)
        for table in self._writes:
            for verb in _VERBS:
                db.execute(
                    f"CREATE TEMP TRIGGER {table}_{verb.lower()}_watched AFTER {verb} "
                    f"ON main.{table} BEGIN SELECT {_WRITTEN}('{table}'); END"
                )

    def _written(self, table: str) -> None:
        self._writes[table] += 1

    def state(self, tables: Iterable[str]) -> tuple[int, ...] | None:
        """The same tuple again only if no row of `tables` can have changed in between;
        None inside a transaction. Taken before a read, so that a commit racing with the
        read can only make the next state differ, never hide a change."""
        if self._db.in_transaction:
            return None
        version: int = self._db.execute("PRAGMA data_version").fetchone()[0]
        return (version, *(self._writes[table] for table in tables))
