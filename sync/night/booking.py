"""Turning approved proposals into booked series, and keeping calendars in step with the store.

The store is written first and the calendar second: a series is recorded as `booking`
before its event is created, and every later change raises the series' sequence before it is
written. Writing converges a calendar to what the store holds and is idempotent, so a run
that crashed between the two simply writes again on the next run — never a duplicate.
With `ics:` and `none` organisers, booking means recording the series; the export then
puts it into every participant's .ics file.
"""

from __future__ import annotations

import logging
import queue
import threading
from collections import defaultdict
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from sync.connectors.base import Connectors, WriteFailed
from sync.connectors.retry import GaveUpTonight
from sync.delivery.export.series import to_booked
from sync.delivery.report import PairLine, RunReport
from sync.model.said import Day, Said, say
from sync.plumbing.deadline import Deadline
from sync.plumbing.i18n import SOURCE_LANGUAGE
from sync.plumbing.logs import event
from sync.plumbing.progress import Progress
from sync.store import EXPORT_ONLY, ProposalRecord, SeriesRecord, SeriesState, State, Store

EXPORT_KINDS = ("ics", "none", EXPORT_ONLY)
WRITE_PARALLEL = 8
"""Organisers' calendars written at once. Each provider client bounds its own concurrency
(Graph's 4 requests per mailbox); one organiser's series are always written one by one."""
log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Outcome:
    """What writing one series came to."""

    written: bool = False
    requests: int = 0
    why: str | None = None
    over_quota: bool = False
    dry_run: bool = False
    error: BaseException | None = None


