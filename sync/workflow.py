"""What a manager decides about proposals. The CLI and the web app both call these, so a
decision has the same effect and the same audit trail wherever it is made."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sync.errors import TransitionError, UsageError
from sync.model import Occurrence, OccurrenceStatus
from sync.store import ProposalRecord, State, Store


def approve(store: Store, ids: Sequence[int], actor: str) -> list[ProposalRecord]:
    """Approve each pending proposal; all of them or, if any cannot be approved, none."""
    records = [_existing(store, proposal_id) for proposal_id in ids]
    for record in records:
        if record.state is not State.PENDING:
            raise UsageError(_not_pending(record))
    return store.transition_all([r.id for r in records], State.APPROVED, actor)


def approve_all(store: Store, manager: str, actor: str) -> list[ProposalRecord]:
    pending = store.proposals(manager=manager, states=[State.PENDING])
    return approve(store, [r.id for r in pending], actor)


def reject(store: Store, proposal_id: int, actor: str, reason: str = "") -> ProposalRecord:
    record = _existing(store, proposal_id)
    if record.state is not State.PENDING:
        raise UsageError(_not_pending(record))
    return store.transition(proposal_id, State.REJECTED, actor, reason)


def choose_alternative(store: Store, proposal_id: int, number: int, actor: str) -> ProposalRecord:
    """Approve a pending proposal at one of the other times the planner found for it
    (`number` counts from 1, as the manager sees them): the slot is replaced and the
    proposal approved in one step, and the audit log says which slot was given up."""
    record = _existing(store, proposal_id)
    if record.state is not State.PENDING:
        raise UsageError(_not_pending(record))
    if not 1 <= number <= len(record.alternatives):
        raise UsageError(
            f"proposal {proposal_id} has {len(record.alternatives)} alternative(s), "
            f"not a number {number}"
        )
    chosen = record.alternatives[number - 1]
    try:
        first_start = datetime.fromisoformat(chosen["first_start"])
        occurrences = alternative_occurrences(chosen)
        rrule, explanation = str(chosen["rrule"]), str(chosen["explanation"])
    except (KeyError, TypeError, ValueError) as error:
        raise UsageError(
            f"alternative {number} of proposal {proposal_id} is unreadable ({error})"
        ) from None
    note = (
        f"chose alternative {number} instead of {record.rrule} "
        f"from {record.first_start.isoformat()}: {explanation}"
    )
    try:
        return store.replace_slot_and_approve(
            proposal_id,
            rrule=rrule,
            first_start=first_start,
            occurrences=occurrences,
            explanation=explanation,
            actor=actor,
            note=note,
        )
    except TransitionError:
        # another actor decided between our read and the transaction
        latest = _existing(store, proposal_id)
        raise UsageError(_not_pending(latest)) from None


def alternative_occurrences(alternative: dict[str, Any]) -> list[Occurrence]:
    """The dates of an alternative as stored with its proposal (see render.py)."""
    return [_occurrence(item) for item in alternative["occurrences"]]


def _occurrence(item: dict[str, Any]) -> Occurrence:
    return Occurrence(
        original_start=datetime.fromisoformat(item["original_start"]),
        start=datetime.fromisoformat(item["start"]),
        end=datetime.fromisoformat(item["end"]),
        status=OccurrenceStatus(item["status"]),
        reason=str(item.get("reason", "")),
    )


def _existing(store: Store, proposal_id: int) -> ProposalRecord:
    record = store.proposal(proposal_id)
    if record is None:
        raise UsageError(f"there is no proposal {proposal_id} (see: checkin-sync proposals)")
    return record


def _not_pending(record: ProposalRecord) -> str:
    hint = {
        State.APPROVED: "it is already approved and will be booked by the next run",
        State.BOOKED: "it is already booked",
        State.REJECTED: "it was rejected; the next run proposes another time",
        State.SUPERSEDED: "a newer proposal replaced it (see: checkin-sync proposals)",
        State.CANCELLED: "it was cancelled",
    }[record.state]
    return f"proposal {record.id} is {record.state.value}: {hint}"
