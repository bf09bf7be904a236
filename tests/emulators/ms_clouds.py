"""Microsoft's clouds as the identity and Graph emulators stand in for them: each national
cloud has its own sign-in host and issues tokens only for its own Graph
(learn.microsoft.com/graph/deployments)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class MsCloud:
    name: str
    login_host: str
    graph_resources: tuple[str, ...]  # token audiences this cloud's sign-in service issues
    instance_name: str  # "cloud_instance_name" in the OpenID configuration

    @property
    def graph_resource(self) -> str:
        return self.graph_resources[0]


GLOBAL = MsCloud(
    "global", "login.microsoftonline.com", ("https://graph.microsoft.com",), "microsoftonline.com"
)
US_GOVERNMENT = MsCloud(
    "usgov",
    "login.microsoftonline.us",
    ("https://graph.microsoft.us", "https://dod-graph.microsoft.us"),
    "microsoftonline.us",
)
CHINA = MsCloud(
    "china",
    "login.chinacloudapi.cn",
    ("https://microsoftgraph.chinacloudapi.cn",),
    "partner.microsoftonline.cn",
)
CLOUDS = (GLOBAL, US_GOVERNMENT, CHINA)
# the names the test CA's server certificate covers, so a proxy can stand in for DNS
HOSTNAMES = tuple(
    sorted(
        {cloud.login_host for cloud in CLOUDS}
        | {
            resource.removeprefix("https://")
            for cloud in CLOUDS
            for resource in cloud.graph_resources
        }
    )
)
