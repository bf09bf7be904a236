"""Where the message about a decision is shown: where the manager is, not only at the top
of the page, out of sight. After approving or rejecting one proposal, at the place its
card had in the list, under the card's own #proposal-N anchor (the card has left the list;
the message keeps its place and its address); after approving all, under the heading of
the team's check-ins, where the page continues.

The place travels in the session beside Flask's flashed messages, for the next page."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import cast

from flask import flash, get_flashed_messages, session

from sync.store import ProposalRecord, Store

_AT = "notes_at"
TEAM = "team-title"
"""The anchor of the team's check-ins."""


@dataclass(frozen=True)
class Notes:
    messages: list[tuple[str, str]]
    """(category, message), as Flask flashes them."""
    anchor: str
    """The id the messages carry; empty under a heading, which has its own."""
    before: int | None
    """Shown before the waiting proposal at this index (the number of them: after the
    last); None: under the team's heading."""


def flash_at(message: str, category: str, anchor: str) -> None:
    """Flash `message` for the page at `anchor` ("proposal-12", or TEAM)."""
    flash(message, category)
    session[_AT] = anchor


def proposal_anchor(record: ProposalRecord) -> str:
    return f"proposal-{record.id}"


def placed(store: Store, pending: Sequence[ProposalRecord]) -> Notes | None:
    """The messages of the last decision with their place among `pending` (in the store's
    order); None when they belong at the top of the page."""
    anchor = session.pop(_AT, None)
    flashed = cast("list[tuple[str, str]]", get_flashed_messages(with_categories=True))
    messages = list(flashed)
    if not messages or not isinstance(anchor, str):
        return None
    if anchor == TEAM:
        return Notes(messages, "", None)
    number = anchor.removeprefix("proposal-")
    record = store.proposal(int(number)) if number.isascii() and number.isdigit() else None
    if record is None or any(r.id == record.id for r in pending):
        return None  # still waiting: its card is there, and its anchor with it
    # the store lists a manager's proposals by employee, then id
    before = sum(1 for r in pending if (r.employee, r.id) < (record.employee, record.id))
    return Notes(messages, anchor, before)
