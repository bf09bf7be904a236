"""Records read again from unchanged rows are not decoded again (row_memo.py), and a change
anywhere in a row, or in the proposal a series carries, is always seen: by this store's
writes, and by another connection's."""

from __future__ import annotations

import sqlite3
from dataclasses import replace
from datetime import timedelta
from pathlib import Path

import pytest

from sync.model.said import say
from sync.store import ProposalRecord, SeriesState, State, Store, proposals
from sync.store.records import proposal_from_row
from tests.night.test_workflow import START, new


@pytest.fixture
def store(tmp_path: Path) -> Store:
    return Store.open(tmp_path / "state.sqlite")


def test_an_unchanged_proposal_is_decoded_once(store: Store) -> None:
    proposal_id = store.add_proposal(None, new(), "nightly run")
    first = store.proposal(proposal_id)
    assert first is not None
    assert store.proposal(proposal_id) is first
    assert store.proposals()[0] is first
    assert store.proposals(states=[State.PENDING])[0] is first


def test_a_changed_proposal_is_decoded_again(store: Store) -> None:
    proposal_id = store.add_proposal(None, new(), "nightly run")
    before = store.proposal(proposal_id)
    assert before is not None and before.state is State.PENDING
    store.transition(proposal_id, State.APPROVED, "karin (cli)", "approved")
    after = store.proposal(proposal_id)
    assert after is not None and after.state is State.APPROVED
    assert before.state is State.PENDING  # the record handed out before is left as it was


def test_a_change_by_another_connection_is_seen(store: Store, tmp_path: Path) -> None:
    """Even a change in a column no write of the store makes alone, in the same second."""
    proposal_id = store.add_proposal(None, new(), "nightly run")
    assert store.proposal(proposal_id).explanation == new().explanation  # type: ignore[union-attr]
    other = sqlite3.connect(tmp_path / "state.sqlite", isolation_level=None)
    changed = say("Every %(weekday)s", weekday="Tuesday")
    other.execute(
        "UPDATE proposals SET explanation_said = ? WHERE id = ?", (changed.dumps(), proposal_id)
    )
    other.close()
    assert store.proposal(proposal_id).explanation == changed  # type: ignore[union-attr]
    assert store.proposals()[0].explanation == changed


def test_a_series_sees_a_change_of_its_row_and_of_its_proposal(store: Store) -> None:
    proposal_id = store.add_proposal(None, new(), "nightly run")
    store.transition(proposal_id, State.APPROVED, "karin (cli)", "approved")
    record = store.proposal(proposal_id)
    assert record is not None
    booked = store.book(record, START, record.occurrences, "nightly run")
    first = store.series(states=[SeriesState.BOOKED])[0]
    assert first.uid == booked.uid
    assert store.series()[0] is first
    assert store.series_of(proposal_id) is first

    later = first.occurrences[1].start + timedelta(hours=1)
    moved = list(first.occurrences)
    moved[1] = replace(moved[1], start=later, end=later + timedelta(minutes=30))
    store.update_occurrences(first.uid, moved, "nightly run", "moved")
    again = store.series_of(proposal_id)
    assert again is not None and again.occurrences[1].start == START + timedelta(weeks=1, hours=1)
    assert first.occurrences[1].start == START + timedelta(weeks=1)

    # the proposal a series carries is part of what the series record is built from
    store.db.execute("UPDATE proposals SET employee_name = 'Lena B' WHERE id = ?", (proposal_id,))
    assert store.series()[0].proposal.employee_name == "Lena B"


def test_only_live_records_are_kept(store: Store) -> None:
    """The memo holds the organisation's live proposals, not its history."""
    first = store.add_proposal(None, new(), "nightly run")
    store.proposals()
    assert len(store.proposal_memo) == 1
    store.transition(first, State.REJECTED, "karin (cli)", "not then")
    store.proposals()
    assert len(store.proposal_memo) == 0


def test_a_change_of_state_alone_is_not_decoded_again(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Approving takes the record it checked into its new state rather than decoding the
    row again, and keeps it: exactly what decoding the changed row gives."""
    proposal_id = store.add_proposal(None, new(), "nightly run")
    assert store.proposal(proposal_id) is not None
    decoded: list[int] = []

    def counted(row: sqlite3.Row) -> ProposalRecord:
        decoded.append(row["id"])
        return proposal_from_row(row)

    monkeypatch.setattr(proposals, "proposal_from_row", counted)
    (approved,) = store.transition_all([proposal_id], State.APPROVED, "karin (cli)")
    assert store.proposal(proposal_id) is approved
    assert store.proposals(states=[State.APPROVED]) == [approved]
    assert decoded == []
    row = store.db.execute("SELECT * FROM proposals WHERE id = ?", (proposal_id,)).fetchone()
    assert approved == proposal_from_row(row) and approved.state is State.APPROVED


def test_the_memo_keeps_a_digest_of_each_row_not_its_text(store: Store) -> None:
    """A live proposal's row is several kilobytes of JSON; the record is what is kept."""
    proposal_id = store.add_proposal(None, new(), "nightly run")
    record = store.proposal(proposal_id)
    (entry,) = store.proposal_memo._kept.values()
    held = [part for part in entry if part is not record]
    inside = [item for part in held if isinstance(part, tuple) for item in part]
    assert not any(isinstance(value, str) for value in held + inside), held
    assert sum(len(part) for part in held if isinstance(part, bytes)) <= 32
