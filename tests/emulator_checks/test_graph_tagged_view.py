"""The Graph emulator's calendar view under an extended-property filter: the same answer as
filtering every occurrence (an exception that carries the tag included), without expanding
the mailbox's other meetings."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from typing import Any

import pytest

from tests.emulator_checks.test_graph_emulator import (
    APP,
    KARIN,
    SECRET,
    SERIES_PROP,
    Client,
    meeting,
    weekly,
)
from tests.emulators import CALENDARS_READ, CALENDARS_READWRITE, GraphEmulator
from tests.emulators.graph_state import GraphStore, Stored

WINDOW = {"startDateTime": "2027-02-01T00:00:00Z", "endDateTime": "2027-03-01T00:00:00Z"}
TAGGED = f"singleValueExtendedProperties/any(ep: ep/id eq '{SERIES_PROP}' and ep/value ne null)"


@pytest.fixture
def graph() -> Iterator[GraphEmulator]:
    with GraphEmulator() as emulator:
        emulator.add_user(KARIN)
        emulator.add_app(APP, SECRET, roles=[CALENDARS_READ, CALENDARS_READWRITE])
        yield emulator
    assert not emulator.errors


def tag(body: dict[str, Any], value: str) -> dict[str, Any]:
    return {**body, "singleValueExtendedProperties": [{"id": SERIES_PROP, "value": value}]}


def mailbox(graph: GraphEmulator) -> Client:
    """Karin's calendar: two tagged series (one with a moved date), an untagged series, a
    tagged one-off and an untagged one."""
    client = Client(graph)
    series = meeting(
        "2027-02-02T14:00:00", "2027-02-02T14:30:00", recurrence=weekly("2027-02-02", 4)
    )
    for body in (
        tag(series, "a"),
        tag({**series, "subject": "b"}, "b"),
        {**series, "subject": "other"},
        tag(meeting("2027-02-05T10:00:00", "2027-02-05T10:30:00"), "c"),
        meeting("2027-02-05T11:00:00", "2027-02-05T11:30:00"),
    ):
        assert client.post(f"/users/{KARIN}/events", body).status_code == 201
    (b,) = [e for e in graph.events(KARIN) if e.get("subject") == "b"]
    path = f"/users/{KARIN}/events/{b['id']}/instances"
    second = client.get(path, params=WINDOW).json()["value"][1]
    moved = {"start": second["end"], "end": second["end"] | {"dateTime": "2027-02-09T15:00:00"}}
    assert client.patch(f"/users/{KARIN}/events/{second['id']}", moved).status_code == 200
    return client


def ids(answer: list[dict[str, Any]]) -> list[str]:
    return [e["id"] for e in answer]


def test_the_tagged_view_is_every_tagged_occurrence(graph: GraphEmulator) -> None:
    client = mailbox(graph)
    params = {
        **WINDOW,
        "$top": "100",
        "$expand": f"singleValueExtendedProperties($filter=id eq '{SERIES_PROP}')",
    }
    everything = client.get(f"/users/{KARIN}/calendarView", params=params).json()["value"]
    tagged = client.get(
        f"/users/{KARIN}/calendarView", params={**params, "$filter": TAGGED}
    ).json()["value"]
    assert ids(tagged) == ids([e for e in everything if e.get("singleValueExtendedProperties")])
    assert len(tagged) == 4 + 4 + 1 and [e["type"] for e in tagged].count("exception") == 1


def test_the_tagged_view_does_not_expand_other_meetings(
    graph: GraphEmulator, monkeypatch: pytest.MonkeyPatch
) -> None:
    client = mailbox(graph)
    expanded: list[str] = []
    view_of = GraphStore._view_of

    def counted(
        store: GraphStore, stored: Stored, lower: datetime, upper: datetime, **kw: Any
    ) -> Any:
        expanded.append(str(stored.data.get("subject")))
        return view_of(store, stored, lower, upper, **kw)

    monkeypatch.setattr(GraphStore, "_view_of", counted)
    answer = client.get(f"/users/{KARIN}/calendarView", params={**WINDOW, "$filter": TAGGED})
    assert answer.status_code == 200
    assert "other" not in expanded and len(expanded) == 3
