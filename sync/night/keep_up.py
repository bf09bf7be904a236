"""The nightly step that keeps booked series healthy (see planner/maintain.py for the rules):
from the store and roster to the planner, and its answers back into the store."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace
from zoneinfo import ZoneInfo

from sync.config.roster import Roster
from sync.delivery.export.visible import shows_differently
from sync.delivery.report import PairLine, RunReport
from sync.model.cadence import Cadence
from sync.model.said import Day, Said, joined, say
from sync.model.values import BusyBlock, Occurrence, OccurrenceStatus
from sync.planner import PairRequest, PlanningInput
from sync.planner.explain import change_phrase
from sync.planner.maintain import BookedPair, maintain, series_key
from sync.planner.refused import RefusedTime
from sync.store import ProposalRecord, SeriesRecord, SeriesState, Store


def booked_pairs(
    store: Store, roster: Roster, refused: Mapping[str, Sequence[RefusedTime]] | None = None
) -> list[tuple[SeriesRecord, BookedPair]]:
    """Booked series whose people are still in the roster, planned with the series' own
    cadence and length (a changed people.toml only applies once its new series is booked).
    An employee whose entry is wrong only in a span keeps their series kept up: the calendar
    goes on showing its dates, so they are still checked against busy time and days off.
    `refused`, by employee: times the pair refused lately, which no date is moved onto (but
    for the refused series' own time, where its dates are as booked)."""
    pairs = []
    for series in store.series(states=[SeriesState.BOOKED]):
        proposal = series.proposal
        request = pair_as_proposed(roster, proposal, as_booked=True)
        if request is None:
            continue
        avoid = (refused or {}).get(proposal.employee, ())
        request = replace(request, avoid=tuple(r for r in avoid if r.start != series.first_start))
        item = BookedPair(request, series.first_start, series.occurrences, proposal.kind.one_off)
        pairs.append((series, item))
    return pairs


def pair_as_proposed(
    roster: Roster, proposal: ProposalRecord, *, as_booked: bool = False
) -> PairRequest | None:
    """The pair of a proposal, planned with its own cadence and length; None if either person
    has left the roster. `as_booked`: also for an employee kept only as booked."""
    manager = roster.managers.get(proposal.manager)
    employee = roster.employees.get(proposal.employee)
    if employee is None and as_booked:
        employee = roster.kept_as_booked.get(proposal.employee)
    if manager is None or employee is None:
        return None
    cadence = employee.cadence if proposal.kind.one_off else Cadence.parse(proposal.cadence)
    as_proposed = replace(employee, cadence=cadence, duration=proposal.duration)
    return PairRequest(manager, as_proposed, as_proposed.cadence, proposal.cadence_reason)


def keep_up(
    store: Store,
    pairs: Sequence[tuple[SeriesRecord, BookedPair]],
    inputs: PlanningInput,
    busy: Mapping[str, list[BusyBlock]],
    report: RunReport,
    actor: str,
) -> None:
    readable = [
        (series, item) for series, item in pairs if all(email in busy for email in item.pair.key)
    ]
    results = maintain([item for _, item in readable], inputs)
    for series, item in readable:
        updated = results[series_key(item)]
        if updated == series.occurrences:
            continue
        changes = date_changes(series.occurrences, updated, ZoneInfo(series.proposal.timezone))
        store.update_occurrences(
            series.uid,
            updated,
            actor,
            "; ".join(str(change) for change in changes) or "new dates",
            new_version=shows_differently(series.occurrences, updated),
        )
        if changes:
            proposal = series.proposal
            report.kept_up.append(
                PairLine(proposal.manager, proposal.employee, joined(changes, "; "), proposal.id)
            )


def date_changes(
    before: Sequence[Occurrence], after: Sequence[Occurrence], zone: ZoneInfo
) -> list[Said]:
    """Moves and skips; dates that merely entered the horizon as planned are quiet."""
    old = {o.original_start: o for o in before}
    lines = []
    for occurrence in after:
        previous = old.get(occurrence.original_start)
        if previous == occurrence or (
            previous is None and occurrence.status is OccurrenceStatus.OK
        ):
            continue
        if occurrence.status is OccurrenceStatus.OK:
            day = Day.of(occurrence.original_start.astimezone(zone).date())
            lines.append(say("%(day)s back at its regular time", day=day))
        else:
            lines.append(change_phrase(occurrence, zone))
    return lines
