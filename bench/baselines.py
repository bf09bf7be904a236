"""Two simple ways to schedule recurring check-ins, to compare checkin-sync against.

(a) first_free_two: what a popular open-source scheduler does for a recurring booking: the
    earliest slot whose first two occurrences are free for both people and inside both
    working hours, then repeated blindly on the same weekday and local time.
(b) each_earliest: every due check-in placed on its own at the earliest free time of its
    period, with no fixed weekday or time.

Both see the same calendars as the checker (busy time kept clear by the buffer, working
hours, public holidays, the notice) and the check-ins they booked before for earlier pairs,
as a calendar would show them; neither knows about managers' daily caps, as such tools don't.
Pairs are taken in roster order (manager, employee), as requests would come in.
"""

from __future__ import annotations

from bisect import insort
from collections import defaultdict
from collections.abc import Mapping
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from bench.quality import (
    GRID,
    Calendars,
    Checkin,
    Pair,
    PairTerms,
    Plan,
    first_grid,
    grid_starts,
    inside,
    overlaps,
)

SEARCH_WEEKS = 4
"""How far ahead baseline (a) looks for its first occurrence."""


class _Agenda:
    """Check-ins a baseline booked so far, per person, as sorted padded spans."""

    def __init__(self, buffer: float) -> None:
        self.buffer = buffer
        self.items: dict[str, list[tuple[float, float]]] = defaultdict(list)

    def free(self, email: str, start: float, end: float) -> bool:
        return not overlaps(self.items[email], start, end)

    def add(self, pair: Pair, start: float, minutes: int) -> None:
        for email in pair:
            insort(self.items[email], (start - self.buffer, start + minutes * 60 + self.buffer))


def _slot_ok(
    calendars: Calendars, agenda: _Agenda, pair: Pair, start: float, length: float
) -> bool:
    end = start + length
    if start < calendars.earliest:
        return False
    for email in pair:
        if not inside(calendars.work(email), start, end):
            return False
        if overlaps(calendars.padded(email), start, end) or not agenda.free(email, start, end):
            return False
    return True


def _later(moment: float, zone: ZoneInfo, days: int) -> float:
    """The same local wall-clock time `days` later (a series keeps its local time)."""
    local = datetime.fromtimestamp(moment, zone)
    shifted = datetime.combine(local.date() + timedelta(days=days), local.time(), zone)
    return shifted.timestamp()


def first_free_two(calendars: Calendars, terms: Mapping[Pair, PairTerms]) -> Plan:
    plan = Plan("first free slot, 2 checked")
    agenda = _Agenda(calendars.buffer)
    for pair in sorted(terms):
        term = terms[pair]
        zone = ZoneInfo(calendars.person(pair[0]).zone)
        length = term.minutes * 60.0
        work = calendars.work(pair[0])
        chosen = None
        limit = calendars.earliest + SEARCH_WEEKS * 7 * 86400
        for span_start, span_end in work:
            if span_end <= calendars.earliest:
                continue
            if span_start >= limit:
                break
            start = first_grid(max(span_start, calendars.earliest))
            while start + length <= span_end:
                second = _later(start, zone, term.period_days)
                if _slot_ok(calendars, agenda, pair, start, length) and _slot_ok(
                    calendars, agenda, pair, second, length
                ):
                    chosen = start
                    break
                start += GRID
            if chosen is not None:
                break
        items = []
        if chosen is not None:
            moment = chosen
            while moment < calendars.horizon_end:
                items.append(Checkin(moment, moment, term.minutes))
                agenda.add(pair, moment, term.minutes)
                moment = _later(moment, zone, term.period_days)
        plan.checkins[pair] = items
    return plan


def each_earliest(calendars: Calendars, terms: Mapping[Pair, PairTerms]) -> Plan:
    plan = Plan("each date earliest free")
    agenda = _Agenda(calendars.buffer)
    for pair in sorted(terms):
        term = terms[pair]
        length = term.minutes * 60.0
        free = calendars.free_for_pair(pair)
        items = []
        for lo, hi in calendars.periods(term):
            placed = next(
                (
                    start
                    for start in grid_starts(free, lo, hi, length)
                    if agenda.free(pair[0], start, start + length)
                    and agenda.free(pair[1], start, start + length)
                ),
                None,
            )
            if placed is not None:
                items.append(Checkin(None, placed, term.minutes))
                agenda.add(pair, placed, term.minutes)
        plan.checkins[pair] = items
    return plan


def period_days(weeks: int, monthly: bool) -> int:
    return 28 if monthly else 7 * weeks
