"""A repair for databases from before replaced series ended where they should.

Until series_end.py, a series that gave way to another was ended with UNTIL = the new
series' first start. Calendars count UNTIL as included, so when the new series began on the
old one's slot, that date held two check-ins, and the store, believing the old series over,
kept the disagreement night after night. Each night this finds such an ending and moves it
back to the last date that is over before the replacement begins; once repaired, there is
nothing left for it to find.
"""

from __future__ import annotations

from collections import defaultdict
from itertools import pairwise
from zoneinfo import ZoneInfo

from sync.delivery.report import PairLine, RunReport
from sync.model.said import Day, say
from sync.model.values import CheckinKind
from sync.store import SeriesRecord, SeriesState, Store


def repair_doubled_dates(store: Store, actor: str, report: RunReport) -> None:
    by_employee: dict[str, list[SeriesRecord]] = defaultdict(list)
    for series in store.series(states=[SeriesState.SUPERSEDED, SeriesState.BOOKED]):
        if series.proposal.kind is CheckinKind.REGULAR:
            by_employee[series.proposal.employee].append(series)
    for serieses in by_employee.values():
        ordered = sorted(serieses, key=lambda s: s.first_start)
        for old, new in pairwise(ordered):
            proposal = old.proposal
            day = new.first_start.astimezone(ZoneInfo(proposal.timezone))
            why = say(
                "no longer meets on %(day)s next to #%(id)s, which replaced it",
                day=Day.of(day.date()),
                id=new.proposal.id,
            )
            if store.cut_back(old, new.first_start, actor, str(why)):
                report.superseded.append(
                    PairLine(proposal.manager, proposal.employee, why, proposal.id)
                )
