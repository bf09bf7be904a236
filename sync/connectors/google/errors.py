"""What Google's answers mean for retrying, and how to say them in a report."""

from __future__ import annotations

import json
import socket

import httplib2
from google.auth.exceptions import RefreshError, TransportError
from googleapiclient.errors import HttpError

from sync.connectors.retry import Action, GaveUpTonight, RetriesExhausted, Verdict

RATE_LIMITS = ("rateLimitExceeded", "userRateLimitExceeded")
# a per-user Workspace limit that lasts hours: retrying in a loop only makes it worse
QUOTA = "quotaExceeded"


def reason_of(error: HttpError) -> str:
    """Google's machine-readable reason (e.g. "notFound", "rateLimitExceeded")."""
    try:
        data = json.loads(error.content.decode("utf-8"))
        details = data["error"].get("errors") or []
        if details and "reason" in details[0]:
            return str(details[0]["reason"])
        return str(data["error"].get("status", ""))
    except (ValueError, KeyError, AttributeError, UnicodeDecodeError):
        return ""


def status_of(error: BaseException) -> int | None:
    return int(error.resp.status) if isinstance(error, HttpError) else None


def classify(error: Exception) -> Verdict:
    if isinstance(error, HttpError):
        status = int(error.resp.status)
        reason = reason_of(error)
        if status == 429 or status >= 500:
            return Verdict(Action.RETRY, _retry_after(error))
        if status == 403 and reason in RATE_LIMITS:
            return Verdict(Action.RETRY, _retry_after(error))
        if status == 403 and reason == QUOTA:
            return Verdict(Action.GIVE_UP_TONIGHT)
        return Verdict(Action.FAIL)
    if isinstance(error, RefreshError):
        return Verdict(Action.FAIL)  # the token endpoint refused: credentials, not load
    if isinstance(error, (TimeoutError, socket.timeout, ConnectionError, TransportError)):
        return Verdict(Action.RETRY)
    if isinstance(error, httplib2.HttpLib2Error):
        return Verdict(Action.RETRY)
    return Verdict(Action.FAIL)


def _retry_after(error: HttpError) -> float | None:
    value = error.resp.get("retry-after")
    try:
        return max(0.0, float(value)) if value is not None else None
    except ValueError:
        return None


def describe(error: BaseException) -> str:
    """One line for the report; never the request body or event contents."""
    if isinstance(error, RetriesExhausted):
        return f"{describe(error.error)} (gave up after {error.attempts} attempts)"
    if isinstance(error, GaveUpTonight):
        return f"{describe(error.error)} (quota: stopped for tonight)"
    if isinstance(error, HttpError):
        reason = reason_of(error)
        answered = f"Google Calendar answered {error.resp.status}" + (
            f" {reason}" if reason else ""
        )
        return answered + _advice(int(error.resp.status), reason)
    if isinstance(error, RefreshError):
        return f"Google refused the credentials ({_first_line(error)})"
    if isinstance(error, (TimeoutError, socket.timeout)):
        return "Google Calendar did not answer in time"
    return f"cannot reach Google Calendar ({type(error).__name__}: {_first_line(error)})"


# Google's answers name the reason, not what to change; these say where an admin changes it.
SCOPE_ADVICE = (
    ": the token lacks the scope this call needs; domain-wide delegation (Admin console → "
    "Security → Access and data control → API controls) must list the scopes in the README, "
    "and a change can take up to 24 hours to apply"
)
FREEBUSY_ADVICE = (
    ": no such user, or their free/busy is not shared inside the organisation; set "
    "Calendar's internal sharing to at least \"Only free/busy information (hide event "
    'details)" (Admin console → Apps → Google Workspace → Calendar → Sharing settings)'
)


def _advice(status: int, reason: str) -> str:
    if status == 403 and reason in ("insufficientPermissions", "ACCESS_TOKEN_SCOPE_INSUFFICIENT"):
        return SCOPE_ADVICE
    return ""


def calendar_errors(reasons: list[str]) -> str:
    """One line for free/busy's per-calendar errors (e.g. notFound)."""
    text = f"Google Calendar: {', '.join(reasons)}"
    return text + FREEBUSY_ADVICE if {"notFound", "forbidden"} & set(reasons) else text


def _first_line(error: BaseException) -> str:
    text = str(error.args[0] if error.args else error)
    return text.splitlines()[0][:200] if text else type(error).__name__
