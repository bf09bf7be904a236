"""Where a run keeps its files inside data_dir, and how private they are.

Everything under data_dir is for the service user only: the database holds who is back
from sick leave and which sign-in links exist, reports hold the reasons people gave, the
outbox holds sign-in links. The command line sets umask 077 for the whole process; the
modes below say it again where files and folders are made, so nothing depends on it.
"""

from __future__ import annotations

import os
import stat
from dataclasses import dataclass
from pathlib import Path

CONFIG_DIR_ENV = "CHECKIN_SYNC_CONFIG"
"""The configuration folder when no --config is given (default: ./config)."""
PRIVATE_FILE = 0o600
PRIVATE_DIR = 0o700
PRIVATE_UMASK = 0o077


def under_config_dir(config_dir: Path, path: Path) -> Path:
    """Paths in settings are relative to the config folder, wherever the command runs."""
    return Path(os.path.normpath(path if path.is_absolute() else config_dir / path))


def make_private_dir(path: Path) -> None:
    """`path` and any missing parents, readable by this user only (an existing folder is
    left as the operator made it)."""
    path.mkdir(mode=PRIVATE_DIR, parents=True, exist_ok=True)


def keep_private(path: Path) -> None:
    """Make a file or folder that others can read owner-only again: what versions that
    left them world-readable wrote is closed up when next used."""
    try:
        mode = stat.S_IMODE(path.stat().st_mode)
    except FileNotFoundError:
        return
    if mode & 0o077:
        os.chmod(path, mode & 0o700)


@dataclass(frozen=True)
class Paths:
    data_dir: Path

    @property
    def database(self) -> Path:
        return self.data_dir / "state.sqlite"

    @property
    def lock(self) -> Path:
        return self.data_dir / "run.lock"

    @property
    def export(self) -> Path:
        return self.data_dir / "export"

    @property
    def ics_cache(self) -> Path:
        """Busy time of unchanged .ics calendars, kept between runs (safe to delete)."""
        return self.data_dir / "cache" / "ics"

    @property
    def export_memo(self) -> Path:
        """Which export files are current, so a night builds only changed ones."""
        return self.data_dir / "cache" / "export.json"

    @property
    def holiday_names(self) -> Path:
        """Holidays' names in readers' languages, so listings need not load every country."""
        return self.data_dir / "cache" / "holiday-names.json"

    @property
    def outbox(self) -> Path:
        """Emails as .eml files, where no [smtp] host is set."""
        return self.data_dir / "outbox"

    @property
    def reports(self) -> Path:
        return self.data_dir / "reports"

    def close_up(self) -> None:
        """The folders whose files no one but checkin-sync needs, made owner-only where an
        earlier version left them open: what is inside is then out of others' reach too.
        (export/ is left alone: an operator may have opened it to a web server.)"""
        for folder in (self.reports, self.outbox, self.data_dir / "cache"):
            keep_private(folder)
