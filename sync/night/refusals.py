"""The times each pair refused lately, from the store: proposals a manager rejected and
series someone declined. The planner keeps the pair's next proposals away from them
(planner/refused.py); this is where they are found and named."""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime

from sync.config.roster import Roster
from sync.model.said import Said, listed, say
from sync.model.values import CheckinKind
from sync.planner.refused import RefusedTime, refused_until
from sync.store import ProposalRecord, SeriesRecord, State, Store

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
    names = {person.email: person.first_name for person in roster.people()}

    def keep(record: ProposalRecord, decided: datetime, because: Said) -> None:
        employee = roster.employees.get(record.employee)
        if employee is None or employee.manager != record.manager:
            return  # another pair's refusal says nothing about this manager's time
        until = refused_until(decided, record.first_start, weeks)
        refused = RefusedTime(record.first_start, record.duration, record.timezone, until, because)
        if refused.active(now):
            found[record.employee].append(refused)

    for record in store.proposals(states=[State.REJECTED]):
        if record.kind is CheckinKind.REGULAR:
            manager = names.get(record.manager, record.manager)
            keep(record, record.updated_at, say("%(name)s rejected", name=manager))
    for series in store.series():
        if series.declined_by and series.proposal.kind is CheckinKind.REGULAR:
            who = listed([names.get(email, email) for email in sorted(series.declined_by)])
            keep(series.proposal, _declined_at(store, series), say("%(names)s declined", names=who))
    return {email: tuple(sorted(items)) for email, items in found.items()}


def _declined_at(store: Store, series: SeriesRecord) -> datetime:
    """When the series was last seen declined (the audit log keeps each change of who); for
    a series recovered from the calendars without its history, when it last changed."""
    log = store.audit_log(series.uid)
    marks = [e["at"] for e in log if str(e["note"]).startswith(DECLINED_NOTE)]
    return datetime.fromisoformat(marks[-1]) if marks else series.updated_at
