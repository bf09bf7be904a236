"""Rescuing a date that is not free: it moves to the best time of its week, or is skipped
with the reason and whether someone was away then (an excused date, not a missed one).
Whether someone was away is asked only of a skipped date."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from sync.model.values import BusyBlock, BusyKind, Occurrence, OccurrenceStatus
from sync.planner.solver import _Planner
from tests.planner.test_planner_room import busy_except, karin_ann_bo
from tests.planner_helpers import inputs, utc

NOW = utc(2027, 3, 1, 7)
TUESDAY = utc(2027, 3, 9, 10)


def rescued(busy: list[BusyBlock], monkeypatch: pytest.MonkeyPatch) -> tuple[Occurrence, int]:
    """Ann's date of Tuesday 9 March at 10:00 rescued, and how often it asked about time off."""
    ann, _ = karin_ann_bo()
    planner = _Planner(inputs(NOW, {"ann@example.com": busy}, weeks=3, buffer_minutes=0))
    asked = []
    is_away = planner.is_away
    monkeypatch.setattr(planner, "is_away", lambda *args: asked.append(args) or is_away(*args))
    occurrence = planner.rescue(ann, planner.free_spans(ann), TUESDAY, 30)
    return occurrence, len(asked)


def week_of_8_march() -> list[date]:
    return [date(2027, 3, 8) + timedelta(days=n) for n in range(5)]


def test_a_date_that_moves_does_not_ask_whether_someone_is_away(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    busy = [
        b for d in week_of_8_march() for b in busy_except(d, *([(14, 0)] if d.day == 10 else []))
    ]
    occurrence, asked = rescued(busy, monkeypatch)
    assert occurrence.status is OccurrenceStatus.MOVED
    assert occurrence.start == utc(2027, 3, 10, 14)
    assert asked == 0


@pytest.mark.parametrize("off", [True, False])
def test_a_skipped_date_says_whether_someone_was_away(
    off: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    busy = [b for d in week_of_8_march() for b in busy_except(d)]
    if off:
        busy.append(BusyBlock(utc(2027, 3, 9, 0), utc(2027, 3, 10, 0), BusyKind.TIME_OFF))
    occurrence, asked = rescued(busy, monkeypatch)
    assert occurrence.status is OccurrenceStatus.SKIPPED
    assert occurrence.away is off
    assert ("Ann is away" if off else "Ann is busy") in str(occurrence.reason)
    assert asked == 1
