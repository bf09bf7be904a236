"""Deterministic identities, so that re-running a night can never create a duplicate."""

from __future__ import annotations

import base64
import hashlib

OWN_UID_SUFFIX = "@checkin-sync"
"""Every series this service creates has a UID ending in this; connectors and export
recognise them by it."""


def is_own_uid(uid: str) -> bool:
    return uid.endswith(OWN_UID_SUFFIX)


def series_uid(manager: str, employee: str, generation: int) -> str:
    """The series' iCalendar UID. The part before "@" uses only a-v and 0-9 (base32hex), so
    it is also a valid client-chosen Google Calendar event id."""
    digest = hashlib.sha256(f"{manager}\n{employee}\n{generation}".encode()).digest()
    token = base64.b32hexencode(digest).decode().rstrip("=").lower()[:26]
    return f"{token}{OWN_UID_SUFFIX}"


def fingerprint(manager: str, cadence: str, duration: int) -> str:
    """What defines a pair's series: when any of it changes, the series is re-proposed."""
    return f"manager={manager};cadence={cadence};duration={duration}"
