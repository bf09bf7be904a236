"""What `approve` says about each proposal: what it became once booking was tried, one line
each. Booked, or not booked and why (its dates had passed, the calendars filled up, a write
failed) — never "Approved" for a proposal that booking then set aside."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from sync.delivery.report import PairLine, RunReport
from sync.model.said import Said
from sync.store import ProposalRecord


def approval_outcomes(
    approved: Sequence[ProposalRecord], report: RunReport, word: Callable[[Said], str]
) -> list[str]:
    """The proposals approved now in the order given, then those approved earlier that
    this booking also took care of, then the dates checking moved or skipped."""
    outcomes: dict[int | None, str] = {}
    for line in report.booked:
        outcomes[line.proposal_id] = f"Booked #{line.proposal_id}: {_pair(line)}"
    for line in report.superseded + report.write_failures:
        outcomes[line.proposal_id] = (
            f"Not booked #{line.proposal_id}: {_pair(line)}: {word(line.text)}"
        )
    lines = []
    for record in approved:
        lines.append(
            outcomes.pop(
                record.id,
                f"Approved #{record.id}: {record.manager} → {record.employee}; "
                "the next run books it.",
            )
        )
    lines += [f"{text} (approved earlier)" for text in outcomes.values()]
    for line in report.kept_up:
        lines.append(f"Checked #{line.proposal_id} against the calendars: {word(line.text)}")
    return lines


def _pair(line: PairLine) -> str:
    return f"{line.manager} → {line.employee}"
