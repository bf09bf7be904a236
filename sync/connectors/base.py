"""The interface every calendar connector implements, and the values it exchanges.

A connector reads the busy time of many people in one call. What it can do is declared as
data (`Capabilities`), so the orchestrator never probes with hasattr. A failure to read one
person's calendar is reported per person and never raises for the others.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from operator import attrgetter
from typing import Protocol

from sync.model.values import (
    BookedSeries,
    BusyBlock,
    FoundSeries,
    Interval,
    Person,
    WorkingHours,
)


@dataclass(frozen=True)
class Capabilities:
    reads_busy: bool
    writes_events: bool
    busy_includes_own_events: bool = False
    """Free/busy providers report our own check-ins as busy time too; the run takes them out
    again, or every check-in would collide with itself."""
    sends_invitations: bool = False
    """Booking a series here makes the provider invite the attendee (Google does); otherwise
    checkin-sync emails the invitation itself."""


@dataclass(frozen=True)
class CalendarRef:
    """Whose calendar to read and how: `source` is the roster's `calendar` value. `timezone`
    is the person's own zone, used for floating times and all-day events."""

    email: str
    timezone: str
    source: str
    time_off_from: timedelta = timedelta(hours=2)
    """A busy span at least this long may be time off that matters: half the person's working
    day, the share of it that makes a day one they are away."""
    working_days: frozenset[int] = frozenset(range(7))
    """Weekdays (Monday = 0) the person works; time off on other days does not matter."""

    @classmethod
    def of(cls, person: Person) -> CalendarRef:
        half_day = timedelta(minutes=max(person.working_hours.minutes, 0) / 2)
        return cls(person.email, person.timezone, person.calendar, half_day, person.working_days)


@dataclass
class BusyReading:
    """Busy time per person for a window, and per-person reasons where reading failed.
    `own_events` lists UIDs of check-ins this service booked that were seen in a calendar;
    they are not counted as busy, because the store already knows them."""

    busy: dict[str, list[BusyBlock]] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)
    own_events: dict[str, set[str]] = field(default_factory=dict)
    working_hours: dict[str, WorkingHours] = field(default_factory=dict)
    """Working hours the provider knows (Outlook), used where people.toml sets none."""
    requests: int = 0

    def merge(self, other: BusyReading) -> None:
        self.busy.update(other.busy)
        self.errors.update(other.errors)
        for email, uids in other.own_events.items():
            self.own_events.setdefault(email, set()).update(uids)
        self.working_hours.update(other.working_hours)
        self.requests += other.requests


class Connector(Protocol):
    name: str
    capabilities: Capabilities

    def read_busy(self, people: Sequence[CalendarRef], window: Interval) -> BusyReading:
        """Busy blocks inside `window` for every person; a person whose calendar cannot be
        read appears in `errors` with a reason a user can act on, never in `busy`. Runs on a
        thread of its own, beside the other kinds' reads: `requests` counts this read's
        requests alone, whatever else the connector's clients send meanwhile."""
        ...


class WriteFailed(Exception):
    """A calendar refused or could not take a write; the message says why, for the report.
    The store keeps the series as not yet written, so the next run tries again."""


NEVER_WRITTEN = object()
"""`RemoteSeries.held` of a series no write was ever sent for."""


@dataclass(frozen=True)
class RemoteSeries:
    """What the organiser's calendar shows of one series this service booked."""

    uid: str
    exists: bool
    declined_by: frozenset[str] = frozenset()
    exceptions: Mapping[datetime, Interval | None] = field(default_factory=dict)
    """Occurrences that differ from the rule, by their rule start (UTC): where they are now,
    or None where the occurrence was cancelled."""
    declined_dates: Mapping[datetime, frozenset[str]] = field(default_factory=dict)
    """Who declined single dates inside the window, by their rule start (UTC). A series
    declined as a whole shows here on every one of its dates too."""
    single: Interval | None = None
    """For a one-off (an event without a rule): where it is now."""
    held: object = None
    """What the provider listed of the series, in its own terms, for its writer: a series
    written the same night is compared with this rather than read again (see
    CalendarWriter.write_many)."""

    @classmethod
    def never_written(cls, uid: str) -> RemoteSeries:
        """A series the store recorded as being booked by this very run, not yet handed to
        a writer: no write of it was ever sent, so no calendar can hold it. A writer that
        must otherwise look for an unseen series before creating it (Graph chooses event
        ids) creates it at once."""
        return cls(uid, exists=False, held=NEVER_WRITTEN)


