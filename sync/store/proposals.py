"""Proposals: what the planner proposes for a manager–employee pair, numbered by generation,
and the moves between states that approving, rejecting and booking make (each one audited)."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Sequence
from dataclasses import replace
from datetime import datetime

from sync.model.errors import TransitionError
from sync.model.identity import series_uid
from sync.model.said import Said
from sync.model.values import Occurrence
from sync.store.base import StoreBase
from sync.store.json_list import json_text
from sync.store.listing import proposal_filter
from sync.store.records import (
    LIVE_STATES,
    NewProposal,
    ProposalRecord,
    State,
    allowed,
    instant,
    now_text,
    occurrences_to_json,
    proposal_from_row,
)

LIVE = frozenset(state.value for state in LIVE_STATES)


class ProposalsMixin(StoreBase):
    def proposals(
        self,
        *,
        manager: str | None = None,
        employee: str | None = None,
        states: Iterable[State] | None = None,
    ) -> list[ProposalRecord]:
        where, args = proposal_filter(manager, employee, states)
        sql = f"SELECT * FROM proposals {where}"
        return self.proposal_reads.records(
            (sql, *args), lambda: [self._proposal(row) for row in self.db.execute(sql, args)]
        )

    def _proposals_by_id(self, ids: Sequence[int]) -> dict[int, ProposalRecord]:
        found: dict[int, ProposalRecord] = {}
        wanted = sorted(set(ids))
        for chunk in range(0, len(wanted), 500):  # under SQLite's limit on parameters
            part = wanted[chunk : chunk + 500]
            sql = f"SELECT * FROM proposals WHERE id IN ({','.join('?' * len(part))})"
            for row in self.db.execute(sql, part):
                found[row["id"]] = self._proposal(row)
        return found

    def proposal(self, proposal_id: int) -> ProposalRecord | None:
        row = self.db.execute("SELECT * FROM proposals WHERE id = ?", (proposal_id,)).fetchone()
        return None if row is None else self._proposal(row)

    def _proposal(self, row: sqlite3.Row) -> ProposalRecord:
        """Decoded once while the row stays the same (row_memo.py)."""
        return self.proposal_memo.record(
            row["id"], tuple(row), lambda: proposal_from_row(row), keep=row["state"] in LIVE
        )

    def add_proposal(self, run_id: int | None, new: NewProposal, actor: str) -> int:
        """Store a pending proposal under the next generation of its pair."""
        with self.transaction():
            generation = self.db.execute(
                "SELECT COALESCE(MAX(generation), 0) + 1 FROM proposals "
                "WHERE manager = ? AND employee = ?",
                (new.manager, new.employee),
            ).fetchone()[0]
            now = now_text()
            cursor = self.db.execute(
                "INSERT INTO proposals (run_id, manager, employee, manager_name, employee_name, "
                "generation, uid, state, fingerprint, cadence, cadence_reason, duration, "
                "timezone, rrule, first_start, occurrences, explanation, alternatives, reason, "
                "created_at, updated_at, organiser_calendar, kind, summary, description, "
                "cadence_reason_said, explanation_said, reason_said, week_busy) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, "
                "?, ?, ?, ?, ?, ?, ?)",
                (
                    run_id,
                    new.manager,
                    new.employee,
                    new.manager_name,
                    new.employee_name,
                    generation,
                    series_uid(new.manager, new.employee, generation),
                    State.PENDING.value,
                    new.fingerprint,
                    new.cadence,
                    str(new.cadence_reason),
                    new.duration,
                    new.timezone,
                    new.rrule,
                    new.first_start.isoformat(),
                    occurrences_to_json(new.occurrences),
                    str(new.explanation),
                    json_text(new.alternatives),
                    str(new.reason),
                    now,
                    now,
                    new.organiser_calendar,
                    new.kind.value,
                    new.summary,
                    new.description,
                    new.cadence_reason.dumps(),
                    new.explanation.dumps(),
                    new.reason.dumps(),
                    new.week_busy.to_json() if new.week_busy else "",
                ),
            )
            assert cursor.lastrowid is not None
            self._audit(actor, "proposal", str(cursor.lastrowid), None, State.PENDING, new.reason)
            return cursor.lastrowid

    def transition(
        self, proposal_id: int, to: State, actor: str, note: str | Said = ""
    ) -> ProposalRecord:
        """Move a proposal to `to` if its current state allows it; atomically, so two actors
        racing on the same proposal cannot both succeed."""
        with self.transaction():
            return self._transition(proposal_id, to, actor, note)

    def transition_all(
        self, proposal_ids: Sequence[int], to: State, actor: str, note: str = ""
    ) -> list[ProposalRecord]:
        """Move several proposals at once: all of them, or none if any refuses."""
        with self.transaction():
            return [self._transition(i, to, actor, note) for i in proposal_ids]

    def _transition(
        self, proposal_id: int, to: State, actor: str, note: str | Said
    ) -> ProposalRecord:
        current = self.proposal(proposal_id)
        if current is None:
            raise TransitionError(f"there is no proposal {proposal_id}")
        if not allowed(current.state, to):
            raise TransitionError(
                f"proposal {proposal_id} is {current.state.value} and cannot become {to.value}"
            )
        self.db.execute(
            "UPDATE proposals SET state = ?, updated_at = ? WHERE id = ?",
            (to.value, now_text(), proposal_id),
        )
        self._audit(actor, "proposal", str(proposal_id), current.state, to, note)
        return self._with_new_state(current)

    def _with_new_state(self, current: ProposalRecord) -> ProposalRecord:
        """`current` as its row reads after a change of state alone, kept for that row: only
        the state and the time changed, so the sentences, dates and week picture are not
        decoded again (approving an organisation's proposals decoded each one twice)."""
        row = self.db.execute("SELECT * FROM proposals WHERE id = ?", (current.id,)).fetchone()
        updated = replace(current, state=State(row["state"]), updated_at=instant(row["updated_at"]))
        return self.proposal_memo.record(
            current.id, tuple(row), lambda: updated, keep=row["state"] in LIVE
        )

    def set_approved_dates(
        self, proposal_id: int, occurrences: Sequence[Occurrence], actor: str, note: str
    ) -> None:
        """New dates for an approved proposal not booked yet (some moved or skipped because a
        calendar changed since it was proposed); the proposal stays approved."""
        with self.transaction():
            current = self.proposal(proposal_id)
            if current is None or current.state is not State.APPROVED:
                raise TransitionError(f"proposal {proposal_id} is not approved")
            self.db.execute(
                "UPDATE proposals SET occurrences = ?, updated_at = ? WHERE id = ?",
                (occurrences_to_json(occurrences), now_text(), proposal_id),
            )
            self._audit(actor, "proposal", str(proposal_id), current.state, current.state, note)

    def replace_slot_and_approve(
        self,
        proposal_id: int,
        *,
        rrule: str,
        first_start: datetime,
        occurrences: Sequence[Occurrence],
        explanation: Said,
        actor: str,
        note: str | Said,
    ) -> ProposalRecord:
        """Give a pending proposal another slot (one the planner offered as an alternative)
        and approve it, in one transaction: nobody can approve the old slot in between."""
        with self.transaction():
            current = self.proposal(proposal_id)
            if current is None or not allowed(current.state, State.APPROVED):
                # let _transition raise its usual, precise error
                return self._transition(proposal_id, State.APPROVED, actor, note)
            self.db.execute(
                "UPDATE proposals SET rrule = ?, first_start = ?, occurrences = ?, "
                "explanation = ?, explanation_said = ? WHERE id = ?",
                (
                    rrule,
                    first_start.isoformat(),
                    occurrences_to_json(occurrences),
                    str(explanation),
                    explanation.dumps(),
                    proposal_id,
                ),
            )
            return self._transition(proposal_id, State.APPROVED, actor, note)
