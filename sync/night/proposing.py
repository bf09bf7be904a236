"""From planner results to stored proposals, each with the invitation it will carry, and the
extra (one-off) check-ins of a night: requests taken in from people.toml, the decisions of
extras.py carried out, and their proposals made."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from sync.config.purpose import CheckinFacts, Invitation, Purpose
from sync.config.roster import Roster
from sync.connectors.registry import kind_of
from sync.delivery.render import alternatives_to_json
from sync.delivery.report import PairLine, RunReport
from sync.model.cadence import ONE_OFF_LABEL
from sync.model.identity import fingerprint as pair_fingerprint
from sync.model.said import Day, Said, say
from sync.model.values import BusyBlock, Interval, PlannedSeries
from sync.model.week_busy import week_of
from sync.night.extras import (
    ExtraDecisions,
    OneOffToPlan,
    decide_extras,
    pair_dates,
    roster_request_key,
)
from sync.planner import PairRequest, PlanFailure, PlanningInput
from sync.planner.one_off import plan_one_offs
from sync.store import (
    LIVE_STATES,
    ROSTER_SOURCE,
    NewProposal,
    RequestState,
    SeriesState,
    State,
    Store,
)


@dataclass(frozen=True)
class Proposing:
    """What every proposal of a night is made with."""

    store: Store
    purpose: Purpose
    report: RunReport
    actor: str
    run_id: int


def regular_proposal(
    request: PairRequest,
    series: PlannedSeries,
    reason: Said,
    purpose: Purpose,
    today: date,
    busy: Mapping[str, Sequence[BusyBlock]],
) -> NewProposal:
    employee = request.employee
    more_often = employee.more_often if employee.more_often_on(today) else None
    invitation = purpose.invitation(
        CheckinFacts(
            kind=series.kind,
            manager_name=request.manager.person.name,
            employee_name=employee.person.name,
            duration=series.duration,
            cadence=series.cadence,
            more_often_until=more_often.until if more_often else None,
            more_often_reason=more_often.reason if more_often else "",
        )
    )
    fingerprint = pair_fingerprint(
        request.manager.person.email, request.cadence.label, employee.duration
    )
    return _proposal(request, series, fingerprint, request.cadence_reason, reason, invitation, busy)


def take_in_requests(store: Store, roster: Roster, now: datetime, actor: str) -> None:
    """Record each `request` in people.toml the first time it is seen; one that does not say
    when it was made counts from that night, in the employee's own zone."""
    for email, employee in sorted(roster.employees.items()):
        key = roster_request_key(employee)
        if key is None or employee.request is None:
            continue
        ask = employee.request
        made = ask.made or now.astimezone(ZoneInfo(employee.person.timezone)).date()
        store.add_request(email, ROSTER_SOURCE, key, made, ask.within_days, ask.reason, actor)


def propose_extras(
    context: Proposing,
    roster: Roster,
    busy: Mapping[str, Sequence[BusyBlock]],
    window: Interval,
    inputs: PlanningInput,
) -> None:
    """Decide tonight's extra check-ins (extras.py) and carry the decisions out."""
    store = context.store
    booked = {s.proposal.id: s for s in store.series(states=[SeriesState.BOOKED])}
    regular = []
    for record in store.proposals(states=LIVE_STATES):
        if not record.kind.one_off:
            series = booked.get(record.id)
            first = series.first_start if series else record.first_start
            dates = series.occurrences if series else record.occurrences
            regular.append((record, first, dates))
    decisions = decide_extras(
        roster,
        store.proposals(),
        store.requests(states=(RequestState.OPEN,)),
        busy,
        window,
        inputs.now + inputs.min_notice,
        inputs.checkins,
        pair_dates(regular, window.end),
    )
    carry_out(context, roster, decisions, inputs)


def carry_out(
    context: Proposing, roster: Roster, decisions: ExtraDecisions, inputs: PlanningInput
) -> None:
    store, report = context.store, context.report
    for record, why in decisions.supersede:
        store.transition(record.id, State.SUPERSEDED, context.actor, why)
        report.superseded.append(PairLine(record.manager, record.employee, why, record.id))
    for ask, state, why in decisions.close:
        store.close_request(ask, state, context.actor, str(why))
        if state is not RequestState.BOOKED:
            employee = ask.employee
            listed = roster.employees.get(employee)
            manager = listed.manager if listed else ""
            text = say(
                "the check-in %(employee)s asked for on %(day)s: %(why)s",
                employee=employee,
                day=Day.of(ask.made_on),
                why=why,
            )
            report.asks.append(PairLine(manager, employee, text))
    if decisions.plan:
        propose_one_offs(context, decisions.plan, inputs)


def propose_one_offs(
    context: Proposing, items: Sequence[OneOffToPlan], inputs: PlanningInput
) -> None:
    by_request = {id(item.request): item for item in items}
    for request, outcome in plan_one_offs([item.request for item in items], inputs):
        item = by_request[id(request)]
        if isinstance(outcome, PlanFailure):
            context.report.skipped.append(
                PairLine(
                    outcome.manager,
                    outcome.employee,
                    say("%(why)s: %(reason)s", why=item.reason, reason=outcome.reason),
                )
            )
            continue
        employee = request.pair.employee
        invitation = context.purpose.invitation(
            CheckinFacts(
                kind=request.kind,
                manager_name=request.pair.manager.person.name,
                employee_name=employee.person.name,
                duration=outcome.duration,
                reason=item.note,
            )
        )
        new = _proposal(
            request.pair,
            outcome,
            item.fingerprint,
            item.reason,
            item.reason,
            invitation,
            inputs.busy,
        )
        proposal_id = context.store.add_proposal(context.run_id, new, context.actor)
        context.report.proposed.append(
            PairLine(outcome.manager, outcome.employee, outcome.explanation, proposal_id)
        )


def _proposal(
    request: PairRequest,
    series: PlannedSeries,
    fingerprint: str,
    cadence_reason: Said,
    reason: Said,
    invitation: Invitation,
    busy: Mapping[str, Sequence[BusyBlock]],
) -> NewProposal:
    week = week_of(
        series.first_start,
        series.timezone,
        busy.get(series.manager, ()),
        busy.get(series.employee, ()),
    )
    return NewProposal(
        manager=series.manager,
        employee=series.employee,
        manager_name=request.manager.person.name,
        employee_name=request.employee.person.name,
        fingerprint=fingerprint,
        cadence=ONE_OFF_LABEL if series.kind.one_off else series.cadence.label,
        cadence_reason=cadence_reason,
        duration=series.duration,
        timezone=series.timezone,
        rrule=series.rrule,
        first_start=series.first_start.astimezone(ZoneInfo(series.timezone)),
        occurrences=series.occurrences,
        explanation=series.explanation,
        alternatives=alternatives_to_json(series.alternatives),
        reason=reason,
        organiser_calendar=kind_of(request.manager.person.calendar),
        kind=series.kind,
        summary=invitation.summary,
        description=invitation.description,
        week_busy=week,
    )
