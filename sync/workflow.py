"""What a manager decides about proposals. The CLI and the web app both call these, so a
decision has the same effect and the same audit trail wherever it is made."""

from __future__ import annotations

from collections.abc import Sequence

from sync.errors import UsageError
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
