"""One independent checker of plan quality, for checkin-sync and the baselines alike.

It knows nothing of the planner: busy time comes from the generated organisation
(`bench.org.spans`), working hours and public holidays from the same place, and a plan is
just a list of check-ins per pair. Times are seconds since the epoch (floats) so that
hundreds of thousands of checks stay cheap.

Definitions (see bench/README.md):
- due check-ins: per pair, the cadence's periods (N calendar weeks, Monday to Monday in the
  manager's zone) from the first Monday after the notice, each wholly inside the horizon;
  for a monthly cadence, calendar months in the manager's zone with at least four weeks of
  them after the notice and inside the horizon. Periods follow calendar weeks because that
  is where a moved date stays: a check-in moved from Monday to Tuesday of its week is still
  that week's;
- placed free: a due period holding one of the pair's check-ins that lies inside both
  people's working hours on a working day, overlaps nobody's busy time or time off nor
  another check-in of either person, and respects the notice;
- regular: such a check-in at its series' rule time (for plans without a rule: at the
  weekday and local time of the pair's first check-in);
- collisions: check-ins overlapping busy time (or time off) of either person;
- cap days: (manager, local day in their zone) with more check-ins than the manager's daily
  cap, counting a middle manager's check-ins with their own manager too;
- upper bound: due periods in which some 15-minute-grid slot of the pair's length was
  inside both working hours, clear of both people's busy time by the buffer, and after the
  notice; other check-ins and caps are ignored, which is what makes it an upper bound.
"""

from __future__ import annotations

import math
from bisect import bisect_right
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

from bench.org import Org, Person, spans, working_spans

GRID = 15 * 60
MONTH_KEPT = timedelta(weeks=4)
"""A month whose part between the notice and the horizon's end is shorter than this is not
due: too little of it is left for the rule's date to be expected there."""
Pair = tuple[str, str]


@dataclass(frozen=True)
class Checkin:
    """One date of a pair's check-ins: where its rule puts it (None: no rule) and where it
    takes place (None: skipped)."""

    regular: float | None
    start: float | None
    minutes: int


@dataclass(frozen=True)
class PairTerms:
    """What the checker needs of a pair besides calendars."""

    period_days: int
    minutes: int
    cap: int
    zone: str = "UTC"
    """The manager's: due periods follow their calendar weeks (or months)."""
    monthly: bool = False
    """Due periods are calendar months, as the product's monthly rule (the nth weekday of
    each month) puts one date in each."""


@dataclass
class Plan:
    name: str
    checkins: dict[Pair, list[Checkin]] = field(default_factory=dict)


def ts(moment: datetime) -> float:
    return moment.timestamp()


Spans = list[tuple[float, float]]


def merged(items: Iterable[tuple[float, float]], pad: float = 0.0) -> Spans:
    out: Spans = []
    for start, end in sorted(items):
        start, end = start - pad, end + pad
        if out and start <= out[-1][1]:
            if end > out[-1][1]:
                out[-1] = (out[-1][0], end)
        else:
            out.append((start, end))
    return out


def inside(spans_: Spans, start: float, end: float) -> bool:
    """[start, end) lies within one span."""
    index = bisect_right(spans_, (start, math.inf)) - 1
    return index >= 0 and spans_[index][0] <= start and end <= spans_[index][1]


def overlaps(spans_: Spans, start: float, end: float) -> bool:
    index = bisect_right(spans_, (start, math.inf))
    if index > 0 and spans_[index - 1][1] > start:
        return True
    return index < len(spans_) and spans_[index][0] < end


def subtract(base: Spans, cut: Spans) -> Spans:
    out: Spans = []
    j = 0
    for start, end in base:
        while j < len(cut) and cut[j][1] <= start:
            j += 1
        k = j
        while k < len(cut) and cut[k][0] < end:
            if cut[k][0] > start:
                out.append((start, cut[k][0]))
            start = max(start, cut[k][1])
            k += 1
        if start < end:
            out.append((start, end))
    return out


def intersect(left: Spans, right: Spans) -> Spans:
    out: Spans = []
    i = j = 0
    while i < len(left) and j < len(right):
        start, end = max(left[i][0], right[j][0]), min(left[i][1], right[j][1])
        if start < end:
            out.append((start, end))
        if left[i][1] <= right[j][1]:
            i += 1
        else:
            j += 1
    return out


