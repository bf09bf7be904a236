"""What a stored record still holds in memory, found through the collector's referents."""

from __future__ import annotations

import gc
import sys


def reachable(held: object, kinds: type | tuple[type, ...]) -> list[object]:
    """The objects of `kinds` that `held` refers to, directly or through others; types,
    modules and their globals aside: a thread or a function reaches them, and through them
    whatever other code (an earlier test) keeps there, which `held` does not hold."""
    found: list[object] = []
    modules = list(sys.modules.values())
    seen = {id(m) for m in modules} | {id(getattr(m, "__dict__", None)) for m in modules}
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
