"""An OutlookConnector wired to the Graph and identity emulators, with instant back-off."""

from __future__ import annotations

from typing import Any

from sync.config.provider_settings import OutlookSettings
from sync.connectors.outlook.auth import OutlookAuth, http_session
from sync.connectors.outlook.client import GraphClient
from sync.connectors.outlook.connector import OutlookConnector
from tests.emulators import CALENDARS_READ, CALENDARS_READWRITE, DEFAULT_TENANT, GraphEmulator
from tests.google_helpers import FAST

CLIENT_ID = "11111111-2222-3333-4444-555555555555"
SECRET = "emulator-secret"


def settings(
    graph: GraphEmulator, roles: list[str] | None = None, **options: Any
) -> OutlookSettings:
    graph.add_app(CLIENT_ID, SECRET, roles=roles or [CALENDARS_READ, CALENDARS_READWRITE])
    values: dict[str, Any] = {
        "tenant_id": DEFAULT_TENANT,
        "client_id": CLIENT_ID,
        "client_secret": SECRET,
        "authority": graph.identity.authority(DEFAULT_TENANT),
        "graph_endpoint": graph.base_url,
        "ca_bundle": graph.identity.ca_file,
        "timeout_seconds": 5,
        **options,
    }
    return OutlookSettings(**values)


def settings_section(graph: GraphEmulator) -> str:
    """The [outlook] section of a settings.toml for an app registered with the emulator."""
    graph.add_app(CLIENT_ID, SECRET, roles=[CALENDARS_READ, CALENDARS_READWRITE])
    return (
        f'[outlook]\ntenant_id = "{DEFAULT_TENANT}"\nclient_id = "{CLIENT_ID}"\n'
        f'client_secret = "{SECRET}"\n'
        f'authority = "{graph.identity.authority(DEFAULT_TENANT)}"\n'
        f'graph_endpoint = "{graph.base_url}"\nca_bundle = "{graph.identity.ca_file}"\n'
    )


def connector(
    graph: GraphEmulator,
    sleeps: list[float] | None = None,
    roles: list[str] | None = None,
    **options: Any,
) -> OutlookConnector:
    config = settings(graph, roles, **options)
    session = http_session(config)
    record = sleeps if sleeps is not None else []
    client = GraphClient(
        OutlookAuth(config, session), config, session, policy=FAST, sleep=record.append
    )
    return OutlookConnector(config, client)
