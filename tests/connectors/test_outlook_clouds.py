"""Microsoft 365 in each cloud and behind a company's proxy.

The connector is given only what an operator writes (tenant, app, `graph_endpoint`,
`ca_bundle`) and reaches the real host names, through `HTTPS_PROXY`, where a local proxy
tunnels each name to the emulator standing in for it. So these tests see which sign-in host
msal calls, which scope it asks for, and that proxy settings and the configured CA bundle
are both honoured.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import certifi
import pytest

from sync.config.provider_settings import OutlookSettings
from sync.config.settings import load_settings
from sync.connectors.base import CalendarRef
from sync.connectors.outlook.auth import OutlookAuth, http_session
from sync.connectors.outlook.client import GraphClient
from sync.connectors.outlook.cloud import target
from sync.connectors.outlook.connector import OutlookConnector
from sync.model.errors import ConfigError
from sync.model.values import Interval
from tests.emulators import DEFAULT_TENANT, GraphEmulator
from tests.emulators.connect_proxy import ConnectProxy
from tests.emulators.identity import IdentityEmulator
from tests.emulators.ms_clouds import CHINA, GLOBAL, US_GOVERNMENT, MsCloud
from tests.google_helpers import FAST
from tests.outlook_helpers import CLIENT_ID, SECRET

KARIN, LENA = "karin@example.com", "lena@example.com"
WINDOW = Interval(datetime(2027, 2, 1, tzinfo=UTC), datetime(2027, 2, 15, tzinfo=UTC))
PROXY_VARIABLES = ("HTTPS_PROXY", "https_proxy", "HTTP_PROXY", "http_proxy", "ALL_PROXY")
PROXY_VARIABLES += ("all_proxy", "NO_PROXY", "no_proxy")


@dataclass(frozen=True)
class Deployment:
    cloud: MsCloud
    graph: str  # what the operator sets as graph_endpoint


DEPLOYMENTS = {
    "global": Deployment(GLOBAL, "https://graph.microsoft.com/v1.0"),
    "us-gov-l4": Deployment(US_GOVERNMENT, "https://graph.microsoft.us/v1.0"),
    "us-gov-l5-dod": Deployment(US_GOVERNMENT, "https://dod-graph.microsoft.us/v1.0"),
    "china": Deployment(CHINA, "https://microsoftgraph.chinacloudapi.cn/v1.0"),
}


@pytest.fixture
def environment(monkeypatch: pytest.MonkeyPatch) -> pytest.MonkeyPatch:
    for name in PROXY_VARIABLES:
        monkeypatch.delenv(name, raising=False)
    # a system-wide bundle in the environment must not replace the configured one
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", certifi.where())
    return monkeypatch


@dataclass
class Cloud:
    identity: IdentityEmulator
    graph: GraphEmulator
    deployment: Deployment

    @property
    def graph_host(self) -> str:
        return self.deployment.graph.split("/")[2]


def running(deployment: Deployment) -> Iterator[Cloud]:
    with IdentityEmulator(cloud=deployment.cloud) as identity:
        resource = deployment.graph.removesuffix("/v1.0")
        with GraphEmulator(identity, resource=resource) as graph:
            graph.add_app(CLIENT_ID, SECRET)
            for email in (KARIN, LENA):
                graph.add_user(email, timezone="W. Europe Standard Time")
            yield Cloud(identity, graph, deployment)


def connector(settings: OutlookSettings) -> OutlookConnector:
    session = http_session(settings)
    client = GraphClient(OutlookAuth(settings, session), settings, session, policy=FAST)
    return OutlookConnector(settings, client)


def operator_settings(cloud: Cloud, **options: Any) -> OutlookSettings:
    values: dict[str, Any] = {
        "tenant_id": DEFAULT_TENANT,
        "client_id": CLIENT_ID,
        "client_secret": SECRET,
        "graph_endpoint": cloud.deployment.graph,
        "ca_bundle": Path(cloud.identity.ca_file),  # the company's TLS-inspection CA, say
        "timeout_seconds": 10,
        **options,
    }
    return OutlookSettings(**values)


def read(settings: OutlookSettings) -> None:
    refs = [CalendarRef(email, "Europe/Stockholm", "outlook") for email in (KARIN, LENA)]
    outlook = connector(settings)
    outlook.verify(KARIN)
    reading = outlook.read_busy(refs, WINDOW)
    assert not reading.errors, reading.errors


@pytest.mark.parametrize("name", list(DEPLOYMENTS))
def test_each_cloud_gets_its_own_graph_token_from_its_own_sign_in_host(
    name: str, environment: pytest.MonkeyPatch
) -> None:
    for cloud in running(DEPLOYMENTS[name]):
        login = f"{cloud.deployment.cloud.login_host}:443"
        routes = {login: cloud.identity.port, f"{cloud.graph_host}:443": cloud.graph.port}
        with ConnectProxy(routes) as proxy:
            environment.setenv("HTTPS_PROXY", proxy.url)
            read(operator_settings(cloud))
            tunnels = set(proxy.tunnels)

        calls = cloud.identity.requests
        assert {r.host for r in calls} == {cloud.deployment.cloud.login_host}
        assert {r.path.split("/")[1] for r in calls} == {DEFAULT_TENANT}
        [token] = [r for r in calls if r.kind == "token"]
        assert (token.status, token.scope) == (200, f"https://{cloud.graph_host}/.default")
        assert cloud.graph.requests and {r.status for r in cloud.graph.requests} == {200}
        # both msal's and Graph's calls went through the proxy
        assert tunnels == set(routes)


def test_no_proxy_is_honoured_next_to_https_proxy(environment: pytest.MonkeyPatch) -> None:
    """Sign-in goes through the company's proxy; Graph, on a host in NO_PROXY, goes direct."""
    for cloud in running(DEPLOYMENTS["global"]):
        routes = {"login.microsoftonline.com:443": cloud.identity.port}
        with ConnectProxy(routes) as proxy:
            environment.setenv("HTTPS_PROXY", proxy.url)
            environment.setenv("NO_PROXY", "localhost,127.0.0.1")
            read(operator_settings(cloud, graph_endpoint=cloud.graph.base_url))
            assert proxy.tunnels == ["login.microsoftonline.com:443"]
        [token] = [r for r in cloud.identity.requests if r.kind == "token"]
        assert token.scope == "https://graph.microsoft.com/.default"
        assert {r.status for r in cloud.graph.requests} == {200}


