"""How often each person's agenda changed, told apart by whose check-in came or went.

A pair's free time depends on the two people's agendas, but not on its own series' dates
(they are being placed again). Making room for one date may move other series' dates, or
none; building the pair's free time again costs a walk over both agendas and the horizon,
so it is rebuilt only when a count here says something it depends on changed."""

from __future__ import annotations

from collections import Counter

from sync.planner.requests import Commitment, PairRequest


class AgendaChanges:
    def __init__(self) -> None:
        self._all: Counter[str] = Counter()
        self._series: Counter[tuple[str, str]] = Counter()
        """Of those, by the recurring series of (person, employee of the series)."""

    def note(self, email: str, item: Commitment) -> None:
        """`item` came into or went out of `email`'s agenda."""
        self._all[email] += 1
        if not item.one_off:
            self._series[email, item.employee] += 1

    def by_others(self, pair: PairRequest) -> tuple[int, int]:
        """Changes to both people's agendas by anything but the pair's own series: while
        this stays the same, so does the pair's free time (`_FreeTime.free_spans`)."""
        employee = pair.employee.person.email
        manager_email, employee_email = pair.key
        return (
            self._all[manager_email] - self._series[manager_email, employee],
            self._all[employee_email] - self._series[employee_email, employee],
        )
