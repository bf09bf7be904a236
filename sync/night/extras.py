"""Which pairs need an extra, one-off check-in tonight, and why: the employee comes back
from a long absence, or asked for one. Pure, like reconcile.py: it decides, nightly.py
carries the decisions out.

A welcome back is proposed once per return, unless the pair already meets in the first two
working days back. A request stays open until its check-in is booked or its window of working
days has passed; the store remembers it, so a `request` left in people.toml is honoured once.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from zoneinfo import ZoneInfo

from sync.config.roster import Roster
from sync.model.cadence import Cadence
from sync.model.said import Day, Said, say, say_n
from sync.model.values import NOTHING_SAID, BusyBlock, CheckinKind, Employee, Interval, Occurrence
from sync.planner import Commitment, PairRequest
from sync.planner.availability import Availability, next_workdays
from sync.planner.one_off import OneOffRequest, window_of
from sync.planner.time_off import returns
from sync.store import ROSTER_SOURCE, ProposalRecord, RequestRecord, RequestState, State


@dataclass(frozen=True)
class OneOffToPlan:
    request: OneOffRequest
    fingerprint: str
    reason: Said
    """Why it is proposed, as the proposal keeps it."""
    note: str = ""
    """The employee's own words, for the invitation."""


@dataclass
class ExtraDecisions:
    plan: list[OneOffToPlan] = field(default_factory=list)
    supersede: list[tuple[ProposalRecord, Said]] = field(default_factory=list)
    close: list[tuple[RequestRecord, RequestState, Said]] = field(default_factory=list)


def roster_request_key(employee: Employee) -> str | None:
    """What identifies the `request` in an employee's entry: a changed one is a new ask."""
    ask = employee.request
    if ask is None:
        return None
    made = ask.made.isoformat() if ask.made else ""
    return f"within={ask.within_days};made={made};reason={ask.reason}"


def request_days(employee: Employee, made_on: date, within_days: int) -> list[date]:
    """The working days a request may be met on: the employee's next `within_days`."""
    return next_workdays(Availability(employee.person, employee.paused), made_on, within_days)


def pair_dates(
    regular: Sequence[tuple[ProposalRecord, datetime, Sequence[Occurrence]]], until: datetime
) -> dict[str, list[datetime]]:
    """When each pair meets, by employee: the known dates of its live series (booked, or
    proposed), and beyond the planned weeks the dates its rule will bring."""
    dates: dict[str, list[datetime]] = {}
    for record, first_start, occurrences in regular:
        mine = dates.setdefault(record.employee, [])
        mine += [o.start for o in occurrences if o.takes_place]
        known = max((o.original_start for o in occurrences), default=first_start)
        zone = ZoneInfo(record.timezone)
        local = first_start.astimezone(zone)
        for day in Cadence.parse(record.cadence).dates(local.date(), until.date()):
            start = datetime.combine(day, local.time().replace(tzinfo=None), zone)
            if known < start <= until:
                mine.append(start)
    return dates


def decide_extras(
    roster: Roster,
    proposals: Sequence[ProposalRecord],
    requests: Sequence[RequestRecord],
    busy: Mapping[str, Sequence[BusyBlock]],
    window: Interval,
    earliest: datetime,
    agenda: Mapping[str, Sequence[Commitment]],
    series_dates: Mapping[str, Sequence[datetime]],
) -> ExtraDecisions:
    decisions = ExtraDecisions()
    one_offs = [p for p in proposals if p.kind.one_off]
    live: dict[str, list[ProposalRecord]] = {}
    for record in one_offs:
        if record.state in (State.PENDING, State.APPROVED, State.BOOKED):
            if record.state is State.PENDING and record.first_start < earliest:
                why = say("its date came too close before it was approved")
                decisions.supersede.append((record, why))
                continue
            paused = _paused_on(roster, record)
            if record.state is State.PENDING and paused:
                # a pause added after it was proposed: approving it would book into the pause
                decisions.supersede.append((record, paused))
                continue
            live.setdefault(record.fingerprint, []).append(record)
    for ask in requests:
        _request(roster, ask, live, one_offs, earliest, decisions)
    for email, employee in sorted(roster.employees.items()):
        if email in busy:
            meets = [c.start for c in agenda.get(email, []) if c.employee == email]
            meets += series_dates.get(email, [])
            _welcome_back(
                roster, employee, busy[email], window, earliest, meets, one_offs, decisions
            )
    return decisions


def _paused_on(roster: Roster, record: ProposalRecord) -> Said:
    """Why the employee has no check-ins on the one-off's date, if it is in their pause."""
    employee = roster.employees.get(record.employee)
    if employee is None or employee.paused is None:
        return NOTHING_SAID
    day = record.first_start.astimezone(ZoneInfo(employee.person.timezone)).date()
    if not employee.paused.contains(day):
        return NOTHING_SAID
    return say(
        "its date falls in a pause: %(name)s's check-ins are paused from %(start)s to %(end)s",
        name=employee.person.first_name,
        start=Day.of(employee.paused.start),
        end=Day.of(employee.paused.end),
    )


