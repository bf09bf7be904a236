"""The organisation's Google and Outlook calendars, seeded into the emulators."""

from __future__ import annotations

import threading
import time
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from bench.config import CLIENT_ID, SECRET
from bench.org import Block, Org, Person
from tests.emulators import (
    CALENDARS_READ,
    CALENDARS_READWRITE,
    GoogleCalendarEmulator,
    GraphEmulator,
)

DAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
RRULE_DAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")


def google_event(person: Person, block: Block) -> dict[str, Any]:
    if block.kind == "off":
        # Google's out-of-office events are timed: local midnight to midnight
        end = block.start + timedelta(days=block.days)
        return {
            "summary": "Out of office",
            "eventType": "outOfOffice",
            "start": {"dateTime": block.start.isoformat(), "timeZone": person.zone},
            "end": {"dateTime": end.isoformat(), "timeZone": person.zone},
        }
    if block.all_day:
        first = block.start.date()
        event: dict[str, Any] = {
            "summary": "All day",
            "start": {"date": first.isoformat()},
            "end": {"date": (first + timedelta(days=block.days)).isoformat()},
        }
        if block.kind == "allday_free":
            event["transparency"] = "transparent"
        return event
    zone = block.zone or person.zone
    end = block.start + timedelta(minutes=block.minutes)
    event = {
        "summary": "Busy",
        "start": {"dateTime": block.start.isoformat(), "timeZone": zone},
        "end": {"dateTime": end.isoformat(), "timeZone": zone},
    }
    if block.recurring:
        days = ",".join(RRULE_DAYS[d] for d in block.weekdays)
        event["recurrence"] = [f"RRULE:FREQ=WEEKLY;INTERVAL={block.interval};BYDAY={days}"]
    return event


def graph_event(person: Person, block: Block) -> dict[str, Any]:
    zone = block.zone or person.zone
    if block.all_day:
        end = block.start + timedelta(days=block.days)
        show = {"off": "oof", "allday": "busy", "allday_free": "free"}[block.kind]
        return {
            "subject": "All day",
            "isAllDay": True,
            "showAs": show,
            "start": {"dateTime": block.start.isoformat(), "timeZone": person.zone},
            "end": {"dateTime": end.isoformat(), "timeZone": person.zone},
        }
    end = block.start + timedelta(minutes=block.minutes)
    event: dict[str, Any] = {
        "subject": "Busy",
        "showAs": "busy",
        "start": {"dateTime": block.start.isoformat(), "timeZone": zone},
        "end": {"dateTime": end.isoformat(), "timeZone": zone},
    }
    if block.recurring:
        event["recurrence"] = {
            "pattern": {
                "type": "weekly",
                "interval": block.interval,
                "daysOfWeek": [DAYS[d] for d in block.weekdays],
                "firstDayOfWeek": "monday",
            },
            "range": {"type": "noEnd", "startDate": block.start.date().isoformat()},
        }
    return event


def seed(org: Org, google: GoogleCalendarEmulator, graph: GraphEmulator) -> None:
    people = sorted(org.people.values(), key=lambda p: p.email)
    for person in people:
        if person.calendar == "google":
            google.add_user(person.email, timezone=person.zone)
        elif person.calendar == "outlook":
            graph.add_user(person.email, timezone=person.windows_zone, working_hours=_hours(person))
    graph.add_app(CLIENT_ID, SECRET, roles=[CALENDARS_READ, CALENDARS_READWRITE])
    for person in people:
        add_blocks(person, person.blocks, google, graph)


def add_blocks(
    person: Person, blocks: list[Block], google: GoogleCalendarEmulator, graph: GraphEmulator
) -> None:
    for block in blocks:
        if person.calendar == "google":
            google.add_event(person.email, google_event(person, block))
        elif person.calendar == "outlook":
            graph.add_event(person.email, graph_event(person, block))


def _hours(person: Person) -> dict[str, Any]:
    begin, end = person.hours
    return {
        "daysOfWeek": list(DAYS[:5]),
        "startTime": f"{begin:%H:%M:%S}.0000000",
        "endTime": f"{end:%H:%M:%S}.0000000",
        "timeZone": {"name": person.windows_zone},
    }


# ----------------------------------------------------------------------------- accounting


@dataclass
class ServerCost:
    """CPU time the emulators spent answering, per request kind (thread time: the injected
    latency, a sleep, is not in it)."""

    cpu: defaultdict[str, float] = field(default_factory=lambda: defaultdict(float))
    count: Counter[str] = field(default_factory=Counter)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def wrap(self, provider: str, handle: Callable[..., Any], kind_of: Callable[..., str]) -> Any:
        def timed(method: str, path: str, headers: dict[str, str], body: bytes) -> Any:
            started = time.thread_time()
            response = handle(method, path, headers, body)
            spent = time.thread_time() - started
            kind = f"{provider} {kind_of(method, path)}"
            with self.lock:
                self.cpu[kind] += spent
                self.count[kind] += 1
            return response

        return timed

    def take(self) -> dict[str, dict[str, float]]:
        with self.lock:
            out = {
                kind: {
                    "requests": self.count[kind],
                    "cpu_seconds": round(self.cpu[kind], 3),
                    "cpu_ms_per_request": round(1000 * self.cpu[kind] / self.count[kind], 2),
                }
                for kind in sorted(self.count)
            }
            self.cpu.clear()
            self.count.clear()
        return out


def by_kind(requests: list[Any]) -> dict[str, int]:
    counts: dict[str, int] = defaultdict(int)
    for request in requests:
        counts[request.kind] += 1
    return dict(sorted(counts.items()))


def first_after(moments: list[datetime], after: datetime) -> datetime | None:
    later = [m for m in moments if m >= after]
    return min(later) if later else None
