"""The Graph emulator refuses what Graph refuses, checked against the metadata Microsoft
publishes (msgraph-sdk's models, in tests/emulators/graph_contract.json): unknown properties
at any depth, enum literals a type does not have, values of the wrong JSON kind, malformed
Edm dates and times, and system query options Graph does not have."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from tests.emulator_checks.test_graph_emulator import (
    APP,
    KARIN,
    LENA,
    SECRET,
    Client,
    invite,
    meeting,
    schedule_body,
    weekly,
)
from tests.emulators import GraphEmulator
from tests.emulators.graph_contract import contract

START, END = "2027-02-02T10:00:00", "2027-02-02T10:30:00"
SERIES_PROP = "String {66f5a359-4659-4830-9070-00047ec6ac6e} Name checkinSeries"


@pytest.fixture
def graph() -> Iterator[GraphEmulator]:
    with GraphEmulator() as emulator:
        for email in (KARIN, LENA):
            emulator.add_user(email)
        emulator.add_app(APP, SECRET)
        yield emulator
    assert not emulator.errors + emulator.identity.errors  # no emulator bug answered 500


def refused(answer: Any, code: str = "RequestBodyRead") -> str:
    assert answer.status_code == 400, answer.text
    error = answer.json()["error"]
    assert error["code"] == code
    assert {"date", "request-id", "client-request-id"} <= set(error["innerError"])
    return str(error["message"])


def series(**changes: Any) -> dict[str, Any]:
    body = meeting(START, END, attendees=invite(LENA), recurrence=weekly("2027-02-02", 4))
    body.update(changes)
    return body


def recurrence(pattern: dict[str, Any] | None = None, range_: dict[str, Any] | None = None) -> Any:
    base = weekly("2027-02-02", 4)
    base["pattern"].update(pattern or {})
    base["range"].update(range_ or {})
    return base


@pytest.mark.parametrize(
    ("body", "words"),
    [
        (
            series(attendees=[{"emailAddress": {"adress": LENA}, "type": "required"}]),
            "The property 'adress' does not exist on type 'microsoft.graph.emailAddress'",
        ),
        (
            series(attendees=[{"emailAddress": {"address": LENA}, "type": "mandatory"}]),
            "Cannot convert the literal 'mandatory' to the expected type "
            "'microsoft.graph.attendeeType'",
        ),
        (
            series(recurrence=recurrence({"dayOfWeek": ["tuesday"]})),
            "'dayOfWeek' does not exist on type 'microsoft.graph.recurrencePattern'",
        ),
        (series(recurrence=recurrence({"daysOfWeek": ["tues"]})), "'tues'"),
        (series(recurrence=recurrence({"type": "fortnightly"})), "recurrencePatternType"),
        (series(recurrence=recurrence({"index": "fifth"})), "microsoft.graph.weekIndex"),
        (series(recurrence=recurrence(range_={"type": "until"})), "recurrenceRangeType"),
        (series(recurrence=recurrence(range_={"startDate": "2027-2-2"})), "Edm.Date"),
        (series(recurrence=recurrence({"interval": "1"})), "Edm.Int32"),
        (series(recurrence=recurrence({"daysOfWeek": "tuesday"})), "StartArray"),
        (series(body={"contentType": "markdown", "content": "x"}), "microsoft.graph.bodyType"),
        (series(importance="urgent"), "microsoft.graph.importance"),
        (series(sensitivity="secret"), "microsoft.graph.sensitivity"),
        (series(isReminderOn="yes"), "Edm.Boolean"),
        (series(start={"dateTime": START, "timeZone": "UTC", "zone": "x"}), "'zone'"),
        (
            series(singleValueExtendedProperties=[{"id": SERIES_PROP, "val": "x"}]),
            "'val' does not exist on type 'microsoft.graph.singleValueLegacyExtendedProperty'",
        ),
        (series(subject={"text": "1:1"}), "to the expected type 'Edm.String'"),
        (series(start="2027-02-02T10:00:00"), "A 'StartObject' node was expected"),
    ],
)
def test_event_bodies_are_read_against_the_published_types(
    graph: GraphEmulator, body: dict[str, Any], words: str
) -> None:
    message = refused(Client(graph).post(f"/users/{KARIN}/events", body))
    assert words in message
    assert not graph.writes


def test_a_patch_is_read_the_same_way(graph: GraphEmulator) -> None:
    client = Client(graph)
    created = client.post(f"/users/{KARIN}/events", series()).json()
    message = refused(client.patch(f"/users/{KARIN}/events/{created['id']}", {"showAs": "away"}))
    assert "microsoft.graph.freeBusyStatus" in message
    fine = client.patch(f"/users/{KARIN}/events/{created['id']}", {"showAs": "oof"})
    assert fine.status_code == 200


def test_action_parameters_are_checked_regardless_of_case(graph: GraphEmulator) -> None:
    client = Client(graph)
    body = schedule_body([KARIN], "2027-02-01T00:00:00", "2027-02-02T00:00:00")
    path = f"/users/{KARIN}/calendar/getSchedule"
    message = refused(client.post(path, {**body, "availabilityInterval": 30}))
    assert "'availabilityInterval' does not exist on type 'microsoft.graph.getSchedule'" in message
    assert client.post(path, {**body, "Schedules": [KARIN]}).status_code == 200
    created = client.post(f"/users/{KARIN}/events", series()).json()
    cancel = f"/users/{KARIN}/events/{created['id']}/cancel"
    assert "'reason'" in refused(client.post(cancel, {"reason": "x"}))
    assert client.post(cancel, {"Comment": "ended"}).status_code == 202


def test_unknown_system_query_options_are_refused(graph: GraphEmulator) -> None:
    client = Client(graph)
    message = refused(client.get(f"/users/{KARIN}/events", params={"$selct": "id"}), "BadRequest")
    assert "'$selct'" in message
    assert client.get(f"/users/{KARIN}/events", params={"$select": "id", "$top": "5"}).ok


def test_the_contract_file_holds_what_the_connector_writes() -> None:
    """The extracted metadata has the types and enums the connector's requests use."""
    data = contract()
    assert data["source"].startswith("msgraph-sdk ")
    event = data["types"]["event"]
    for name in ("subject", "start", "end", "attendees", "recurrence", "transactionId"):
        assert name in event
    assert data["enums"]["FreeBusyStatus"] == [
        "unknown", "free", "tentative", "busy", "oof", "workingElsewhere"
    ]  # fmt: skip
