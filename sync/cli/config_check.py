"""`checkin-sync config check`: every problem in settings.toml and people.toml at once."""

from __future__ import annotations

import logging
import stat
from pathlib import Path

from sync.config.paths import Paths
from sync.config.purpose import Purpose
from sync.config.roster import Roster, load_roster
from sync.config.settings import Settings, load_settings
from sync.connectors.caldav.account import account_for
from sync.connectors.caldav.address import parse_source
from sync.model.errors import ConfigError, StoreError
from sync.night.lock import RunLock
from sync.night.roster_changes import hold_back, pairs_gone
from sync.store import LIVE_STATES, Store

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
                calendar = parse_source(source)
                account_for(settings.caldav, calendar.url, calendar.username)
            except ValueError as error:
                problems.append(f"{people}: {role} {person.email}: calendar: {error}")
    uses_google = any(
        person.calendar == "google"
        for person in [m.person for m in roster.managers.values()]
        + [e.person for e in roster.employees.values()]
    )
    if uses_google and settings is not None:
        # Google's auth library reads the key file; loaded only for rosters that use Google
        from sync.connectors.google.auth import GoogleAuth

        try:
            GoogleAuth(settings.google.credentials_file, settings.google)
        except ConfigError as error:
            problems += error.problems
    summary = (
        f"{people}: {len(roster.managers)} managers, {len(roster.employees)} employees; "
        "no problems found."
    )
    if settings is not None:
        held, ending = _next_run_ends(settings, roster)
        if held:
            problems += [f"{people}: {held}", *ending]
        elif ending:
            summary += "\nThe next run ends the check-ins of pairs people.toml no longer has:\n"
            summary += "\n".join(ending)
    return problems, summary


def _next_run_ends(settings: Settings, roster: Roster) -> tuple[str, list[str]]:
    """What the next run would end for pairs the roster no longer has, read from a private
    copy of the state database (nothing is written): why it would hold back, if it would,
    and one line per pair."""
    paths = Paths(settings.data_dir)
    if not paths.database.exists():
        return "", []
    try:
        store = Store.scratch(paths.database, quiescent=RunLock(paths.lock).holder() is None)
    except StoreError as error:
        return "", [f"  (what the next run would end is not known: {error})"]
    try:
        live = store.proposals(states=LIVE_STATES)
    finally:
        store.close()
    endings = pairs_gone(roster, live)
    lines = sorted({f"  {e.record.manager} → {e.record.employee}: {e.why}" for e in endings})
    return hold_back(roster, live, endings), lines


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
