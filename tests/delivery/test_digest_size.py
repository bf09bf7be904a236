"""A manager of a large team gets the whole digest: Gmail clips a message beyond about
102 kB ("[Message clipped]"), and what it clips is the end, where the sign-in link is.
A team of twelve, a proposal waiting for each of the eleven with its week picture over
busy calendars, stays under that."""

from __future__ import annotations

import random
from dataclasses import replace
from datetime import datetime, timedelta

from sync.config.roster import load_roster
from sync.config.settings import load_settings
from sync.delivery.digest import _digest, to_email
from sync.model.values import Interval
from sync.model.week_busy import WORKING_DAYS, WeekBusy
from sync.store import ProposalRecord
from tests.web_helpers import CLOCK, Org

GMAIL_CLIPS_AT = 102_000
LIMIT = 100_000
"""Below Gmail's limit, with room for what a real digest may add (longer names, changes to
more dates, tonight's news). This one takes about 93 kB; the bench's digests of eleven
waiting at N = 1,000 (no approve links there) take 72 to 87 kB."""


def _busy_week(monday: datetime, share: float, seed: int) -> tuple[Interval, ...]:
    """Meetings of 30 and 60 minutes on the half hour between 08:00 and 18:00, until `share`
    of the day is busy: the busiest calendars of the bench's organisation (bench/org.py)."""
    pick = random.Random(seed)
    spans = []
    for number in range(WORKING_DAYS):
        day = monday + timedelta(days=number, hours=8)
        busy: set[int] = set()
        while len(busy) < share * 20:
            halves = pick.choice((1, 1, 2))
            first = pick.randrange(0, 20 - halves + 1)
            taken = set(range(first, first + halves))
            if not taken & busy:
                busy |= taken
                start = day + timedelta(minutes=30 * first)
                spans.append(Interval(start, start + timedelta(minutes=30 * halves)))
    return tuple(spans)


def _team(record: ProposalRecord, size: int) -> list[ProposalRecord]:
    week = record.week_busy.decoded() if record.week_busy is not None else None
    assert week is not None, "the night kept the week of the proposal"
    return [
        replace(
            record,
            id=1000 + n,
            employee_name=f"Alexandra Lindqvist-Okafor {n}",
            week_busy=WeekBusy(
                week.monday,
                _busy_week(week.monday, 0.7, seed=0),
                _busy_week(week.monday, 0.4, seed=n + 1),
            ),
        )
        for n in range(size)
    ]


def test_the_digest_of_a_team_of_twelve_is_not_clipped(org: Org) -> None:
    settings = load_settings(org.root)
    roster = load_roster(org.config.root / "people.toml")
    # Erik's proposal has dates skipped (his paused week), so each item lists changes too
    waiting = _team(org.proposal("erik@example.com"), 11)
    digest = _digest("karin@example.com", waiting, set(), [], settings, roster, CLOCK)
    assert digest.html.count("<table") == 11, "every proposal has its week picture"
    message = to_email(digest, settings)
    assert len(message) < LIMIT < GMAIL_CLIPS_AT
