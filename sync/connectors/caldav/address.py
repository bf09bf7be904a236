"""Where a CalDAV calendar is: the address people.toml gives (`caldav:https://user@host/path/`)
as a calendar URL and its account. Plain text handling, apart from the client: `config check`
reads these without loading the CalDAV library."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import unquote, urlsplit, urlunsplit

SCHEME = "caldav:"


@dataclass(frozen=True)
class CalendarUrl:
    """A calendar collection: its URL without credentials, and the account to use."""

    url: str
    username: str | None

    @property
    def label(self) -> str:
        """For messages: host and path, never a password."""
        parts = urlsplit(self.url)
        return f"{parts.hostname or ''}{f':{parts.port}' if parts.port else ''}{parts.path}"

    @property
    def origin(self) -> str:
        parts = urlsplit(self.url)
        return urlunsplit((parts.scheme, parts.netloc, "/", "", ""))


def parse_source(source: str) -> CalendarUrl:
    """`caldav:https://user@host/path/` → the calendar URL (ending in "/") and its user."""
    location = source[len(SCHEME) :] if source.startswith(SCHEME) else source
    parts = urlsplit(location)
    user = unquote(parts.username) if parts.username else None
    host = parts.hostname or ""
    netloc = f"[{host}]" if ":" in host else host
    if parts.port:
        netloc += f":{parts.port}"
    path = parts.path if parts.path.endswith("/") else parts.path + "/"
    return CalendarUrl(urlunsplit((parts.scheme, netloc, path, parts.query, "")), user)
