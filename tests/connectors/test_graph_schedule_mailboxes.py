"""Free/busy through Graph's getSchedule asks each request through the mailbox of its own
people's team (the manager's), up to 20 schedules a request: Graph takes four requests at
a time per mailbox, so requests through many mailboxes go twenty to a $batch, where
requests all through one mailbox went four to a $batch."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from sync.connectors.base import CalendarRef
from sync.model.values import Interval
from tests.emulators import GraphEmulator
from tests.outlook_helpers import CLIENT_ID, connector

WINDOW = Interval(datetime(2027, 2, 1, tzinfo=UTC), datetime(2027, 4, 5, tzinfo=UTC))
"""63 days: two getSchedule windows."""
TEAMS = {
    f"m{team}@example.com": [f"m{team}@example.com"]
    + [f"r{team}-{number}@example.com" for number in range(9)]
    for team in range(8)
}
"""Eight teams of ten: a manager and nine reports."""
TEAM_OF = {person: manager for manager, people in TEAMS.items() for person in people}


@pytest.fixture
def graph(graph_emulator: GraphEmulator) -> GraphEmulator:
    for person in TEAM_OF:
        graph_emulator.add_user(person)
    return graph_emulator


def ref(email: str) -> CalendarRef:
    return CalendarRef(email, "UTC", "outlook")


def test_each_request_goes_through_its_own_people_s_mailbox_twenty_to_a_round_trip(
    graph: GraphEmulator,
) -> None:
    outlook = connector(graph)
    outlook.verify("m0@example.com")
    outlook.ask_through_teams(TEAM_OF)
    reading = outlook.read_busy([ref(p) for p in sorted(TEAM_OF)], WINDOW)
    assert reading.errors == {} and len(reading.busy) == 80

    asked = [r for r in graph.requests if r.kind == "getSchedule"]
    assert len(asked) == 4 * 2  # 80 schedules, 20 a request, in two windows
    for request in asked:
        schedules = request.body["schedules"]
        assert len(schedules) == 20
        assert request.mailbox in {TEAM_OF[s] for s in schedules}
    assert len({r.mailbox for r in asked}) == 4
    assert graph.round_trips() == graph.count("batch") == 1
    assert graph.count("getSchedule", status=429) == 0


def test_people_of_no_team_are_asked_through_the_verified_mailbox(graph: GraphEmulator) -> None:
    outlook = connector(graph)
    outlook.verify("m0@example.com")
    reading = outlook.read_busy([ref(p) for p in sorted(TEAM_OF)], WINDOW)
    assert reading.errors == {} and len(reading.busy) == 80
    asked = [r for r in graph.requests if r.kind == "getSchedule"]
    assert {r.mailbox for r in asked} == {"m0@example.com"}
    assert graph.count("batch") == 2  # four requests a round trip through one mailbox


def test_people_asked_through_a_mailbox_the_app_may_not_use_are_asked_again(
    graph: GraphEmulator,
) -> None:
    """An access policy leaving a team's manager out fails the requests through that mailbox,
    with everyone they carry; they are read through the verified mailbox instead."""
    graph.restrict(CLIENT_ID, [p for p in TEAM_OF if p != "m2@example.com"])
    outlook = connector(graph)
    outlook.verify("m0@example.com")
    outlook.ask_through_teams(TEAM_OF)
    reading = outlook.read_busy([ref(p) for p in sorted(TEAM_OF)], WINDOW)
    assert reading.errors == {} and len(reading.busy) == 80
    asked = [r for r in graph.requests if r.kind == "getSchedule"]
    refused = [r for r in asked if r.status == 403]
    assert {r.mailbox for r in refused} == {"m2@example.com"}
    # the refused requests carried the next team too; all were asked again through m0
    carried = {s for r in refused for s in r.body["schedules"]}
    assert {TEAM_OF[s] for s in carried} == {"m2@example.com", "m3@example.com"}
    again = {
        s
        for r in asked
        if r.status == 200 and r.mailbox == "m0@example.com"
        for s in r.body["schedules"]
    }
    assert carried <= again


def test_a_person_listed_twice_is_asked_again_once(graph: GraphEmulator) -> None:
    """Someone in a read twice (a manager who also reports to another) whose team's mailbox
    is refused is read through the verified mailbox like everyone else of that team."""
    graph.restrict(CLIENT_ID, [p for p in TEAM_OF if p != "m2@example.com"])
    outlook = connector(graph)
    outlook.verify("m0@example.com")
    outlook.ask_through_teams(TEAM_OF)
    people = [ref(p) for p in sorted(TEAM_OF)]
    reading = outlook.read_busy([*people, ref("m2@example.com")], WINDOW)
    assert reading.errors == {} and len(reading.busy) == 80
