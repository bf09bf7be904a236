"""A stored proposal's week of busy time stays the stored text until it is drawn: a night
keeps every live proposal decoded, and only the digest and the approval page draw the week."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from sync.delivery.week_picture import proposal_picture
from sync.model.values import BusyBlock
from sync.model.week_busy import WeekBusy, week_of
from sync.store import Store
from tests.night.test_workflow import START, new
from tests.store.held_objects import reachable

WEEK = week_of(
    START,
    "Europe/Stockholm",
    [BusyBlock(START + timedelta(hours=1), START + timedelta(hours=2))],
    [BusyBlock(START + timedelta(days=1), START + timedelta(days=1, hours=3))],
)


@pytest.fixture
def store(tmp_path: Path) -> Store:
    return Store.open(tmp_path / "state.sqlite")


def test_the_week_reads_back_as_it_was_stored(store: Store) -> None:
    record = store.proposal(store.add_proposal(None, replace(new(), week_busy=WEEK), "night"))
    assert record is not None and record.week_busy is not None

    assert record.week_busy.decoded() == WEEK
    assert proposal_picture(record, "Europe/Stockholm") is not None


def test_a_decoded_proposal_holds_its_week_as_text(store: Store) -> None:
    record = store.proposal(store.add_proposal(None, replace(new(), week_busy=WEEK), "night"))
    assert record is not None

    assert not isinstance(record.week_busy, WeekBusy)
    assert reachable(record.week_busy, datetime) == []


def test_a_proposal_without_a_week_or_with_an_unreadable_one_has_no_picture(
    store: Store,
) -> None:
    unknown = store.proposal(store.add_proposal(None, new(), "night"))
    assert unknown is not None and unknown.week_busy is None
    assert proposal_picture(unknown, "Europe/Stockholm") is None

    garbled = store.add_proposal(None, replace(new("tom@example.com"), week_busy=WEEK), "night")
    store.db.execute("UPDATE proposals SET week_busy = '{\"monday\": 3}' WHERE id = ?", (garbled,))
    record = store.proposal(garbled)
    assert record is not None and record.week_busy is not None
    assert record.week_busy.decoded() is None
    assert proposal_picture(record, "Europe/Stockholm") is None
