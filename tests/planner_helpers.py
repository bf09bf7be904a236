"""Building planner inputs in a line or two."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

from sync.model.cadence import Cadence
from sync.model.values import BusyBlock, DateSpan, Employee, Manager, Person, TimeRange, Window
from sync.planner import PairRequest, PlanningInput


def person(
    email: str,
    zone: str = "Europe/Stockholm",
    hours: tuple[int, int] = (9, 17),
    days: frozenset[int] = frozenset(range(5)),
    holidays: str = "SE",
) -> Person:
    return Person(
        email=email,
        name=email.split("@")[0].capitalize(),
        timezone=zone,
        working_hours=TimeRange(time(hours[0]), time(hours[1])),
        working_days=days,
        holidays=holidays,
        calendar="none",
    )


def manager(email: str = "karin@example.com", cap: int = 4, **kwargs: object) -> Manager:
    return Manager(person(email, **kwargs), cap)  # type: ignore[arg-type]


def pair(
    boss: Manager,
    email: str,
    cadence: str = "weekly",
    duration: int = 30,
    preferred: tuple[Window, ...] = (),
    paused: DateSpan | None = None,
    **kwargs: object,
) -> PairRequest:
    employee = Employee(
        person=person(email, **kwargs),  # type: ignore[arg-type]
        manager=boss.person.email,
        cadence=Cadence.parse(cadence),
        duration=duration,
        preferred=preferred,
        paused=paused,
    )
    return PairRequest(boss, employee, employee.cadence)


def inputs(
    now: datetime,
    busy: dict[str, list[BusyBlock]] | None = None,
    weeks: int = 8,
    notice_hours: int = 24,
    buffer_minutes: int = 10,
) -> PlanningInput:
    return PlanningInput(
        now=now,
        horizon_weeks=weeks,
        min_notice=timedelta(hours=notice_hours),
        buffer=timedelta(minutes=buffer_minutes),
        busy=busy or {},
    )


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)  # type: ignore[misc]