def _pair(roster: Roster, employee: Employee) -> PairRequest:
    manager = roster.managers[employee.manager]
    return PairRequest(manager, employee, employee.cadence, employee.cadence_source)


def _request(
    roster: Roster,
    ask: RequestRecord,
    live: Mapping[str, list[ProposalRecord]],
    one_offs: Sequence[ProposalRecord],
    earliest: datetime,
    decisions: ExtraDecisions,
) -> None:
    employee = roster.employees.get(ask.employee)
    if employee is None:
        if not roster.listed(ask.employee) and roster.complete:
            decisions.close.append((ask, RequestState.WITHDRAWN, say("no longer in people.toml")))
        return
    if ask.source == ROSTER_SOURCE and roster_request_key(employee) != ask.key:
        for record in live.get(ask.fingerprint, []):
            if record.state is not State.BOOKED:
                decisions.supersede.append(
                    (record, say("the request was taken out of people.toml"))
                )
        decisions.close.append((ask, RequestState.WITHDRAWN, say("taken out of people.toml")))
        return
    mine = live.get(ask.fingerprint, [])
    booked = [r for r in mine if r.state is State.BOOKED]
    if booked:
        decisions.close.append(
            (ask, RequestState.BOOKED, say("booked as #%(id)s", id=booked[0].id))
        )
        return
    days = request_days(employee, ask.made_on, ask.within_days)
    today = earliest.astimezone(ZoneInfo(employee.person.timezone)).date()
    pair = _pair(roster, employee)
    if not days or days[-1] < today or _passed(pair, days[0], days[-1], earliest):
        for record in mine:
            decisions.supersede.append((record, say("the request's window has passed")))
        last = Day.of(days[-1] if days else ask.made_on)
        expired = say_n(
            "no check-in was booked within %(num)s working day (by %(day)s)",
            "no check-in was booked within %(num)s working days (by %(day)s)",
            ask.within_days,
            day=last,
        )
        decisions.close.append((ask, RequestState.EXPIRED, expired))
        return
    if mine:
        return
    who = employee.person.first_name
    if ask.reason:
        why = say("requested by %(name)s: %(reason)s", name=who, reason=ask.reason)
    else:
        why = say("requested by %(name)s", name=who)
    rejected = _rejected(one_offs, ask.fingerprint)
    request = OneOffRequest(pair, CheckinKind.REQUESTED, days[0], days[-1], why, rejected)
    decisions.plan.append(OneOffToPlan(request, ask.fingerprint, why, ask.reason))


def _welcome_back(
    roster: Roster,
    employee: Employee,
    blocks: Sequence[BusyBlock],
    window: Interval,
    earliest: datetime,
    meets: Sequence[datetime],
    one_offs: Sequence[ProposalRecord],
    decisions: ExtraDecisions,
) -> None:
    email = employee.person.email
    pair = _pair(roster, employee)
    for back in returns(employee, blocks, window):
        fingerprint = f"kind=welcome_back;back={back.back.isoformat()}"
        replaced = {r.id for r, _ in decisions.supersede}
        # proposed already (a rejected one only rules out its own time; one cancelled with
        # a pair that no longer exists leaves the new pair its own)
        earlier = [
            r
            for r in one_offs
            if r.employee == email
            and r.fingerprint == fingerprint
            and r.state in (State.PENDING, State.APPROVED, State.BOOKED, State.CANCELLED)
            and (r.state is not State.CANCELLED or r.manager == employee.manager)
            and r.id not in replaced
        ]
        if earlier or _passed(pair, back.back, back.last_day, earliest):
            continue
        request = OneOffRequest(
            pair,
            CheckinKind.WELCOME_BACK,
            back.back,
            back.last_day,
            say_n(
                "welcome back: %(name)s returns on %(day)s after %(num)s working day away",
                "welcome back: %(name)s returns on %(day)s after %(num)s working days away",
                back.away_days,
                name=employee.person.first_name,
                day=Day.of(back.back),
            ),
            _rejected(one_offs, fingerprint, email),
        )
        span = window_of(request)
        if any(span.start <= start < span.end for start in meets):
            continue  # a check-in already falls in the first days back
        decisions.plan.append(OneOffToPlan(request, fingerprint, request.why))


def _passed(pair: PairRequest, first: date, last: date, earliest: datetime) -> bool:
    probe = OneOffRequest(pair, CheckinKind.REQUESTED, first, last, NOTHING_SAID)
    return window_of(probe).end <= earliest


def _rejected(
    one_offs: Sequence[ProposalRecord], fingerprint: str, employee: str | None = None
) -> frozenset[datetime]:
    """Times the manager already turned down for this same one-off: offer another."""
    return frozenset(
        r.first_start
        for r in one_offs
        if r.fingerprint == fingerprint
        and r.state is State.REJECTED
        and (employee is None or r.employee == employee)
    )
