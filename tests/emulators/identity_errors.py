"""Entra ID token-endpoint errors: ``{"error", "error_description", "error_codes", ...}``."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

from .identity_tls import Fault
from .ms_clouds import GLOBAL, MsCloud

GRAPH_RESOURCE = GLOBAL.graph_resource
GRAPH_APP_ID = "00000003-0000-0000-c000-000000000000"
# Scopes msal may add for user flows; the token endpoint ignores them.
_OIDC_SCOPES = {"openid", "profile", "offline_access", "email"}


class AadError(Exception):
    """An Entra ID token-endpoint error: ``{"error", "error_description", "error_codes", ...}``."""

    def __init__(
        self,
        status: int,
        error: str,
        code: int | None,
        text: str,
        headers: dict[str, str] | None = None,
    ) -> None:
        self.status, self.error, self.code, self.text = status, error, code, text
        self.headers = dict(headers or {})
        super().__init__(f"{status} {error}: {text}")

    def body(self) -> dict[str, Any]:
        trace, correlation = str(uuid.uuid4()), str(uuid.uuid4())
        stamp = datetime.now(UTC).strftime("%Y-%m-%d %H:%M:%SZ")
        prefix = f"AADSTS{self.code}: " if self.code else ""
        return {
            "error": self.error,
            "error_description": f"{prefix}{self.text} Trace ID: {trace} "
            f"Correlation ID: {correlation} Timestamp: {stamp}",
            "error_codes": [self.code] if self.code else [],
            "timestamp": stamp,
            "trace_id": trace,
            "correlation_id": correlation,
            "error_uri": f"https://login.microsoftonline.com/error?code={self.code or 0}",
        }


def no_tenant(tenant: str) -> str:
    return (
        f"Tenant '{tenant}' not found. Check to make sure you have the correct tenant ID and are "
        "signing into the correct cloud. Check with your subscription administrator, this may "
        "happen if there are no active subscriptions for the tenant."
    )


def resource_of(scope: str | None, tenant: str, cloud: MsCloud = GLOBAL) -> str:
    """The resource a client-credentials ``scope`` asks for (``<resource>/.default``): one
    of ``cloud``'s Graphs; another cloud's Graph is unknown here, as on Entra ID."""
    if not scope:
        raise AadError(
            400,
            "invalid_request",
            900144,
            "The request body must contain the following parameter: 'scope'.",
        )
    wanted = [s for s in scope.split() if s not in _OIDC_SCOPES]
    if len(wanted) != 1 or not wanted[0].endswith("/.default"):
        raise AadError(
            400,
            "invalid_scope",
            1002012,
            f"The provided value for scope {scope} is not valid. Client credential flows must "
            "have a scope value with /.default suffixed to the resource identifier "
            "(application ID URI).",
        )
    resource = wanted[0].removesuffix("/.default")
    if resource == GRAPH_APP_ID:
        return cloud.graph_resource
    if resource.rstrip("/") in cloud.graph_resources:
        return resource.rstrip("/")
    raise AadError(
        400,
        "invalid_resource",
        500011,
        f"The resource principal named {resource} was not found in the tenant named {tenant}.",
    )


_FAULT_ERRORS = {
    429: ("temporarily_unavailable", None, "Too many requests. Try again later."),
    500: ("server_error", 90100, "An unexpected error occurred."),
    503: ("temporarily_unavailable", 90033, "A transient error has occurred. Please try again."),
    504: ("temporarily_unavailable", 90033, "A transient error has occurred. Please try again."),
}


def fault_error(fault: Fault) -> AadError:
    error, code, text = _FAULT_ERRORS.get(fault.status or 500, ("invalid_request", None, "Error."))
    return AadError(
        fault.status or 500,
        fault.code or error,
        None if fault.message else code,
        fault.message or text,
        fault.retry_after_header,
    )
