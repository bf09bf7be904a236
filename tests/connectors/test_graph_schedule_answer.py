"""A getSchedule answer is parsed into each item's status and times only: the subjects,
locations and flags Graph sends with every item are not held while a batch is taken in."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from sync.connectors.base import CalendarRef
from sync.connectors.outlook.reading import GraphReader
from sync.connectors.outlook.schedule_answer import ScheduleItem, compact
from sync.model.values import BusyKind, Interval
from tests.emulators import GraphEmulator
from tests.outlook_helpers import connector
from tests.store.held_objects import reachable

PERSON = "lena@example.com"
WEEK = Interval(datetime(2027, 2, 1, tzinfo=UTC), datetime(2027, 2, 8, tzinfo=UTC))
SUBJECT = "Salary review with the board"


def test_a_schedule_answer_holds_no_subjects_while_it_is_taken_in(
    graph_emulator: GraphEmulator, monkeypatch: pytest.MonkeyPatch
) -> None:
    graph_emulator.add_user(PERSON)
    for day, show_as in ((1, "busy"), (2, "oof"), (3, "free")):
        begin = datetime(2027, 2, day, 9)
        graph_emulator.add_event(
            PERSON,
            {
                "subject": SUBJECT,
                "location": {"displayName": "Room 4.12"},
                "start": {"dateTime": begin.isoformat(), "timeZone": "W. Europe Standard Time"},
                "end": {
                    "dateTime": (begin + timedelta(hours=1)).isoformat(),
                    "timeZone": "W. Europe Standard Time",
                },
                "showAs": show_as,
            },
        )
    answers: list[Any] = []
    take = GraphReader.take

    def kept_answer(reader: GraphReader, batch: list[CalendarRef], answer: Any) -> Any:
        answers.append(answer)
        return take(reader, batch, answer)

    monkeypatch.setattr(GraphReader, "take", kept_answer)
    reading = connector(graph_emulator).read_busy([CalendarRef(PERSON, "UTC", "outlook")], WEEK)

    blocks = reading.busy[PERSON]
    assert [(b.start, b.kind) for b in blocks] == [
        (datetime(2027, 2, 1, 8, tzinfo=UTC), BusyKind.BUSY),
        (datetime(2027, 2, 2, 8, tzinfo=UTC), BusyKind.TIME_OFF),
    ]
    assert len(answers) == 1
    texts = [t for t in reachable(answers[0], str) if isinstance(t, str)]
    assert not [t for t in texts if SUBJECT in t or "Room 4.12" in t]
    assert not [t for t in texts if t.startswith("2027-02-0")], "times are instants already"


def test_compact_makes_items_of_status_and_instants_and_leaves_other_objects() -> None:
    start = compact(
        {"dateTime": "2027-03-02T09:00:00.0000000", "timeZone": "Pacific Standard Time"}
    )
    end = compact({"dateTime": "2027-03-02T18:00:00.0000000", "timeZone": "UTC"})
    assert start == datetime(2027, 3, 2, 17, tzinfo=UTC)
    item = compact(
        {"status": "Busy", "subject": SUBJECT, "isPrivate": False, "start": start, "end": end}
    )
    assert item == ScheduleItem("busy", start, end)
    hours = {"daysOfWeek": ["monday"], "startTime": "08:00:00.0000000", "endTime": "17:00:00"}
    assert compact(hours) is hours
    error = {"error": {"code": "TooManyRequests", "message": "slow down"}}
    assert compact(error) is error
