"""Whether a team's program (team_weeks.py) can place one more date at all: a small search
that settles most programs before HiGHS is asked.

A program for a skipped date keeps every date that takes place and may place skipped ones.
Most cannot place any: every time a skipped date has is taken by dates that must stay, or
by the manager's cap. HiGHS then answers with the plan as it was, which is kept; asking it
costs more than the rest of the team weeks together. A plan placing more keeps every kept
date and places at least one skipped date; leaving out all but one of the skipped dates it
places breaks no row (each row bounds only how many of its columns are chosen, and a
skipped date need not have one), so it is enough to look for a time for every kept date
and one skipped date. The search takes the date with the fewest times still possible first
and counts its steps; past a fixed number it says "maybe", and HiGHS decides as before. So
the plan is HiGHS's whenever HiGHS could change it, on every machine.

Re-arranging a full week (rearrange.py) asks the same of a looser version of its own
search (`may_place_all`): where no date can be left out, whether every one has a time."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

from sync.planner.zero_one import Row

STEPS = 300
"""Times tried before the search leaves the question to HiGHS: at N = 1,000 it settles 69
of the 76 programs that place nothing more, in a third of the time HiGHS took for them."""


class _GaveUp(Exception):
    pass


def may_place_more(
    rows: Sequence[Row],
    kept: Sequence[Sequence[int]],
    skipped: Sequence[Sequence[int]],
    steps: int = STEPS,
) -> bool:
    """False only if no choice of one column of each `kept` date and one column of one
    `skipped` date keeps within every row's upper bound (columns by index, as in `rows`);
    True if there is one, or the search gave up before it knew."""
    # one of any skipped date's times will do, so they are one date with all their times
    any_skipped = [column for columns in skipped for column in columns]
    if not any_skipped:
        return False
    return may_place_all(rows, [*kept, any_skipped], steps)


def may_place_all(rows: Sequence[Row], dates: Sequence[Sequence[int]], steps: int = STEPS) -> bool:
    """False only if no choice of one column of each of `dates` keeps within every row's
    upper bound; True if there is one, or the search gave up before it knew."""
    try:
        return _Search(rows, steps).places(list(dates))
    except _GaveUp:
        return True


class _Search:
    def __init__(self, rows: Sequence[Row], steps: int) -> None:
        self.rows_of: dict[int, list[int]] = defaultdict(list)
        """The rows each column is in."""
        self.room: list[float] = []
        self.full = 0
        """A bit per row that has no room left: a column is possible while its rows' bits
        (`mask`) are all clear, one AND however many rows it is in."""
        self.mask: dict[int, int] = defaultdict(int)
        for number, (_, high, members) in enumerate(rows):
            self.room.append(high)
            if high < 1:
                self.full |= 1 << number
            for column in members:
                self.rows_of[column].append(number)
                self.mask[column] |= 1 << number
        self.steps = steps

    def places(self, dates: list[Sequence[int]]) -> bool:
        """Whether every date of `dates` can have one of its columns, with what is taken."""
        if not dates:
            return True
        position, fewest = -1, None
        for index, columns in enumerate(dates):
            possible = [c for c in columns if not self.mask[c] & self.full]
            if not possible:
                return False
            if fewest is None or len(possible) < len(fewest):
                position, fewest = index, possible
        assert fewest is not None
        rest = dates[:position] + dates[position + 1 :]
        for column in fewest:
            self.steps -= 1
            if self.steps < 0:
                raise _GaveUp
            self._take(column, -1)
            found = self.places(rest)
            self._take(column, 1)
            if found:
                return True
        return False

    def _take(self, column: int, change: int) -> None:
        for row in self.rows_of[column]:
            self.room[row] += change
            if self.room[row] < 1:
                self.full |= 1 << row
            else:
                self.full &= ~(1 << row)