def test_the_configured_bundle_is_what_verifies_through_the_proxy(
    environment: pytest.MonkeyPatch,
) -> None:
    """Without `ca_bundle`, the proxy is used but the emulator's test CA is not trusted."""
    for cloud in running(DEPLOYMENTS["global"]):
        routes = {"login.microsoftonline.com:443": cloud.identity.port}
        with ConnectProxy(routes) as proxy:
            environment.setenv("HTTPS_PROXY", proxy.url)
            settings = operator_settings(cloud, ca_bundle=None)
            with pytest.raises(ConfigError) as raised:
                OutlookAuth(settings, http_session(settings))
            assert proxy.tunnels == ["login.microsoftonline.com:443"]
        assert "authority" in raised.value.problems[0]
        assert not cloud.identity.requests  # the TLS handshake failed: nothing was asked


@pytest.mark.parametrize(
    ("graph", "authority", "expected"),
    [
        (
            "https://graph.microsoft.com/v1.0",
            None,
            ("login.microsoftonline.com", "graph.microsoft.com"),
        ),
        (
            "https://graph.microsoft.us/v1.0",
            None,
            ("login.microsoftonline.us", "graph.microsoft.us"),
        ),
        (
            "https://microsoftgraph.chinacloudapi.cn/v1.0",
            None,
            ("login.chinacloudapi.cn", "microsoftgraph.chinacloudapi.cn"),
        ),
        # a reverse proxy in front of Graph: the sign-in host tells the cloud
        (
            "https://graph-proxy.example.com/v1.0",
            "https://login.microsoftonline.us/tenant",
            ("login.microsoftonline.us", "graph.microsoft.us"),
        ),
        (
            "https://graph-proxy.example.com/v1.0",
            "https://login.partner.microsoftonline.cn/tenant",
            ("login.partner.microsoftonline.cn", "microsoftgraph.chinacloudapi.cn"),
        ),
        (
            "https://graph-proxy.example.com/v1.0",
            "https://login-proxy.example.com/tenant",
            ("login-proxy.example.com", "graph.microsoft.com"),
        ),
    ],
)
def test_scope_and_authority_follow_the_cloud(
    graph: str, authority: str | None, expected: tuple[str, str]
) -> None:
    settings = OutlookSettings(tenant_id="tenant", graph_endpoint=graph, authority=authority)
    found = target(settings)
    assert (found.authority.split("/")[2], found.scope) == (
        expected[0],
        f"https://{expected[1]}/.default",
    )
    assert found.authority.endswith("/tenant")


def test_a_graph_and_an_authority_from_different_clouds_are_a_configuration_error() -> None:
    settings = OutlookSettings(
        tenant_id="tenant",
        graph_endpoint="https://graph.microsoft.us/v1.0",
        authority="https://login.microsoftonline.com/tenant",
    )
    with pytest.raises(ConfigError) as raised:
        target(settings)
    [problem] = raised.value.problems
    assert problem.startswith("[outlook] authority (env CHECKIN_SYNC_OUTLOOK__AUTHORITY): ")
    assert "US Government" in problem and "global" in problem


def test_a_national_sign_in_service_refuses_a_token_for_another_clouds_graph() -> None:
    with IdentityEmulator(cloud=US_GOVERNMENT) as identity:
        identity.add_app(CLIENT_ID, SECRET)
        app = identity.msal_app(CLIENT_ID, SECRET)
        refused = app.acquire_token_for_client(scopes=["https://graph.microsoft.com/.default"])
        granted = app.acquire_token_for_client(scopes=["https://graph.microsoft.us/.default"])
    assert refused["error"] == "invalid_resource"
    assert "access_token" in granted


@pytest.mark.parametrize("key", ["graph_endpoint", "authority"])
def test_an_address_without_a_scheme_is_a_configuration_error(key: str, tmp_path: Path) -> None:
    (tmp_path / "settings.toml").write_text(f'[outlook]\n{key} = "graph.microsoft.us/v1.0"\n')
    with pytest.raises(ConfigError) as raised:
        load_settings(tmp_path)
    [problem] = raised.value.problems
    assert problem.startswith(f"{tmp_path / 'settings.toml'}: outlook.{key}: ")
    assert "absolute http:// or https:// address" in problem
