"""Crash points, for the tests that prove a killed run never leaves duplicates or a store
that disagrees with the calendars.

With CHECKIN_SYNC_CRASH_AT=N in the environment, the process kills itself (SIGKILL: no
cleanup, no finally) at the N-th point where it is about to change something: a store
commit, a calendar write, a file replacement. CHECKIN_SYNC_CRASH_LOG=path appends the name
of every point passed, so a test can count them first. Without either variable this is one
dictionary lookup per point.
"""

from __future__ import annotations

import os
import signal
import sqlite3
import threading

CRASH_AT = "CHECKIN_SYNC_CRASH_AT"
CRASH_LOG = "CHECKIN_SYNC_CRASH_LOG"
_WRITES = ("INSERT", "UPDATE", "DELETE", "REPLACE")
_passed = 0
_counting = threading.Lock()  # calendars are written from several threads


def active() -> bool:
    return CRASH_AT in os.environ or CRASH_LOG in os.environ


def point(name: str) -> None:
    global _passed
    if not active():
        return
    with _counting:
        _passed += 1
        log = os.environ.get(CRASH_LOG)
        if log:
            with open(log, "a") as handle:
                handle.write(f"{_passed} {name}\n")
        if os.environ.get(CRASH_AT) == str(_passed):
            os.kill(os.getpid(), signal.SIGKILL)


def watch(connection: sqlite3.Connection) -> None:
    """Make every commit of this database a crash point (only when crash tests ask)."""
    if not active():
        return

    def trace(statement: str) -> None:
        verb = statement.lstrip().split(" ", 1)[0].upper()
        if verb == "COMMIT" or (verb in _WRITES and not connection.in_transaction):
            point(f"store {verb.lower()}")

    connection.set_trace_callback(trace)
