"""Handing back to the system the memory a step of the night has freed.

Python frees a step's objects as soon as the step lets go of them, but glibc's allocator
keeps the freed memory for the next allocation of the same thread, and every thread that
allocates gets an arena of its own. A night's reads and writes parse every answer on the
providers' worker threads, and the digest builds each manager's mail on the main thread:
measured at N = 1,000 (bench/README.md, "Peak memory of a night"), glibc still held 135 MB
freed by the reads and 210 MB freed by the digest, which no later step of the main thread
could reuse, so the process stayed that much larger for the rest of the night and every
later step's peak came on top of it. `malloc_trim` returns every whole free page of every
arena to the system (glibc 2.8 and later); it takes milliseconds, so the night calls it
after each step.

Elsewhere (musl, macOS, Windows) there is no such call, and nothing is done.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import functools
from collections.abc import Callable


@functools.cache
def _malloc_trim() -> Callable[[int], int] | None:
    """glibc's `malloc_trim`, or None where the C library has none."""
    name = ctypes.util.find_library("c")
    if name is None:
        return None
    try:
        trim: Callable[[int], int] = ctypes.CDLL(name).malloc_trim
    except (OSError, AttributeError):
        return None
    return trim


def give_back() -> bool:
    """Return the memory freed so far to the system; True if the C library could."""
    trim = _malloc_trim()
    if trim is None:
        return False
    trim(0)  # 0: keep no spare room at the top of the heap
    return True
