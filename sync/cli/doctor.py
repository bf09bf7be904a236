"""`checkin-sync doctor`: is everything in place for tonight's run? Checks the configuration,
the credentials (a token can be had), that every calendar answers, and the state database —
without writing anything anywhere."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from sync.cli.config_check import check_config
from sync.config.paths import Paths
from sync.config.provider_settings import OutlookSettings
from sync.config.roster import Roster, load_roster
from sync.config.settings import load_settings
from sync.connectors.base import CalendarRef
from sync.connectors.google.connector import GoogleConnector
from sync.connectors.outlook.connector import OutlookConnector
from sync.connectors.outlook.expiry import expiry, expiry_warning
from sync.connectors.registry import connectors_for, read_busy
from sync.model.errors import ConfigError, Failure, StoreError
from sync.model.values import Interval
from sync.night.lock import RunLock
from sync.plumbing.http_stack import current as http_stack
from sync.store import LIVE_STATES, SeriesState, Store

EXIT_OK, EXIT_ATTENTION, EXIT_BROKEN = 0, 1, 2
VERDICTS = {
    EXIT_OK: "Ready for tonight.",
    EXIT_ATTENTION: "Runs would work, with the problems above.",
    EXIT_BROKEN: "A run would stop: fix the problems above.",
}


@dataclass(frozen=True)
class Finding:
    ok: bool
    subject: str
    detail: str
    stops_runs: bool = False
    """A FAIL no run gets past (the database, data_dir): the verdict says runs would stop."""

    def __str__(self) -> str:
        return f"{'ok ' if self.ok else 'FAIL'}  {self.subject}: {self.detail}"


def diagnose(config_dir: Path) -> tuple[list[Finding], int]:
    findings: list[Finding] = []
    problems, summary = check_config(config_dir)
    if problems:
        findings += [Finding(False, "configuration", problem) for problem in problems]
        return findings, EXIT_BROKEN
    findings.append(Finding(True, "configuration", summary))
    stack = http_stack()
    findings.append(Finding(stack.consistent, "HTTP library", stack.describe()))
    settings = load_settings(config_dir)
    roster = load_roster(config_dir / "people.toml")
    paths = Paths(settings.data_dir)
    findings += _store(paths)
    if any(person.calendar == "outlook" for person in roster.people()):
        findings += _expiry(settings.outlook, datetime.now(UTC).date())
    try:
        connectors = connectors_for(config_dir, settings, roster)
    except ConfigError as error:
        findings += [Finding(False, "credentials", problem) for problem in error.problems]
        return findings, EXIT_BROKEN
    kinds = sorted(set(connectors.readers) - {"ics", "none"})
    findings.append(
        Finding(True, "credentials", f"a token was issued for {', '.join(kinds)}" if kinds else
                "no provider accounts are needed (ics and none calendars only)")
    )  # fmt: skip
    findings += _permissions(connectors.readers, roster)
    people = {m.person.email: m.person for m in roster.managers.values()}
    people |= {e.person.email: e.person for e in roster.employees.values()}
    refs = [CalendarRef.of(p) for p in people.values()]
    now = datetime.now(UTC)
    readings = read_busy(connectors.readers, refs, Interval(now, now + timedelta(days=1)))
    unreadable = {e: why for reading in readings.values() for e, why in reading.errors.items()}
    findings += [Finding(False, f"calendar of {e}", why) for e, why in sorted(unreadable.items())]
    findings.append(
        Finding(
            not unreadable,
            "calendars",
            f"{len(refs) - len(unreadable)} of {len(refs)} answered",
        )
    )
    return findings, _verdict(findings)


def _permissions(readers: Mapping[str, object], roster: Roster) -> list[Finding]:
    """Each permission and sharing setting a night needs, named where one is missing."""
    findings = []
    organisers = {
        kind: [m.person.email for m in roster.managers.values() if m.person.calendar == kind]
        for kind in ("google", "outlook")
    }
    google = readers.get("google")
    if isinstance(google, GoogleConnector):
        users = [p.email for p in roster.people() if p.calendar == "google"]
        acting = (organisers["google"] or users)[0]
        refused = google.refused_scopes(acting, books=bool(organisers["google"]))
        findings += [Finding(False, "Google permissions", text) for text in refused]
        if not refused:
            findings.append(
                Finding(True, "Google permissions", "every scope a night needs is granted")
            )
    outlook = readers.get("outlook")
    if isinstance(outlook, OutlookConnector):
        denied = {m: outlook.calendar_refused(m) for m in organisers["outlook"]}
        findings += [Finding(False, f"calendar of {m}", why) for m, why in denied.items() if why]
        if organisers["outlook"] and not any(denied.values()):
            findings.append(
                Finding(
                    True,
                    "Microsoft permissions",
                    f"the app may use the calendar of each manager on Outlook ({len(denied)})",
                )
            )
    return findings


def _expiry(settings: OutlookSettings, today: date) -> list[Finding]:
    found = expiry(settings)
    if found is None:
        return []  # no credential at all: the credentials check names the setting
    fine, text = expiry_warning(found, today, settings.warn_days_before_expiry)
    return [Finding(fine, "Microsoft credential", text)]


def _verdict(findings: list[Finding]) -> int:
    if any(f.stops_runs for f in findings if not f.ok):
        return EXIT_BROKEN
    return EXIT_OK if all(f.ok for f in findings) else EXIT_ATTENTION


def _store(paths: Paths) -> list[Finding]:
    findings = []
    data_dir = _data_dir(paths.data_dir)
    if not data_dir.ok:
        return [data_dir]  # the lock and database inside it cannot be looked at either
    findings.append(data_dir)
    holder = RunLock(paths.lock).holder()
    if holder:
        findings.append(Finding(True, "run lock", f"a run is in progress ({holder})"))
    if not paths.database.exists():
        findings.append(Finding(True, "state database", "none yet; the first run creates it"))
        return findings
    unwritable = [p for p in (paths.database, paths.lock) if p.exists() and not _writable(p)]
    if unwritable:
        detail = f"{unwritable[0]} cannot be written by this user"
        findings.append(Finding(False, "state database", detail, stops_runs=True))
    try:
        # a private copy: nothing is written
        store = Store.scratch(paths.database, quiescent=holder is None)
    except (StoreError, Failure) as error:
        return [*findings, Finding(False, "state database", str(error), stops_runs=True)]
    try:
        booked = len(store.series(states=[SeriesState.BOOKED]))
        live = len(store.proposals(states=LIVE_STATES))
        pending = [s for s in store.series() if s.needs_write]
    finally:
        store.close()
    findings.append(
        Finding(True, "state database", f"{booked} series booked, {live} live proposals")
    )
    if pending:
        findings.append(
            Finding(
                False,
                "calendar writes",
                f"{len(pending)} series wait to be written (the next run retries): "
                + "; ".join(sorted({s.last_error for s in pending if s.last_error})[:3]),
            )
        )
    return findings


def _data_dir(data_dir: Path) -> Finding:
    """data_dir must be a folder this user can write in, or be creatable in one."""
    existing = data_dir
    while not existing.exists() and existing != existing.parent:
        existing = existing.parent
    if not existing.is_dir():
        detail = f"{existing} is a file; data_dir must be a folder"
        return Finding(False, "data_dir", detail, stops_runs=True)
    if not _writable(existing):
        # os.access also says no on a read-only file system, for root too
        detail = f"{existing} cannot be written by this user (read-only or permissions)"
        return Finding(False, "data_dir", detail, stops_runs=True)
    if existing != data_dir:
        return Finding(True, "data_dir", f"{data_dir} will be created in {existing}")
    return Finding(True, "data_dir", f"{data_dir} is writable")


def _writable(path: Path) -> bool:
    return os.access(path, os.W_OK)
