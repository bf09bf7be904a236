"""`checkin-sync proposals` lists from the columns it shows (sync/store/listing.py): the same
proposals in the same order as the whole records, and the same table, without decoding the
stored dates, alternatives and week pictures of each."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import timedelta
from pathlib import Path

import pytest

from sync.delivery.render import proposals_table
from sync.model.said import say
from sync.model.stored_said import StoredSaid
from sync.store import LIVE_STATES, ProposalRecord, State, Store
from sync.store.listing import ProposalLine
from tests.conftest import MANAGER_KARIN, ConfigDir, Result
from tests.night.test_workflow import START, new


@pytest.fixture
def store(tmp_path: Path) -> Store:
    return Store.open(tmp_path / "state.sqlite")


def as_line(record: ProposalRecord) -> ProposalLine:
    return ProposalLine(
        id=record.id,
        state=record.state,
        manager=record.manager,
        employee=record.employee,
        cadence=record.cadence,
        duration=record.duration,
        timezone=record.timezone,
        first_start=record.first_start,
        explanation=StoredSaid.of(record.explanation),
    )


def some_proposals(store: Store) -> None:
    """Two managers, proposals in several states, added out of the listing's order."""
    explanation = say("%(cadence)s on %(day)s", cadence="Weekly", day="Tuesdays")
    for manager, employee, weeks in [
        ("karin@example.com", "tom@example.com", 0),
        ("ade@example.com", "lena@example.com", 1),
        ("karin@example.com", "lena@example.com", 2),
        ("karin@example.com", "lena@example.com", 3),
    ]:
        proposal = replace(
            new(employee, manager),
            first_start=START + timedelta(weeks=weeks),
            explanation=explanation,
            duration=30 + 15 * weeks,
        )
        store.add_proposal(None, proposal, "nightly run")
    store.transition(3, State.REJECTED, "karin (cli)")
    store.transition(2, State.APPROVED, "ade (cli)")


@pytest.mark.parametrize(
    ("manager", "states"),
    [
        (None, None),
        (None, LIVE_STATES),
        ("karin@example.com", None),
        ("karin@example.com", [State.REJECTED]),
        ("ade@example.com", [State.PENDING]),
    ],
)
def test_the_lines_are_the_records_shown(
    store: Store, manager: str | None, states: list[State] | None
) -> None:
    some_proposals(store)
    records = store.proposals(manager=manager, states=states)
    assert store.proposal_lines(manager=manager, states=states) == [as_line(r) for r in records]


def test_the_table_reads_no_whole_record(
    config: ConfigDir, cli: Callable[..., Result], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A whole record decodes every date, alternative and week picture of a proposal; the
    table shows none of them."""
    config.people(MANAGER_KARIN)
    store = Store.open(config.data / "state.sqlite")
    some_proposals(store)
    expected = proposals_table([as_line(r) for r in store.proposals(states=LIVE_STATES)])
    store.close()

    def whole_record(*_: object) -> ProposalRecord:
        raise AssertionError("the listing decoded a whole proposal")

    monkeypatch.setattr("sync.store.proposals.proposal_from_row", whole_record)
    result = cli("--config", str(config.root), "proposals")
    assert result.code == 0, result.err
    assert result.out == expected + "\n"
    listed = [line.split()[0] for line in result.out.splitlines()[1:] if line[:1] != " "]
    assert listed == ["2", "4", "1"]  # by manager, employee and id; the rejected one not
