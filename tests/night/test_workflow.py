"""Proposal states move only along the allowed paths, atomically, and every move is audited."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from sync.config.roster import Roster
from sync.model.errors import StoreError, TransitionError, UsageError
from sync.model.said import Said, say
from sync.model.values import Occurrence
from sync.night import workflow
from sync.store import NewProposal, ProposalRecord, SeriesState, State, Store
from tests.roster_helpers import KARINS_TEAM, roster_of

START = datetime(2027, 2, 2, 9, tzinfo=UTC)


def new(employee: str = "lena@example.com", manager: str = "karin@example.com") -> NewProposal:
    occurrences = [
        Occurrence(
            START + timedelta(weeks=i),
            START + timedelta(weeks=i),
            START + timedelta(weeks=i, minutes=30),
        )
        for i in range(4)
    ]
    return NewProposal(
        manager=manager,
        employee=employee,
        manager_name="Karin",
        employee_name="Lena",
        fingerprint="manager=karin@example.com;cadence=weekly;duration=30",
        cadence="weekly",
        cadence_reason=say("regular cadence"),
        duration=30,
        timezone="Europe/Stockholm",
        rrule="FREQ=WEEKLY;BYDAY=TU",
        first_start=START,
        occurrences=occurrences,
        explanation=Said.text("Weekly on Tuesdays"),
        alternatives=[],
        reason=say("no check-in series yet"),
    )


@pytest.fixture
def store(tmp_path: Path) -> Store:
    return Store.open(tmp_path / "state.sqlite")


@pytest.fixture
def roster(tmp_path: Path) -> Roster:
    return roster_of(tmp_path / "config", KARINS_TEAM)


def test_pending_to_approved_to_booked_is_audited_with_actors(store: Store, roster: Roster) -> None:
    proposal_id = store.add_proposal(None, new(), "nightly run")
    workflow.approve(store, [proposal_id], "karin (cli)", roster=roster)
    record = store.proposal(proposal_id)
    assert record is not None and record.state is State.APPROVED
    series = store.book(record, START, record.occurrences, "nightly run")
    assert series.state is SeriesState.BOOKED
    assert store.proposal(proposal_id).state is State.BOOKED  # type: ignore[union-attr]
    trail = [
        (row["actor"], row["entity"], row["from_state"], row["to_state"])
        for row in store.audit_log()
    ]
    assert trail == [
        ("nightly run", "proposal", None, "pending"),
        ("karin (cli)", "proposal", "pending", "approved"),
        ("nightly run", "series", None, "booking"),
        ("nightly run", "series", "booking", "booked"),
        ("nightly run", "proposal", "approved", "booked"),
    ]


@pytest.mark.parametrize(
    ("start", "target"),
    [
        (State.REJECTED, State.APPROVED),
        (State.SUPERSEDED, State.APPROVED),
        (State.CANCELLED, State.PENDING),
        (State.PENDING, State.BOOKED),
        (State.APPROVED, State.REJECTED),
    ],
)
def test_disallowed_transitions_are_refused_and_not_audited(
    store: Store, start: State, target: State
) -> None:
    proposal_id = store.add_proposal(None, new(), "nightly run")
    path = {
        State.REJECTED: [State.REJECTED],
        State.SUPERSEDED: [State.SUPERSEDED],
        State.CANCELLED: [State.CANCELLED],
        State.PENDING: [],
        State.APPROVED: [State.APPROVED],
    }[start]
    for step in path:
        store.transition(proposal_id, step, "test")
    entries = len(store.audit_log())
    with pytest.raises(TransitionError):
        store.transition(proposal_id, target, "test")
    assert store.proposal(proposal_id).state is start  # type: ignore[union-attr]
    assert len(store.audit_log()) == entries


def test_approving_several_is_all_or_nothing(store: Store, roster: Roster) -> None:
    first = store.add_proposal(None, new("lena@example.com"), "nightly run")
    second = store.add_proposal(None, new("erik@example.com"), "nightly run")
    store.transition(second, State.REJECTED, "karin")
    with pytest.raises(UsageError, match="was rejected"):
        workflow.approve(store, [first, second], "karin", roster=roster)
    assert store.proposal(first).state is State.PENDING  # type: ignore[union-attr]


def test_reject_keeps_the_reason(store: Store, roster: Roster) -> None:
    proposal_id = store.add_proposal(None, new(), "nightly run")
    workflow.reject(store, proposal_id, "karin", "Tuesdays are full", roster=roster)
    assert store.audit_log(str(proposal_id))[-1]["note"] == "Tuesdays are full"


def test_generations_give_each_series_its_own_uid(store: Store) -> None:
    first = store.proposal(store.add_proposal(None, new(), "nightly run"))
    second = store.proposal(store.add_proposal(None, new(), "nightly run"))
    assert first is not None and second is not None
    assert (first.generation, second.generation) == (1, 2)
    assert first.uid != second.uid
    assert first.uid.endswith("@checkin-sync")
    assert set(first.uid.split("@")[0]) <= set("0123456789abcdefghijklmnopqrstuv")


def booked_then_approved(store: Store) -> tuple[int, ProposalRecord]:
    """A booked series (weekly from START) and an approved proposal that will replace it."""
    old_id = store.add_proposal(None, new(), "nightly run")
    store.transition(old_id, State.APPROVED, "karin")
    old_record = store.proposal(old_id)
    assert old_record is not None
    store.book(old_record, START, old_record.occurrences, "nightly run")
    new_id = store.add_proposal(None, new(), "nightly run")
    store.transition(new_id, State.APPROVED, "karin")
    new_record = store.proposal(new_id)
    assert new_record is not None
    return old_id, new_record


def test_booking_ends_the_replaced_series_in_the_same_step(store: Store) -> None:
    old_id, new_record = booked_then_approved(store)
    later = START + timedelta(weeks=2)
    replacement = store.book(new_record, later, new_record.occurrences[2:], "nightly run")
    assert store.replaced_by(replacement) == [store.series_of(old_id)]
    ended = store.series_of(old_id)
    assert ended is not None
    # UNTIL is inclusive: the old series ends on its last date before the new one, not on it
    last_kept = START + timedelta(weeks=1)
    assert (ended.state, ended.until, ended.sequence) == (SeriesState.SUPERSEDED, last_kept, 1)
    assert store.proposal(old_id).state is State.SUPERSEDED  # type: ignore[union-attr]


def test_a_replaced_series_with_no_date_before_its_replacement_is_cancelled(
    store: Store,
) -> None:
    old_id, new_record = booked_then_approved(store)
    # the first new date overlaps the old series' first date (09:00-09:30)
    replacement = store.book(
        new_record, START + timedelta(minutes=15), new_record.occurrences, "nightly run"
    )
    ended = store.series_of(old_id)
    assert ended is not None
    assert (ended.state, ended.until) == (SeriesState.CANCELLED, None)
    assert store.replaced_by(replacement) == [ended]


def test_store_survives_reopen_and_refuses_garbage(tmp_path: Path) -> None:
    path = tmp_path / "state.sqlite"
    store = Store.open(path)
    proposal_id = store.add_proposal(None, new(), "nightly run")
    store.close()
    assert Store.open(path).proposal(proposal_id) is not None
    junk = tmp_path / "junk.sqlite"
    junk.write_bytes(b"this is not sqlite at all" * 100)
    with pytest.raises(StoreError, match="not a checkin-sync database"):
        Store.open(junk)


def test_a_series_a_calendar_must_hold_is_booking_until_confirmed(store: Store) -> None:
    proposal_id = store.add_proposal(None, new(), "nightly run")
    store.transition(proposal_id, State.APPROVED, "karin")
    record = store.proposal(proposal_id)
    assert record is not None
    series = store.book(record, START, record.occurrences, "nightly run", calendar="google")
    assert (series.state, series.needs_write) == (SeriesState.BOOKING, True)
    assert store.proposal(proposal_id).state is State.APPROVED  # type: ignore[union-attr]
    again = store.book(record, START, record.occurrences, "nightly run", calendar="google")
    assert again == series, "recording the same booking twice keeps one series"
    store.mark_written(series.uid, series.sequence)
    store.confirm_booking(series.uid, "nightly run")
    booked = store.series_of(proposal_id)
    assert booked is not None
    assert (booked.state, booked.needs_write) == (SeriesState.BOOKED, False)
    assert store.proposal(proposal_id).state is State.BOOKED  # type: ignore[union-attr]


def test_a_version_1_database_is_migrated_without_losing_anything(tmp_path: Path) -> None:
    import sqlite3

    from sync.store import _MIGRATIONS, SCHEMA_VERSION

    path = tmp_path / "state.sqlite"
    db = sqlite3.connect(path)
    db.executescript(_MIGRATIONS[1] + "\nPRAGMA user_version = 1;")
    db.execute(
        "INSERT INTO proposals (manager, employee, manager_name, employee_name, generation, "
        "uid, state, fingerprint, cadence, cadence_reason, duration, timezone, rrule, "
        "first_start, occurrences, explanation, alternatives, reason, created_at, updated_at) "
        "VALUES ('karin@example.com', 'lena@example.com', 'Karin', 'Lena', 1, "
        "'abc@checkin-sync', 'pending', 'f', 'weekly', 'regular cadence', 30, "
        "'Europe/Stockholm', 'FREQ=WEEKLY;BYDAY=TU', '2027-02-02T10:00:00+01:00', '[]', "
        "'e', '[]', 'r', '2027-01-01T00:00:00+00:00', '2027-01-01T00:00:00+00:00')"
    )
    db.commit()
    db.close()
    store = Store.open(path)
    (record,) = store.proposals()
    assert (record.uid, record.organiser_calendar) == ("abc@checkin-sync", "export")
    assert store.db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
