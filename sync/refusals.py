"""The times each pair refused lately, from the store: proposals a manager rejected and
series someone declined. The planner keeps the pair's next proposals away from them
(planner/refused.py); this is where they are found and named."""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime

from sync.model import CheckinKind
from sync.planner.refused import RefusedTime, refused_until
from sync.roster import Roster
from sync.store import ProposalRecord, State, Store

DECLINED_NOTE = "declined by "
"""How the store's audit log records a decline (store/series.py, mark_declined)."""


def refused_times(
    store: Store, roster: Roster, now: datetime, weeks: int
) -> dict[str, tuple[RefusedTime, ...]]:
    """By employee: the times their pair with their current manager refused that are still
    avoided at `now`. With `weeks` 0 nothing is avoided."""
    found: dict[str, list[RefusedTime]] = defaultdict(list)
    if weeks <= 0:
        return {}

    def keep(record: ProposalRecord, decided: datetime, because: str) -> None:
        employee = roster.employees.get(record.employee)
        if employee is None or employee.manager != record.manager:
            return  # another pair's refusal says nothing about this manager's time
        until = refused_until(decided, record.first_start, weeks)
        refused = RefusedTime(record.first_start, record.duration, record.timezone, until, because)
        if refused.active(now):
            found[record.employee].append(refused)

    for record in store.proposals(states=[State.REJECTED]):
        if record.kind is CheckinKind.REGULAR:
            keep(record, record.updated_at, f"{_first_name(roster, record.manager)} rejected")
    for series in store.series():
        if series.declined_by and series.proposal.kind is CheckinKind.REGULAR:
            names = " and ".join(_first_name(roster, email) for email in sorted(series.declined_by))
            keep(series.proposal, _declined_at(store, series.uid), f"{names} declined")
    return {email: tuple(sorted(items)) for email, items in found.items()}


def _declined_at(store: Store, uid: str) -> datetime:
    """When the series was last seen declined (the audit log keeps each change of who)."""
    marks = [e["at"] for e in store.audit_log(uid) if str(e["note"]).startswith(DECLINED_NOTE)]
    return datetime.fromisoformat(marks[-1])


def _first_name(roster: Roster, email: str) -> str:
    names = {p.email: p.first_name for p in roster.people()}
    return names.get(email, email)
