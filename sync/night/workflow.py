"""What a manager decides about proposals. The CLI and the web app both call these, so a
decision has the same effect and the same audit trail wherever it is made. Each decision
takes people.toml as it is now: nothing is decided about a pair that is no longer in it
(a proposal made before the manager or the employee left books and invites nobody).

An approval is booked against the calendars as they are when it is booked, not as they were
when it was proposed (`confirm_approved`): a meeting that came in between moves or skips
that date before any invitation goes out, and a proposal most of whose dates no longer fit
is not booked at all; the next run proposes a fresh time.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sync.config.roster import Roster
from sync.delivery.report import PairLine, RunReport
from sync.model.errors import TransitionError, UsageError
from sync.model.said import Said, Value, joined, say
from sync.model.values import NOTHING_SAID, Occurrence, OccurrenceStatus
from sync.night.keep_up import date_changes, pair_as_proposed
from sync.planner import PlanningInput
from sync.planner.maintain import BookedPair, maintain, series_key
from sync.store import ProposalRecord, State, Store
from sync.store.records import alternative_explanation


def approve(
    store: Store, ids: Sequence[int], actor: str, *, roster: Roster
) -> list[ProposalRecord]:
    """Approve each pending proposal; all of them or, if any cannot be approved, none."""
    records = [_decidable(store, proposal_id, roster) for proposal_id in ids]
    return store.transition_all([r.id for r in records], State.APPROVED, actor)


def approve_all(store: Store, manager: str, actor: str, *, roster: Roster) -> list[ProposalRecord]:
    pending = store.proposals(manager=manager, states=[State.PENDING])
    return approve(store, [r.id for r in pending], actor, roster=roster)


def reject(
    store: Store, proposal_id: int, actor: str, reason: str = "", *, roster: Roster
) -> ProposalRecord:
    _decidable(store, proposal_id, roster)
    return store.transition(proposal_id, State.REJECTED, actor, reason)


def choose_alternative(
    store: Store, proposal_id: int, number: int, actor: str, *, roster: Roster
) -> ProposalRecord:
    """Approve a pending proposal at one of the other times the planner found for it
    (`number` counts from 1, as the manager sees them): the slot is replaced and the
    proposal approved in one step, and the audit log says which slot was given up."""
    record = _decidable(store, proposal_id, roster)
    if not 1 <= number <= len(record.alternatives):
        raise UsageError(
            f"proposal {proposal_id} has {len(record.alternatives)} alternative(s), "
            f"not a number {number}"
        )
    chosen = record.alternatives[number - 1]
    try:
        first_start = datetime.fromisoformat(chosen["first_start"])
        occurrences = alternative_occurrences(chosen)
        rrule, explanation = str(chosen["rrule"]), alternative_explanation(chosen)
    except (KeyError, TypeError, ValueError) as error:
        raise UsageError(
            f"alternative {number} of proposal {proposal_id} is unreadable ({error})"
        ) from None
    note = say(
        "chose alternative %(number)s instead of %(rule)s from %(first)s: %(why)s",
        number=number,
        rule=record.rrule,
        first=record.first_start.isoformat(),
        why=explanation,
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


def confirm_approved(
    store: Store, roster: Roster, inputs: PlanningInput, actor: str, report: RunReport
) -> None:
    """Check every approved, not yet booked proposal against both people's busy time now
    (`inputs.busy`, just read): dates that became busy are moved within their week or
    skipped, as a booked series' would be; if most dates ahead no longer fit, the proposal is
    not booked (superseded, with the reason, so the next run proposes another time). A pair
    whose calendars could not be read is booked as approved; the nightly run keeps it up."""
    checked = []
    horizon = inputs.now + timedelta(weeks=inputs.horizon_weeks)
    for record in store.proposals(states=[State.APPROVED]):
        request = pair_as_proposed(roster, record)
        if request is None or store.series_of(record.id) is not None:
            continue  # not a pair any more (the run ends it), or already being booked
        if record.kind.one_off and record.first_start >= horizon:
            continue  # beyond what was read; a series' later dates are left alone likewise
        if all(email in inputs.busy for email in request.key):
            dates = tuple(record.occurrences)
            item = BookedPair(request, record.first_start, dates, record.kind.one_off)
            checked.append((record, item))
    results = maintain([item for _, item in checked], inputs)
    for record, item in checked:
        updated = results[series_key(item)]
        if updated == record.occurrences:
            continue
        line = PairLine(record.manager, record.employee, NOTHING_SAID, record.id)
        ahead = [o for o in updated if o.original_start >= inputs.now]
        was = {o.original_start: o for o in record.occurrences}
        lost = [
            o
            for o in ahead
            if o.status is not OccurrenceStatus.OK and was.get(o.original_start) != o
        ]
        changes = date_changes(record.occurrences, updated, ZoneInfo(record.timezone))
        if 2 * len(lost) > len(ahead):
            shown: list[Value] = [*changes[:3], *(["…"] if len(changes) > 3 else [])]
            why = say(
                "since it was proposed, %(lost)s of its %(dates)s dates stopped fitting "
                "(%(changes)s), so it was not booked; the next run proposes another time",
                lost=len(lost),
                dates=len(ahead),
                changes=joined(shown, "; "),
            )
            store.transition(record.id, State.SUPERSEDED, actor, why)
            report.superseded.append(replace(line, text=why))
        else:
            note = "checked against the calendars when booked: " + (
                "; ".join(str(change) for change in changes) or "new dates"
            )
            store.set_approved_dates(record.id, updated, actor, note)
            if changes:
                report.kept_up.append(replace(line, text=joined(changes, "; ")))


def alternative_occurrences(alternative: dict[str, Any]) -> list[Occurrence]:
    """The dates of an alternative as stored with its proposal (see render.py)."""
    return [_occurrence(item) for item in alternative["occurrences"]]


def _occurrence(item: dict[str, Any]) -> Occurrence:
    return Occurrence(
        original_start=datetime.fromisoformat(item["original_start"]),
        start=datetime.fromisoformat(item["start"]),
        end=datetime.fromisoformat(item["end"]),
        status=OccurrenceStatus(item["status"]),
        reason=Said.from_json(item["said"])
        if "said" in item
        else Said.text(item.get("reason", "")),
    )


def _existing(store: Store, proposal_id: int) -> ProposalRecord:
    record = store.proposal(proposal_id)
    if record is None:
        raise UsageError(f"there is no proposal {proposal_id} (see: checkin-sync proposals)")
    return record


def _decidable(store: Store, proposal_id: int, roster: Roster) -> ProposalRecord:
    """The proposal, if it waits for a decision about a pair people.toml still has."""
    record = _existing(store, proposal_id)
    if record.state is not State.PENDING:
        raise UsageError(_not_pending(record))
    if not roster.has_pair(record.manager, record.employee):
        raise UsageError(
            f"proposal {record.id} is for {record.employee} with {record.manager}, who are no "
            "longer manager and report in people.toml: nothing was decided"
        )
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
