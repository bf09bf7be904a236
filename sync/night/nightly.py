"""The nightly run, the only place that sequences one: load → lock → reconcile → read →
plan → store proposals → book approved → export → invite → notify managers → send mail →
report.

Failures are contained per pair: a bad roster entry or an unreadable calendar skips the pairs
that depend on it and is reported; nothing booked is cancelled because something could not
be read.
"""

from __future__ import annotations

import os
from contextlib import AbstractContextManager, nullcontext
from datetime import UTC
from pathlib import Path

from sync.config.paths import Paths
from sync.config.purpose import Purpose
from sync.config.roster import load_roster
from sync.config.settings import load_settings
from sync.connectors.base import Connectors
from sync.connectors.registry import connectors_for
from sync.delivery.report import RunReport
from sync.model.errors import ConfigError
from sync.night.lock import RunLock
from sync.night.steps import _Night
from sync.night.tonight import RunOptions
from sync.plumbing.deadline import Deadline
from sync.store import Store


def run_nightly(
    config_dir: Path,
    options: RunOptions,
    connectors: Connectors | None = None,
) -> RunReport:
    settings = load_settings(config_dir)
    roster = load_roster(config_dir / "people.toml")
    if not roster.usable:
        raise ConfigError(roster.all_problems)
    paths = Paths(settings.data_dir)
    purpose = Purpose(settings.language, settings.invitation_template)
    deadline = Deadline(settings.run_deadline_minutes * 60)
    if connectors is None:
        cache = None if options.dry_run else paths.ics_cache  # a dry run writes nothing
        connectors = connectors_for(
            config_dir, settings, roster, ics_cache=cache, deadline=deadline
        )
    now = options.now.astimezone(UTC)
    report = RunReport(now=now, horizon_weeks=settings.horizon_weeks, dry_run=options.dry_run)
    report.config_problems = roster.problems
    if any(person.calendar == "outlook" for person in roster.people()):
        # a credential about to end stops every Outlook read and write the night it does;
        # imported here, like every provider's code, only where someone uses the provider
        from sync.connectors.outlook.expiry import expiry_problem

        ending = expiry_problem(settings.outlook, now.date())
        if ending:
            report.config_problems.append(ending)
    lock: AbstractContextManager[object] = nullcontext() if options.dry_run else RunLock(paths.lock)
    with lock:
        # a database that is not there yet may have been lost: the calendars know its series
        fresh = not paths.database.exists()
        store = (
            Store.scratch(paths.database, quiescent=RunLock(paths.lock).holder() is None)
            if options.dry_run
            else Store.open(paths.database)
        )
        try:
            night = _Night(
                options=options,
                settings=settings,
                roster=roster,
                store=store,
                paths=paths,
                now=now,
                report=report,
                connectors=connectors,
                purpose=purpose,
                deadline=deadline,
            )
            night.fresh = fresh and not options.dry_run
            night.run()
        finally:
            store.close()
    if not options.dry_run:
        paths.close_up()
        report.save(paths.reports / f"{now:%Y%m%dT%H%M%SZ}-{os.getpid()}.json")
    if options.report_json is not None:
        report.save(options.report_json)
    return report
