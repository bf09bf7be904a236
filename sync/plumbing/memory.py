"""Handing back to the system the memory a step of the night has freed.

Python frees a step's objects as soon as the step lets go of them, but glibc's allocator
keeps the freed memory for the next allocation of the same thread, and every thread that
allocates gets an arena of its own. A night's reads and writes parse every answer on the
providers' worker threads, whose arenas the later steps on the main thread never use:
measured (bench/README.md, "Peak memory of a night"), glibc still held 135 MB that the
reads had freed at N = 1,000 and 141 MB at N = 3,000, and the process stayed that much
larger for the rest of the night, every later step's peak on top of it. `malloc_trim`
returns every whole free page of every arena to the system (glibc 2.8 and later); it took
about a tenth of a second for 400 MB freed by four threads, so the night calls it after
each step.

Within a step, each of the providers' worker threads (eight per provider by default) kept
its own arena, so what one thread freed after parsing an answer waited for that thread's
next answer instead of serving the others'. Python's lock lets one thread run at a time,
so the threads gain nothing from arenas of their own: the nightly job shares two among
them all (`M_ARENA_MAX`, which `MALLOC_ARENA_MAX` in the environment still overrides).

Elsewhere (musl, macOS, Windows) there are no such calls, and nothing is done.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import functools
import os
from collections.abc import Callable

M_ARENA_MAX = -8
"""mallopt's parameter for the most arenas (glibc's malloc.h)."""
NIGHT_ARENAS = 2
ARENAS_VARIABLE = "MALLOC_ARENA_MAX"


@functools.cache
def _glibc(function: str) -> Callable[..., int] | None:
    """A function of glibc's allocator, or None where the C library has none."""
    name = ctypes.util.find_library("c")
    if name is None:
        return None
    try:
        found: Callable[..., int] = getattr(ctypes.CDLL(name), function)
    except (OSError, AttributeError):
        return None
    return found


def give_back() -> bool:
    """Return the memory freed so far to the system; True if the C library could."""
    trim = _glibc("malloc_trim")
    if trim is None:
        return False
    trim(0)  # 0: keep no spare room at the top of the heap
    return True


def share_arenas() -> bool:
    """For the nightly job, before its threads start: all threads allocate from two
    arenas. True if the C library took it (or the operator set MALLOC_ARENA_MAX)."""
    if os.environ.get(ARENAS_VARIABLE):
        return True  # the operator's choice
    mallopt = _glibc("mallopt")
    return mallopt is not None and mallopt(M_ARENA_MAX, NIGHT_ARENAS) == 1
