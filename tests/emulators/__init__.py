"""Local emulators of calendar providers for tests that use the providers' real client libraries.

Use the fixture from a conftest (``from tests.emulators import google_emulator  # noqa: F401``)
or start one directly::

    with GoogleCalendarEmulator() as emu:
        ...
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from .google import (
    CALENDAR_SCOPE,
    EVENTS_FREEBUSY_SCOPE,
    EVENTS_SCOPE,
    FREEBUSY_SCOPE,
    READONLY_SCOPE,
    Fault,
    GoogleCalendarEmulator,
    RecordedRequest,
)
from .google_errors import ApiError
from .google_state import WriteRecord

__all__ = [
    "CALENDAR_SCOPE",
    "EVENTS_FREEBUSY_SCOPE",
    "EVENTS_SCOPE",
    "FREEBUSY_SCOPE",
    "READONLY_SCOPE",
    "ApiError",
    "Fault",
    "GoogleCalendarEmulator",
    "RecordedRequest",
    "WriteRecord",
    "google_emulator",
]


@pytest.fixture
def google_emulator() -> Iterator[GoogleCalendarEmulator]:
    """A running Google Calendar emulator, stopped after the test."""
    with GoogleCalendarEmulator() as emulator:
        yield emulator


# --------------------------------------------------------------------------- Microsoft
# Microsoft identity (msal) and Graph emulators: HTTPS with a test CA, see graph.py/identity.py.

from .graph import GraphEmulator, GraphRequest  # noqa: E402
from .graph_errors import GraphError  # noqa: E402
from .graph_state import WriteRecord as GraphWriteRecord  # noqa: E402
from .identity import (  # noqa: E402
    CALENDARS_READ,
    CALENDARS_READBASIC,
    CALENDARS_READWRITE,
    DEFAULT_TENANT,
    GRAPH_DEFAULT_SCOPE,
    IdentityEmulator,
)
from .identity_tls import new_session, shared_ca  # noqa: E402

__all__ += [
    "CALENDARS_READ",
    "CALENDARS_READBASIC",
    "CALENDARS_READWRITE",
    "DEFAULT_TENANT",
    "GRAPH_DEFAULT_SCOPE",
    "GraphEmulator",
    "GraphError",
    "GraphRequest",
    "GraphWriteRecord",
    "IdentityEmulator",
    "graph_emulator",
    "identity_emulator",
    "new_session",
    "shared_ca",
]


@pytest.fixture
def identity_emulator() -> Iterator[IdentityEmulator]:
    """A running Microsoft identity (Entra ID) emulator, stopped after the test."""
    with IdentityEmulator() as emulator:
        yield emulator
    assert not emulator.errors, f"the identity emulator failed: {emulator.errors}"


@pytest.fixture
def graph_emulator() -> Iterator[GraphEmulator]:
    """A running Graph emulator with its own identity emulator (``graph_emulator.identity``)."""
    with GraphEmulator() as emulator:
        yield emulator
    failures = emulator.errors + emulator.identity.errors
    assert not failures, f"the Graph emulator failed: {failures}"
