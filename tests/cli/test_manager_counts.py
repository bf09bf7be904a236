"""`checkin-sync proposals` on a large organisation, without --manager: a line per manager
with their proposals counted by state, and how to list them; a manager's own, --full and
--json list every proposal as on a small one."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from sync.cli.decisions import LARGE_LISTING
from sync.cli.explain import EXPLAINED
from sync.delivery.render import proposals_table
from sync.store import LIVE_STATES, Store
from tests.conftest import MANAGER_KARIN, ConfigDir, Result
from tests.store.test_listing import some_proposals

CLOSING = [
    "4 proposals of 2 managers: a line per manager.",
    "To list them: --manager EMAIL (one manager's, with their explanations), --full (every "
    "one), --json (every one, with its dates).",
]


@pytest.fixture
def large(config: ConfigDir, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Two managers' four proposals (one pending and one rejected of Karin's, one approved
    of Ade's, one pending of Karin's), where more than two make a large listing."""
    monkeypatch.setattr("sync.cli.decisions.LARGE_LISTING", 2)
    config.people(MANAGER_KARIN)
    store = Store.open(config.data / "state.sqlite")
    some_proposals(store)
    store.close()
    return config.root


def listing(cli: Callable[..., Result], root: Path, *args: str) -> list[str]:
    result = cli("--config", str(root), "proposals", *args)
    assert result.code == 0, result.err
    return result.out.splitlines()


def full_table(root: Path, manager: str | None = None) -> list[str]:
    store = Store.open(root / "data" / "state.sqlite")
    try:
        return proposals_table(store.proposal_lines(manager=manager, states=LIVE_STATES)).split(
            "\n"
        )
    finally:
        store.close()


def test_a_large_listing_counts_each_managers_proposals(
    large: Path, cli: Callable[..., Result]
) -> None:
    lines = listing(cli, large, "--state", "all")
    header, ade, karin, *closing = lines
    assert header.split() == [
        "MANAGER", "PENDING", "APPROVED", "BOOKED", "REJECTED", "SUPERSEDED", "CANCELLED",
        "PENDING", "SINCE",
    ]  # fmt: skip
    assert ade.split() == ["ade@example.com", "0", "1", "0", "0", "0", "0"]
    assert karin.split()[:7] == ["karin@example.com", "2", "0", "0", "1", "0", "0"]
    assert len(karin.split()) == 8  # the day its oldest pending proposal was made
    assert closing == CLOSING


def test_counts_in_only_the_states_asked_for(large: Path, cli: Callable[..., Result]) -> None:
    """The live ones by default: three of the four, which is still a large listing."""
    lines = listing(cli, large)
    assert lines[0].split() == ["MANAGER", "PENDING", "APPROVED", "BOOKED", "PENDING", "SINCE"]
    assert lines[1].split() == ["ade@example.com", "0", "1", "0"]
    assert lines[2].split()[:4] == ["karin@example.com", "2", "0", "0"]
    assert lines[3] == "3 proposals of 2 managers: a line per manager."


def test_a_managers_own_listing_and_full_list_every_proposal(
    large: Path, cli: Callable[..., Result]
) -> None:
    assert listing(cli, large, "--full") == full_table(large)
    assert listing(cli, large, "--manager", "karin@example.com") == full_table(
        large, "karin@example.com"
    )


def test_a_small_listing_lists_every_proposal(
    large: Path, cli: Callable[..., Result], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("sync.cli.decisions.LARGE_LISTING", 3)
    assert listing(cli, large) == full_table(large)


def test_json_lists_every_proposal(large: Path, cli: Callable[..., Result]) -> None:
    listed = json.loads("\n".join(listing(cli, large, "--json", "--state", "all")))
    assert [p["id"] for p in listed] == [2, 3, 4, 1]


def test_the_help_names_the_size_of_a_large_listing() -> None:
    assert f"Past {LARGE_LISTING} proposals" in EXPLAINED["proposals"][0]
    readme = (Path(__file__).parents[2] / "README.md").read_text()
    assert f"past {LARGE_LISTING} of them without `--manager`" in readme