class Calendars:
    """Each person's working time and busy time over the evaluation window."""

    def __init__(self, org: Org) -> None:
        self.org = org
        self.lo, self.hi = org.window
        self.earliest = ts(org.now + timedelta(hours=org.min_notice_hours))
        self.horizon_end = ts(org.now + timedelta(weeks=org.horizon_weeks))
        self.buffer = org.buffer_minutes * 60.0
        self._work: dict[str, Spans] = {}
        self._busy: dict[str, Spans] = {}
        self._padded: dict[str, Spans] = {}

    def person(self, email: str) -> Person:
        return self.org.people[email]

    def work(self, email: str) -> Spans:
        if email not in self._work:
            items = working_spans(self.person(email), self.lo, self.hi)
            self._work[email] = [(ts(a), ts(b)) for a, b in items]
        return self._work[email]

    def busy(self, email: str) -> Spans:
        if email not in self._busy:
            items = spans(self.person(email), self.lo, self.hi)
            self._busy[email] = merged((ts(s.start), ts(s.end)) for s in items)
        return self._busy[email]

    def padded(self, email: str) -> Spans:
        if email not in self._padded:
            self._padded[email] = merged(self.busy(email), self.buffer)
        return self._padded[email]

    def free_for_pair(self, pair: Pair) -> Spans:
        """Both working, neither busy (with the buffer), after the notice."""
        manager, employee = pair
        work = intersect(self.work(manager), self.work(employee))
        work = [(max(a, self.earliest), b) for a, b in work if b > self.earliest]
        return subtract(work, merged(self.padded(manager) + self.padded(employee)))

    def periods(self, terms: PairTerms) -> list[tuple[float, float]]:
        if terms.monthly:
            return self.months(terms)
        zone = ZoneInfo(terms.zone)
        local = datetime.fromtimestamp(self.earliest, zone)
        monday = datetime.combine(local.date() - timedelta(days=local.weekday()), time(), zone)
        if monday.timestamp() < self.earliest:
            monday += timedelta(weeks=1)
        weeks = max(1, terms.period_days // 7)
        out: list[tuple[float, float]] = []
        while True:
            # wall-clock weeks: a period across a DST change is an hour shorter or longer
            end = monday + timedelta(weeks=weeks)
            if end.timestamp() > self.horizon_end:
                return out
            out.append((monday.timestamp(), end.timestamp()))
            monday = end

    def months(self, terms: PairTerms) -> list[tuple[float, float]]:
        """Calendar months in the manager's zone, each cut to the part after the notice
        and inside the horizon, that keep at least four weeks of it."""
        zone = ZoneInfo(terms.zone)
        earliest = datetime.fromtimestamp(self.earliest, zone)
        horizon_end = datetime.fromtimestamp(self.horizon_end, zone)
        day = earliest.date().replace(day=1)
        out: list[tuple[float, float]] = []
        while datetime.combine(day, time(), zone) < horizon_end:
            following = (day + timedelta(days=31)).replace(day=1)
            lo = max(datetime.combine(day, time(), zone), earliest)
            hi = min(datetime.combine(following, time(), zone), horizon_end)
            if hi - lo >= MONTH_KEPT:  # wall-clock difference: same zone on both sides
                out.append((lo.timestamp(), hi.timestamp()))
            day = following
        return out


def first_grid(moment: float) -> float:
    return math.ceil(moment / GRID) * GRID


def grid_starts(free: Spans, lo: float, hi: float, length: float) -> Iterator[float]:
    """Grid times in [lo, hi), earliest first, where `length` seconds fit in one free span."""
    for span_start, span_end in free:
        if span_end <= lo:
            continue
        if span_start >= hi:
            return
        start = first_grid(max(span_start, lo))
        while start < hi and start + length <= span_end:
            yield start
            start += GRID


@dataclass
class Quality:
    due: int = 0
    placed_free: int = 0
    regular: int = 0
    collisions: int = 0
    outside_hours: int = 0
    double_booked: int = 0
    cap_days: int = 0
    upper_bound: int = 0
    checkins: int = 0

    def as_dict(self) -> dict[str, float]:
        due = max(self.due, 1)
        upper = max(self.upper_bound, 1)
        return {
            "due": self.due,
            "placed_free": self.placed_free,
            "placed_free_share": round(self.placed_free / due, 4),
            "regular": self.regular,
            "regular_share": round(self.regular / due, 4),
            "collisions_with_busy": self.collisions,
            "outside_working_hours": self.outside_hours,
            "double_booked": self.double_booked,
            "manager_days_over_cap": self.cap_days,
            "upper_bound": self.upper_bound,
            "upper_bound_share": round(self.upper_bound / due, 4),
            "placed_vs_upper_bound": round(self.placed_free / upper, 4),
            "checkins_placed": self.checkins,
        }


def upper_bounds(calendars: Calendars, terms: Mapping[Pair, PairTerms]) -> dict[Pair, list[bool]]:
    """Per pair and due period: whether any free slot of the pair's length existed."""
    out: dict[Pair, list[bool]] = {}
    for pair, term in terms.items():
        free = calendars.free_for_pair(pair)
        length = term.minutes * 60.0
        found = []
        for lo, hi in calendars.periods(term):
            ok = False
            index = max(0, bisect_right(free, (lo, math.inf)) - 1)
            while index < len(free) and free[index][0] < hi:
                start = first_grid(max(free[index][0], lo))
                if start < hi and start + length <= free[index][1]:
                    ok = True
                    break
                index += 1
            found.append(ok)
        out[pair] = found
    return out


def evaluate(
    plan: Plan,
    calendars: Calendars,
    terms: Mapping[Pair, PairTerms],
    bounds: Mapping[Pair, list[bool]],
) -> Quality:
    quality = Quality()
    agenda: dict[str, list[tuple[float, float, Pair]]] = defaultdict(list)
    for pair, items in plan.checkins.items():
        for item in items:
            if item.start is not None:
                for email in pair:
                    agenda[email].append((item.start, item.start + item.minutes * 60, pair))
    for entries in agenda.values():
        entries.sort()
    per_day: Counter[tuple[str, str]] = Counter()
    zones = {email: ZoneInfo(p.zone) for email, p in calendars.org.people.items()}
    for pair, term in terms.items():
        periods = calendars.periods(term)
        quality.due += len(periods)
        quality.upper_bound += sum(bounds.get(pair, []))
        items = [i for i in plan.checkins.get(pair, []) if i.start is not None]
        first = items[0].start if items else None
        filled = [False] * len(periods)
        for item in items:
            assert item.start is not None
            start, end = item.start, item.start + item.minutes * 60
            if start >= calendars.horizon_end:
                continue
            quality.checkins += 1
            manager = pair[0]
            for email in pair:  # a middle manager's check-in with their manager counts too
                day = datetime.fromtimestamp(start, zones[email]).date().isoformat()
                per_day[(email, day)] += 1
            busy = any(overlaps(calendars.busy(e), start, end) for e in pair)
            hours = all(inside(calendars.work(e), start, end) for e in pair)
            double = any(_clashes(agenda[e], start, end, pair) for e in pair)
            quality.collisions += busy
            quality.outside_hours += not hours
            quality.double_booked += double
            if busy or not hours or double or start < calendars.earliest:
                continue
            for index, (lo, hi) in enumerate(periods):
                if lo <= start < hi and not filled[index]:
                    filled[index] = True
                    quality.placed_free += 1
                    if _regular(item, first, zones[manager]):
                        quality.regular += 1
                    break
    caps = {pair[0]: term.cap for pair, term in terms.items()}
    quality.cap_days = sum(1 for (m, _), n in per_day.items() if m in caps and n > caps[m])
    return quality


def _clashes(
    items: Sequence[tuple[float, float, Pair]], start: float, end: float, pair: Pair
) -> bool:
    index = bisect_right(items, (start, math.inf, pair))
    for other_start, other_end, other in items[max(0, index - 8) : index + 8]:
        if other_start < end and start < other_end and (other_start, other) != (start, pair):
            return True
    return False


def _regular(item: Checkin, first: float | None, zone: ZoneInfo) -> bool:
    if item.regular is not None:
        return item.start == item.regular
    if first is None or item.start is None:
        return False
    a = datetime.fromtimestamp(first, zone)
    b = datetime.fromtimestamp(item.start, zone)
    return (a.weekday(), a.time()) == (b.weekday(), b.time())


def utc(moment: float) -> datetime:
    return datetime.fromtimestamp(moment, UTC)
