"""What every request needs: the config folder, settings, a clock, the state database and
the roster (each read once per request, so each request sees the latest state: a manager
taken out of people.toml has no access from the next request on)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from flask import current_app, g

from sync.config.paths import Paths
from sync.config.roster import Roster
from sync.config.settings import Settings
from sync.plumbing.i18n import Language
from sync.store import Store
from sync.web.roster_cache import RosterCache

EXTENSION = "checkin_sync"


@dataclass(frozen=True)
class WebContext:
    config_dir: Path
    settings: Settings
    secret: str
    clock: Callable[[], datetime]
    """Real time for links and "next check-in"; tests pass a fixed one."""
    rosters: RosterCache

    @property
    def paths(self) -> Paths:
        return Paths(self.settings.data_dir)


def web_context() -> WebContext:
    context: WebContext = current_app.extensions[EXTENSION]
    return context


def page_language() -> Language:
    return Language(web_context().settings.language)


def gettext(message: str, **values: object) -> str:
    """`message` in the configured language, for texts the views put on a page."""
    return page_language().gettext(message, **values)


def request_store() -> Store:
    if "store" not in g:
        g.store = Store.open(web_context().paths.database)
    store: Store = g.store
    return store


def request_roster() -> Roster:
    """people.toml as it is now; ConfigError when it cannot be read at all."""
    if "roster" not in g:
        g.roster = web_context().rosters.current()
    roster: Roster = g.roster
    return roster


def close_request_store(_error: BaseException | None = None) -> None:
    store = g.pop("store", None)
    if store is not None:
        store.close()
