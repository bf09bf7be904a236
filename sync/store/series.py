"""Booked series: an approved proposal once it is (being) written to a calendar, the dates
it holds, and how far the calendar that holds it has caught up (`sequence` against
`synced_sequence`)."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Sequence
from datetime import datetime

from sync.model.said import Said
from sync.model.series_end import last_kept
from sync.model.values import CheckinKind, Occurrence
from sync.store.proposals import ProposalsMixin
from sync.store.records import (
    EXPORT_ONLY,
    ProposalRecord,
    SeriesRecord,
    SeriesState,
    State,
    now_text,
    occurrences_to_json,
    series_from_row,
)

LIVE_SERIES = frozenset({SeriesState.BOOKING.value, SeriesState.BOOKED.value})
_UIDS_PER_QUERY = 500
"""Below SQLite's oldest limit on a statement's parameters (999)."""


class SeriesMixin(ProposalsMixin):
    """Builds on the proposals: a series record carries its proposal, and booking or ending a
    series moves its proposal along with it."""

    replaced_tonight: dict[str, list[str]]
    """The series each booking confirmed through this store ended, by the new series' uid,
    for the run report (the audit log keeps it for good)."""

    def series(
        self, states: Iterable[SeriesState] | None = None, *, manager: str | None = None
    ) -> list[SeriesRecord]:
        """Every series (in `states`), or one manager's: a page for one manager decodes
        that manager's series, not the organisation's."""
        sql = "SELECT series.* FROM series"
        conditions: list[str] = []
        args: list[str] = []
        if manager is not None:
            sql += " JOIN proposals ON proposals.id = series.proposal_id"
            conditions.append("proposals.manager = ?")
            args.append(manager)
        if states is not None:
            wanted = [s.value for s in states]
            conditions.append(f"series.state IN ({','.join('?' * len(wanted))})")
            args += wanted
        if conditions:
            sql += " WHERE " + " AND ".join(conditions)
        sql += " ORDER BY series.uid"
        return self.series_reads.records(
            (sql, *args), lambda: self._many(self.db.execute(sql, args).fetchall())
        )

    def series_with(self, email: str) -> list[SeriesRecord]:
        """The series `email` is in, as manager or employee (whatever the case of either), in
        the order of `series()`: a person's calendar feed decodes theirs, not everyone's."""
        wanted = email.lower()
        pairs = (
            "SELECT series.uid, proposals.manager, proposals.employee FROM series"
            " JOIN proposals ON proposals.id = series.proposal_id ORDER BY series.uid"
        )
        uids = [
            uid
            for uid, manager, employee in self.db.execute(pairs)
            if wanted in (manager.lower(), employee.lower())
        ]
        rows: list[sqlite3.Row] = []
        for start in range(0, len(uids), _UIDS_PER_QUERY):
            chunk = uids[start : start + _UIDS_PER_QUERY]
            sql = f"SELECT * FROM series WHERE uid IN ({','.join('?' * len(chunk))}) ORDER BY uid"
            rows += self.db.execute(sql, chunk).fetchall()
        return self._many(rows)

    def series_people(self) -> set[str]:
        """Everyone in some series, as manager or employee, as stored; no series decoded."""
        sql = (
            "SELECT DISTINCT proposals.manager, proposals.employee FROM series"
            " JOIN proposals ON proposals.id = series.proposal_id"
        )
        return {email for row in self.db.execute(sql) for email in row}

    def series_of(self, proposal_id: int) -> SeriesRecord | None:
        row = self.db.execute(
            "SELECT * FROM series WHERE proposal_id = ?", (proposal_id,)
        ).fetchone()
        return None if row is None else self._series(row)

    def book(
        self,
        proposal: ProposalRecord,
        first_start: datetime,
        occurrences: Sequence[Occurrence],
        actor: str,
        *,
        calendar: str = EXPORT_ONLY,
    ) -> SeriesRecord:
        """Record an approved proposal as a series. A series that only lives in the exports is
        booked at once; one that a calendar must hold stays `booking` until `confirm_booking`
        after the write, so a crash in between is finished by the next run, not forgotten."""
        with self.transaction():
            existing = self.series_of(proposal.id)
            if existing is not None:
                return existing
            now = now_text()
            self.db.execute(
                "INSERT INTO series (uid, proposal_id, state, sequence, first_start, until, "
                "occurrences, booked_at, updated_at, calendar) "
                "VALUES (?, ?, ?, 0, ?, NULL, ?, ?, ?, ?)",
                (
                    proposal.uid,
                    proposal.id,
                    SeriesState.BOOKING.value,
                    first_start.isoformat(),
                    occurrences_to_json(occurrences),
                    now,
                    now,
                    calendar,
                ),
            )
            self._audit(actor, "series", proposal.uid, None, SeriesState.BOOKING, calendar)
            if calendar == EXPORT_ONLY:
                self._confirm(proposal.uid, actor)
        booked = self.series_of(proposal.id)
        assert booked is not None
        return booked

    def confirm_booking(self, uid: str, actor: str) -> None:
        with self.transaction():
            self._confirm(uid, actor)

    def _confirm(self, uid: str, actor: str) -> None:
        """The series exists where it should: it is booked, its proposal too, and the series
        it replaces (an older one for the same employee) ends where it begins."""
        series = self._series_by_uid(uid)
        if series.state is not SeriesState.BOOKING:
            return
        self.db.execute(
            "UPDATE series SET state = ?, updated_at = ? WHERE uid = ?",
            (SeriesState.BOOKED.value, now_text(), uid),
        )
        self._audit(actor, "series", uid, SeriesState.BOOKING, SeriesState.BOOKED, "")
        self._transition(series.proposal.id, State.BOOKED, actor, "")
        if series.proposal.kind.one_off:
            return  # an extra check-in stands beside the pair's series, replacing nothing
        replaced = self._regular_series(SeriesState.BOOKED, series.proposal.employee, uid)
        for row in replaced:
            old = self._series(row)
            # the old series keeps only the dates that are over before the new one begins
            until = last_kept(
                old.first_start,
                old.proposal.timezone,
                old.proposal.cadence,
                old.proposal.duration,
                old.occurrences,
                series.first_start,
            )
            # with no date left before the new series, there is nothing to keep: it goes
            to = SeriesState.CANCELLED if until is None else SeriesState.SUPERSEDED
            note = f"replaced by proposal {series.proposal.id}"
            self._end_series(old, to, actor, note, until)
            self.replaced_tonight.setdefault(uid, []).append(old.uid)
        # a series ended earlier for one that has now given way before it began may still
        # hold dates after this one's first: it gives them up too
        for row in self._regular_series(SeriesState.SUPERSEDED, series.proposal.employee, uid):
            old = self._series(row)
            self._cut_back(
                old, series.first_start, actor, f"replaced by proposal {series.proposal.id}"
            )

    def _regular_series(self, state: SeriesState, employee: str, besides: str) -> list[sqlite3.Row]:
        """The employee's regular series in `state`, other than `besides`."""
        return self.db.execute(
            "SELECT series.* FROM series JOIN proposals ON proposals.id = series.proposal_id "
            "WHERE series.state = ? AND proposals.employee = ? AND series.uid != ? "
            "AND proposals.kind = ?",
            (state.value, employee, besides, CheckinKind.REGULAR.value),
        ).fetchall()

    def replaced_by(self, series: SeriesRecord) -> list[SeriesRecord]:
        """The series that `series` ended when its booking was confirmed through this store."""
        return [self._series_by_uid(uid) for uid in self.replaced_tonight.get(series.uid, [])]

    def mark_written(self, uid: str, sequence: int) -> None:
        """The calendar now holds version `sequence` of the series."""
        self.db.execute(
            "UPDATE series SET synced_sequence = MAX(synced_sequence, ?), last_error = '' "
            "WHERE uid = ?",
            (sequence, uid),
        )

    def note_write_error(self, uid: str, error: str) -> None:
        self.db.execute("UPDATE series SET last_error = ? WHERE uid = ?", (error, uid))

    def update_occurrences(
        self,
        uid: str,
        occurrences: Sequence[Occurrence],
        actor: str,
        note: str,
        *,
        already_in_calendar: bool = False,
        new_version: bool = True,
    ) -> None:
        """New dates for a series (moves, skips, dates entering the horizon). The sequence
        rises if the change is a `new_version` (one calendars show; see export/visible.py);
        if the change came from the calendar itself, it needs no write back."""
        with self.transaction():
            if new_version:
                self.db.execute(
                    "UPDATE series SET occurrences = ?, sequence = sequence + 1, updated_at = ? "
                    "WHERE uid = ?",
                    (occurrences_to_json(occurrences), now_text(), uid),
                )
            else:
                self.db.execute(
                    "UPDATE series SET occurrences = ? WHERE uid = ?",
                    (occurrences_to_json(occurrences), uid),
                )
            if already_in_calendar:
                self.db.execute(
                    "UPDATE series SET synced_sequence = sequence WHERE uid = ?", (uid,)
                )
            series = self._series_by_uid(uid)
            self._audit(actor, "series", uid, series.state, series.state, note)

    def mark_declined(self, uid: str, emails: Iterable[str], actor: str) -> None:
        text = ",".join(sorted(emails))
        with self.transaction():
            self.db.execute("UPDATE series SET declined_by = ? WHERE uid = ?", (text, uid))
            series = self._series_by_uid(uid)
            self._audit(actor, "series", uid, series.state, series.state, f"declined by {text}")

    def remove_deleted(self, series: SeriesRecord, actor: str, note: str | Said) -> None:
        """A person deleted the series in their calendar: the store follows, and nothing is
        written back (the calendar already has what it should)."""
        with self.transaction():
            self._end_series(series, SeriesState.CANCELLED, actor, note, None)
            self.db.execute(
                "UPDATE series SET synced_sequence = sequence WHERE uid = ?", (series.uid,)
            )

    def end_series(
        self,
        series: SeriesRecord,
        to: SeriesState,
        actor: str,
        note: str | Said,
        until: datetime | None = None,
    ) -> None:
        """Supersede (ending at `until`) or cancel a booked series and its proposal together.
        The sequence rises so calendar clients replace their copy."""
        with self.transaction():
            self._end_series(series, to, actor, note, until)

    def cut_back(self, old: SeriesRecord, cut: datetime, actor: str, note: str) -> bool:
        """An ended series that still holds a date after `cut` (where a newer series of the
        pair begins) gives it up: it ends on its last date before `cut`, or is cancelled if it
        has none. The sequence rises so calendars are written again. True if it changed."""
        with self.transaction():
            return self._cut_back(old, cut, actor, note)

    def _cut_back(self, old: SeriesRecord, cut: datetime, actor: str, note: str) -> bool:
        if old.state is not SeriesState.SUPERSEDED or old.until is None:
            return False
        proposal = old.proposal
        until = last_kept(
            old.first_start,
            proposal.timezone,
            proposal.cadence,
            proposal.duration,
            old.occurrences,
            cut,
        )
        if until is not None and until >= old.until:
            return False
        to = SeriesState.CANCELLED if until is None else old.state
        self.db.execute(
            "UPDATE series SET state = ?, until = ?, sequence = sequence + 1, "
            "updated_at = ? WHERE uid = ?",
            (to.value, until.isoformat() if until else None, now_text(), old.uid),
        )
        self._audit(actor, "series", old.uid, old.state, to, note)
        return True

    def _end_series(
        self,
        series: SeriesRecord,
        to: SeriesState,
        actor: str,
        note: str | Said,
        until: datetime | None,
    ) -> None:
        self.db.execute(
            "UPDATE series SET state = ?, until = ?, sequence = sequence + 1, "
            "updated_at = ? WHERE uid = ?",
            (to.value, until.isoformat() if until else None, now_text(), series.uid),
        )
        self._audit(actor, "series", series.uid, series.state, to, note)
        self._transition(series.proposal.id, State(to.value), actor, note)

    def _series_by_uid(self, uid: str) -> SeriesRecord:
        row = self.db.execute("SELECT * FROM series WHERE uid = ?", (uid,)).fetchone()
        assert row is not None, uid
        return self._series(row)

    def _many(self, rows: Sequence[sqlite3.Row]) -> list[SeriesRecord]:
        """Series rows with their proposals, fetched together rather than one by one."""
        proposals = self._proposals_by_id([row["proposal_id"] for row in rows])
        return [self._decoded(row, proposals[row["proposal_id"]]) for row in rows]

    def _series(self, row: sqlite3.Row) -> SeriesRecord:
        proposal = self.proposal(row["proposal_id"])
        assert proposal is not None
        return self._decoded(row, proposal)

    def _decoded(self, row: sqlite3.Row, proposal: ProposalRecord) -> SeriesRecord:
        """Decoded once while the row and its proposal's record stay the same (row_memo.py)."""
        return self.series_memo.record(
            row["uid"],
            tuple(row),
            lambda: series_from_row(row, proposal),
            keep=row["state"] in LIVE_SERIES,
            carried=proposal,
        )
