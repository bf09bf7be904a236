"""`checkin-sync config check`: every problem in settings.toml and people.toml at once."""

from __future__ import annotations

import logging
import stat
from pathlib import Path

from sync.connectors.caldav.client import CalDavClient, parse_source
from sync.connectors.google.auth import GoogleAuth
from sync.errors import ConfigError
from sync.purpose import Purpose
from sync.roster import load_roster
from sync.settings import load_settings

log = logging.getLogger(__name__)


def check_config(config_dir: Path) -> tuple[list[str], str]:
    """All problems found, and a one-line summary of a valid configuration."""
    problems: list[str] = []
    settings = None
    try:
        settings = load_settings(config_dir)
    except ConfigError as error:
        problems += error.problems
    if settings is not None:
        try:
            Purpose(settings.language, settings.invitation_template)
        except ConfigError as error:
            problems += error.problems
    people = config_dir / "people.toml"
    try:
        roster = load_roster(people)
    except ConfigError as error:
        return problems + error.problems, ""
    problems += roster.all_problems
    for role, person in [("manager", m.person) for m in roster.managers.values()] + [
        ("employee", e.person) for e in roster.employees.values()
    ]:
        source = person.calendar
        if source.startswith("ics:") and "://" not in source:
            who = f"{people}: {role} {person.email}: calendar"
            problems += _ics_file_problems(who, config_dir, config_dir / source[4:])
        if source.startswith("caldav:") and settings is not None:
            try:
                CalDavClient(settings.caldav).credentials(parse_source(source))
            except ValueError as error:
                problems.append(f"{people}: {role} {person.email}: calendar: {error}")
    uses_google = any(
        person.calendar == "google"
        for person in [m.person for m in roster.managers.values()]
        + [e.person for e in roster.employees.values()]
    )
    if uses_google and settings is not None:
        try:
            GoogleAuth(settings.google.credentials_file)
        except ConfigError as error:
            problems += error.problems
    summary = (
        f"{people}: {len(roster.managers)} managers, {len(roster.employees)} employees; "
        "no problems found."
    )
    return problems, summary


def _ics_file_problems(who: str, config_dir: Path, path: Path) -> list[str]:
    """A missing or non-regular file is a problem; a file outside the config folder is
    allowed (calendars may be synced elsewhere) but warned about: whoever may edit
    people.toml can point checkin-sync at any file it may read."""
    try:
        mode = path.stat().st_mode
    except OSError:
        return [f"{who}: file {path} does not exist"]
    if not stat.S_ISREG(mode):
        return [f"{who}: {path} is not a regular file"]
    if not path.resolve().is_relative_to(config_dir.resolve()):
        log.warning("%s: file %s is outside the config folder %s", who, path, config_dir)
    return []
