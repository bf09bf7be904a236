"""Recovering the store from the calendars: every series this service booked carries its
identity (a tag in Google and Outlook, its UID in CalDAV and the exported .ics files), so a
lost database is rebuilt from what the calendars hold, and nothing already booked is
proposed or written again."""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sync.config.paths import Paths
from sync.config.roster import Roster
from sync.connectors.base import Connectors, WriteFailed
from sync.connectors.registry import kind_of
from sync.ical.found import found_in_export
from sync.model.cadence import Cadence
from sync.model.identity import fingerprint, series_uid
from sync.model.said import say
from sync.model.series_end import keeps, last_date
from sync.model.values import REGULAR_CADENCE, FoundSeries, Interval, Occurrence, OccurrenceStatus
from sync.planner.slots import local_instant
from sync.store import EXPORT_ONLY, NewProposal, SeriesState, Store

ACTOR = "rebuild"
MAX_GENERATION = 10_000


@dataclass
class Rebuilt:
    booked: list[str] = field(default_factory=list)
    ended: list[str] = field(default_factory=list)
    errors: dict[str, str] = field(default_factory=dict)


def rebuild(
    store: Store,
    roster: Roster,
    connectors: Connectors,
    paths: Paths,
    now: datetime,
    horizon_weeks: int,
) -> Rebuilt:
    result = Rebuilt()
    window = Interval(now - timedelta(days=1), now + timedelta(weeks=horizon_weeks, days=7))

    # each provider lists all of its organisers at once, in as few round trips as its batch
    # endpoint allows, the providers side by side; what they hold is restored one by one
    managers = sorted(roster.managers)
    by_kind: dict[str, list[str]] = defaultdict(list)
    for email in managers:
        by_kind[kind_of(roster.managers[email].person.calendar)].append(email)

    def listed(kind: str) -> Mapping[str, list[FoundSeries] | WriteFailed]:
        writer = connectors.writers.get(kind)
        if writer is None:
            return {email: _exported(paths, email) for email in by_kind[kind]}
        return writer.list_series_many(by_kind[kind], window)

    kinds = sorted(by_kind)
    with ThreadPoolExecutor(max_workers=max(len(kinds), 1)) as pool:
        lists = dict(zip(kinds, pool.map(listed, kinds), strict=True))
    for email in managers:
        kind = kind_of(roster.managers[email].person.calendar)
        found = lists[kind][email]
        if isinstance(found, WriteFailed):
            result.errors[email] = str(found)
            continue
        source = kind if kind in connectors.writers else EXPORT_ONLY
        for series in found:
            if store.has_series(series.uid):
                continue
            ended = _restore(store, roster, series, source, now, window.end)
            (result.ended if ended else result.booked).append(series.uid)
    return result


def _exported(paths: Paths, email: str) -> list[FoundSeries]:
    return found_in_export(paths.export / f"{email}.ics", email)


def _restore(
    store: Store,
    roster: Roster,
    found: FoundSeries,
    calendar: str,
    now: datetime,
    horizon_end: datetime,
) -> bool:
    cadence = Cadence.from_rrule(found.rrule)
    if found.until is not None:
        # each calendar words the end its own way; the store keeps the last date's start
        until = last_date(found.first_start, found.timezone, cadence.label, found.until)
        found = replace(found, until=until or found.first_start)
    manager = roster.managers.get(found.organiser)
    employee = roster.employees.get(found.attendee)
    occurrences = _occurrences(found, cadence, now, horizon_end)
    state = (
        SeriesState.CANCELLED
        if found.cancelled
        else SeriesState.SUPERSEDED
        if found.until is not None
        else SeriesState.BOOKED
    )
    content = NewProposal(
        manager=found.organiser,
        employee=found.attendee,
        manager_name=manager.person.name if manager else found.organiser,
        employee_name=employee.person.name if employee else found.attendee_name or found.attendee,
        fingerprint=fingerprint(found.organiser, cadence.label, found.duration),
        cadence=cadence.label,
        cadence_reason=REGULAR_CADENCE,
        duration=found.duration,
        timezone=found.timezone,
        rrule=found.rrule,
        first_start=found.first_start,
        occurrences=occurrences,
        explanation=say("Recovered from the calendar after the state database was lost."),
        alternatives=[],
        reason=say("rebuilt from the calendar"),
        organiser_calendar=calendar,
    )
    store.restore_series(
        content,
        uid=found.uid,
        generation=_generation(found),
        state=state,
        calendar=calendar,
        sequence=found.sequence,
        first_start=found.first_start,
        until=found.until,
        occurrences=occurrences,
        actor=ACTOR,
    )
    return state is not SeriesState.BOOKED


def _generation(found: FoundSeries) -> int:
    """The generation the UID was made from, so the next series of the pair gets a new one."""
    for generation in range(1, MAX_GENERATION):
        if series_uid(found.organiser, found.attendee, generation) == found.uid:
            return generation
    # not made from this pair (the roster changed): any generation no new UID will reach
    return MAX_GENERATION + int(hashlib.sha256(found.uid.encode()).hexdigest()[:6], 16)


def _occurrences(
    found: FoundSeries, cadence: Cadence, now: datetime, horizon_end: datetime
) -> tuple[Occurrence, ...]:
    """The dates ahead, as the calendar has them; what people changed stays as they left it."""
    zone = ZoneInfo(found.timezone)
    local = found.first_start.astimezone(zone)
    length = timedelta(minutes=found.duration)
    result = []
    for day in cadence.dates(local.date(), horizon_end.date()):
        start = local_instant(day, local.time().replace(tzinfo=None), zone)
        if start is None or start < now or start >= horizon_end:
            continue
        if not keeps(found.until, start):
            break
        if start in found.exceptions:
            actual = found.exceptions[start]
            if actual is None:
                result.append(
                    Occurrence(start, start, start + length, OccurrenceStatus.SKIPPED,
                               say("not in the calendar"), fixed=True)
                )  # fmt: skip
            else:
                result.append(
                    Occurrence(start, actual.start, actual.end, OccurrenceStatus.MOVED,
                               say("moved in the calendar"), fixed=True)
                )  # fmt: skip
            continue
        result.append(Occurrence(start, start, start + length))
    return tuple(result)
