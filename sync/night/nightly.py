"""The nightly run, the only place that sequences one: load → lock → reconcile → read →
plan → store proposals → book approved → export → invite → notify managers → send mail →
report.

Failures are contained per pair: a bad roster entry or an unreadable calendar skips the pairs
that depend on it and is reported; nothing booked is cancelled because something could not
be read.
"""

from __future__ import annotations

import logging
import os
import time
from collections import defaultdict
from collections.abc import Callable, Sequence
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sync.config.paths import Paths
from sync.config.purpose import Purpose
from sync.config.roster import Roster, load_roster
from sync.config.settings import Settings, load_settings
from sync.connectors.base import CalendarRef, Connectors
from sync.connectors.outlook.expiry import expiry_problem
from sync.connectors.registry import connectors_for, read_busy
from sync.delivery.digest import notify_managers
from sync.delivery.export.series import export_all
from sync.delivery.invitations import queue_invitations
from sync.delivery.mail import deliver_and_report
from sync.delivery.report import PairLine, RunReport
from sync.model.errors import ConfigError
from sync.model.said import Said, say
from sync.model.values import BusyBlock, Interval, Person, PlannedSeries
from sync.night.booking import Booker
from sync.night.busy_time import own_checkins, without
from sync.night.calendar_watch import observe_calendars
from sync.night.doubled_dates import repair_doubled_dates
from sync.night.health_watch import note_health
from sync.night.keep_up import booked_pairs, keep_up
from sync.night.lock import RunLock
from sync.night.proposing import Proposing, propose_extras, regular_proposal, take_in_requests
from sync.night.provider_hours import with_provider_hours
from sync.night.rebuild import Rebuilt, rebuild
from sync.night.reconcile import NEW_PAIR, Decisions, PairToPlan, reconcile
from sync.night.refusals import refused_times
from sync.night.workflow import confirm_approved
from sync.planner import Commitment, PlanFailure, PlanningInput, plan
from sync.planner.refused import RefusedTime
from sync.plumbing.deadline import Deadline
from sync.plumbing.logs import event
from sync.plumbing.progress import Progress
from sync.store import LIVE_STATES, NewProposal, SeriesState, State, Store

log = logging.getLogger(__name__)
ACTOR = "nightly run"


@dataclass(frozen=True)
class RunOptions:
    now: datetime
    dry_run: bool = False
    accept_deletions: bool = False
    """Take series missing from a calendar as really deleted, even most of a calendar's, and
    end the pairs people.toml no longer has, even when that is many or all of them."""
    progress: bool | None = None
    """Show progress on stderr; by default only when stderr is a terminal."""
    report_json: Path | None = None
    """Also write the report here (a real run always keeps one in data_dir/reports)."""


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
        # a credential about to end stops every Outlook read and write the night it does
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
                _export(store, paths, report, settings.language)
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


def _export(store: Store, paths: Paths, report: RunReport, language: str) -> None:
    exported = export_all(store, paths.export, paths.export_memo, language)
    report.note_export(exported.paths, exported.rewritten, exported.failed)


def _zones(config_dir: Path) -> dict[str, str]:
    """Everyone's zone, for the times in invitation emails; the series' own zone where the
    roster cannot be read right now."""
    try:
        return load_roster(config_dir / "people.toml").zones()
    except ConfigError:
        return {}


