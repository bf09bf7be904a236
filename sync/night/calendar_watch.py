"""What people did to booked series in their calendars, taken into the store each night.

A declined series gets a new proposal; a deleted one is followed (never silently re-created);
an occurrence a person moved or cancelled is kept as they left it. A calendar that suddenly
shows less than half of the series booked there is treated as a reading problem — a wrong
account or a lost permission — and nothing is cancelled for it.
"""

from __future__ import annotations

from collections import defaultdict
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from datetime import datetime
from zoneinfo import ZoneInfo

from sync.connectors.base import Connectors, Observation, RemoteSeries
from sync.delivery.report import PairLine, RunReport
from sync.model.said import Day, listed, say
from sync.model.values import NOTHING_SAID, Interval, Occurrence, OccurrenceStatus
from sync.store import SeriesRecord, SeriesState, Store

MOVED_BY_PERSON = say("moved in the calendar by a person")
CANCELLED_BY_PERSON = say("cancelled in the calendar by a person")
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
) -> dict[str, RemoteSeries]:
    """Take in what each calendar shows; returns the series seen present, by UID, for the
    booking step to compare its writes with rather than read them again."""
    groups: dict[tuple[str, str], list[SeriesRecord]] = defaultdict(list)
    for series in store.series(states=[SeriesState.BOOKED]):
        if series.calendar in connectors.writers and not _past_one_off(series, window):
            groups[(series.calendar, series.proposal.manager)].append(series)

    def expected(items: list[SeriesRecord]) -> dict[str, list[datetime]]:
        return {
            s.uid: [
                o.original_start
                for o in s.occurrences
                if o.takes_place and window.start <= o.original_start < window.end
            ]
            for s in items
        }

    def look(kind: str) -> dict[str, Observation]:
        mine = {organiser: expected(items) for (k, organiser), items in groups.items() if k == kind}
        return connectors.writers[kind].observe_many(mine, window)

    # each provider reads its organisers' calendars in as few round trips as it can, the
    # providers side by side; what they show is taken into the store one calendar after another
    ordered = sorted(groups.items())
    kinds = sorted({kind for kind, _ in groups})
    with ThreadPoolExecutor(max_workers=max(len(kinds), 1)) as pool:
        seen = dict(zip(kinds, pool.map(look, kinds), strict=True))
    observations = [seen[kind][organiser] for (kind, organiser), _ in ordered]
    present: dict[str, RemoteSeries] = {}
    for ((kind, organiser), items), observation in zip(ordered, observations, strict=True):
        report.requests[kind] = report.requests.get(kind, 0) + observation.requests
        if observation.error:
            report.read_errors[organiser] = observation.error
            continue
        present.update((uid, s) for uid, s in observation.series.items() if s.exists)
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
            _take_in(store, series, observation.series[series.uid], window, report, actor)
    return present


def _past_one_off(series: SeriesRecord, window: Interval) -> bool:
    """A one-off whose date is over has nothing more to tell, and is not read again."""
    return series.proposal.kind.one_off and all(o.end <= window.start for o in series.occurrences)


def _take_in(
    store: Store,
    series: SeriesRecord,
    remote: RemoteSeries,
    window: Interval,
    report: RunReport,
    actor: str,
) -> None:
    proposal = series.proposal
    line = PairLine(proposal.manager, proposal.employee, NOTHING_SAID, proposal.id)
    if not remote.exists:
        why = say("deleted in the calendar by a person; not re-created")
        store.remove_deleted(series, actor, why)
        report.cancelled.append(replace(line, text=why))
        return
    if proposal.kind.one_off:
        _take_in_one_off_decline(store, series, remote, window, report, line)
    else:
        _take_in_declines(store, series, remote, window, report, line, actor)
    if series.needs_write:
        return  # our own change is not written yet; what the calendar shows is older
    adopted = adopt(series.occurrences, remote)
    if adopted != series.occurrences:
        store.update_occurrences(
            series.uid, adopted, actor, "changed in the calendar", already_in_calendar=True
        )


def _take_in_declines(
    store: Store,
    series: SeriesRecord,
    remote: RemoteSeries,
    window: Interval,
    report: RunReport,
    line: PairLine,
    actor: str,
) -> None:
    """A declined series gets a new proposal; a declined single date is remembered, as a
    check-in that will not happen (see health.py)."""
    before = store.declines_of(series.uid)
    store.note_declines(series.uid, window, remote.declined_dates)
    if remote.declined_by and remote.declined_by != series.declined_by:
        store.mark_declined(series.uid, remote.declined_by, actor)
        names = listed(sorted(remote.declined_by))
        why = say("declined by %(names)s; a new time is proposed", names=names)
        report.declined.append(replace(line, text=why))
        return
    zone = ZoneInfo(series.proposal.timezone)
    for start, who in sorted(remote.declined_dates.items()):
        if who - before.get(start, frozenset()):
            text = say(
                "%(names)s declined the check-in on %(day)s",
                names=listed(sorted(who)),
                day=Day.of(start.astimezone(zone).date()),
            )
            report.declined.append(replace(line, text=text))


def _take_in_one_off_decline(
    store: Store,
    series: SeriesRecord,
    remote: RemoteSeries,
    window: Interval,
    report: RunReport,
    line: PairLine,
) -> None:
    """A declined one-off is not proposed again: the person said no to it."""
    if not series.occurrences:
        return
    start = series.occurrences[0].original_start
    before = store.declines_of(series.uid).get(start, frozenset())
    declined = {start: remote.declined_by} if remote.declined_by else {}
    store.note_declines(series.uid, window, declined)
    if remote.declined_by and remote.declined_by != before:
        zone = ZoneInfo(series.proposal.timezone)
        text = say(
            "%(names)s declined the check-in on %(day)s",
            names=listed(sorted(remote.declined_by)),
            day=Day.of(series.occurrences[0].start.astimezone(zone).date()),
        )
        report.declined.append(replace(line, text=text))


def adopt(occurrences: tuple[Occurrence, ...], remote: RemoteSeries) -> tuple[Occurrence, ...]:
    """Occurrences as a person left them: their moves and cancellations win, for good."""
    if remote.single is not None:
        return tuple(_adopt_single(o, remote.single) for o in occurrences)
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


def _adopt_single(occurrence: Occurrence, actual: Interval) -> Occurrence:
    """A one-off a person moved in their calendar stays where they put it."""
    if actual.start == occurrence.start and occurrence.takes_place:
        return occurrence
    return replace(
        occurrence,
        start=actual.start,
        end=actual.end,
        status=OccurrenceStatus.MOVED,
        reason=MOVED_BY_PERSON,
        fixed=True,
    )
