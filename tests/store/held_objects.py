"""What a stored record still holds in memory, found through the collector's referents."""

from __future__ import annotations

import gc


def reachable(held: object, kinds: type | tuple[type, ...]) -> list[object]:
    """The objects of `kinds` that `held` refers to, directly or through others (types aside)."""
    found: list[object] = []
    seen: set[int] = set()
    waiting = [held]
    while waiting:
        item = waiting.pop()
        for referent in gc.get_referents(item):
            if id(referent) in seen or isinstance(referent, type):
                continue
            seen.add(id(referent))
            if isinstance(referent, kinds):
                found.append(referent)
            waiting.append(referent)
    return found
