"""Comparing the roster with the store: which proposals and series no longer fit, and which
pairs need a new proposal tonight. Pure: it decides, nightly.py carries the decisions out."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime

from sync.config.roster import Roster
from sync.model.identity import fingerprint
from sync.model.said import Day, Said, listed, say
from sync.model.values import Employee
from sync.night.roster_changes import Ending, hold_back, pairs_gone
from sync.planner import PairRequest
from sync.planner.refused import RefusedTime
from sync.store import OPEN_STATES, ProposalRecord, State

NEW_PAIR = say("no check-in series yet")


@dataclass(frozen=True)
class PairToPlan:
    request: PairRequest
    reason: Said


@dataclass
class Decisions:
    supersede: list[tuple[ProposalRecord, Said]] = field(default_factory=list)
    cancel: list[tuple[ProposalRecord, Said]] = field(default_factory=list)
    plan: list[PairToPlan] = field(default_factory=list)
    skipped: list[tuple[str, str, str]] = field(default_factory=list)
    """(manager, employee, reason) for pairs left as they are tonight; the manager is the
    one of the pair's live series, else the one the entry names, else empty."""
    held: str = ""
    """Why the pairs people.toml no longer has were not ended tonight (see roster_changes)."""
    held_back: list[Ending] = field(default_factory=list)


def reconcile(
    roster: Roster,
    live: Sequence[ProposalRecord],
    avoided: Mapping[str, tuple[RefusedTime, ...]],
    today: date,
    earliest: datetime,
    declined: Mapping[str, frozenset[str]] | None = None,
    *,
    accept_endings: bool = False,
) -> Decisions:
    """Decide, for every live proposal and every employee, what tonight's run must do.
    `accept_endings`: end the pairs people.toml no longer has even when that is many."""
    decisions = Decisions()
    endings = pairs_gone(roster, live)
    decisions.held = "" if accept_endings else hold_back(roster, live, endings)
    if decisions.held:
        decisions.held_back = endings
    else:
        decisions.cancel = [(e.record, e.why) for e in endings]
    gone = {e.record.id: e.why for e in endings}
    moved = {e.record.employee: e.why for e in endings if not e.record.kind.one_off}
    by_employee: dict[str, list[ProposalRecord]] = defaultdict(list)
    # one-off check-ins are extras.py's concern; only the pair's series is decided here
    for record in live:
        if record.id not in gone and not record.kind.one_off:
            by_employee[record.employee].append(record)

    for email, reason in sorted(roster.skipped.items()):
        of_series = [r.manager for r in by_employee.get(email, [])]
        named = of_series[0] if of_series else roster.skipped_managers.get(email, "")
        decisions.skipped.append((named, email, reason))

    for email, employee in sorted(roster.employees.items()):
        manager = roster.managers[employee.manager]
        cadence, cadence_reason = employee.cadence_on(today)
        wanted = fingerprint(employee.manager, cadence.label, employee.duration)
        records = by_employee.get(email, [])
        booked = [r for r in records if r.state is State.BOOKED]
        refused = {r.uid: (declined or {}).get(r.uid, frozenset()) for r in booked}
        booked_match = any(r.fingerprint == wanted and not refused[r.uid] for r in booked)
        open_match = False
        for record in (r for r in records if r.state in OPEN_STATES):
            why = _stale(record, wanted, booked_match, earliest, employee, today)
            if why:
                decisions.supersede.append((record, why))
            else:
                open_match = True
        if booked_match or open_match:
            continue
        request = PairRequest(
            manager=manager,
            employee=employee,
            cadence=cadence,
            cadence_reason=cadence_reason,
            avoid=avoided.get(email, ()),
        )
        why_new = _change(booked[0].fingerprint, wanted, employee, today) if booked else None
        if not booked and email in moved and not decisions.held:
            why_new = moved[email]
        for record in booked:
            if refused[record.uid] and record.fingerprint == wanted:
                who = listed(sorted(refused[record.uid]))
                why_new = say("%(names)s declined the series", names=who)
        decisions.plan.append(PairToPlan(request, why_new or NEW_PAIR))
    return decisions


def _stale(
    record: ProposalRecord,
    wanted: str,
    booked_match: bool,
    earliest: datetime,
    employee: Employee,
    today: date,
) -> Said | None:
    if record.fingerprint != wanted:
        return _change(record.fingerprint, wanted, employee, today)
    if booked_match:
        return say("a series with the same settings is already booked")
    if record.state is State.PENDING and record.first_start < earliest:
        return say("its first date came too close before it was approved")
    return None


def _change(before: str, after: str, employee: Employee, today: date) -> Said:
    """Why a pair's series no longer fits: what changed, and what made it change."""
    old = dict(part.split("=", 1) for part in before.split(";"))
    new = dict(part.split("=", 1) for part in after.split(";"))
    changed = [key for key in new if old.get(key) != new[key]]
    text = ", ".join(f"{key} {old.get(key, '?')} → {new[key]}" for key in changed)
    more_often = employee.more_often
    if "cadence" in changed and more_often is not None:
        if today > more_often.until:
            until = Day.of(more_often.until)
            return say("%(change)s (more often until %(day)s has ended)", change=text, day=until)
        _, cadence_reason = employee.cadence_on(today)
        return say("%(change)s (%(why)s)", change=text, why=cadence_reason)
    if "cadence" in changed:
        return say(
            "people.toml changed: %(change)s (%(why)s)", change=text, why=employee.cadence_source
        )
    if text:
        return say("people.toml changed: %(change)s", change=text)
    return say("people.toml changed: settings")
