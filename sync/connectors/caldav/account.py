"""Which account signs in to a CalDAV calendar, and where a password may be sent at all.

Anyone who may edit people.toml chooses a calendar's URL, so the URL must not choose where
the shared [caldav] account goes: it is sent only to the hosts of `[caldav] hosts` (by
default the domain of `[caldav] username` and its subdomains), and never over plain http
to another machine. A per-user password is keyed by "user@host", so it is bound already.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit

from sync.config.provider_settings import CalDavSettings

PASSWORDS = "[caldav] passwords (env CHECKIN_SYNC_CALDAV__PASSWORDS)"
LOOPBACK = ("localhost", "127.0.0.1", "::1")


class NoPassword(ValueError):
    """The URL names a user without a password in [caldav] passwords: the operator's to fix
    before anything runs."""


class HostNotAllowed(ValueError):
    """The URL leads the shared account (or any password) somewhere it must not go: only
    this calendar is left out; the rest of the run goes on."""


@dataclass(frozen=True)
class Target:
    """Where a request goes: the URL's scheme, host (lower case) and port."""

    scheme: str
    host: str
    port: int | None

    @classmethod
    def of(cls, url: str) -> Target:
        parts = urlsplit(url)
        return cls(parts.scheme.lower(), (parts.hostname or "").lower(), parts.port)


def account_for(
    settings: CalDavSettings, url: str, username: str | None
) -> tuple[str | None, str | None]:
    """The user name and password to send to the calendar at `url`; (None, None) when no
    account is configured. NoPassword or HostNotAllowed (naming the setting) otherwise."""
    target = Target.of(url)
    if username is not None:
        key = f"{username}@{target.host}"
        password = settings.passwords.get(key)
        if password is None:
            raise NoPassword(f'{PASSWORDS}: no password for "{key}"')
        _refuse_plain_http(target)
        return username, password.get_secret_value()
    if not settings.username:
        return None, None
    if not shared_account_allowed(settings, target):
        raise HostNotAllowed(
            f"{target.host} is not one of the hosts the shared [caldav] account is sent to "
            f"({', '.join(allowed_hosts(settings))}); add it to [caldav] hosts if it is your "
            "CalDAV server, or name the user in the URL with a password in [caldav] passwords"
        )
    _refuse_plain_http(target)
    secret = settings.password
    return settings.username, secret.get_secret_value() if secret else None


def allowed_hosts(settings: CalDavSettings) -> list[str]:
    """`[caldav] hosts`, or the domain of an email-like username (with its subdomains)."""
    if settings.hosts:
        return [host.lower() for host in settings.hosts]
    domain = settings.username.rpartition("@")[2].lower()
    return [domain, f"*.{domain}"] if "@" in settings.username and domain else []


def shared_account_allowed(settings: CalDavSettings, target: Target) -> bool:
    for entry in allowed_hosts(settings):
        if entry.startswith("*."):
            if target.host.endswith(entry[1:]):
                return True
            continue
        host, _, port = entry.rpartition(":") if _has_port(entry) else (entry, "", "")
        if target.host == host.strip("[]") and (not port or int(port) == _port(target)):
            return True
    return False


def _refuse_plain_http(target: Target) -> None:
    # a password over plain http can be read on the way; on this machine it never leaves it
    if target.scheme != "https" and target.host not in LOOPBACK:
        raise HostNotAllowed(
            f"{target.scheme}://{target.host}: passwords are only sent over https://"
        )


def _has_port(entry: str) -> bool:
    """ "host:443" or "[::1]:5232" names a port; "::1" (a bare IPv6 address) does not."""
    head, _, tail = entry.rpartition(":")
    return tail.isascii() and tail.isdigit() and (entry.count(":") == 1 or head.endswith("]"))


def _port(target: Target) -> int:
    return target.port or (443 if target.scheme == "https" else 80)
