"""Choosing one of the other times the planner found: the slot changes only together with
the approval, and only while the proposal is pending."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta
from pathlib import Path

import pytest

from sync.config.roster import Roster
from sync.delivery.render import occurrences_json
from sync.model.errors import UsageError
from sync.model.said import Said
from sync.model.values import Occurrence
from sync.night import workflow
from sync.store import State, Store
from tests.night.test_workflow import START, new
from tests.roster_helpers import KARINS_TEAM, roster_of


def _with_alternative(store: Store) -> int:
    """A pending proposal on Tuesdays with one alternative on Wednesdays."""
    base = new()
    day = timedelta(days=1)
    wednesdays = [
        Occurrence(o.original_start + day, o.start + day, o.end + day) for o in base.occurrences
    ]
    alternative = {
        "first_start": (START + day).isoformat(),
        "rrule": "FREQ=WEEKLY;BYDAY=WE",
        "occurrences": occurrences_json(wednesdays, "Europe/Stockholm"),
        "explanation": "Weekly on Wednesdays",
    }
    return store.add_proposal(None, replace(base, alternatives=[alternative]), "nightly run")


def _roster(tmp_path: Path) -> Roster:
    return roster_of(tmp_path / "config", KARINS_TEAM)


def test_the_chosen_slot_replaces_the_proposed_one_and_is_approved(tmp_path: Path) -> None:
    store = Store.open(tmp_path / "state.sqlite")
    proposal_id = _with_alternative(store)
    record = workflow.choose_alternative(store, proposal_id, 1, "karin", roster=_roster(tmp_path))
    assert record.state is State.APPROVED
    assert (record.rrule, str(record.explanation)) == (
        "FREQ=WEEKLY;BYDAY=WE",
        "Weekly on Wednesdays",
    )
    assert record.first_start == START + timedelta(days=1)
    assert [o.start for o in record.occurrences] == [
        START + timedelta(weeks=i, days=1) for i in range(4)
    ]
    (approval,) = [
        row for row in store.audit_log(str(proposal_id)) if row["to_state"] == "approved"
    ]
    assert approval["note"].startswith("chose alternative 1 instead of FREQ=WEEKLY;BYDAY=TU")


def test_a_decided_proposal_keeps_its_slot(tmp_path: Path) -> None:
    store = Store.open(tmp_path / "state.sqlite")
    proposal_id = _with_alternative(store)
    workflow.reject(store, proposal_id, "karin", "no", roster=_roster(tmp_path))
    with pytest.raises(UsageError, match="was rejected"):
        workflow.choose_alternative(store, proposal_id, 1, "karin", roster=_roster(tmp_path))
    record = store.proposal(proposal_id)
    assert record is not None
    assert (record.state, record.rrule) == (State.REJECTED, "FREQ=WEEKLY;BYDAY=TU")


def test_the_store_refuses_a_new_slot_for_a_proposal_that_is_no_longer_pending(
    tmp_path: Path,
) -> None:
    # the race the workflow's own check cannot see: decided between its read and the write
    store = Store.open(tmp_path / "state.sqlite")
    proposal_id = _with_alternative(store)
    store.transition(proposal_id, State.APPROVED, "someone else")
    with pytest.raises(UsageError, match="is approved and cannot become approved"):
        store.replace_slot_and_approve(
            proposal_id,
            rrule="FREQ=WEEKLY;BYDAY=WE",
            first_start=START,
            occurrences=[],
            explanation=Said.text("x"),
            actor="karin",
            note="",
        )
    record = store.proposal(proposal_id)
    assert record is not None and record.rrule == "FREQ=WEEKLY;BYDAY=TU"
