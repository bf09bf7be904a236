"""What every command shares: exit codes, where the configuration is, who acts, the instant
`--now` names, and opening the store."""

from __future__ import annotations

import argparse
import getpass
import os
from collections.abc import Callable, Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

from sync.config.paths import CONFIG_DIR_ENV, Paths
from sync.model.errors import UsageError
from sync.store import Store

if TYPE_CHECKING:
    from sync.config.roster import Roster

EXIT_OK, EXIT_ATTENTION, EXIT_USAGE, EXIT_LOCKED, EXIT_FAILED = 0, 1, 2, 3, 4
EXIT_PIPE_CLOSED = 141
"""The reader of the output went away before it ended (128 + SIGPIPE, as a shell says)."""
ALLOW_FAR_NOW_ENV = "CHECKIN_SYNC_ALLOW_FAR_NOW"
"""Set to 1 by test harnesses and simulations, which run many nights at made-up instants
against their own data_dir: the same as --allow-far-now on every run."""
FAR_NOW = timedelta(days=1)
"""A --now further than this from the clock is a simulation, not a late or early night."""
MAX_NOW_DISTANCE = timedelta(days=36525)
"""Beyond a century the calendar arithmetic of a run (and of Python) runs out."""


def config_folder(args: argparse.Namespace) -> Path:
    if "config" in args:
        return Path(args.config)
    return Path(os.environ.get(CONFIG_DIR_ENV, "config"))


def program(args: argparse.Namespace) -> str:
    """The command as the operator typed it, so the printed next steps can be pasted."""
    invoked = args.invoked_as
    if invoked.endswith("__main__.py"):
        program = "python -m sync"
    elif os.sep in invoked:
        program = os.path.relpath(invoked)
    else:
        program = "checkin-sync"
    if "config" in args:
        program += f" --config {args.config}"
    return program


def actor() -> str:
    try:
        return f"{getpass.getuser()} (cli)"
    except (KeyError, OSError):
        return "cli"


def parse_now(text: str | None) -> datetime:
    if text is None:
        return datetime.now(UTC)
    try:
        value = datetime.fromisoformat(text)
    except ValueError:
        raise UsageError(f'--now: "{text}" is not an ISO 8601 date and time') from None
    value = value.replace(tzinfo=UTC) if value.tzinfo is None else value
    if abs(value - datetime.now(UTC)) > MAX_NOW_DISTANCE:
        raise UsageError(f'--now: "{text}" is more than a hundred years from today')
    return value


def with_store(args: argparse.Namespace, action: Callable[[Store], int]) -> int:
    # only data_dir is needed: found without loading the full settings (and pydantic), so
    # commands that read the store answer at once
    from sync.config.store_settings import store_settings

    store = Store.open(Paths(store_settings(config_folder(args)).data_dir).database)
    try:
        return action(store)
    finally:
        store.close()


def roster_of(args: argparse.Namespace) -> Roster:
    """people.toml as it is now: decisions are only about pairs it still has."""
    from sync.config.roster import load_roster

    return load_roster(config_folder(args) / "people.toml")


def ids(values: Sequence[str]) -> list[int]:
    ids = []
    for value in values:
        text = value.lstrip("#")
        # str.isdigit also takes "²" and "٣" (which int() reads as 3): ids are ASCII only
        if not (text.isascii() and text.isdigit()):
            raise UsageError(
                f'"{value}" is not a proposal id (a number, see: checkin-sync proposals)'
            )
        ids.append(int(text))
    return ids
