"""Which Microsoft cloud the settings point at: the token audience and the sign-in host.

A token is only good for the Graph it was issued for, and each national cloud has its own
Graph and its own sign-in service (learn.microsoft.com/graph/deployments). So the token
scope follows `graph_endpoint`, and the default authority follows the cloud that Graph
belongs to. A proxy or a test server in front of Graph is not a Graph host: then the
authority's host, if it is a known sign-in host, tells the cloud; otherwise it is the global one.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit

from sync.config.provider_settings import OutlookSettings
from sync.model.errors import ConfigError


@dataclass(frozen=True)
class Cloud:
    name: str
    login_hosts: tuple[str, ...]  # the first is the one used by default
    graph_hosts: tuple[str, ...]  # the first is this cloud's Graph when Graph is proxied


CLOUDS = (
    Cloud("global", ("login.microsoftonline.com",), ("graph.microsoft.com",)),
    Cloud(
        "US Government",
        ("login.microsoftonline.us",),
        ("graph.microsoft.us", "dod-graph.microsoft.us"),  # L4 (GCC High) and L5 (DoD)
    ),
    Cloud(
        "China (21Vianet)",
        ("login.chinacloudapi.cn", "login.partner.microsoftonline.cn"),
        ("microsoftgraph.chinacloudapi.cn",),
    ),
)
GLOBAL = CLOUDS[0]


def _setting(key: str) -> str:
    return f"[outlook] {key} (env CHECKIN_SYNC_OUTLOOK__{key.upper()})"


def _host(url: str | None) -> str:
    return (urlsplit(url).hostname or "").lower() if url else ""


def _by_graph(host: str) -> Cloud | None:
    return next((cloud for cloud in CLOUDS if host in cloud.graph_hosts), None)


def _by_login(host: str) -> Cloud | None:
    return next((cloud for cloud in CLOUDS if host in cloud.login_hosts), None)


@dataclass(frozen=True)
class Target:
    """Where tokens come from and what they are for."""

    authority: str
    scope: str


def target(settings: OutlookSettings) -> Target:
    graph_host = _host(settings.graph_endpoint)
    by_graph = _by_graph(graph_host)
    by_login = _by_login(_host(settings.authority))
    if by_graph is not None and by_login is not None and by_graph is not by_login:
        raise ConfigError(
            [
                f"{_setting('authority')}: {settings.authority} signs in to the {by_login.name} "
                f"cloud, but graph_endpoint {settings.graph_endpoint} is Microsoft Graph in the "
                f"{by_graph.name} cloud; a token from one is not valid in the other"
            ]
        )
    cloud = by_graph or by_login or GLOBAL
    audience = graph_host if by_graph is not None else cloud.graph_hosts[0]
    authority = settings.authority or f"https://{cloud.login_hosts[0]}/{settings.tenant_id}"
    return Target(authority, f"https://{audience}/.default")
