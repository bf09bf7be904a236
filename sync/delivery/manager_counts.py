"""A large organisation's proposals at a glance: a line per manager, with how many proposals
they have in each state and, for an operator looking for who has not decided yet, since
when the oldest pending one waits.

`checkin-sync proposals` prints this instead of every proposal with its explanation where
that would be thousands of lines (sync/cli/decisions.py), and says how to list the rest.
"""

from __future__ import annotations

from collections.abc import Sequence

from sync.store import State
from sync.store.listing import ManagerCounts


def managers_table(managers: Sequence[ManagerCounts], states: Sequence[State]) -> str:
    headers = ["MANAGER", *(state.value.upper() for state in states)]
    rows = [[m.manager, *(str(m.by_state.get(state, 0)) for state in states)] for m in managers]
    if State.PENDING in states:
        headers.append("PENDING SINCE")
        for row, m in zip(rows, managers, strict=True):
            row.append(f"{m.pending_since:%Y-%m-%d}" if m.pending_since else "")
    widths = [max(len(h), *(len(row[i]) for row in rows)) for i, h in enumerate(headers)]
    # the manager (and the date) read left to right; the counts line up on their last digit
    counted = range(1, len(states) + 1)

    def line(cells: Sequence[str]) -> str:
        return "  ".join(
            cell.rjust(width) if i in counted else cell.ljust(width)
            for i, (cell, width) in enumerate(zip(cells, widths, strict=True))
        ).rstrip()

    total = sum(sum(m.by_state.values()) for m in managers)
    return "\n".join(
        [
            line(headers),
            *(line(row) for row in rows),
            f"{total:,} proposals of {len(managers):,} managers: a line per manager.",
            "To list them: --manager EMAIL (one manager's, with their explanations), "
            "--full (every one), --json (every one, with its dates).",
        ]
    )
