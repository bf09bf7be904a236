"""Proposals as `checkin-sync proposals` lists them: a line each, read from only the columns
the listing shows.

A whole `ProposalRecord` decodes every stored date, the alternatives and the week's busy
time (JSON each), which an organisation's listing of ten thousand proposals then throws
away. A line holds what the table prints, and the explanation it words under it as the
store keeps it: a reader of English reads its words without decoding it
(`Wording.word_stored`).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any, NamedTuple

from sync.model.stored_said import StoredSaid
from sync.store.base import StoreBase
from sync.store.records import State, instant

LINE_COLUMNS = (
    "id, manager, employee, cadence, duration, timezone, state, first_start, "
    "explanation_said, explanation"
)


class ProposalLine(NamedTuple):
    """A tuple rather than a dataclass: ten thousand are built in one listing, and a frozen
    dataclass takes several times as long to build."""

    id: int
    manager: str
    employee: str
    cadence: str
    duration: int
    timezone: str
    state: State
    first_start: datetime
    explanation: StoredSaid


def proposal_filter(
    manager: str | None, employee: str | None, states: Iterable[State] | None
) -> tuple[str, list[Any]]:
    """The WHERE and ORDER BY of a listing of proposals (all of them when every filter is
    None), in the order every listing shows them, and its parameters."""
    sql = "WHERE 1=1"
    args: list[Any] = []
    if manager is not None:
        sql += " AND manager = ?"
        args.append(manager)
    if employee is not None:
        sql += " AND employee = ?"
        args.append(employee)
    if states is not None:
        wanted = [s.value for s in states]
        sql += f" AND state IN ({','.join('?' * len(wanted))})"
        args += wanted
    return sql + " ORDER BY manager, employee, id", args


class ListingMixin(StoreBase):
    def proposal_lines(
        self, *, manager: str | None = None, states: Iterable[State] | None = None
    ) -> list[ProposalLine]:
        """What `proposals()` would give, as lines, in the same order."""
        where, args = proposal_filter(manager, None, states)
        cursor = self.db.cursor()
        cursor.row_factory = None  # plain tuples: no name is looked up
        rows = cursor.execute(f"SELECT {LINE_COLUMNS} FROM proposals {where}", args)
        return [
            ProposalLine(
                id_, manager, employee, cadence, minutes, zone, State(state), instant(first),
                StoredSaid(said, words),
            )
            for id_, manager, employee, cadence, minutes, zone, state, first, said, words in rows
        ]  # fmt: skip
