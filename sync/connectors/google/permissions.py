"""Which of the scopes a night needs Google would refuse, asked one scope at a time so the
answer names the scope an admin has to add. Nothing is read or written: only tokens."""

from __future__ import annotations

from collections.abc import Sequence

from google.auth.exceptions import RefreshError, TransportError
from google.auth.transport.requests import Request

from sync.connectors.google.auth import GoogleAuth
from sync.connectors.google.keyless import KEYLESS_SETTING, SigningRefused

DELEGATION = (
    "Admin console → Security → Access and data control → API controls → Domain-wide delegation"
)


def refused_scopes(auth: GoogleAuth, email: str, scopes: Sequence[str]) -> list[str]:
    """One line per scope a token acting as `email` cannot have, saying where to grant it."""
    problems = []
    for scope in scopes:
        try:
            auth.for_person(email, [scope]).refresh(Request())
        except SigningRefused as error:
            return [f"{KEYLESS_SETTING}: {error}"]
        except RefreshError as error:
            problems.append(_refused(auth, scope, _first_line(error)))
        except TransportError as error:
            return [f"cannot reach Google's token endpoint ({_first_line(error)})"]
    return problems


def _refused(auth: GoogleAuth, scope: str, why: str) -> str:
    if auth.delegated:
        client = f"client ID {auth.client_id}" if auth.client_id else "the service account"
        return (
            f"domain-wide delegation for {client} does not grant {scope} ({why}): add it "
            f"in the {DELEGATION} entry; a change can take up to 24 hours to apply"
        )
    return (
        f"{auth.path} was not consented for {scope} ({why}): sign in again with it among "
        "the --scopes (see README, Google Workspace, trying it out)"
    )


def _first_line(error: Exception) -> str:
    text = str(error.args[0] if error.args else error)
    return text.splitlines()[0][:200] if text else type(error).__name__
