"""The one error tree. Every error a user can cause or meet derives from SyncError.

The CLI maps each class to an exit code in one place (cli.py); messages are written
for the person who has to act on them and are printed without a traceback. Exit codes:
0 done, 1 done but something needs attention, 2 usage or configuration error (nothing was
written), 3 another run is in progress, 4 failed (nothing or only part was done; the next
run finishes it).
"""

from __future__ import annotations

from collections.abc import Sequence


class SyncError(Exception):
    """Base of every error checkin-sync reports to a user."""

    exit_code = 1


class UsageError(SyncError):
    """The command line asked for something that cannot be done (unknown id, bad flag)."""

    exit_code = 2


class ConfigError(SyncError):
    """settings.toml or people.toml is unusable. Carries every problem found, not just the first."""

    exit_code = 2

    def __init__(self, problems: Sequence[str]) -> None:
        self.problems = list(problems)
        super().__init__("\n".join(self.problems))


class StoreError(SyncError):
    """The state database cannot be opened or is from a newer version of checkin-sync."""

    exit_code = 2


class Failure(SyncError):
    """The command stopped part-way because something outside it broke: a full disk, a
    read-only or unwritable data_dir, a damaged file. Every step is redone safely, so the
    next run finishes what this one left; exit 1 would wrongly say the run finished."""

    exit_code = 4


class LockHeld(SyncError):
    """Another run holds the lock; two runs must never overlap."""

    exit_code = 3


class CalendarError(SyncError):
    """One calendar source could not be read. Skips only the people who depend on it."""


class TransitionError(UsageError):
    """A proposal was asked to move to a state its current state does not allow."""


class SignInError(SyncError):
    """A sign-in link that cannot be used. The message says why and how to get a new one."""

    exit_code = 2
