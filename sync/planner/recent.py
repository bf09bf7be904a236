"""A memory of the answers for the pairs asked about last, and only those.

The planner remembers per pair what it worked out (shared free time, both people's
workable time, slot bits), as the same pair is asked again and again while it is planned
and while room is made near it. Kept for every pair, those answers grow with the
organisation and sit in memory until the plan is done; kept for the last few hundred
pairs, they grow with nothing. A pair asked about again after it was forgotten gets its
answer worked out again, the same answer: only memory and a little time change, never a
plan."""

from __future__ import annotations

from collections import OrderedDict
from typing import Generic, TypeVar

Key = TypeVar("Key")
Value = TypeVar("Value")

PAIRS_KEPT = 256
"""Pairs whose answers are remembered. Planning a pair, making room for it and filling a
team's empty weeks ask about a manager's own pairs and their neighbours, far fewer than
this."""


class Recent(Generic[Key, Value]):
    """The values of the `size` keys used last; an older one is forgotten."""

    def __init__(self, size: int) -> None:
        self.size = max(size, 1)
        self._values: OrderedDict[Key, Value] = OrderedDict()

    def get(self, key: Key) -> Value | None:
        found = self._values.get(key)
        if found is not None:
            self._values.move_to_end(key)
        return found

    def put(self, key: Key, value: Value) -> Value:
        """Remember `value` for `key`, forgetting the key used longest ago if full."""
        values = self._values
        values[key] = value
        values.move_to_end(key)
        if len(values) > self.size:
            values.popitem(last=False)
        return value

    def __len__(self) -> int:
        return len(self._values)
