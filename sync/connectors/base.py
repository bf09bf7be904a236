"""The interface every calendar connector implements, and the values it exchanges.

A connector reads the busy time of many people in one call. What it can do is declared as
data (`Capabilities`), so the orchestrator never probes with hasattr. A failure to read one
person's calendar is reported per person and never raises for the others.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Protocol

from sync.model import BusyBlock, Interval


@dataclass(frozen=True)
class Capabilities:
    reads_busy: bool
    writes_events: bool


@dataclass(frozen=True)
class CalendarRef:
    """Whose calendar to read and how: `source` is the roster's `calendar` value. `timezone`
    is the person's own zone, used for floating times and all-day events."""

    email: str
    timezone: str
    source: str


@dataclass
class BusyReading:
    """Busy time per person for a window, and per-person reasons where reading failed.
    `own_events` lists UIDs of check-ins this service booked that were seen in a calendar;
    they are not counted as busy, because the store already knows them."""

    busy: dict[str, list[BusyBlock]] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)
    own_events: dict[str, set[str]] = field(default_factory=dict)
    requests: int = 0

    def merge(self, other: BusyReading) -> None:
        self.busy.update(other.busy)
        self.errors.update(other.errors)
        for email, uids in other.own_events.items():
            self.own_events.setdefault(email, set()).update(uids)
        self.requests += other.requests


class Connector(Protocol):
    name: str
    capabilities: Capabilities

    def read_busy(self, people: Sequence[CalendarRef], window: Interval) -> BusyReading:
        """Busy blocks inside `window` for every person; a person whose calendar cannot be
        read appears in `errors` with a reason a user can act on, never in `busy`."""
        ...


OWN_UID_SUFFIX = "@checkin-sync"
"""Every series this service creates has a UID ending in this; connectors recognise them."""


def is_own_uid(uid: str) -> bool:
    return uid.endswith(OWN_UID_SUFFIX)


def clip(blocks: Sequence[BusyBlock], window: Interval) -> list[BusyBlock]:
    """Blocks cut to the window, empty ones dropped, sorted."""
    clipped = (
        BusyBlock(max(b.start, window.start), min(b.end, window.end), b.kind)
        for b in blocks
        if b.start < window.end and window.start < b.end
    )
    return sorted(b for b in clipped if b.start < b.end)


Registry = Mapping[str, Connector]
