"""Proposals as `checkin-sync proposals` lists them: a line each, read from only the columns
the listing shows.

A whole `ProposalRecord` decodes every stored date, the alternatives and the week's busy
time (JSON each), which an organisation's listing of a thousand proposals then throws away:
most of the command's time. A line holds what the table prints, and the explanation it
words under it.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sync.model.said import Said
from sync.store.base import StoreBase
from sync.store.records import State, instant

AS_STORED = ("id", "manager", "employee", "cadence", "duration", "timezone")
"""The columns a line holds as they are; the others are decoded."""
LINE_COLUMNS = ", ".join((*AS_STORED, "state", "first_start", "explanation", "explanation_said"))


@dataclass(frozen=True)
class ProposalLine:
    id: int
    state: State
    manager: str
    employee: str
    cadence: str
    duration: int
    timezone: str
    first_start: datetime
    explanation: Said


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


def line_from_row(row: sqlite3.Row) -> ProposalLine:
    return ProposalLine(
        **{name: row[name] for name in AS_STORED},
        state=State(row["state"]),
        first_start=instant(row["first_start"]),
        explanation=Said.loads(row["explanation_said"], row["explanation"]),
    )


class ListingMixin(StoreBase):
    def proposal_lines(
        self, *, manager: str | None = None, states: Iterable[State] | None = None
    ) -> list[ProposalLine]:
        """What `proposals()` would give, as lines, in the same order."""
        where, args = proposal_filter(manager, None, states)
        sql = f"SELECT {LINE_COLUMNS} FROM proposals {where}"
        return [line_from_row(row) for row in self.db.execute(sql, args)]
