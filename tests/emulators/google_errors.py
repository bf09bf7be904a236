"""Google API error responses in the JSON shape the real services send."""

from __future__ import annotations

from typing import Any

_STATUS_NAMES = {
    400: "INVALID_ARGUMENT",
    401: "UNAUTHENTICATED",
    403: "PERMISSION_DENIED",
    404: "NOT_FOUND",
    409: "ALREADY_EXISTS",
    410: "FAILED_PRECONDITION",
    412: "FAILED_PRECONDITION",
    429: "RESOURCE_EXHAUSTED",
    500: "INTERNAL",
    502: "UNAVAILABLE",
    503: "UNAVAILABLE",
    504: "DEADLINE_EXCEEDED",
}

# Default (domain, message) for the reasons tests are likely to inject or meet.
_REASONS: dict[str, tuple[str, str]] = {
    "rateLimitExceeded": ("usageLimits", "Rate Limit Exceeded"),
    "userRateLimitExceeded": ("usageLimits", "User Rate Limit Exceeded"),
    "quotaExceeded": ("usageLimits", "Calendar usage limits exceeded."),
    "dailyLimitExceeded": ("usageLimits", "Daily Limit Exceeded"),
    "backendError": ("global", "Backend Error"),
    "internalError": ("global", "Internal Error"),
    "notFound": ("global", "Not Found"),
    "deleted": ("global", "Resource has been deleted"),
    "duplicate": ("global", "The requested identifier already exists."),
    "fullSyncRequired": ("global", "Sync token is no longer valid, a full sync is required."),
    "insufficientPermissions": ("global", "Insufficient Permission"),
    "authError": ("global", "Invalid Credentials"),
    "forbidden": ("global", "Forbidden"),
    "requiredAccessLevel": ("calendar", "You need to have writer access to this calendar."),
    "invalid": ("global", "Invalid Value"),
    "required": ("global", "Required"),
    "badRequest": ("global", "Bad Request"),
    "timeRangeEmpty": ("calendar", "The specified time range is empty."),
    "timeRangeTooLong": ("calendar", "The requested time range is too long."),
    "tooManyCalendarsRequested": ("calendar", "Too many calendars requested."),
}

_DEFAULT_REASON_FOR_STATUS = {
    400: "badRequest",
    401: "authError",
    403: "forbidden",
    404: "notFound",
    409: "duplicate",
    410: "deleted",
    429: "rateLimitExceeded",
    500: "backendError",
    502: "backendError",
    503: "backendError",
    504: "backendError",
}


class ApiError(Exception):
    """An error answer of the Calendar API (raised inside the emulator, sent as JSON)."""

    def __init__(
        self,
        status: int,
        reason: str | None = None,
        message: str | None = None,
        *,
        domain: str | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        self.status = status
        self.reason = reason or _DEFAULT_REASON_FOR_STATUS.get(status, "unknown")
        default_domain, default_message = _REASONS.get(self.reason, ("global", "Error"))
        self.message = message or default_message
        self.domain = domain or default_domain
        self.headers = dict(headers or {})
        super().__init__(f"{status} {self.reason}: {self.message}")

    def body(self) -> dict[str, Any]:
        """The JSON body Google sends for this error."""
        return {
            "error": {
                "code": self.status,
                "message": self.message,
                "errors": [{"domain": self.domain, "reason": self.reason, "message": self.message}],
                "status": _STATUS_NAMES.get(self.status, "UNKNOWN"),
            }
        }


def insufficient_scopes() -> ApiError:
    return ApiError(
        403,
        "insufficientPermissions",
        "Request had insufficient authentication scopes.",
        headers={
            "WWW-Authenticate": 'Bearer realm="https://accounts.google.com/", '
            'error="insufficient_scope"'
        },
    )


def unauthenticated() -> ApiError:
    return ApiError(
        401,
        "authError",
        "Request had invalid authentication credentials. Expected OAuth 2 access token, "
        "login cookie or other valid authentication credential.",
        headers={"WWW-Authenticate": 'Bearer realm="https://accounts.google.com/"'},
    )


class OAuthError(Exception):
    """An error answer of the OAuth token endpoint (`{"error": ..., "error_description": ...}`)."""

    def __init__(self, status: int, error: str, description: str) -> None:
        self.status = status
        self.error = error
        self.description = description
        super().__init__(f"{status} {error}: {description}")

    def body(self) -> dict[str, Any]:
        return {"error": self.error, "error_description": self.description}
