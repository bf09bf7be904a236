"""What one night knows and shares between its steps: the options it runs with, everyone's
busy time as read tonight, and the planner's input built from it."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from sync.config.paths import Paths
from sync.config.purpose import Purpose
from sync.config.roster import Roster
from sync.config.settings import Settings
from sync.connectors.base import CalendarRef, Connectors
from sync.connectors.registry import read_busy
from sync.delivery.export.series import export_all
from sync.delivery.report import PairLine, RunReport
from sync.model.said import Said, say
from sync.model.values import BusyBlock, Interval, Person, PlannedSeries
from sync.night.busy_time import own_checkins, without
from sync.night.proposing import regular_proposal
from sync.night.provider_hours import with_provider_hours
from sync.night.reconcile import NEW_PAIR, PairToPlan
from sync.planner import Commitment, PlanFailure, PlanningInput, plan
from sync.plumbing.deadline import Deadline
from sync.plumbing.progress import Progress, Tick
from sync.store import LIVE_STATES, NewProposal, SeriesState, Store

ACTOR = "nightly run"


@dataclass(frozen=True)
class RunOptions:
    now: datetime
    dry_run: bool = False
    accept_deletions: bool = False
    """Take series missing from a calendar as really deleted, even most of a calendar's, and
    end the pairs people.toml no longer has, even when that is many or all of them."""
    progress: bool | None = None
    """Show each long step's progress on stderr; by default only when stdout and stderr are
    both terminals (`run --quiet`: never)."""
    report_json: Path | None = None
    """Also write the report here (a real run always keeps one in data_dir/reports)."""


def export_and_note(
    store: Store, paths: Paths, report: RunReport, language: str, tick: Tick | None = None
) -> None:
    exported = export_all(store, paths.export, paths.export_memo, language, tick)
    report.note_export(exported.paths, exported.rewritten, exported.failed)


class _Tonight:
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
        refs = {p.email: CalendarRef.of(p) for p in people}
        if not refs:
            return {}
        readings = read_busy(
            self.connectors.readers,
            sorted(refs.values(), key=lambda p: p.email),
            self.window,
            self.progress.tick("reading calendars"),
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
        pairs = [item.request for item in plannable]
        for outcome in plan(pairs, inputs, self.progress.tick("planning")):
            if isinstance(outcome, PlanFailure):
                self.report.skipped.append(
                    PairLine(outcome.manager, outcome.employee, outcome.reason)
                )
                continue
            item = reasons[(outcome.manager, outcome.employee)]
            proposal_id = self.store.add_proposal(
                run_id, self.new_proposal(item, outcome, busy), ACTOR
            )
            text = outcome.explanation
            if item.reason != NEW_PAIR:
                text = say("Re-proposed because %(why)s. %(what)s", why=item.reason, what=text)
            self.report.proposed.append(
                PairLine(outcome.manager, outcome.employee, text, proposal_id)
            )

    def new_proposal(
        self, item: PairToPlan, series: PlannedSeries, busy: dict[str, list[BusyBlock]]
    ) -> NewProposal:
        return regular_proposal(
            item.request, series, item.reason, self.purpose, self.now.date(), busy
        )

    def planning_input(self, busy: dict[str, list[BusyBlock]]) -> PlanningInput:
        return PlanningInput(
            now=self.now,
            horizon_weeks=self.settings.horizon_weeks,
            min_notice=timedelta(hours=self.settings.min_notice_hours),
            buffer=timedelta(minutes=self.settings.buffer_minutes),
            busy=busy,
            checkins=self.commitments(),
            caps={email: m.max_checkins_per_day for email, m in self.roster.managers.items()},
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
