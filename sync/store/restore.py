"""Putting back series found in calendars after the state database was lost: each becomes a
proposal and a series with the same identity (UID) as before, marked as already written and
already sent as an invitation, so nothing is proposed, booked, written or sent again."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sync.model.values import Occurrence
from sync.store.json_list import json_text
from sync.store.records import NewProposal, SeriesState, State, now_text, occurrences_to_json
from sync.store.series import SeriesMixin


class RestoreMixin(SeriesMixin):
    def has_series(self, uid: str) -> bool:
        row = self.db.execute("SELECT 1 FROM series WHERE uid = ?", (uid,)).fetchone()
        return row is not None

    def restore_series(
        self,
        content: NewProposal,
        *,
        uid: str,
        generation: int,
        state: SeriesState,
        calendar: str,
        sequence: int,
        first_start: datetime,
        until: datetime | None,
        occurrences: Sequence[Occurrence],
        actor: str,
    ) -> None:
        proposal_state = State(state.value)
        with self.transaction():
            now = now_text()
            cursor = self.db.execute(
                "INSERT INTO proposals (run_id, manager, employee, manager_name, employee_name, "
                "generation, uid, state, fingerprint, cadence, cadence_reason, duration, "
                "timezone, rrule, first_start, occurrences, explanation, alternatives, reason, "
                "created_at, updated_at, organiser_calendar, cadence_reason_said, "
                "explanation_said, reason_said) "
                "VALUES (NULL, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, "
                "?, ?, ?)",
                (
                    content.manager,
                    content.employee,
                    content.manager_name,
                    content.employee_name,
                    generation,
                    uid,
                    proposal_state.value,
                    content.fingerprint,
                    content.cadence,
                    str(content.cadence_reason),
                    content.duration,
                    content.timezone,
                    content.rrule,
                    content.first_start.isoformat(),
                    occurrences_to_json(content.occurrences),
                    str(content.explanation),
                    json_text(content.alternatives),
                    str(content.reason),
                    now,
                    now,
                    content.organiser_calendar,
                    content.cadence_reason.dumps(),
                    content.explanation.dumps(),
                    content.reason.dumps(),
                ),
            )
            assert cursor.lastrowid is not None
            self.db.execute(
                "INSERT INTO series (uid, proposal_id, state, sequence, synced_sequence, "
                "first_start, until, occurrences, booked_at, updated_at, calendar) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    uid,
                    cursor.lastrowid,
                    state.value,
                    sequence,
                    sequence,
                    first_start.isoformat(),
                    until.isoformat() if until else None,
                    occurrences_to_json(occurrences),
                    now,
                    now,
                    calendar,
                ),
            )
            self._audit(
                actor, "proposal", str(cursor.lastrowid), None, proposal_state, content.reason
            )
            self._audit(actor, "series", uid, None, state, content.reason)
            # the series was in people's calendars, so whoever was to be invited by email
            # has been: recorded as sent, a rebuilt store sends no invitation again
            for person in (content.manager, content.employee):
                self.db.execute(
                    "INSERT OR IGNORE INTO invitations (uid, recipient, sequence, method, at) "
                    "VALUES (?, ?, ?, ?, ?)",
                    (uid, person.lower(), sequence, "REQUEST", now),
                )
