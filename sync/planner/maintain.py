"""Keeping booked series healthy night after night, without a new approval.

Dates that enter the horizon are checked as they come; an upcoming occurrence that new busy
time now collides with moves to the best free time of its week, or is skipped with the
reason; a skipped one is tried again. Occurrences a person moved or cancelled in their
calendar (`fixed`) are respected, and nothing closer than the minimum notice is touched.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sync.model.values import Occurrence
from sync.planner.one_off import keep_one_off
from sync.planner.requests import PairRequest, PlanningInput
from sync.planner.slots import local_instant
from sync.planner.solver import _Planner
from sync.planner.ticks import FreeTime


@dataclass(frozen=True)
class BookedPair:
    pair: PairRequest
    first_start: datetime
    """The series' DTSTART, aware, in the organiser's zone."""
    occurrences: tuple[Occurrence, ...]
    one_off: bool = False
    """A single extra check-in: its one date is kept up, no rule adds more."""


def maintain(
    series: Sequence[BookedPair], inputs: PlanningInput
) -> dict[str, tuple[Occurrence, ...]]:
    """The occurrences each series should have now, by `series_key`; unchanged ones included."""
    planner = _Planner(inputs)
    results = {}
    for item in sorted(series, key=lambda s: (s.pair.key, s.one_off, s.first_start)):
        if item.one_off:
            kept = tuple(keep_one_off(planner, item.pair, o) for o in item.occurrences)
            results[series_key(item)] = kept
        else:
            results[series_key(item)] = _maintain_one(planner, item)
    return results


def series_key(item: BookedPair) -> str:
    """Results by employee, and for one-offs also by their date."""
    email = item.pair.employee.person.email
    return f"{email} {item.first_start.isoformat()}" if item.one_off else email


def _maintain_one(planner: _Planner, item: BookedPair) -> tuple[Occurrence, ...]:
    pair = item.pair
    minutes = pair.employee.duration
    length = timedelta(minutes=minutes)
    planner.retract(pair)
    free = planner.free_spans(pair)
    zone = ZoneInfo(pair.manager.person.timezone)
    local_first = item.first_start.astimezone(zone)
    clock = local_first.time().replace(tzinfo=None)
    known = {o.original_start: o for o in item.occurrences}
    result: dict[datetime, Occurrence] = dict(known)
    for day in pair.cadence.dates(local_first.date(), planner.horizon_end.date()):
        start = local_instant(day, clock, zone)
        if start is None or start >= planner.horizon_end:
            continue
        current = known.get(start)
        if current is None:
            if start < planner.earliest:
                continue  # a date that passed before the series was booked
            ok = planner.is_free(pair, free, start, minutes)
            result[start] = (
                Occurrence(start, start, start + length)
                if ok
                else planner.rescue(pair, free, start, minutes)
            )
        elif _movable(planner, current) and not _still_good(planner, pair, free, current, minutes):
            if planner.is_free(pair, free, start, minutes):
                replacement = Occurrence(start, start, start + length)
            else:
                replacement = planner.rescue(pair, free, start, minutes)
            # a date that stays skipped keeps its first reason: no churn, no new sequence
            if replacement.takes_place or current.takes_place:
                result[start] = replacement
    ordered = tuple(result[key] for key in sorted(result))
    for occurrence in ordered:
        if occurrence.takes_place and occurrence.end > planner.inputs.now:
            planner.commit(pair, occurrence)
    return ordered


def _movable(planner: _Planner, occurrence: Occurrence) -> bool:
    return not occurrence.fixed and occurrence.start >= planner.earliest


def _still_good(
    planner: _Planner, pair: PairRequest, free: FreeTime, occurrence: Occurrence, minutes: int
) -> bool:
    if not occurrence.takes_place:
        return False  # skipped: worth another try
    return planner.is_free(pair, free, occurrence.start, minutes)
