"""Work done between nights, through the same lock and code as a night: rebuilding the store
from the calendars, and booking what a manager just approved."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from sync.config.paths import Paths
from sync.config.purpose import Purpose
from sync.config.roster import load_roster
from sync.config.settings import Settings, load_settings
from sync.connectors.base import Connectors
from sync.connectors.registry import connectors_for
from sync.delivery.invitations import queue_invitations
from sync.delivery.mail import deliver_and_report
from sync.delivery.report import RunReport
from sync.model.errors import ConfigError
from sync.night.booking import Booker
from sync.night.lock import RunLock
from sync.night.rebuild import Rebuilt, rebuild
from sync.night.steps import _Night
from sync.night.tonight import RunOptions, export_and_note
from sync.night.workflow import confirm_approved
from sync.plumbing.deadline import Deadline
from sync.store import State, Store


def rebuild_store(config_dir: Path, now: datetime) -> Rebuilt:
    """`checkin-sync rebuild`: add to the database every series the calendars hold that it
    does not know, under the run lock."""
    settings = load_settings(config_dir)
    roster = load_roster(config_dir / "people.toml")
    if not roster.usable:
        raise ConfigError(roster.all_problems)
    paths = Paths(settings.data_dir)
    connectors = connectors_for(config_dir, settings, roster)
    with RunLock(paths.lock):
        store = Store.open(paths.database)
        try:
            return rebuild(store, roster, connectors, paths, now, settings.horizon_weeks)
        finally:
            store.close()


def book_approved_now(
    config_dir: Path,
    actor: str,
    now: datetime | None = None,
    connectors: Connectors | None = None,
) -> RunReport:
    """Book what is approved at once, through the same lock, booking code and export as the
    nightly run, so a manager does not wait for tomorrow night. Raises LockHeld while a
    run is in progress; that run books them instead."""
    settings = load_settings(config_dir)
    paths = Paths(settings.data_dir)
    # what was approved before a manager or employee left the roster is not booked now
    roster = load_roster(config_dir / "people.toml")
    if connectors is None:
        connectors = connectors_for(config_dir, settings, roster)
    report = RunReport(now=(now or datetime.now(UTC)), horizon_weeks=settings.horizon_weeks)
    with RunLock(paths.lock):
        store = Store.open(paths.database)
        try:
            _confirm_with_calendars(config_dir, settings, store, connectors, report, actor)
            Booker(store, report.now, actor, connectors, language=settings.language).book_approved(
                report, listed=lambda p: roster.has_pair(p.manager, p.employee)
            )
            if report.booked or report.superseded:
                export_and_note(store, paths, report, settings.language)
                # the people to invite learn of it now too, not after tonight's run
                zones = _zones(config_dir)
                if queue_invitations(store, settings, connectors.writers, zones, report.now):
                    deliver_and_report(store, settings, report)
        finally:
            store.close()
    report.finish()
    return report


def _confirm_with_calendars(
    config_dir: Path,
    settings: Settings,
    store: Store,
    connectors: Connectors,
    report: RunReport,
    actor: str,
) -> None:
    """Read the calendars of the people whose proposals were just approved, and check those
    proposals against them before anything is written (workflow.confirm_approved). Without a
    usable roster they are booked as approved, and the nightly run keeps them up."""
    approved = store.proposals(states=[State.APPROVED])
    if not approved:
        return
    try:
        roster = load_roster(config_dir / "people.toml")
    except ConfigError:
        return
    if not roster.usable:
        return
    night = _Night(
        options=RunOptions(now=report.now),
        settings=settings,
        roster=roster,
        store=store,
        paths=Paths(settings.data_dir),
        now=report.now.astimezone(UTC),
        report=report,
        connectors=connectors,
        purpose=Purpose(settings.language, settings.invitation_template),
        deadline=Deadline(settings.run_deadline_minutes * 60),
    )
    involved = {email for record in approved for email in (record.manager, record.employee)}
    busy = night.read_calendars([p for p in roster.people() if p.email in involved])
    confirm_approved(store, night.roster, night.planning_input(busy), actor, report)


def _zones(config_dir: Path) -> dict[str, str]:
    """Everyone's zone, for the times in invitation emails; the series' own zone where the
    roster cannot be read right now."""
    try:
        return load_roster(config_dir / "people.toml").zones()
    except ConfigError:
        return {}
