"""A read of many proposals or series is answered again without the database while their
tables are unchanged (query_memo.py, table_watch.py), and a write is always seen by the next
read: a write of the store's own, raw SQL on its connection, another connection's commit,
never one rolled back."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from sync.store import SeriesState, State, Store
from sync.store import proposals as proposals_module
from tests.night.test_workflow import START, new


@pytest.fixture
def store(tmp_path: Path) -> Store:
    return Store.open(tmp_path / "state.sqlite")


@contextmanager
def selects(store: Store) -> Iterator[list[str]]:
    """The SELECTs of proposals and series the store runs inside the block."""
    seen: list[str] = []

    def trace(statement: str) -> None:
        if statement.startswith("SELECT") and (" proposals" in statement or " series" in statement):
            seen.append(statement)

    store.db.set_trace_callback(trace)
    try:
        yield seen
    finally:
        store.db.set_trace_callback(None)


def booked(store: Store, employee: str = "lena@example.com") -> int:
    proposal_id = store.add_proposal(None, new(employee), "nightly run")
    store.transition(proposal_id, State.APPROVED, "karin (cli)", "approved")
    record = store.proposal(proposal_id)
    assert record is not None
    store.book(record, START, record.occurrences, "nightly run")
    return proposal_id


def test_a_read_again_reads_no_row_while_nothing_changed(store: Store) -> None:
    booked(store)
    store.add_proposal(None, new("ola@example.com"), "nightly run")
    first = (store.proposals(), store.series(states=[SeriesState.BOOKED]), store.series())
    with selects(store) as seen:
        again = (store.proposals(), store.series(states=[SeriesState.BOOKED]), store.series())
    assert seen == []
    assert again == first
    assert all(a is b for a, b in zip(again[0], first[0], strict=True))


def test_each_reader_gets_its_own_list(store: Store) -> None:
    store.add_proposal(None, new(), "nightly run")
    store.proposals().clear()
    assert len(store.proposals()) == 1


def test_a_record_of_the_history_is_not_decoded_again_while_nothing_changed(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The row memo keeps only live records; an unchanged table is not even read again."""
    rejected = store.add_proposal(None, new(), "nightly run")
    store.transition(rejected, State.REJECTED, "karin (cli)", "not then")
    decoded: list[int] = []
    decode = proposals_module.proposal_from_row

    def counting(row: sqlite3.Row) -> object:
        decoded.append(row["id"])
        return decode(row)

    monkeypatch.setattr(proposals_module, "proposal_from_row", counting)
    for _ in range(3):
        assert [p.state for p in store.proposals()] == [State.REJECTED]
    assert decoded == [rejected]


def test_the_stores_own_write_is_seen_by_the_next_read(store: Store) -> None:
    proposal_id = store.add_proposal(None, new(), "nightly run")
    assert [p.state for p in store.proposals()] == [State.PENDING]
    store.transition(proposal_id, State.APPROVED, "karin (cli)", "approved")
    assert [p.state for p in store.proposals()] == [State.APPROVED]
    assert store.proposals(states=[State.PENDING]) == []
    store.add_proposal(None, new("ola@example.com"), "nightly run")
    assert len(store.proposals()) == 2


def test_raw_sql_on_the_stores_connection_is_seen(store: Store) -> None:
    proposal_id = booked(store)
    assert store.series()[0].proposal.employee_name != "Lena B"
    assert store.series()[0].calendar != "ics:lena"
    # a series read sees a change of its proposal's row, as well as of its own
    store.db.execute("UPDATE proposals SET employee_name = 'Lena B' WHERE id = ?", (proposal_id,))
    assert store.series()[0].proposal.employee_name == "Lena B"
    store.db.execute("UPDATE series SET calendar = 'ics:lena'")
    assert store.series()[0].calendar == "ics:lena"
    store.db.execute("DELETE FROM series")
    assert store.series() == []


def test_a_commit_of_another_connection_is_seen(store: Store, tmp_path: Path) -> None:
    booked(store)
    assert [s.state for s in store.series()] == [SeriesState.BOOKED]
    assert [p.state for p in store.proposals()] == [State.BOOKED]
    other = sqlite3.connect(tmp_path / "state.sqlite", isolation_level=None)
    other.execute("UPDATE series SET state = 'cancelled'")
    other.execute("UPDATE proposals SET state = 'cancelled'")
    other.close()
    assert [s.state for s in store.series()] == [SeriesState.CANCELLED]
    assert [p.state for p in store.proposals()] == [State.CANCELLED]


def test_a_read_inside_a_transaction_rolled_back_is_not_kept(store: Store) -> None:
    proposal_id = store.add_proposal(None, new(), "nightly run")
    assert [p.state for p in store.proposals()] == [State.PENDING]
    with pytest.raises(RuntimeError), store.transaction():
        store.db.execute("UPDATE proposals SET state = 'approved' WHERE id = ?", (proposal_id,))
        assert [p.state for p in store.proposals()] == [State.APPROVED]
        raise RuntimeError("given up")
    assert [p.state for p in store.proposals()] == [State.PENDING]
