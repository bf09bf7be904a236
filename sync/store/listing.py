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


class ManagerCounts(NamedTuple):
    manager: str
    by_state: dict[State, int]
    """Only the states it has proposals in."""
    pending_since: datetime | None
    """When its oldest pending proposal was made."""


def proposal_filter(
    manager: str | None, employee: str | None, states: Iterable[State] | None
) -> tuple[str, list[Any]]:
    """The WHERE and ORDER BY of a listing of proposals (all of them when every filter is
    None), in the order every listing shows them, and its parameters."""
    where, args = proposal_where(manager, employee, states)
    return where + " ORDER BY manager, employee, id", args


def proposal_where(
    manager: str | None, employee: str | None, states: Iterable[State] | None
) -> tuple[str, list[Any]]:
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
    return sql, args


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

    def manager_counts(self, *, states: Iterable[State] | None = None) -> list[ManagerCounts]:
        """Each manager's proposals in `states` (every state when None) counted, by manager
        as `proposal_lines` orders them."""
        where, args = proposal_where(None, None, states)
        found: dict[str, ManagerCounts] = {}
        for manager, state, count, first_created in self.db.execute(
            f"SELECT manager, state, COUNT(*), MIN(created_at) FROM proposals {where} "
            "GROUP BY manager, state ORDER BY manager",
            args,
        ):
            counts = found.setdefault(manager, ManagerCounts(manager, {}, None))
            counts.by_state[State(state)] = count
            if state == State.PENDING:
                found[manager] = counts._replace(pending_since=instant(first_created))
        return list(found.values())