@dataclass
class Observation:
    """An organiser's calendar as seen tonight; `error` if it could not be read at all."""

    series: dict[str, RemoteSeries] = field(default_factory=dict)
    error: str | None = None
    requests: int = 0


@dataclass
class Written:
    """What writing one series came to: `error` None if the calendar holds it now."""

    requests: int = 0
    error: Exception | None = None
    """WriteFailed, or GaveUpTonight for a quota that lasts hours."""


ToWrite = tuple[BookedSeries, RemoteSeries | None]
"""A series to write, and what tonight's read-back saw of it (None: not seen, or not there)."""


class CalendarWriter(Protocol):
    """A calendar the service books series in (as the organiser)."""

    name: str
    capabilities: Capabilities

    def write_series(self, series: BookedSeries) -> int:
        """Make the organiser's calendar match `series`: create it (idempotently: the same
        series written twice is one event), move or cancel single occurrences, end it at its
        UNTIL, or delete it when cancelled. Returns the number of requests made; raises
        WriteFailed, or GaveUpTonight for a quota that lasts hours."""
        ...

    def write_many(self, items: Sequence[ToWrite]) -> list[Written]:
        """`write_series` for many series, in as few round trips as the provider allows, one
        outcome per series in order. A series tonight's read-back saw present is compared
        with what it saw, not read again: nothing is sent for one that already matches."""
        ...

    def observe(
        self, organiser: str, expected: Mapping[str, Sequence[datetime]], window: Interval
    ) -> Observation:
        """The state of these series (by UID) in the organiser's calendar, for the nightly
        reconcile. `expected` lists, per series, the rule start of every occurrence that
        should take place in `window`, for providers that show a cancelled occurrence only
        by leaving it out."""
        ...

    def observe_many(
        self, groups: Mapping[str, Mapping[str, Sequence[datetime]]], window: Interval
    ) -> dict[str, Observation]:
        """`observe` for many organisers (by organiser), as few round trips as the provider
        allows (see observe_each for providers that read one calendar at a time)."""
        ...

    def list_series(self, organiser: str, window: Interval) -> list[FoundSeries]:
        """Every series this service booked in the organiser's calendar, ended ones too, with
        their changed occurrences inside `window`. Raises WriteFailed if it cannot be read."""
        ...

    def list_series_many(
        self, organisers: Sequence[str], window: Interval
    ) -> dict[str, list[FoundSeries] | WriteFailed]:
        """`list_series` for many organisers (by organiser), in as few round trips as the
        provider allows; a calendar that cannot be read has its WriteFailed in its place."""
        ...


@dataclass(frozen=True)
class Connectors:
    """What a run can use: readers by calendar kind, and the kinds it can also write to."""

    readers: Mapping[str, Connector]
    writers: Mapping[str, CalendarWriter] = field(default_factory=dict)


def clip(blocks: Sequence[BusyBlock], window: Interval) -> list[BusyBlock]:
    """Blocks cut to the window, empty ones dropped, sorted."""
    low, high = window.start, window.end
    kept = []
    for block in blocks:
        if not (block.start < block.end and block.start < high and low < block.end):
            continue
        if block.start < low or high < block.end:  # only a block across an edge is cut
            block = BusyBlock(max(block.start, low), min(block.end, high), block.kind)
        kept.append(block)
    # the blocks' own order, compared as plain tuples: a night clips some 100,000 blocks
    kept.sort(key=_BLOCK_ORDER)
    return kept


_BLOCK_ORDER = attrgetter("start", "end", "kind")