class Booker:
    def __init__(
        self,
        store: Store,
        now: datetime,
        actor: str,
        connectors: Connectors,
        *,
        dry_run: bool = False,
        deadline: Deadline | None = None,
        progress: Progress | None = None,
        language: str = SOURCE_LANGUAGE,
    ) -> None:
        self.store = store
        self.language = language
        """What a calendar event says beyond its description (why a date moved) is in it."""
        self.now = now
        self.actor = actor
        self.connectors = connectors
        self.given_up: set[str] = set()
        self.dry_run = dry_run
        self.deadline = deadline
        self.progress = progress or Progress(enabled=False)

    def book_approved(
        self, report: RunReport, *, listed: Callable[[ProposalRecord], bool] | None = None
    ) -> None:
        """Book every approved proposal; with `listed`, only those it says yes to (the
        others stay approved, and the next run's reconciling ends what left the roster)."""
        for proposal in self.store.proposals(states=[State.APPROVED]):
            if listed is not None and not listed(proposal):
                why = say("the pair is no longer in people.toml; the next run ends it")
                report.write_failures.append(
                    PairLine(proposal.manager, proposal.employee, why, proposal.id)
                )
                continue
            self.book(proposal, report)
        self.write_pending(report)

    def book(self, proposal: ProposalRecord, report: RunReport) -> None:
        existing = self.store.series_of(proposal.id)
        if existing is not None:  # recorded by an earlier run that did not finish the write
            return
        # dates that passed between proposing and approving are left out of the series
        upcoming = [o for o in proposal.occurrences if o.original_start >= self.now]
        if not upcoming:
            passed = say("approved after all of its dates had passed; a new time will be proposed")
            self.store.transition(proposal.id, State.SUPERSEDED, self.actor, passed)
            report.superseded.append(
                PairLine(proposal.manager, proposal.employee, passed, proposal.id)
            )
            return
        calendar = proposal.organiser_calendar
        if calendar in EXPORT_KINDS:
            calendar = EXPORT_ONLY
        elif calendar not in self.connectors.writers:
            why = f'cannot book: calendar "{calendar}" is not set up (see README); stays approved'
            report.write_failures.append(
                PairLine(proposal.manager, proposal.employee, Said.text(why), proposal.id)
            )
            return
        first_start = upcoming[0].original_start.astimezone(ZoneInfo(proposal.timezone))
        series = self.store.book(proposal, first_start, upcoming, self.actor, calendar=calendar)
        if series.state is SeriesState.BOOKED:
            self.report_booked(series, report)

    def write_pending(self, report: RunReport) -> None:
        """Write every series whose calendar lags behind the store: new bookings first (their
        confirmation ends the series they replace), then every other change."""

        def confirmed(series: SeriesRecord) -> None:
            self.store.confirm_booking(series.uid, self.actor)
            self.report_booked(series, report)

        new = self.store.series(states=[SeriesState.BOOKING])
        self.write_all(new, report, "booking", confirmed)
        changed = [
            s for s in self.store.series() if s.state is not SeriesState.BOOKING and s.needs_write
        ]
        self.write_all(changed, report, "updating calendars")
        self.progress.done()

    def write_all(
        self,
        items: Sequence[SeriesRecord],
        report: RunReport,
        label: str,
        written: Callable[[SeriesRecord], None] | None = None,
    ) -> None:
        """Organisers' calendars are written side by side, each one's series in order; the
        store is only touched here, on this thread, as each write comes back. A write is
        recorded as done only after the calendar answered, as when writing one at a time."""
        by_organiser: dict[str, list[SeriesRecord]] = defaultdict(list)
        for series in items:
            by_organiser[series.proposal.manager].append(series)
        outcomes: queue.SimpleQueue[tuple[SeriesRecord, Outcome]] = queue.SimpleQueue()
        stop = threading.Event()

        def write_calendar(organiser: list[SeriesRecord]) -> None:
            over_quota = False
            for series in organiser:
                if stop.is_set():
                    outcome = Outcome(why="the run stopped before this write; retried next run")
                elif over_quota:
                    outcome = Outcome(why=_waits_for_quota(series.proposal.manager))
                else:
                    try:
                        outcome = self.attempt(series)
                    except BaseException as error:  # handed to the main thread to raise
                        stop.set()
                        outcomes.put((series, Outcome(error=error)))
                        return
                    over_quota = outcome.over_quota
                outcomes.put((series, outcome))

        workers = min(WRITE_PARALLEL, len(by_organiser)) or 1
        with ThreadPoolExecutor(max_workers=workers) as pool:
            for organiser in by_organiser.values():
                pool.submit(write_calendar, organiser)
            for done in range(1, len(items) + 1):
                series, outcome = outcomes.get()
                if outcome.error is not None:
                    stop.set()
                    raise outcome.error
                self.progress.show(label, done, len(items))
                if self.record(series, outcome, report) and written is not None:
                    written(series)

    def attempt(self, series: SeriesRecord) -> Outcome:
        """Write one series to its calendar, or say why not (runs on a writer thread)."""
        writer = self.connectors.writers.get(series.calendar)
        manager = series.proposal.manager
        if writer is None:
            return Outcome(why=f'calendar "{series.calendar}" is not set up; the change waits')
        if self.deadline is not None and self.deadline.passed():
            return Outcome(
                why="the run reached its deadline before this write; it waits for the next run"
            )
        if manager in self.given_up:
            return Outcome(why=_waits_for_quota(manager))
        if self.dry_run:
            return Outcome(dry_run=True)
        try:
            return Outcome(
                requests=writer.write_series(to_booked(series, self.language)), written=True
            )
        except GaveUpTonight as error:
            why = f"{manager}'s calendar is over its quota ({error}); retried next run"
            return Outcome(why=why, over_quota=True)
        except WriteFailed as error:
            return Outcome(why=str(error))

    def record(self, series: SeriesRecord, outcome: Outcome, report: RunReport) -> bool:
        """Take one write's outcome into the store and the report; True if it was written."""
        proposal = series.proposal
        kind = series.calendar
        if outcome.requests:
            report.requests[kind] = report.requests.get(kind, 0) + outcome.requests
        if outcome.dry_run:
            report.would_write.append(
                PairLine(
                    proposal.manager, proposal.employee, Said.text(_intent(series)), proposal.id
                )
            )
            return False
        if outcome.written:
            self.store.mark_written(series.uid, series.sequence)
            event(
                log,
                "series written",
                logging.DEBUG,
                series=series.uid,
                calendar=series.calendar,
                organiser=proposal.manager,
                state=series.state.value,
            )
            return True
        if outcome.over_quota:
            self.given_up.add(proposal.manager)
        why = outcome.why or "not written"
        self.store.note_write_error(series.uid, why)
        event(log, "series not written", logging.WARNING, series=series.uid, reason=why)
        report.write_failures.append(
            PairLine(proposal.manager, proposal.employee, Said.text(why), proposal.id)
        )
        return False

    def report_booked(self, series: SeriesRecord, report: RunReport) -> None:
        proposal = series.proposal
        report.booked.append(
            PairLine(proposal.manager, proposal.employee, proposal.explanation, proposal.id)
        )
        for old in self.store.replaced_by(series):
            first = Day.of(series.first_start.astimezone(ZoneInfo(proposal.timezone)).date())
            why = say("replaced by #%(id)s from %(day)s", id=proposal.id, day=first)
            report.superseded.append(
                PairLine(old.proposal.manager, old.proposal.employee, why, old.proposal.id)
            )


def _waits_for_quota(manager: str) -> str:
    return f"{manager}'s calendar is over its quota tonight; the change waits"


def _intent(series: SeriesRecord) -> str:
    """What a write would do, in words, for a dry run."""
    where = f"{series.proposal.manager}'s {series.calendar} calendar"
    if series.state is SeriesState.BOOKING:
        first = series.first_start.astimezone(ZoneInfo(series.proposal.timezone))
        return f"create the series in {where}, first on {first:%Y-%m-%d %H:%M} ({first.tzinfo})"
    if series.state is SeriesState.CANCELLED:
        return f"delete the series from {where}"
    if series.state is SeriesState.SUPERSEDED:
        return f"end the series in {where} on {series.until:%Y-%m-%d}"
    return f"update dates of the series in {where}"
