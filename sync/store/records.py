"""What the store hands out and takes in: the states a proposal and a series go through, the
records, and how they are written to and read from table rows (timestamps as ISO text,
occurrences as JSON)."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from enum import StrEnum
from typing import Any

from sync.model.said import Said
from sync.model.values import CheckinKind, Occurrence, OccurrenceStatus
from sync.model.week_busy import StoredWeekBusy, WeekBusy, stored_week
from sync.store.json_list import JsonList

EXPORT_ONLY = "export"
"""`series.calendar` of a series that lives only in the exported .ics files."""
DIGEST, INVITATION = "digest", "invitation"
"""The kinds of email in the outbox."""


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


def allowed(current: State, to: State) -> bool:
    """Whether a proposal in state `current` may move to `to`."""
    return to in _ALLOWED.get(current, set())


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
    cadence_reason: Said
    duration: int
    timezone: str
    rrule: str
    first_start: datetime
    occurrences: Sequence[Occurrence]
    explanation: Said
    alternatives: Sequence[dict[str, Any]]
    """Other slots, as `sync.delivery.render.alternatives_to_json` writes them (read from the
    store: kept as their text until read, json_list.py)."""
    reason: Said
    organiser_calendar: str = EXPORT_ONLY
    """The connector kind that will hold the series (e.g. "google"), or "export"."""
    kind: CheckinKind = CheckinKind.REGULAR
    summary: str = ""
    description: str = ""
    """The invitation's title and text, written when proposed (empty in proposals made before
    they were kept: those get the built-in English text)."""
    week_busy: WeekBusy | StoredWeekBusy | None = None
    """The pair's busy time in the week of the first check-in (`decoded()`); None when not
    known. Read from the store: kept as its text until read (week_busy.py)."""


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


class RequestState(StrEnum):
    OPEN = "open"
    BOOKED = "booked"
    EXPIRED = "expired"
    WITHDRAWN = "withdrawn"


@dataclass(frozen=True)
class RequestRecord:
    """An employee's ask for one extra check-in, from the command line or people.toml."""

    id: int
    employee: str
    source: str
    key: str
    made_on: date
    within_days: int
    reason: str
    state: RequestState

    @property
    def fingerprint(self) -> str:
        return f"kind=requested;request={self.id}"


@dataclass(frozen=True)
class OutboxMessage:
    """An email waiting for delivery (a digest or an invitation); `message` is the whole
    RFC 5322 text."""

    id: int
    recipient: str
    subject: str
    message: bytes
    created_at: datetime
    attempts: int
    last_error: str
    kind: str = DIGEST


# ---------------------------------------------------------------------- columns


def now_text() -> str:
    """The current time as stored in `*_at` columns."""
    return datetime.now(UTC).isoformat(timespec="seconds")


def instant(text: str) -> datetime:
    return datetime.fromisoformat(text)


def occurrences_to_json(occurrences: Iterable[Occurrence]) -> str:
    return json.dumps(
        [
            {
                "original_start": o.original_start.astimezone(UTC).isoformat(),
                "start": o.start.astimezone(UTC).isoformat(),
                "end": o.end.astimezone(UTC).isoformat(),
                "status": o.status.value,
                "reason": str(o.reason),
                "said": o.reason.to_json(),
                "fixed": o.fixed,
                "away": o.away,
            }
            for o in occurrences
        ]
    )


def occurrences_from_json(text: str) -> tuple[Occurrence, ...]:
    return tuple(
        Occurrence(
            original_start=instant(item["original_start"]),
            start=instant(item["start"]),
            end=instant(item["end"]),
            status=OccurrenceStatus(item["status"]),
            reason=Said.from_json(item["said"]) if "said" in item else Said.text(item["reason"]),
            fixed=item.get("fixed", False),
            away=item.get("away", False),
        )
        for item in json.loads(text)
    )


def alternative_explanation(alternative: dict[str, Any]) -> Said:
    """An alternative slot's explanation; alternatives stored before it was kept as a
    message have only the English words."""
    if "explanation_said" in alternative:
        return Said.from_json(alternative["explanation_said"])
    return Said.text(str(alternative.get("explanation", "")))


# ---------------------------------------------------------------------- rows


def proposal_from_row(row: sqlite3.Row) -> ProposalRecord:
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
        cadence_reason=Said.loads(row["cadence_reason_said"], row["cadence_reason"]),
        duration=row["duration"],
        timezone=row["timezone"],
        rrule=row["rrule"],
        first_start=instant(row["first_start"]),
        occurrences=occurrences_from_json(row["occurrences"]),
        explanation=Said.loads(row["explanation_said"], row["explanation"]),
        alternatives=JsonList(row["alternatives"]),
        reason=Said.loads(row["reason_said"], row["reason"]),
        created_at=instant(row["created_at"]),
        updated_at=instant(row["updated_at"]),
        organiser_calendar=row["organiser_calendar"],
        kind=CheckinKind(row["kind"]),
        summary=row["summary"],
        description=row["description"],
        week_busy=stored_week(row["week_busy"]),
    )


def series_from_row(row: sqlite3.Row, proposal: ProposalRecord) -> SeriesRecord:
    """A `series` row, with the proposal it books (`row["proposal_id"]`)."""
    return SeriesRecord(
        uid=row["uid"],
        proposal=proposal,
        state=SeriesState(row["state"]),
        sequence=row["sequence"],
        first_start=instant(row["first_start"]),
        until=instant(row["until"]) if row["until"] else None,
        occurrences=occurrences_from_json(row["occurrences"]),
        booked_at=instant(row["booked_at"]),
        updated_at=instant(row["updated_at"]),
        calendar=row["calendar"],
        synced_sequence=row["synced_sequence"],
        last_error=row["last_error"],
        declined_by=frozenset(e for e in row["declined_by"].split(",") if e),
    )


def request_from_row(row: sqlite3.Row) -> RequestRecord:
    return RequestRecord(
        id=row["id"],
        employee=row["employee"],
        source=row["source"],
        key=row["key"],
        made_on=date.fromisoformat(row["made_on"]),
        within_days=row["within_days"],
        reason=row["reason"],
        state=RequestState(row["state"]),
    )


def message_from_row(row: sqlite3.Row) -> OutboxMessage:
    return OutboxMessage(
        id=row["id"],
        recipient=row["recipient"],
        subject=row["subject"],
        message=bytes(row["message"]),
        created_at=instant(row["created_at"]),
        attempts=row["attempts"],
        last_error=row["last_error"],
        kind=row["kind"],
    )
