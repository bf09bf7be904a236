"""Whole reads kept while the tables they read stay unchanged.

A night reads the live proposals and series some twenty times, often with no write in
between (reconcile, refusals, doubled dates and keep up read them one after the other).
The records are decoded once already (row_memo.py), but every read still fetched every
row again and compared it with the one decoded, some tens of thousands of rows a night.
Here a read is answered from the last answer to the same query while the tables it reads
are in the same state (table_watch.py): any write to them, by this store, by raw SQL on its
connection or by another connection, makes the next read go to the database again.

Each caller gets its own list; the records in it are shared, and read-only.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Sequence
from typing import Generic, TypeVar

from sync.store.table_watch import TableWatch

Record = TypeVar("Record")


class QueryMemo(Generic[Record]):
    def __init__(self, watch: TableWatch, tables: Sequence[str]) -> None:
        self._watch = watch
        self._tables = tuple(tables)
        self._state: tuple[int, ...] | None = None
        self._kept: dict[Hashable, tuple[Record, ...]] = {}

    def records(self, query: Hashable, read: Callable[[], list[Record]]) -> list[Record]:
        """What `read` gives for `query` (the SQL and its parameters), read again only if
        the tables may have changed since it was kept."""
        state = self._watch.state(self._tables)
        if state is None:
            return read()
        if state != self._state:
            # whatever was kept was read from tables that have changed since
            self._kept.clear()
            self._state = state
        kept = self._kept.get(query)
        if kept is None:
            kept = self._kept[query] = tuple(read())
        return list(kept)

    def __len__(self) -> int:
        return len(self._kept)
