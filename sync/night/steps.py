"""The steps of one night, in order (`_Night.run`), each small, named and logged: rebuild,
observe, read, reconcile, keep up, plan, book, export, invite, notify, send mail."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime, timedelta

from sync.connectors.base import RemoteSeries
from sync.delivery.digest import notify_managers
from sync.delivery.invitations import queue_invitations
from sync.delivery.mail import deliver_and_report
from sync.delivery.report import PairLine
from sync.model.said import Said, say
from sync.model.values import BusyBlock, Interval
from sync.night.booking import Booker
from sync.night.calendar_watch import observe_calendars
from sync.night.doubled_dates import repair_doubled_dates
from sync.night.health_watch import note_health
from sync.night.keep_up import booked_pairs, keep_up
from sync.night.proposing import Proposing, propose_extras, take_in_requests
from sync.night.rebuild import rebuild
from sync.night.reconcile import Decisions, PairToPlan, reconcile
from sync.night.refusals import refused_times
from sync.night.tonight import ACTOR, _Tonight, export_and_note
from sync.night.workflow import confirm_approved
from sync.planner.refused import RefusedTime
from sync.plumbing.logs import event
from sync.plumbing.memory import give_back
from sync.store import EXPORT_ONLY, LIVE_STATES, SeriesState, State

log = logging.getLogger(__name__)


class _Night(_Tonight):
    def run(self) -> None:
        self.run_id = self.store.begin_run(self.now)
        self.busy: dict[str, list[BusyBlock]] = {}
        self.to_plan: list[PairToPlan] = []
        self.seen: dict[str, RemoteSeries] = {}
        """The series tonight's read-back saw present: the writes compare with it."""
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
        self.release_calendars()
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

    def release_calendars(self) -> None:
        """Let go of everyone's busy time and of what the read-back saw: planning, keeping
        up and booking were their last users, and held through the export, invitations,
        digests and mail they would add the organisation's calendars to those steps' own
        memory (the next step hands it back to the system)."""
        self.busy = {}
        self.to_plan = []
        self.seen = {}

    def step(self, name: str, action: Callable[[], None]) -> None:
        started = time.monotonic()
        event(log, "step started", step=name)
        try:
            action()
        finally:
            self.progress.done()  # the step's progress line, if it drew one
            # what the step freed goes back to the system, not only to this process's
            # allocator: the next steps would not reuse most of it (plumbing/memory.py)
            give_back()
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
        self.seen = observe_calendars(
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
        # approvals since the last run are booked against tonight's calendars; most nights
        # have none, and the planner's input (everyone's check-ins) is not built for nothing
        if self.store.proposals(states=[State.APPROVED]):
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
            seen=self.seen,
            meanwhile=None if self.options.dry_run else self.invite_to_exported_series,
        ).book_approved(self.report)

    def export(self) -> None:
        export_and_note(
            self.store,
            self.paths,
            self.report,
            self.settings.language,
            self.progress.tick("exporting"),
        )

    def invite(self) -> None:
        """Queue an invitation for everyone who has not been sent a series' current version."""
        writers = self.connectors.writers
        zones = self.roster.zones()
        queue_invitations(self.store, self.settings, writers, zones, self.now)

    def invite_to_exported_series(self) -> None:
        """The invitations to series that live only in the exported files: they are booked
        by being recorded, so what they say does not wait for any calendar's answer. Built
        while the calendars' writes are out (the invite step finds them queued)."""
        writers = self.connectors.writers
        zones = self.roster.zones()
        queue_invitations(
            self.store, self.settings, writers, zones, self.now, calendars=(EXPORT_ONLY,)
        )

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
