"""A stored proposal's alternatives stay the stored text until they are read: a night keeps
every live proposal decoded, and the alternatives were more than half of each, while only
the digest, the web pages and choosing one read them."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from sync.store import Store
from tests.night.test_workflow import START, new
from tests.store.held_objects import reachable

ALTERNATIVES: list[dict[str, Any]] = [
    {
        "first_start": START.isoformat(),
        "rrule": f"FREQ=WEEKLY;BYDAY={day}",
        "occurrences": [{"start": START.isoformat(), "said": {"id": ""}}],
        "explanation": f"Weekly on {day}",
    }
    for day in ("WE", "TH")
]


@pytest.fixture
def store(tmp_path: Path) -> Store:
    return Store.open(tmp_path / "state.sqlite")


@pytest.fixture
def proposal_id(store: Store) -> int:
    return store.add_proposal(None, replace(new(), alternatives=ALTERNATIVES), "nightly run")


def test_alternatives_read_back_as_they_were_stored(store: Store, proposal_id: int) -> None:
    record = store.proposal(proposal_id)
    assert record is not None

    assert record.alternatives == ALTERNATIVES
    assert list(record.alternatives) == ALTERNATIVES
    assert len(record.alternatives) == 2
    assert record.alternatives[1] == ALTERNATIVES[1]
    assert record.alternatives[1:] == ALTERNATIVES[1:]


def test_a_decoded_proposal_holds_its_alternatives_as_text(store: Store, proposal_id: int) -> None:
    record = store.proposal(proposal_id)
    assert record is not None

    assert reachable(record.alternatives, (dict, list)) == []


def test_what_a_reader_does_to_alternatives_it_read_changes_no_kept_record(
    store: Store, proposal_id: int
) -> None:
    first = store.proposal(proposal_id)
    assert first is not None
    first.alternatives[0]["rrule"] = "FREQ=DAILY"

    again = store.proposal(proposal_id)
    assert again is first  # the row did not change, so the record was not decoded again
    assert again.alternatives[0]["rrule"] == "FREQ=WEEKLY;BYDAY=WE"
