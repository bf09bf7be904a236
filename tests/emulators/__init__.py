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
