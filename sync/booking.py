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
from collections.abc import Callable
from datetime import datetime
from zoneinfo import ZoneInfo

from sync.connectors.base import Connectors, WriteFailed
from sync.connectors.retry import GaveUpTonight
from sync.deadline import Deadline
from sync.export.series import to_booked
from sync.logs import event
from sync.progress import Progress
from sync.report import PairLine, RunReport
from sync.store import EXPORT_ONLY, ProposalRecord, SeriesRecord, SeriesState, State, Store

EXPORT_KINDS = ("ics", "none", EXPORT_ONLY)
log = logging.getLogger(__name__)


class Booker:
    def __init__(
        self,
        store: Store,
        now: datetime,
        actor: str,
        connectors: Connectors,
        on_write: Callable[[str], None] | None = None,
        *,
        dry_run: bool = False,
        deadline: Deadline | None = None,
        progress: Progress | None = None,
    ) -> None:
        self.store = store
        self.now = now
        self.actor = actor
        self.connectors = connectors
        # lets tests stop a run between any two calendar writes
        self.on_write = on_write or (lambda _uid: None)
        self.given_up: set[str] = set()
        self.dry_run = dry_run
        self.deadline = deadline
        self.progress = progress or Progress(enabled=False)

    def book_approved(self, report: RunReport) -> None:
        for proposal in self.store.proposals(states=[State.APPROVED]):
            self.book(proposal, report)
        self.write_pending(report)

    def book(self, proposal: ProposalRecord, report: RunReport) -> None:
        existing = self.store.series_of(proposal.id)
        if existing is not None:  # recorded by an earlier run that did not finish the write
            return
        # dates that passed between proposing and approving are left out of the series
        upcoming = [o for o in proposal.occurrences if o.original_start >= self.now]
        if not upcoming:
            why = "approved after all of its dates had passed; a new time will be proposed"
            self.store.transition(proposal.id, State.SUPERSEDED, self.actor, why)
            report.superseded.append(
                PairLine(proposal.manager, proposal.employee, why, proposal.id)
            )
            return
        calendar = proposal.organiser_calendar
        if calendar in EXPORT_KINDS:
            calendar = EXPORT_ONLY
        elif calendar not in self.connectors.writers:
            why = f'cannot book: calendar "{calendar}" is not set up (see README); stays approved'
            report.write_failures.append(
                PairLine(proposal.manager, proposal.employee, why, proposal.id)
            )
            return
        first_start = upcoming[0].original_start.astimezone(ZoneInfo(proposal.timezone))
        series = self.store.book(proposal, first_start, upcoming, self.actor, calendar=calendar)
        if series.state is SeriesState.BOOKED:
            self.report_booked(series, report)

    def write_pending(self, report: RunReport) -> None:
        """Write every series whose calendar lags behind the store: new bookings first (their
        confirmation ends the series they replace), then every other change."""
        new = self.store.series(states=[SeriesState.BOOKING])
        for done, series in enumerate(new, start=1):
            self.progress.show("booking", done, len(new))
            if self.write(series, report):
                self.store.confirm_booking(series.uid, self.actor)
                self.report_booked(series, report)
        changed = [
            s for s in self.store.series() if s.state is not SeriesState.BOOKING and s.needs_write
        ]
        for done, series in enumerate(changed, start=1):
            self.progress.show("updating calendars", done, len(changed))
            self.write(series, report)
        self.progress.done()

    def write(self, series: SeriesRecord, report: RunReport) -> bool:
        writer = self.connectors.writers.get(series.calendar)
        proposal = series.proposal
        if writer is None:
            why = f'calendar "{series.calendar}" is not set up; the change waits'
        elif self.deadline is not None and self.deadline.passed():
            why = "the run reached its deadline before this write; it waits for the next run"
        elif proposal.manager in self.given_up:
            why = f"{proposal.manager}'s calendar is over its quota tonight; the change waits"
        elif self.dry_run:
            report.would_write.append(
                PairLine(proposal.manager, proposal.employee, _intent(series), proposal.id)
            )
            return False
        else:
            try:
                self.on_write(series.uid)
                report.requests[writer.name] = report.requests.get(writer.name, 0) + (
                    writer.write_series(to_booked(series))
                )
            except GaveUpTonight as error:
                self.given_up.add(proposal.manager)
                why = f"{proposal.manager}'s calendar is over its quota ({error}); retried next run"
            except WriteFailed as error:
                why = str(error)
            else:
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
        self.store.note_write_error(series.uid, why)
        event(log, "series not written", logging.WARNING, series=series.uid, reason=why)
        report.write_failures.append(
            PairLine(proposal.manager, proposal.employee, why, proposal.id)
        )
        return False

    def report_booked(self, series: SeriesRecord, report: RunReport) -> None:
        proposal = series.proposal
        report.booked.append(
            PairLine(proposal.manager, proposal.employee, proposal.explanation, proposal.id)
        )
        for old in self.store.replaced_by(series):
            why = f"replaced by #{proposal.id} from {series.first_start:%Y-%m-%d}"
            report.superseded.append(
                PairLine(old.proposal.manager, old.proposal.employee, why, old.proposal.id)
            )


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
