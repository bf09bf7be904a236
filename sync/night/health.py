"""Spotting check-ins that fizzle out: for each pair, what happened to every past date, when
they last met, the longest gap against their cadence, and the share held in the last 90
days. A pair is at risk when two dates in a row did not happen, or when it has gone more than
twice its cadence without meeting.

Pure: the store's series and the declines seen in calendars come in. A past date counts as
held unless someone declined it, cancelled it in their calendar, or the run had to skip it;
a date skipped because someone was away (time off, a paused span, a holiday) is
excused: it neither counts against the pair nor lengthens its gap.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from sync.config.roster import Roster
from sync.delivery.wording import wording
from sync.model.cadence import Cadence
from sync.model.said import Said, say
from sync.model.series_end import keeps
from sync.model.timefmt import cadence_said
from sync.model.values import NOTHING_SAID, OccurrenceStatus
from sync.plumbing.i18n import ENGLISH, Language
from sync.store import SeriesRecord, SeriesState

RECENT_DAYS = 90
MISSED_IN_A_ROW = 2
GAP_FACTOR = 2


class Outcome(StrEnum):
    HELD = "held"
    MOVED = "moved"
    DECLINED = "declined"
    CANCELLED = "cancelled"
    SKIPPED = "skipped"
    EXCUSED = "excused"

    @property
    def happened(self) -> bool:
        return self in (Outcome.HELD, Outcome.MOVED)


@dataclass(frozen=True)
class DateOutcome:
    start: datetime
    outcome: Outcome


@dataclass(frozen=True)
class PairHealth:
    manager: str
    employee: str
    employee_name: str
    cadence: str
    dates: tuple[DateOutcome, ...]
    """Past dates, oldest first."""
    last_held: datetime | None
    longest_gap: timedelta | None
    held_recently: int
    due_recently: int
    at_risk: bool
    why: str
    missed_in_a_row: int = 0
    silent_days: int = 0
    """Days since they last met (or since the series began)."""

    @property
    def why_said(self) -> Said:
        """Why the pair is at risk, to word in each reader's language; empty when it is not."""
        return _why(self.missed_in_a_row, self.silent_days, self.cadence)

    def why_in(self, language: Language) -> str:
        """Why the pair is at risk, in `language`; empty when it is not."""
        return wording(language.code).word(self.why_said)

    @property
    def booked(self) -> bool:
        return self.longest_gap is not None

    @property
    def share_text(self) -> str:
        return self.share_in(ENGLISH)

    def share_in(self, language: Language) -> str:
        """How many of the check-ins due lately were held, e.g. "3 of 4 (75%)"."""
        if not self.due_recently:
            return language.gettext("none due")
        return language.gettext(
            "%(held)s of %(due)s (%(share)s%%)",
            held=self.held_recently,
            due=self.due_recently,
            share=round(100 * self.held_recently / self.due_recently),
        )


def pair_health(
    manager: str,
    employee: str,
    employee_name: str,
    series: Sequence[SeriesRecord],
    declines: Mapping[str, Mapping[datetime, frozenset[str]]],
    now: datetime,
    fallback_cadence: Cadence,
) -> PairHealth:
    """The health of one pair from all of its series (booked, ended, one-offs)."""
    mine = [
        s
        for s in series
        if s.proposal.manager == manager
        and s.proposal.employee == employee
        and s.state is not SeriesState.BOOKING
    ]
    cadence = _cadence(mine, fallback_cadence)
    dates = sorted(
        (d for s in mine for d in _outcomes(s, declines.get(s.uid, {}), now)),
        key=lambda d: d.start,
    )
    firsts = [o.original_start for s in mine for o in s.occurrences]
    if not firsts:
        return PairHealth(
            manager, employee, employee_name, cadence.label, (), None, None, 0, 0, False, ""
        )
    counted = [d for d in dates if d.outcome is not Outcome.EXCUSED]
    held = [d.start for d in counted if d.outcome.happened]
    meeting_points = [d.start for d in dates if d.outcome.happened or d.outcome is Outcome.EXCUSED]
    start = min(firsts)
    gaps = [b - a for a, b in zip([start, *meeting_points], [*meeting_points, now], strict=True)]
    current = max(now - (meeting_points[-1] if meeting_points else start), timedelta(0))
    recent = [d for d in counted if d.start >= now - timedelta(days=RECENT_DAYS)]
    missed = 0
    for date in reversed(counted):
        if date.outcome.happened:
            break
        missed += 1
    limit = timedelta(days=GAP_FACTOR * cadence.average_days)
    silent = current.days if current > limit else 0
    why = str(_why(missed, silent, cadence.label))
    return PairHealth(
        manager=manager,
        employee=employee,
        employee_name=employee_name,
        cadence=cadence.label,
        dates=tuple(dates),
        last_held=held[-1] if held else None,
        longest_gap=max([g for g in gaps if g > timedelta(0)], default=timedelta(0)),
        held_recently=sum(1 for d in recent if d.outcome.happened),
        due_recently=len(recent),
        at_risk=bool(why),
        why=why,
        missed_in_a_row=missed,
        silent_days=silent,
    )


