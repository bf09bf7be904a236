"""Which connector serves a roster `calendar` value, and reading many people through them.

Each provider's client library is imported only when someone's calendar is of that kind:
Google's, Microsoft's and the CalDAV stack each take a good part of a second to load, which
commands that read no calendar (and organisations that use one provider) should not pay."""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor, as_completed
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

from sync.connectors.base import (
    BusyReading,
    CalendarRef,
    CalendarWriter,
    Connector,
    Connectors,
)
from sync.connectors.none import NoCalendar
from sync.model.values import Interval
from sync.plumbing.deadline import Deadline
from sync.plumbing.logs import FIELDS
from sync.plumbing.progress import Tick

if TYPE_CHECKING:
    from sync.config.roster import Roster
    from sync.config.settings import Settings

log = logging.getLogger(__name__)


def kind_of(source: str) -> str:
    """ "ics:demo/karin.ics" → "ics"; "google" → "google"."""
    return source.split(":", 1)[0]


def connectors_for(
    config_dir: Path,
    settings: Settings,
    roster: Roster,
    *,
    ics_cache: Path | None = None,
    deadline: Deadline | None = None,
) -> Connectors:
    """The connectors this roster needs. Provider connectors are set up (and their
    credentials checked) only when someone uses that provider, before anything runs.
    `ics_cache`: where .ics busy time is kept between runs (none: every read parses).
    `deadline`: the run's, which expanding a calendar's recurrences also keeps to."""
    from sync.connectors.ics import IcsConnector
    from sync.connectors.ics_cache import IcsBusyCache

    cache = IcsBusyCache(ics_cache) if ics_cache is not None else None
    readers: dict[str, Connector] = {
        "ics": IcsConnector(
            config_dir,
            settings.ics_timeout_seconds,
            cache,
            allow_hosts=settings.ics.allow_hosts,
            deadline=deadline,
        ),
        "none": NoCalendar(),
    }
    writers: dict[str, CalendarWriter] = {}
    users = _users_by_kind(roster)
    if "google" in users:
        from sync.connectors.google.connector import GoogleConnector

        google = GoogleConnector(settings.google)
        google.verify(users["google"][0])
        readers["google"] = writers["google"] = google
    if "outlook" in users:
        from sync.connectors.outlook.connector import OutlookConnector

        outlook = OutlookConnector(settings.outlook)
        outlook.verify(users["outlook"][0])
        outlook.ask_through_teams(_team_mailboxes(roster, "outlook"))
        readers["outlook"] = writers["outlook"] = outlook
    if "caldav" in users:
        from sync.connectors.caldav.connector import CalDavConnector

        calendars = {
            p.email: p.calendar for p in roster.people() if kind_of(p.calendar) == "caldav"
        }
        caldav = CalDavConnector(settings.caldav, calendars)
        caldav.verify(calendars)
        readers["caldav"] = writers["caldav"] = caldav
    return Connectors(readers=readers, writers=writers)


def _users_by_kind(roster: Roster) -> dict[str, list[str]]:
    """Emails per calendar kind, managers first (they are the organisers)."""
    users: dict[str, list[str]] = defaultdict(list)
    for person in roster.people():
        users[kind_of(person.calendar)].append(person.email)
    return dict(users)


def _team_mailboxes(roster: Roster, kind: str) -> dict[str, str]:
    """For each person on `kind` whose team's manager is on it too, that manager's email (a
    manager's own team is the one they lead). Managers are the organisers the service
    writes to, so their mailboxes are ones the app may use."""
    managers = {e for e, m in roster.managers.items() if kind_of(m.person.calendar) == kind}
    teams = {email: email for email in managers}
    for employee in [*roster.employees.values(), *roster.kept_as_booked.values()]:
        email = employee.person.email
        if kind_of(employee.person.calendar) == kind and employee.manager in managers:
            teams.setdefault(email, employee.manager)
    return teams


def read_busy(
    connectors: Mapping[str, Connector],
    people: Sequence[CalendarRef],
    window: Interval,
    tick: Tick | None = None,
) -> dict[str, BusyReading]:
    """Each connector reads all of its people in one call, the kinds of calendar side by
    side: a read mostly waits on its provider, so the night waits about as long as the
    slowest provider takes, not as long as all of them in turn. Keyed by connector kind in
    sorted order, as the report lists how many requests each provider took. `tick(people
    read, people)` as each connector's call ends."""
    groups: dict[str, list[CalendarRef]] = defaultdict(list)
    for person in people:
        groups[kind_of(person.source)].append(person)
    readings: dict[str, BusyReading] = {}
    reads: dict[str, Callable[[], BusyReading]] = {}
    for kind, group in groups.items():
        connector = connectors.get(kind)
        if connector is None:
            readings[kind] = BusyReading(
                errors={
                    p.email: f'calendar "{p.source}" is not supported by this version of '
                    f"checkin-sync (use google, outlook, caldav:<URL>, ics:<file or URL> or none)"
                    for p in group
                }
            )
        else:
            reads[kind] = partial(_read_kind, kind, connector, group, window)
    done = sum(len(groups[kind]) for kind in readings)
    if tick is not None:
        tick(done, len(people))
    if reads:
        with ThreadPoolExecutor(len(reads), "read") as pool:
            running = {pool.submit(read): kind for kind, read in sorted(reads.items())}
            for finished in as_completed(running):
                readings[running[finished]] = finished.result()
                done += len(groups[running[finished]])
                if tick is not None:
                    tick(done, len(people))
    return {kind: readings[kind] for kind in sorted(readings)}


def _read_kind(
    kind: str, connector: Connector, group: Sequence[CalendarRef], window: Interval
) -> BusyReading:
    """One kind's read. A connector reports each calendar it cannot read as that person's
    error; should it fail as a whole, its people cannot be read tonight, and the other
    kinds are still read and their pairs planned."""
    try:
        return connector.read_busy(group, window)
    except Exception as error:  # why: a failure of one provider's code is its people's
        fields = {FIELDS: {"kind": kind, "people": len(group)}}
        log.error("reading calendars failed", exc_info=True, extra=fields)
        why = f"reading {kind} calendars failed ({type(error).__name__}); the log says where"
        return BusyReading(errors={person.email: why for person in group})