class _Night:
    def __init__(
        self,
        *,
        options: RunOptions,
        settings: Settings,
        roster: Roster,
        store: Store,
        paths: Paths,
        now: datetime,
        report: RunReport,
        connectors: Connectors,
        purpose: Purpose,
        deadline: Deadline,
    ) -> None:
        self.options = options
        self.purpose = purpose
        self.settings = settings
        self.roster = roster
        self.store = store
        self.paths = paths
        self.now = now
        self.report = report
        self.connectors = connectors
        self.earliest = now + timedelta(hours=settings.min_notice_hours)
        self.deadline = deadline
        self.fresh = False
        self.progress = Progress(enabled=options.progress)
        self.window = Interval(now, now + timedelta(weeks=settings.horizon_weeks, days=7))

    def run(self) -> None:
        self.run_id = self.store.begin_run(self.now)
        self.busy: dict[str, list[BusyBlock]] = {}
        self.to_plan: list[PairToPlan] = []
        if self.fresh:
            # not subject to the deadline: once the database exists, it would never happen
            self.step("rebuild from calendars", self.rebuild)
        steps: list[tuple[str, Callable[[], None]]] = [
            ("observe calendars", self.observe),
            ("read calendars", self.read),
            ("reconcile", self.reconcile),
            ("repair doubled dates", self.repair_doubled_dates),
            ("keep up booked series", self.keep_up),
            ("propose", self.plan_new),
            ("propose extra check-ins", self.plan_extras),
            ("book and write", self.book),
        ]
        for name, action in steps:
            if self.deadline.passed():
                self.report.stopped.append(name)
                event(log, "step skipped: run deadline reached", step=name)
                continue
            self.step(name, action)
        if not self.report.dry_run:
            self.step("export", self.export)
        self.step("note health", self.note_health)
        self.report.pending = [
            PairLine(p.manager, p.employee, p.explanation, p.id)
            for p in self.store.proposals(states=[State.PENDING])
        ]
        if not self.report.dry_run:
            self.step("invite", self.invite)
            self.step("notify managers", self.notify_managers)
            self.step("send mail", self.send_mail)
        self.report.finish()
        self.store.finish_run(self.run_id, self.report.exit_code, self.report.summary())

    def step(self, name: str, action: Callable[[], None]) -> None:
        started = time.monotonic()
        event(log, "step started", step=name)
        action()
        event(log, "step done", step=name, seconds=round(time.monotonic() - started, 3))

    # ------------------------------------------------------------------ steps

    def rebuild(self) -> None:
        rebuilt = rebuild(
            self.store,
            self.roster,
            self.connectors,
            self.paths,
            self.now,
            self.settings.horizon_weeks,
        )
        self.report.rebuilt = rebuilt.booked + rebuilt.ended
        self.report.read_errors.update(rebuilt.errors)

    def observe(self) -> None:
        observe_calendars(
            self.store,
            self.connectors,
            Interval(self.now - timedelta(days=1), self.window.end),
            self.report,
            ACTOR,
            accept_deletions=self.options.accept_deletions,
        )

    def read(self) -> None:
        people = self.people_in_pairs()
        self.busy = self.read_calendars(people)
        event(log, "calendars read", people=len(people), unreadable=len(self.report.read_errors))
        for email, error in sorted(self.report.read_errors.items()):
            event(log, "calendar unreadable", logging.WARNING, person=email, reason=error)

    def refused(self) -> dict[str, tuple[RefusedTime, ...]]:
        return refused_times(self.store, self.roster, self.now, self.settings.avoid_refused_weeks)

    def reconcile(self) -> None:
        decisions = reconcile(
            self.roster,
            self.store.proposals(states=LIVE_STATES),
            self.refused(),
            self.now.date(),
            self.earliest,
            declined={s.uid: s.declined_by for s in self.store.series(states=[SeriesState.BOOKED])},
            accept_endings=self.options.accept_deletions,
        )
        self.apply(decisions)
        self.to_plan = decisions.plan
        if decisions.held:
            # until confirmed, absence from people.toml ends nothing tonight, requests included
            self.roster = replace(self.roster, complete=False)

    def repair_doubled_dates(self) -> None:
        repair_doubled_dates(self.store, ACTOR, self.report)

    def keep_up(self) -> None:
        booked = booked_pairs(self.store, self.roster, self.refused())
        keep_up(self.store, booked, self.planning_input(self.busy), self.busy, self.report, ACTOR)

    def plan_new(self) -> None:
        self.propose(self.run_id, self.to_plan, self.busy)

    def plan_extras(self) -> None:
        """Welcome-back and requested check-ins, planned around everything proposed so far."""
        take_in_requests(self.store, self.roster, self.now, ACTOR)
        context = Proposing(self.store, self.purpose, self.report, ACTOR, self.run_id)
        propose_extras(context, self.roster, self.busy, self.window, self.planning_input(self.busy))

    def note_health(self) -> None:
        note_health(self.store, self.roster, self.now, self.report)

    def book(self) -> None:
        # approvals since the last run are booked against tonight's calendars
        confirm_approved(
            self.store, self.roster, self.planning_input(self.busy), ACTOR, self.report
        )
        Booker(
            self.store,
            self.now,
            ACTOR,
            self.connectors,
            dry_run=self.options.dry_run,
            deadline=self.deadline,
            progress=self.progress,
            language=self.settings.language,
        ).book_approved(self.report)

    def export(self) -> None:
        _export(self.store, self.paths, self.report, self.settings.language)

    def invite(self) -> None:
        """Queue an invitation for everyone who has not been sent a series' current version."""
        writers = self.connectors.writers
        zones = self.roster.zones()
        queue_invitations(self.store, self.settings, writers, zones, self.now)

    def send_mail(self) -> None:
        deliver_and_report(self.store, self.settings, self.report)

    # ------------------------------------------------------------------ notify

    def notify_managers(self) -> None:
        """Queue for each manager the digest of what waits for them and what happened
        tonight. Bookings are done by now: a mail failure is reported and retried next run,
        it never undoes them."""
        notify_managers(self.store, self.settings, self.roster, self.report, datetime.now(UTC))

    # ------------------------------------------------------------------ reconcile

    def apply(self, decisions: Decisions) -> None:
        for record, said in decisions.supersede:
            self.store.transition(record.id, State.SUPERSEDED, ACTOR, said)
            self.report.superseded.append(
                PairLine(record.manager, record.employee, said, record.id)
            )
        for record, ended in decisions.cancel:
            series = self.store.series_of(record.id)
            # a series still being written is ended too, or the next write would create it
            if series is not None and series.state in (SeriesState.BOOKED, SeriesState.BOOKING):
                self.store.end_series(series, SeriesState.CANCELLED, ACTOR, ended)
            else:
                self.store.transition(record.id, State.CANCELLED, ACTOR, ended)
            self.report.cancelled.append(
                PairLine(record.manager, record.employee, ended, record.id)
            )
        for manager, employee, why in decisions.skipped:
            # a problem in people.toml, in the words of `config check`: for the operator
            self.report.skipped.append(PairLine(manager, employee, Said.text(why)))
        if decisions.held:
            self.report.config_problems.append(decisions.held)
            for ending in decisions.held_back:
                held = ending.record
                kept = say("would end (%(why)s); left as it is until confirmed", why=ending.why)
                self.report.skipped.append(PairLine(held.manager, held.employee, kept, held.id))

    # ------------------------------------------------------------------ read

    def people_in_pairs(self) -> list[Person]:
        """Everyone in a valid pair, or kept as booked: their pairs are planned or kept up
        tonight."""
        people = {}
        for employee in [*self.roster.employees.values(), *self.roster.kept_as_booked.values()]:
            manager = self.roster.managers[employee.manager]
            people[employee.person.email] = employee.person
            people[manager.person.email] = manager.person
        return list(people.values())

    def read_calendars(self, people: Sequence[Person]) -> dict[str, list[BusyBlock]]:
        """Busy time of everyone, each calendar read once. Our own check-ins are taken out
        where a provider reports them as busy; working hours a provider knows are used for
        people whose own entry sets none."""
        refs = {p.email: CalendarRef(p.email, p.timezone, p.calendar) for p in people}
        if not refs:
            return {}
        readings = read_busy(
            self.connectors.readers, sorted(refs.values(), key=lambda p: p.email), self.window
        )
        busy: dict[str, list[BusyBlock]] = {}
        own = own_checkins(self.store)
        hours = {}
        for reading in readings.values():
            hours.update(reading.working_hours)
        self.roster = with_provider_hours(self.roster, hours, self.now)
        for kind, reading in readings.items():
            self.report.requests[kind] = self.report.requests.get(kind, 0) + reading.requests
            self.report.read_errors.update(reading.errors)
            reader = self.connectors.readers.get(kind)
            for email, blocks in reading.busy.items():
                if reader is not None and reader.capabilities.busy_includes_own_events:
                    blocks = without(blocks, own.get(email, []))
                busy[email] = blocks
        return busy

    # ------------------------------------------------------------------ plan

    def propose(
        self, run_id: int, to_plan: Sequence[PairToPlan], busy: dict[str, list[BusyBlock]]
    ) -> None:
        plannable = []
        for item in to_plan:
            manager, employee = item.request.key
            unreadable = [email for email in (manager, employee) if email not in busy]
            if unreadable:
                why = "; ".join(
                    f"cannot read {email}'s calendar: "
                    f"{self.report.read_errors.get(email, 'not read')}"
                    for email in unreadable
                )
                self.report.skipped.append(PairLine(manager, employee, Said.text(why)))
            else:
                plannable.append(item)
        if not plannable:
            return
        inputs = self.planning_input(busy)
        reasons = {item.request.key: item for item in plannable}
        for outcome in plan([item.request for item in plannable], inputs):
            if isinstance(outcome, PlanFailure):
                self.report.skipped.append(
                    PairLine(outcome.manager, outcome.employee, outcome.reason)
                )
                continue
            item = reasons[(outcome.manager, outcome.employee)]
            proposal_id = self.store.add_proposal(run_id, self.new_proposal(item, outcome), ACTOR)
            text = outcome.explanation
            if item.reason != NEW_PAIR:
                text = say("Re-proposed because %(why)s. %(what)s", why=item.reason, what=text)
            self.report.proposed.append(
                PairLine(outcome.manager, outcome.employee, text, proposal_id)
            )

    def new_proposal(self, item: PairToPlan, series: PlannedSeries) -> NewProposal:
        return regular_proposal(item.request, series, item.reason, self.purpose, self.now.date())

    def planning_input(self, busy: dict[str, list[BusyBlock]]) -> PlanningInput:
        return PlanningInput(
            now=self.now,
            horizon_weeks=self.settings.horizon_weeks,
            min_notice=timedelta(hours=self.settings.min_notice_hours),
            buffer=timedelta(minutes=self.settings.buffer_minutes),
            busy=busy,
            checkins=self.commitments(),
        )

    def commitments(self) -> dict[str, list[Commitment]]:
        """Every check-in already booked or proposed, in both people's agendas."""
        agenda: dict[str, list[Commitment]] = defaultdict(list)
        booked = {s.proposal.id: s for s in self.store.series(states=[SeriesState.BOOKED])}
        for record in self.store.proposals(states=LIVE_STATES):
            series = booked.get(record.id)
            occurrences = series.occurrences if series else record.occurrences
            for occurrence in occurrences:
                if occurrence.takes_place and occurrence.end > self.now:
                    item = Commitment(
                        occurrence.start, occurrence.end, record.employee, record.kind.one_off
                    )
                    agenda[record.manager].append(item)
                    agenda[record.employee].append(item)
        return dict(agenda)