def _why(missed: int, silent_days: int, cadence: str) -> Said:
    """`silent_days` counts only beyond the limit (twice the cadence); 0 otherwise."""
    if missed >= MISSED_IN_A_ROW:
        return say("the last %(missed)s check-ins did not happen", missed=missed)
    if silent_days:
        return say(
            "no check-in for %(days)s days, more than twice the cadence (%(cadence)s)",
            days=silent_days,
            cadence=cadence_said(cadence),
        )
    return NOTHING_SAID


def _cadence(series: Sequence[SeriesRecord], fallback: Cadence) -> Cadence:
    """The cadence of the pair's latest regular series, which is what they actually have."""
    regular = [s for s in series if not s.proposal.kind.one_off]
    if not regular:
        return fallback
    latest = max(regular, key=lambda s: s.first_start)
    return Cadence.parse(latest.proposal.cadence)


def _outcomes(
    series: SeriesRecord, declines: Mapping[datetime, frozenset[str]], now: datetime
) -> list[DateOutcome]:
    # nothing after a series was cancelled was meant to happen
    cancelled = series.updated_at if series.state is SeriesState.CANCELLED else None
    result = []
    for occurrence in series.occurrences:
        if (
            occurrence.end > now
            or not keeps(series.until, occurrence.original_start)
            or (cancelled is not None and occurrence.original_start >= cancelled)
        ):
            continue
        if declines.get(occurrence.original_start):
            outcome = Outcome.DECLINED
        elif occurrence.status is OccurrenceStatus.SKIPPED:
            if occurrence.away:
                outcome = Outcome.EXCUSED
            elif occurrence.fixed:
                outcome = Outcome.CANCELLED
            else:
                outcome = Outcome.SKIPPED
        elif occurrence.status is OccurrenceStatus.MOVED:
            outcome = Outcome.MOVED
        else:
            outcome = Outcome.HELD
        result.append(DateOutcome(occurrence.start, outcome))
    return result


def team_health(
    series: Sequence[SeriesRecord],
    declines: Mapping[str, Mapping[datetime, frozenset[str]]],
    roster: Roster,
    now: datetime,
    manager: str | None = None,
) -> list[PairHealth]:
    """Every pair in the roster (or one manager's), by manager and employee."""
    # each pair's series looked up, not searched for: the organisation's series once, not
    # once per pair
    by_pair: dict[tuple[str, str], list[SeriesRecord]] = defaultdict(list)
    for record in series:
        by_pair[(record.proposal.manager, record.proposal.employee)].append(record)
    result = []
    for email, employee in sorted(roster.employees.items()):
        if manager is not None and employee.manager != manager:
            continue
        result.append(
            pair_health(
                employee.manager,
                email,
                employee.person.name,
                by_pair.get((employee.manager, email), []),
                declines,
                now,
                employee.cadence,
            )
        )
    return sorted(result, key=lambda h: (h.manager, h.employee))
