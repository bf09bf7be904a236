"""The state database: runs, proposals, booked series and the audit log. Every SQL
statement of checkin-sync lives in this file.

The schema carries a version; opening a database migrates it forward, and a database written
by a newer checkin-sync is refused rather than damaged.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Collection, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum
from pathlib import Path
from typing import Any

from sync.errors import StoreError, TransitionError
from sync.identity import series_uid
from sync.model import Occurrence, OccurrenceStatus

SCHEMA_VERSION = 3

_MIGRATIONS: dict[int, str] = {
    1: """
    CREATE TABLE runs (
        id INTEGER PRIMARY KEY,
        started_at TEXT NOT NULL,
        planned_for TEXT NOT NULL,
        finished_at TEXT,
        exit_code INTEGER,
        summary TEXT
    );
    CREATE TABLE proposals (
        id INTEGER PRIMARY KEY,
        run_id INTEGER REFERENCES runs(id),
        manager TEXT NOT NULL,
        employee TEXT NOT NULL,
        manager_name TEXT NOT NULL,
        employee_name TEXT NOT NULL,
        generation INTEGER NOT NULL,
        uid TEXT NOT NULL UNIQUE,
        state TEXT NOT NULL,
        fingerprint TEXT NOT NULL,
        cadence TEXT NOT NULL,
        cadence_reason TEXT NOT NULL,
        duration INTEGER NOT NULL,
        timezone TEXT NOT NULL,
        rrule TEXT NOT NULL,
        first_start TEXT NOT NULL,
        occurrences TEXT NOT NULL,
        explanation TEXT NOT NULL,
        alternatives TEXT NOT NULL,
        reason TEXT NOT NULL,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL,
        UNIQUE (manager, employee, generation)
    );
    CREATE INDEX proposals_by_state ON proposals (state, manager);
    CREATE TABLE series (
        uid TEXT PRIMARY KEY,
        proposal_id INTEGER NOT NULL UNIQUE REFERENCES proposals(id),
        state TEXT NOT NULL,
        sequence INTEGER NOT NULL,
        first_start TEXT NOT NULL,
        until TEXT,
        occurrences TEXT NOT NULL,
        booked_at TEXT NOT NULL,
        updated_at TEXT NOT NULL
    );
    CREATE TABLE audit (
        id INTEGER PRIMARY KEY,
        at TEXT NOT NULL,
        actor TEXT NOT NULL,
        entity TEXT NOT NULL,
        entity_id TEXT NOT NULL,
        from_state TEXT,
        to_state TEXT NOT NULL,
        note TEXT NOT NULL DEFAULT ''
    );
    """,
    # calendars the service writes to: where each series lives, what was last written there
    2: """
    ALTER TABLE proposals ADD COLUMN organiser_calendar TEXT NOT NULL DEFAULT 'export';
    ALTER TABLE series ADD COLUMN calendar TEXT NOT NULL DEFAULT 'export';
    ALTER TABLE series ADD COLUMN synced_sequence INTEGER NOT NULL DEFAULT -1;
    ALTER TABLE series ADD COLUMN last_error TEXT NOT NULL DEFAULT '';
    ALTER TABLE series ADD COLUMN declined_by TEXT NOT NULL DEFAULT '';
    """,
    # the approval app and the digest: sign-in links used once, and mail not yet delivered
    3: """
    CREATE TABLE used_sign_in_links (
        link_id TEXT PRIMARY KEY,
        email TEXT NOT NULL,
        used_at TEXT NOT NULL
    );
    CREATE TABLE outbox (
        id INTEGER PRIMARY KEY,
        recipient TEXT NOT NULL,
        subject TEXT NOT NULL,
        message BLOB NOT NULL,
        proposal_ids TEXT NOT NULL,
        created_at TEXT NOT NULL,
        attempts INTEGER NOT NULL DEFAULT 0,
        last_error TEXT NOT NULL DEFAULT '',
        delivered_at TEXT,
        delivered_to TEXT NOT NULL DEFAULT ''
    );
    CREATE INDEX outbox_by_recipient ON outbox (recipient);
    """,
}
EXPORT_ONLY = "export"
"""`series.calendar` of a series that lives only in the exported .ics files."""


class State(StrEnum):
    PENDING = "pending"
    APPROVED = "approved"
    BOOKED = "booked"
    REJECTED = "rejected"
    SUPERSEDED = "superseded"
    CANCELLED = "cancelled"


LIVE_STATES = (State.PENDING, State.APPROVED, State.BOOKED)
OPEN_STATES = (State.PENDING, State.APPROVED)
_ALLOWED: dict[State, set[State]] = {
    State.PENDING: {State.APPROVED, State.REJECTED, State.SUPERSEDED, State.CANCELLED},
    State.APPROVED: {State.BOOKED, State.SUPERSEDED, State.CANCELLED},
    State.BOOKED: {State.SUPERSEDED, State.CANCELLED},
}


class SeriesState(StrEnum):
    BOOKING = "booking"
    """Recorded before the calendar write; becomes booked once the calendar has it."""
    BOOKED = "booked"
    SUPERSEDED = "superseded"
    CANCELLED = "cancelled"


@dataclass(frozen=True, kw_only=True)
class NewProposal:
    """What the orchestrator hands the store for a planner result."""

    manager: str
    employee: str
    manager_name: str
    employee_name: str
    fingerprint: str
    cadence: str
    cadence_reason: str
    duration: int
    timezone: str
    rrule: str
    first_start: datetime
    occurrences: Sequence[Occurrence]
    explanation: str
    alternatives: list[dict[str, Any]]
    reason: str
    organiser_calendar: str = EXPORT_ONLY
    """The connector kind that will hold the series (e.g. "google"), or "export"."""


@dataclass(frozen=True, kw_only=True)
class ProposalRecord(NewProposal):
    """A stored proposal: what the planner proposed, plus its identity and state."""

    id: int
    run_id: int | None
    generation: int
    uid: str
    state: State
    created_at: datetime
    updated_at: datetime


@dataclass(frozen=True)
class SeriesRecord:
    uid: str
    proposal: ProposalRecord
    state: SeriesState
    sequence: int
    first_start: datetime
    until: datetime | None
    occurrences: tuple[Occurrence, ...]
    booked_at: datetime
    updated_at: datetime
    calendar: str = EXPORT_ONLY
    synced_sequence: int = -1
    last_error: str = ""
    declined_by: frozenset[str] = frozenset()

    @property
    def needs_write(self) -> bool:
        """Whether the calendar that holds the series lags behind what the store wants."""
        return self.calendar != EXPORT_ONLY and (
            self.state is SeriesState.BOOKING or self.synced_sequence < self.sequence
        )


@dataclass(frozen=True)
class OutboxMessage:
    """A digest email waiting for delivery; `message` is the whole RFC 5322 text."""

    id: int
    recipient: str
    subject: str
    message: bytes
    created_at: datetime
    attempts: int
    last_error: str


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def _instant(text: str) -> datetime:
    return datetime.fromisoformat(text)


def occurrences_to_json(occurrences: Iterable[Occurrence]) -> str:
    return json.dumps(
        [
            {
                "original_start": o.original_start.astimezone(UTC).isoformat(),
                "start": o.start.astimezone(UTC).isoformat(),
                "end": o.end.astimezone(UTC).isoformat(),
                "status": o.status.value,
                "reason": o.reason,
                "fixed": o.fixed,
            }
            for o in occurrences
        ]
    )


def occurrences_from_json(text: str) -> tuple[Occurrence, ...]:
    return tuple(
        Occurrence(
            original_start=_instant(item["original_start"]),
            start=_instant(item["start"]),
            end=_instant(item["end"]),
            status=OccurrenceStatus(item["status"]),
            reason=item["reason"],
            fixed=item.get("fixed", False),
        )
        for item in json.loads(text)
    )


class Store:
    """One open state database. Use `Store.open(path)`; `Store.scratch(path)` gives a
    private in-memory copy for dry runs, so they can plan without writing anything."""

    def __init__(self, connection: sqlite3.Connection, label: str) -> None:
        self.db = connection
        self.db.row_factory = sqlite3.Row
        self.label = label
        self._migrate()

    @classmethod
    def open(cls, path: Path) -> Store:
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            connection = sqlite3.connect(path, timeout=30, isolation_level=None)
            connection.execute("PRAGMA journal_mode=WAL")
            connection.execute("PRAGMA foreign_keys=ON")
        except (OSError, sqlite3.OperationalError) as error:
            raise StoreError(f"{path}: cannot open the state database ({error})") from None
        except sqlite3.DatabaseError as error:
            raise StoreError(f"{path}: not a checkin-sync database ({error})") from None
        except sqlite3.Error as error:
            raise StoreError(f"{path}: cannot open the state database ({error})") from None
        return cls(connection, str(path))

    @classmethod
    def scratch(cls, path: Path) -> Store:
        memory = sqlite3.connect(":memory:", isolation_level=None)
        if path.exists():
            try:
                source = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
                source.backup(memory)
                source.close()
            except sqlite3.Error as error:
                raise StoreError(f"{path}: cannot read the state database ({error})") from None
        return cls(memory, str(path))

    def close(self) -> None:
        self.db.close()

    # ------------------------------------------------------------------ schema

    def _migrate(self) -> None:
        try:
            version = self.db.execute("PRAGMA user_version").fetchone()[0]
        except sqlite3.DatabaseError as error:
            raise StoreError(f"{self.label}: not a checkin-sync database ({error})") from None
        if version > SCHEMA_VERSION:
            raise StoreError(
                f"{self.label}: written by a newer checkin-sync (schema {version}, this version "
                f"knows {SCHEMA_VERSION}); upgrade checkin-sync or restore a backup"
            )
        for target in range(version + 1, SCHEMA_VERSION + 1):
            # executescript commits any open transaction first, so the script carries its own
            script = (
                f"BEGIN IMMEDIATE;\n{_MIGRATIONS[target]}\nPRAGMA user_version = {target};\nCOMMIT;"
            )
            try:
                self.db.executescript(script)
            except sqlite3.Error as error:
                if self.db.in_transaction:
                    self.db.execute("ROLLBACK")
                raise StoreError(f"{self.label}: cannot upgrade the database ({error})") from None

    @contextmanager
    def transaction(self) -> Iterator[None]:
        self.db.execute("BEGIN IMMEDIATE")
        try:
            yield
        except BaseException:
            self.db.execute("ROLLBACK")
            raise
        self.db.execute("COMMIT")

    # ------------------------------------------------------------------ runs

    def begin_run(self, planned_for: datetime) -> int:
        cursor = self.db.execute(
            "INSERT INTO runs (started_at, planned_for) VALUES (?, ?)",
            (_now(), planned_for.isoformat()),
        )
        assert cursor.lastrowid is not None
        return cursor.lastrowid

    def finish_run(self, run_id: int, exit_code: int, summary: dict[str, Any]) -> None:
        self.db.execute(
            "UPDATE runs SET finished_at = ?, exit_code = ?, summary = ? WHERE id = ?",
            (_now(), exit_code, json.dumps(summary), run_id),
        )

    # ------------------------------------------------------------------ proposals

    def proposals(
        self,
        *,
        manager: str | None = None,
        employee: str | None = None,
        states: Iterable[State] | None = None,
    ) -> list[ProposalRecord]:
        sql = "SELECT * FROM proposals WHERE 1=1"
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
        sql += " ORDER BY manager, employee, id"
        return [_proposal(row) for row in self.db.execute(sql, args)]

    def proposal(self, proposal_id: int) -> ProposalRecord | None:
        row = self.db.execute("SELECT * FROM proposals WHERE id = ?", (proposal_id,)).fetchone()
        return None if row is None else _proposal(row)

    def add_proposal(self, run_id: int | None, new: NewProposal, actor: str) -> int:
        """Store a pending proposal under the next generation of its pair."""
        with self.transaction():
            generation = self.db.execute(
                "SELECT COALESCE(MAX(generation), 0) + 1 FROM proposals "
                "WHERE manager = ? AND employee = ?",
                (new.manager, new.employee),
            ).fetchone()[0]
            now = _now()
            cursor = self.db.execute(
                "INSERT INTO proposals (run_id, manager, employee, manager_name, employee_name, "
                "generation, uid, state, fingerprint, cadence, cadence_reason, duration, "
                "timezone, rrule, first_start, occurrences, explanation, alternatives, reason, "
                "created_at, updated_at, organiser_calendar) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
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
                    new.cadence_reason,
                    new.duration,
                    new.timezone,
                    new.rrule,
                    new.first_start.isoformat(),
                    occurrences_to_json(new.occurrences),
                    new.explanation,
                    json.dumps(new.alternatives),
                    new.reason,
                    now,
                    now,
                    new.organiser_calendar,
                ),
            )
            assert cursor.lastrowid is not None
            self._audit(actor, "proposal", str(cursor.lastrowid), None, State.PENDING, new.reason)
            return cursor.lastrowid

    def transition(self, proposal_id: int, to: State, actor: str, note: str = "") -> ProposalRecord:
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

    def _transition(self, proposal_id: int, to: State, actor: str, note: str) -> ProposalRecord:
        current = self.proposal(proposal_id)
        if current is None:
            raise TransitionError(f"there is no proposal {proposal_id}")
        if to not in _ALLOWED.get(current.state, set()):
            raise TransitionError(
                f"proposal {proposal_id} is {current.state.value} and cannot become {to.value}"
            )
        self.db.execute(
            "UPDATE proposals SET state = ?, updated_at = ? WHERE id = ?",
            (to.value, _now(), proposal_id),
        )
        self._audit(actor, "proposal", str(proposal_id), current.state, to, note)
        updated = self.proposal(proposal_id)
        assert updated is not None
        return updated

    def replace_slot_and_approve(
        self,
        proposal_id: int,
        *,
        rrule: str,
        first_start: datetime,
        occurrences: Sequence[Occurrence],
        explanation: str,
        actor: str,
        note: str,
    ) -> ProposalRecord:
        """Give a pending proposal another slot (one the planner offered as an alternative)
        and approve it, in one transaction: nobody can approve the old slot in between."""
        with self.transaction():
            current = self.proposal(proposal_id)
            if current is None or State.APPROVED not in _ALLOWED.get(current.state, set()):
                # let _transition raise its usual, precise error
                return self._transition(proposal_id, State.APPROVED, actor, note)
            self.db.execute(
                "UPDATE proposals SET rrule = ?, first_start = ?, occurrences = ?, "
                "explanation = ? WHERE id = ?",
                (
                    rrule,
                    first_start.isoformat(),
                    occurrences_to_json(occurrences),
                    explanation,
                    proposal_id,
                ),
            )
            return self._transition(proposal_id, State.APPROVED, actor, note)

    # ------------------------------------------------------------------ series

    def series(self, states: Iterable[SeriesState] | None = None) -> list[SeriesRecord]:
        sql = "SELECT * FROM series"
        args: list[str] = []
        if states is not None:
            wanted = [s.value for s in states]
            sql += f" WHERE state IN ({','.join('?' * len(wanted))})"
            args = wanted
        sql += " ORDER BY uid"
        return [self._series(row) for row in self.db.execute(sql, args)]

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
            now = _now()
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
            (SeriesState.BOOKED.value, _now(), uid),
        )
        self._audit(actor, "series", uid, SeriesState.BOOKING, SeriesState.BOOKED, "")
        self._transition(series.proposal.id, State.BOOKED, actor, "")
        replaced = self.db.execute(
            "SELECT series.* FROM series JOIN proposals ON proposals.id = series.proposal_id "
            "WHERE series.state = ? AND proposals.employee = ? AND series.uid != ?",
            (SeriesState.BOOKED.value, series.proposal.employee, uid),
        ).fetchall()
        for row in replaced:
            note = f"replaced by proposal {series.proposal.id}"
            self._end_series(
                self._series(row), SeriesState.SUPERSEDED, actor, note, series.first_start
            )

    def replaced_by(self, series: SeriesRecord) -> list[SeriesRecord]:
        """The series that `series` ended when it was booked."""
        rows = self.db.execute(
            "SELECT series.* FROM series JOIN proposals ON proposals.id = series.proposal_id "
            "WHERE series.state = ? AND proposals.employee = ? AND series.until = ?",
            (
                SeriesState.SUPERSEDED.value,
                series.proposal.employee,
                series.first_start.isoformat(),
            ),
        ).fetchall()
        return [self._series(row) for row in rows]

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
    ) -> None:
        """New dates for a series (moves, skips, dates entering the horizon). The sequence
        rises; if the change came from the calendar itself, it needs no write back."""
        with self.transaction():
            self.db.execute(
                "UPDATE series SET occurrences = ?, sequence = sequence + 1, updated_at = ? "
                "WHERE uid = ?",
                (occurrences_to_json(occurrences), _now(), uid),
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

    def remove_deleted(self, series: SeriesRecord, actor: str, note: str) -> None:
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
        note: str,
        until: datetime | None = None,
    ) -> None:
        """Supersede (ending at `until`) or cancel a booked series and its proposal together.
        The sequence rises so calendar clients replace their copy."""
        with self.transaction():
            self._end_series(series, to, actor, note, until)

    def _end_series(
        self,
        series: SeriesRecord,
        to: SeriesState,
        actor: str,
        note: str,
        until: datetime | None,
    ) -> None:
        self.db.execute(
            "UPDATE series SET state = ?, until = ?, sequence = sequence + 1, "
            "updated_at = ? WHERE uid = ?",
            (to.value, until.isoformat() if until else None, _now(), series.uid),
        )
        self._audit(actor, "series", series.uid, series.state, to, note)
        self._transition(series.proposal.id, State(to.value), actor, note)

    def _series_by_uid(self, uid: str) -> SeriesRecord:
        row = self.db.execute("SELECT * FROM series WHERE uid = ?", (uid,)).fetchone()
        assert row is not None, uid
        return self._series(row)

    def _series(self, row: sqlite3.Row) -> SeriesRecord:
        proposal = self.proposal(row["proposal_id"])
        assert proposal is not None
        return SeriesRecord(
            uid=row["uid"],
            proposal=proposal,
            state=SeriesState(row["state"]),
            sequence=row["sequence"],
            first_start=_instant(row["first_start"]),
            until=_instant(row["until"]) if row["until"] else None,
            occurrences=occurrences_from_json(row["occurrences"]),
            booked_at=_instant(row["booked_at"]),
            updated_at=_instant(row["updated_at"]),
            calendar=row["calendar"],
            synced_sequence=row["synced_sequence"],
            last_error=row["last_error"],
            declined_by=frozenset(e for e in row["declined_by"].split(",") if e),
        )

    # ------------------------------------------------------------------ audit

    def _audit(
        self,
        actor: str,
        entity: str,
        entity_id: str,
        before: StrEnum | None,
        after: StrEnum,
        note: str,
    ) -> None:
        self.db.execute(
            "INSERT INTO audit (at, actor, entity, entity_id, from_state, to_state, note) "
            "VALUES (?, ?, ?, ?, ?, ?, ?)",
            (_now(), actor, entity, entity_id, before.value if before else None, after.value, note),
        )

    def audit_of(self, entity_ids: Collection[str], limit: int) -> list[dict[str, Any]]:
        """The latest `limit` entries about these proposals (ids) and series (uids), newest
        first."""
        if not entity_ids:
            return []
        marks = ",".join("?" * len(entity_ids))
        sql = f"SELECT * FROM audit WHERE entity_id IN ({marks}) ORDER BY id DESC LIMIT ?"
        return [dict(row) for row in self.db.execute(sql, [*entity_ids, limit])]

    def audit_log(self, entity_id: str | None = None) -> list[dict[str, Any]]:
        sql = "SELECT * FROM audit"
        args: tuple[str, ...] = ()
        if entity_id is not None:
            sql += " WHERE entity_id = ?"
            args = (entity_id,)
        return [dict(row) for row in self.db.execute(sql + " ORDER BY id", args)]

    # ------------------------------------------------------------------ sign-in links

    def sign_in_link_used(self, link_id: str) -> bool:
        row = self.db.execute(
            "SELECT 1 FROM used_sign_in_links WHERE link_id = ?", (link_id,)
        ).fetchone()
        return row is not None

    def use_sign_in_link(self, link_id: str, email: str) -> bool:
        """Record that a sign-in link was used; False if it already had been. Atomic, so two
        browsers racing with the same link cannot both sign in."""
        cursor = self.db.execute(
            "INSERT OR IGNORE INTO used_sign_in_links (link_id, email, used_at) VALUES (?, ?, ?)",
            (link_id, email, _now()),
        )
        return cursor.rowcount == 1

    # ------------------------------------------------------------------ outbox

    def queue_message(
        self, recipient: str, subject: str, message: bytes, proposal_ids: Iterable[int]
    ) -> int:
        cursor = self.db.execute(
            "INSERT INTO outbox (recipient, subject, message, proposal_ids, created_at) "
            "VALUES (?, ?, ?, ?, ?)",
            (recipient, subject, message, json.dumps(sorted(proposal_ids)), _now()),
        )
        assert cursor.lastrowid is not None
        return cursor.lastrowid

    def undelivered_messages(self) -> list[OutboxMessage]:
        rows = self.db.execute("SELECT * FROM outbox WHERE delivered_at IS NULL ORDER BY id")
        return [
            OutboxMessage(
                id=row["id"],
                recipient=row["recipient"],
                subject=row["subject"],
                message=bytes(row["message"]),
                created_at=_instant(row["created_at"]),
                attempts=row["attempts"],
                last_error=row["last_error"],
            )
            for row in rows
        ]

    def mark_delivered(self, message_id: int, where: str) -> None:
        self.db.execute(
            "UPDATE outbox SET delivered_at = ?, delivered_to = ?, attempts = attempts + 1, "
            "last_error = '' WHERE id = ?",
            (_now(), where, message_id),
        )

    def note_delivery_error(self, message_id: int, error: str) -> None:
        self.db.execute(
            "UPDATE outbox SET attempts = attempts + 1, last_error = ? WHERE id = ?",
            (error, message_id),
        )

    def proposals_told(self, recipient: str) -> set[int]:
        """Proposals already listed in a digest to `recipient` (delivered or still queued)."""
        rows = self.db.execute("SELECT proposal_ids FROM outbox WHERE recipient = ?", (recipient,))
        return {int(i) for row in rows for i in json.loads(row["proposal_ids"])}


def _proposal(row: sqlite3.Row) -> ProposalRecord:
    return ProposalRecord(
        id=row["id"],
        run_id=row["run_id"],
        manager=row["manager"],
        employee=row["employee"],
        manager_name=row["manager_name"],
        employee_name=row["employee_name"],
        generation=row["generation"],
        uid=row["uid"],
        state=State(row["state"]),
        fingerprint=row["fingerprint"],
        cadence=row["cadence"],
        cadence_reason=row["cadence_reason"],
        duration=row["duration"],
        timezone=row["timezone"],
        rrule=row["rrule"],
        first_start=_instant(row["first_start"]),
        occurrences=occurrences_from_json(row["occurrences"]),
        explanation=row["explanation"],
        alternatives=json.loads(row["alternatives"]),
        reason=row["reason"],
        created_at=_instant(row["created_at"]),
        updated_at=_instant(row["updated_at"]),
        organiser_calendar=row["organiser_calendar"],
    )
