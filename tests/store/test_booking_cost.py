"""Confirming a booking looks up the pair's other series through indexes: a cold night
confirms one booking per pair, so a statement that read every series on each would make the
night's booking grow with the square of the organisation."""

from __future__ import annotations

from pathlib import Path

from sync.store import EXPORT_ONLY, SeriesState, State, Store
from tests.night.test_workflow import START, new


def test_confirming_a_booking_scans_no_table(tmp_path: Path) -> None:
    store = Store.open(tmp_path / "state.sqlite")
    try:
        for number in range(20):
            employee = f"e{number:02d}@example.com"
            proposal_id = store.add_proposal(None, new(employee=employee), "nightly run")
            store.transition(proposal_id, State.APPROVED, "karin (cli)", "approved")
        records = store.proposals(states=[State.APPROVED])
        for record in records[:-1]:
            store.book(record, START, record.occurrences, "nightly run", calendar=EXPORT_ONLY)
        last = records[-1]
        booking = store.book(last, START, last.occurrences, "nightly run", calendar="google")
        assert booking.state is SeriesState.BOOKING

        statements: list[str] = []
        store.db.set_trace_callback(statements.append)
        store.confirm_booking(booking.uid, "nightly run")
        store.db.set_trace_callback(None)

        reads = [s for s in statements if s.lstrip().upper().startswith("SELECT")]
        assert reads, statements
        for statement in reads:
            plan = store.db.execute(f"EXPLAIN QUERY PLAN {statement}").fetchall()
            scans = [row[3] for row in plan if str(row[3]).startswith("SCAN")]
            assert scans == [], (statement, scans)
        assert store.series_of(last.id).state is SeriesState.BOOKED  # type: ignore[union-attr]
    finally:
        store.close()
