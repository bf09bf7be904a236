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
from collections import defaultdict
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from sync.connectors.base import Connectors, RemoteSeries
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
log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Outcome:
    """What writing one series came to."""

    written: bool = False
    requests: int = 0
    why: str | None = None
    over_quota: bool = False
    dry_run: bool = False


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
        seen: Mapping[str, RemoteSeries] | None = None,
        meanwhile: Callable[[], None] | None = None,
    ) -> None:
        self.store = store
        self.meanwhile = meanwhile
        """Work of the run's later steps that needs none of tonight's writes: done on this
        thread while the first of them are out, rather than after waiting for them."""
        self.seen = seen or {}
        """What tonight's read-back saw of the booked series, by UID: a write compares with
        it instead of reading the calendar again."""
        self.language = language
        """What a calendar event says beyond its description (why a date moved) is in it."""
        self.now = now
        self.actor = actor
        self.connectors = connectors
        self.given_up: set[str] = set()
        self.never_written: set[str] = set()
        """Series this run recorded as booking, not yet handed to a writer: the store had
        no row of them before, so no earlier run can have sent a write of them."""
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
        if series.state is SeriesState.BOOKING:
            self.never_written.add(series.uid)
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
        """Each provider writes its series together (in as few round trips as it can), the
        providers side by side; the store is only touched here, on this thread, as each
        provider's writes come back. A write is recorded as done only after the calendar
        answered it."""
        ready: dict[str, list[SeriesRecord]] = defaultdict(list)
        known: dict[str, RemoteSeries | None] = {}
        done = 0

        def take(series: SeriesRecord, outcome: Outcome) -> None:
            nonlocal done
            done += 1
            self.progress.show(label, done, len(items))
            if self.record(series, outcome, report) and written is not None:
                written(series)

        for series in items:
            held_back = self.held_back(series)
            if held_back is None:
                ready[series.calendar].append(series)
                known[series.uid] = self.seen_or_never_written(series.uid)
            else:
                take(series, held_back)
        with ThreadPoolExecutor(max_workers=len(ready) or 1) as pool:
            sent = {
                kind: pool.submit(self.attempt, kind, batch, known) for kind, batch in ready.items()
            }
            try:
                self.while_writing(bool(sent))
            finally:  # what was written is recorded whatever happened meanwhile
                for kind, outcomes in sent.items():
                    for series, outcome in zip(ready[kind], outcomes.result(), strict=True):
                        take(series, outcome)

    def while_writing(self, writes_out: bool) -> None:
        """The `meanwhile` work, once, while writes are out (with none out it is left to the
        step that does it anyway)."""
        if writes_out and self.meanwhile is not None:
            meanwhile, self.meanwhile = self.meanwhile, None
            meanwhile()

    def held_back(self, series: SeriesRecord) -> Outcome | None:
        """Why the series is not written now, or None if it is to be."""
        manager = series.proposal.manager
        if series.calendar not in self.connectors.writers:
            return Outcome(why=f'calendar "{series.calendar}" is not set up; the change waits')
        if self.deadline is not None and self.deadline.passed():
            return Outcome(
                why="the run reached its deadline before this write; it waits for the next run"
            )
        if manager in self.given_up:
            return Outcome(why=_waits_for_quota(manager))
        if self.dry_run:
            return Outcome(dry_run=True)
        return None

    def attempt(
        self,
        kind: str,
        batch: Sequence[SeriesRecord],
        known: Mapping[str, RemoteSeries | None],
    ) -> list[Outcome]:
        """Write one provider's series to their calendars (runs on a writer thread); `known`:
        what each series' calendar holds of it, where that is known without looking."""
        writer = self.connectors.writers[kind]
        results = writer.write_many([(to_booked(s, self.language), known[s.uid]) for s in batch])
        outcomes = []
        for series, result in zip(batch, results, strict=True):
            if isinstance(result.error, GaveUpTonight):
                manager = series.proposal.manager
                why = f"{manager}'s calendar is over its quota ({result.error}); retried next run"
                outcomes.append(Outcome(requests=result.requests, why=why, over_quota=True))
            elif result.error is not None:
                outcomes.append(Outcome(requests=result.requests, why=str(result.error)))
            else:
                outcomes.append(Outcome(requests=result.requests, written=True))
        return outcomes

    def seen_or_never_written(self, uid: str) -> RemoteSeries | None:
        """What the writer may take as the calendar's state of the series without looking:
        what tonight's read-back saw, or, for a series this run just recorded, nothing. Once
        handed to a writer a write may have been sent, so that holds only once."""
        if uid in self.never_written:
            self.never_written.discard(uid)
            return RemoteSeries.never_written(uid)
        return self.seen.get(uid)

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
