"""Parsing .ics calendars into each person's busy time, on every core when there are many.

Parsing and expanding iCalendar data is pure Python and holds the GIL: on a cold night (no
cache yet) it is the largest part of reading calendars, about a tenth of a second per file.
When many files need parsing, they are parsed in worker processes, one per core. Each file's
answer depends only on its bytes, the window and its people, so the answers are the same
wherever they are computed, and they are taken in the order the files were asked.

Workers are started with "spawn", not "fork": the night's process has other threads (the
providers' connection pools), and a forked child could inherit a lock one of them held. If
workers cannot be started, the files are parsed here, one after another.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass

from sync.connectors.ics_busy import expand_events, parse_calendars, person_busy
from sync.connectors.ics_cache import PersonBusy
from sync.model.errors import CalendarError
from sync.model.values import Interval
from sync.plumbing.deadline import Deadline
from sync.plumbing.logs import event

POOL_FROM = 16
"""Files to parse before worker processes are worth starting (each imports the parser)."""
MAX_WORKERS = 4
log = logging.getLogger(__name__)


@dataclass(frozen=True)
class ParseJob:
    data: bytes
    label: str
    span: Interval
    people: tuple[tuple[str, str], ...]
    """(email, timezone) of each person the file is read for."""


@dataclass(frozen=True)
class Unexpected:
    """Parsing failed in a way the parser does not name: the error's type, for the report."""

    name: str


Parsed = dict[str, PersonBusy | CalendarError] | CalendarError | Unexpected
"""Each person's busy time (or why not), or why the whole file could not be read."""


def parse(job: ParseJob, deadline: Deadline | None = None) -> Parsed:
    try:
        calendars = parse_calendars(job.data, job.label)
        events = expand_events(calendars, job.span, job.label, deadline)
        found: dict[str, PersonBusy | CalendarError] = {}
        for email, timezone in job.people:
            try:
                found[email] = person_busy(
                    events,
                    person_email=email,
                    person_timezone=timezone,
                    window=job.span,
                    source_label=job.label,
                )
            except CalendarError as exc:
                found[email] = exc
        return found
    except CalendarError as exc:
        return exc
    except Exception as exc:  # why: one odd calendar must not stop everyone's planning
        return Unexpected(type(exc).__name__)


def parse_all(jobs: Sequence[ParseJob], deadline: Deadline | None = None) -> list[Parsed]:
    """Every job's answer, in order."""
    cores = os.cpu_count() or 1
    if len(jobs) < POOL_FROM or cores < 2:
        return [parse(job, deadline) for job in jobs]
    left = deadline.left() if deadline is not None else None
    try:
        context = multiprocessing.get_context("spawn")
        with ProcessPoolExecutor(min(cores, MAX_WORKERS), mp_context=context) as pool:
            return list(pool.map(_parse_within, jobs, [left] * len(jobs)))
    except (OSError, RuntimeError) as exc:  # BrokenProcessPool is a RuntimeError
        event(log, "parsing .ics files here: no worker processes", error=type(exc).__name__)
        return [parse(job, deadline) for job in jobs]


def _parse_within(job: ParseJob, seconds_left: float | None) -> Parsed:
    """`parse` in a worker: the run's deadline as the seconds it had left when sent."""
    return parse(job, Deadline(seconds_left) if seconds_left is not None else None)
