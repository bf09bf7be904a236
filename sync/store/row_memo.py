"""Records decoded from table rows, kept while their row reads the same.

A night reads the live proposals and series some thirty times (reconcile, keep up,
propose, book, export, health, …), and each read decoded every row again: the stored
sentences, dates and week pictures are JSON, and decoding them was most of a steady
night's own work. Whenever a read reaches the database (query_memo.py answers it without
the database while the tables are unchanged), the rows are read, so nothing is ever
stale: a record is handed out again only when its whole row (and, for a series, the
proposal record it carries) is exactly what it was decoded from; a change anywhere, by this
store or another process, decodes it again. Records are shared between readers, so they
are read-only, as their frozen dataclasses say.

Only records in a live state are kept (pending, approved or booked proposals, series being
or booked): the memo stays the size of the organisation, not of its history.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from typing import Generic, TypeVar

Record = TypeVar("Record")


class RowMemo(Generic[Record]):
    def __init__(self) -> None:
        self._kept: dict[Hashable, tuple[tuple[object, ...], Record]] = {}

    def record(
        self,
        key: Hashable,
        source: tuple[object, ...],
        decode: Callable[[], Record],
        *,
        keep: bool,
    ) -> Record:
        """The record of `source` (the row's values, and what else it is built from), decoded
        only if it is not the one kept for `key`."""
        kept = self._kept.get(key)
        if kept is not None and kept[0] == source:
            return kept[1]
        record = decode()
        if keep:
            self._kept[key] = (source, record)
        else:
            self._kept.pop(key, None)
        return record

    def __len__(self) -> int:
        return len(self._kept)
