"""What reading one calendar may cost: rules judged before expanding, occurrences counted
while expanding, the run's deadline kept, and files read only when they are files."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime
from pathlib import Path

import pytest

from sync.connectors import ics, ics_limits
from sync.connectors.ics_busy import IcsError, expand_events, parse_calendars
from sync.model.values import Interval
from sync.plumbing.deadline import Deadline

WINDOW = Interval(datetime(2027, 2, 1, tzinfo=UTC), datetime(2027, 4, 5, tzinfo=UTC))


def calendar(*rules: str, start: str = "20270101T090000Z") -> bytes:
    events = "".join(
        f"BEGIN:VEVENT\r\nUID:e{n}@x\r\nDTSTAMP:20260101T000000Z\r\nDTSTART:{start}\r\n"
        f"DURATION:PT30M\r\nRRULE:{rule}\r\nEND:VEVENT\r\n"
        for n, rule in enumerate(rules)
    )
    return f"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:x\r\n{events}END:VCALENDAR\r\n".encode()


def expand(data: bytes, deadline: Deadline | None = None) -> int:
    return len(expand_events(parse_calendars(data, "x.ics"), WINDOW, "x.ics", deadline))


@pytest.mark.parametrize(
    ("rule", "reason"),
    [
        ("FREQ=SECONDLY", "an event repeats every 1 second, more often than every 15 minutes"),
        ("FREQ=MINUTELY;INTERVAL=5", "repeats every 5 minutes"),
        # a daily rule that names every hour, minute and second is a per-second rule
        (
            "FREQ=DAILY;BYHOUR=" + ",".join(map(str, range(24))) + ";BYMINUTE=0,1,2,3,4,5",
            "repeats every 10 minutes",
        ),
    ],
)
def test_rules_denser_than_the_planning_grid_are_refused(rule: str, reason: str) -> None:
    with pytest.raises(IcsError, match="too costly to read") as caught:
        expand(calendar(rule, start="20270201T000000Z"))
    assert reason in str(caught.value)


def test_a_rule_that_steps_through_decades_before_the_window_is_refused() -> None:
    with pytest.raises(IcsError, match=r"repeats about [\d,]+ times from its start"):
        expand(calendar("FREQ=HOURLY", start="19800101T000000Z"))


def test_ordinary_rules_are_expanded() -> None:
    # the window and a day either side: 31 January to 5 April
    assert expand(calendar("FREQ=DAILY", start="19900101T090000Z")) == 65
    assert expand(calendar("FREQ=SECONDLY;COUNT=50", start="20270201T090000Z")) == 50
    assert expand(calendar("FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR", start="20000103T090000Z")) == 46


def test_the_steps_of_all_rules_of_a_source_are_bounded_together(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(ics_limits, "MAX_STEPS_PER_SOURCE", 1000)
    daily = calendar("FREQ=DAILY", start="20260101T090000Z")  # about 470 steps
    assert expand(daily) == 65
    with pytest.raises(IcsError, match="together repeat more than 1,000 times"):
        expand(calendar(*["FREQ=DAILY"] * 3, start="20260101T090000Z"))


def test_occurrences_kept_from_one_source_are_counted(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(ics_limits, "MAX_OCCURRENCES_PER_SOURCE", 100)
    with pytest.raises(IcsError, match="more than 100 events in the planned weeks"):
        expand(calendar("FREQ=DAILY", "FREQ=DAILY"))


def test_expanding_stops_when_the_run_deadline_passes() -> None:
    ticks = itertools.chain([0.0], itertools.repeat(10.0))  # starts, then is past its end
    deadline = Deadline(5, clock=lambda: next(ticks))
    hourly = calendar("FREQ=HOURLY", start="20270201T000000Z")
    assert expand(hourly) > 1000
    with pytest.raises(IcsError, match="deadline passed while reading it"):
        expand(hourly, deadline)


def test_a_file_is_read_up_to_the_size_cap(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(ics, "MAX_BYTES", 10)
    path = tmp_path / "big.ics"
    path.write_bytes(b"x" * 11)
    with pytest.raises(IcsError, match="larger than"):
        ics._read_file(path, "big.ics")
    path.write_bytes(b"x" * 10)
    assert ics._read_file(path, "big.ics") == b"x" * 10


@pytest.mark.parametrize(
    ("make", "kind"),
    [
        (lambda p: Path("/dev/null"), "a character device"),
        (lambda p: p, "a directory"),
    ],
)
def test_only_regular_files_are_read(tmp_path: Path, make: object, kind: str) -> None:
    path = make(tmp_path)  # type: ignore[operator]
    with pytest.raises(IcsError, match=f"not a regular file \\(it is {kind}\\)"):
        ics._read_file(path, str(path))


def test_a_named_pipe_is_refused_without_waiting_for_a_writer(tmp_path: Path) -> None:
    pipe = tmp_path / "pipe.ics"
    import os

    os.mkfifo(pipe)
    with pytest.raises(IcsError, match="not a regular file \\(it is a named pipe\\)"):
        ics._read_file(pipe, "pipe.ics")
