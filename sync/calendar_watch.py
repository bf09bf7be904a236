"""What people did to booked series in their calendars, taken into the store each night.

A declined series gets a new proposal; a deleted one is followed (never silently re-created);
an occurrence a person moved or cancelled is kept as they left it. A calendar that suddenly
shows less than half of the series booked there is treated as a reading problem — a wrong
account or a lost permission — and nothing is cancelled for it.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import replace

from sync.connectors.base import Connectors, RemoteSeries
from sync.model import Interval, Occurrence, OccurrenceStatus
from sync.report import PairLine, RunReport
from sync.store import SeriesRecord, SeriesState, Store

MOVED_BY_PERSON = "moved in the calendar by a person"
CANCELLED_BY_PERSON = "cancelled in the calendar by a person"
MASS_DELETION_MINIMUM = 2
"""A calendar with a single series that vanishes is a person deleting it; from two on, losing
more than half at once looks like a lost mailbox or permission."""


def observe_calendars(
    store: Store,
    connectors: Connectors,
    window: Interval,
    report: RunReport,
    actor: str,
    *,
    accept_deletions: bool = False,
) -> None:
    groups: dict[tuple[str, str], list[SeriesRecord]] = defaultdict(list)
    for series in store.series(states=[SeriesState.BOOKED]):
        if series.calendar in connectors.writers:
            groups[(series.calendar, series.proposal.manager)].append(series)
    for (kind, organiser), items in sorted(groups.items()):
        writer = connectors.writers[kind]
        expected = {
            s.uid: [
                o.original_start
                for o in s.occurrences
                if o.takes_place and window.start <= o.original_start < window.end
            ]
            for s in items
        }
        observation = writer.observe(organiser, expected, window)
        report.requests[kind] = report.requests.get(kind, 0) + observation.requests
        if observation.error:
            report.read_errors[organiser] = observation.error
            continue
        missing = [s for s in items if not observation.series[s.uid].exists]
        if (
            missing
            and not accept_deletions
            and len(items) >= MASS_DELETION_MINIMUM
            and len(missing) * 2 > len(items)  # fewer than half remain
        ):
            report.read_errors[organiser] = (
                f"the calendar shows only {len(items) - len(missing)} of the {len(items)} series "
                "checkin-sync booked there; nothing was cancelled. If they were really "
                "deleted, run again with --accept-deletions"
            )
            continue
        for series in items:
            _take_in(store, series, observation.series[series.uid], report, actor)


def _take_in(
    store: Store, series: SeriesRecord, remote: RemoteSeries, report: RunReport, actor: str
) -> None:
    proposal = series.proposal
    line = PairLine(proposal.manager, proposal.employee, "", proposal.id)
    if not remote.exists:
        why = "deleted in the calendar by a person; not re-created"
        store.remove_deleted(series, actor, why)
        report.cancelled.append(replace(line, text=why))
        return
    if remote.declined_by and remote.declined_by != series.declined_by:
        store.mark_declined(series.uid, remote.declined_by, actor)
        who = ", ".join(sorted(remote.declined_by))
        report.declined.append(replace(line, text=f"declined by {who}; a new time is proposed"))
    if series.needs_write:
        return  # our own change is not written yet; what the calendar shows is older
    adopted = adopt(series.occurrences, remote)
    if adopted != series.occurrences:
        store.update_occurrences(
            series.uid, adopted, actor, "changed in the calendar", already_in_calendar=True
        )


def adopt(occurrences: tuple[Occurrence, ...], remote: RemoteSeries) -> tuple[Occurrence, ...]:
    """Occurrences as a person left them: their moves and cancellations win, for good."""
    result = []
    for occurrence in occurrences:
        if occurrence.original_start not in remote.exceptions:
            result.append(occurrence)
            continue
        actual = remote.exceptions[occurrence.original_start]
        if actual is None:
            if occurrence.takes_place:
                occurrence = replace(
                    occurrence,
                    status=OccurrenceStatus.SKIPPED,
                    reason=CANCELLED_BY_PERSON,
                    fixed=True,
                )
        elif actual.start != occurrence.start or not occurrence.takes_place:
            occurrence = replace(
                occurrence,
                start=actual.start,
                end=actual.end,
                status=OccurrenceStatus.MOVED,
                reason=MOVED_BY_PERSON,
                fixed=True,
            )
        result.append(occurrence)
    return tuple(result)
