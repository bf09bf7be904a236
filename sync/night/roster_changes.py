"""Pairs that people.toml no longer has. A pair (manager, employee) exists while the roster
lists the employee under that manager; once it does not — the employee moved to another
manager, or left, or their manager left and they report to someone else now — everything
still live for the pair ends at the next run: its series and its pending, approved or booked
one-off check-ins. Pure: reconcile.py decides with it, nightly.py carries it out.

An entry that cannot be read is not a change: its pairs are left as they are. Nor is a
roster that suddenly ends many pairs at once — an emptied or cut-off file is likelier than an
organisation that changed overnight — so it ends nothing until the operator confirms.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sync.config.roster import Roster
from sync.model.said import Said, say
from sync.store import ProposalRecord

MASS_ENDING_SHARE = 0.25
"""Ending more than this share of the pairs that have check-ins, in one night, waits for the
operator to confirm (`run --accept-deletions`)."""
MASS_ENDING_MINIMUM = 3
"""Up to this many pairs may always end in one night: a person or two leaving is normal."""
CONFIRM = "run again with --accept-deletions"


@dataclass(frozen=True)
class Ending:
    record: ProposalRecord
    why: Said


def pairs_gone(roster: Roster, live: Sequence[ProposalRecord]) -> list[Ending]:
    """Every live proposal (series or one-off) whose pair the roster no longer has, and why."""
    endings = []
    for record in live:
        why = _gone(roster, record)
        if why:
            endings.append(Ending(record, why))
    return endings


def _gone(roster: Roster, record: ProposalRecord) -> Said | None:
    # an entry kept only as booked (a span in it is wrong) still says who the manager is
    employee = roster.employees.get(record.employee) or roster.kept_as_booked.get(record.employee)
    if employee is None:
        # an entry that is there but invalid, or one that could not even be identified,
        # may be this person: nothing is ended for it
        if roster.listed(record.employee) or not roster.complete:
            return None
        return say("the employee is no longer in people.toml")
    if employee.manager == record.manager:
        return None
    if record.manager not in roster.managers:
        return say(
            "the employee now reports to %(manager)s (%(former)s is no longer in people.toml)",
            manager=employee.manager,
            former=record.manager,
        )
    return say("the employee now reports to %(manager)s", manager=employee.manager)


def hold_back(roster: Roster, live: Sequence[ProposalRecord], endings: Sequence[Ending]) -> str:
    """Why tonight's roster must not end these pairs without the operator's word, or ""."""
    ending = {(e.record.manager, e.record.employee) for e in endings}
    if not ending:
        return ""
    pairs = {(r.manager, r.employee) for r in live}
    if not roster.employees and not roster.skipped:
        what = "people.toml lists no employees"
    elif len(ending) > MASS_ENDING_MINIMUM and len(ending) > MASS_ENDING_SHARE * len(pairs):
        what = f"people.toml no longer has {len(ending)} of the {len(pairs)} pairs with check-ins"
    else:
        return ""
    return (
        f"{what}; their check-ins were not cancelled, in case the file was cut short by "
        f"mistake. If the change is real, {CONFIRM}"
    )
