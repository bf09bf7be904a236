"""Booking a series the store has just recorded sends no search of the organiser's Outlook
calendar before creating it: no write of it was ever sent, so nothing of it can be there.
A series an earlier run recorded (its write may have reached Graph) is still looked for
first, so an interrupted booking never makes a second event. Counted at the emulator."""

from __future__ import annotations

import pytest

from sync.store import SeriesState, Store
from tests.conftest import ConfigDir
from tests.emulators import GraphEmulator
from tests.night.test_steady_writes import CLI, night
from tests.outlook_helpers import settings_section

ADE, PRIYA, SAM = "ade@example.com", "priya@example.com", "sam@example.com"
PEOPLE = """
[[managers]]
email = "ade@example.com"
timezone = "Europe/London"
calendar = "outlook"
""" + "".join(
    f"""
[[employees]]
email = "{email}"
manager = "ade@example.com"
calendar = "outlook"
timezone = "Europe/London"
cadence = "weekly"
"""
    for email in (PRIYA, SAM)
)


@pytest.fixture
def org(config: ConfigDir, graph_emulator: GraphEmulator) -> ConfigDir:
    for email in (ADE, PRIYA, SAM):
        graph_emulator.add_user(email, timezone="GMT Standard Time")
    config.settings(settings_section(graph_emulator))
    config.people(PEOPLE)
    return config


def searches(graph: GraphEmulator) -> int:
    """Listings of the organiser's events by a series' tag."""
    return sum(
        1
        for r in graph.requests
        if r.kind == "events.list" and "ep/value eq" in "".join(r.query.get("$filter", []))
    )


def states(org: ConfigDir) -> list[SeriesState]:
    store = Store.open(org.data / "state.sqlite")
    try:
        return [s.state for s in store.series()]
    finally:
        store.close()


def masters(graph: GraphEmulator) -> int:
    return sum(1 for e in graph.events(ADE) if e.get("type") == "seriesMaster")


def test_a_series_booked_by_this_run_is_created_without_a_search(
    cli: CLI, org: ConfigDir, graph_emulator: GraphEmulator
) -> None:
    night(cli, org, 0)
    graph_emulator.clear_log()
    approved = cli("--config", str(org.root), "approve", "--manager", ADE, "--all")
    assert approved.out.count("Booked #") == 2, approved.out + approved.err
    assert graph_emulator.count("events.create") == 2
    assert searches(graph_emulator) == 0
    assert states(org) == [SeriesState.BOOKED] * 2
    assert masters(graph_emulator) == 2


def test_a_series_an_earlier_run_recorded_is_looked_for_before_it_is_created(
    cli: CLI, org: ConfigDir, graph_emulator: GraphEmulator
) -> None:
    night(cli, org, 0)
    graph_emulator.inject("events.create", 400, times=2)  # refused: both stay booking
    cli("--config", str(org.root), "approve", "--manager", ADE, "--all")
    assert states(org) == [SeriesState.BOOKING] * 2
    assert searches(graph_emulator) == 0
    graph_emulator.clear_log()

    night(cli, org, 1)
    assert searches(graph_emulator) == 2
    assert states(org) == [SeriesState.BOOKED] * 2
    assert masters(graph_emulator) == 2
