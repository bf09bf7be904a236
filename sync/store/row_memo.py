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
or booked): the memo stays the size of the organisation, not of its history. Of each row
only a digest is kept, not its text: the stored sentences, dates and week pictures are
several kilobytes a proposal, which at N = 10,000 held some 96 MB for nothing but comparing.
"""

from __future__ import annotations

import hashlib
import marshal
from collections.abc import Callable, Hashable
from typing import Generic, TypeVar

Record = TypeVar("Record")
Value = str | int | float | bytes | None
"""What SQLite hands back for a column."""


def row_digest(row: tuple[Value, ...]) -> bytes:
    """What tells one row's values from another's. marshal writes each value with its type
    (None apart from "None", 1 from "1") at a third of repr's cost on these rows; SHA-256
    makes two different rows reading the same beyond reach, and where the processor has SHA
    instructions it costs next to nothing beside marshal (BLAKE2b took as long again)."""
    return hashlib.sha256(marshal.dumps(row)).digest()


class RowMemo(Generic[Record]):
    def __init__(self) -> None:
        self._kept: dict[Hashable, tuple[bytes, object, Record]] = {}

    def record(
        self,
        key: Hashable,
        row: tuple[Value, ...],
        decode: Callable[[], Record],
        *,
        keep: bool,
        carried: object = None,
    ) -> Record:
        """The record of `row` (and of `carried`, another record it is built from, compared
        as it is), decoded only if it is not the one kept for `key`."""
        digest = row_digest(row)
        kept = self._kept.get(key)
        if kept is not None and kept[0] == digest and kept[1] == carried:
            return kept[2]
        record = decode()
        if keep:
            self._kept[key] = (digest, carried, record)
        else:
            self._kept.pop(key, None)
        return record

    def __len__(self) -> int:
        return len(self._kept)
