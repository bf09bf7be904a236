"""Turning approved proposals into booked series.

With `ics:` and `none` calendars, booking means recording the series; the export then puts it
into every participant's .ics file. A new series for an employee ends the one it replaces
(a cadence or manager change) at the new series' first occurrence, so both never run at once.
"""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from sync.report import PairLine, RunReport
from sync.store import ProposalRecord, SeriesState, State, Store


class Booker:
    def __init__(self, store: Store, now: datetime, actor: str) -> None:
        self.store = store
        self.now = now
        self.actor = actor

    def book_approved(self, report: RunReport) -> None:
        for proposal in self.store.proposals(states=[State.APPROVED]):
            self.book(proposal, report)

    def book(self, proposal: ProposalRecord, report: RunReport) -> None:
        # dates that passed between proposing and approving are left out of the series
        upcoming = [o for o in proposal.occurrences if o.original_start >= self.now]
        if not upcoming:
            why = "approved after all of its dates had passed; a new time will be proposed"
            self.store.transition(proposal.id, State.SUPERSEDED, self.actor, why)
            report.superseded.append(
                PairLine(proposal.manager, proposal.employee, why, proposal.id)
            )
            return
        first_start = upcoming[0].original_start.astimezone(ZoneInfo(proposal.timezone))
        replaced = [
            s
            for s in self.store.series(states=[SeriesState.BOOKED])
            if s.proposal.employee == proposal.employee and s.uid != proposal.uid
        ]
        self.store.book(proposal, first_start, upcoming, self.actor, replaces=replaced)
        for old in replaced:
            why = f"replaced by #{proposal.id} from {first_start:%Y-%m-%d}"
            report.superseded.append(
                PairLine(old.proposal.manager, old.proposal.employee, why, old.proposal.id)
            )
        report.booked.append(
            PairLine(proposal.manager, proposal.employee, proposal.explanation, proposal.id)
        )
