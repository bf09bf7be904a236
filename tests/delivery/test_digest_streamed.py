"""Each manager's digest is queued before the next is made: a night never holds every
manager's mail at once (about 100 MB at N = 1,000, bench/README.md)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from types import SimpleNamespace
from typing import Any

import pytest

from sync.delivery import digest as digests
from sync.delivery.digest import Digest, notify_managers


class _Store:
    """What notify_managers asks of the store: three managers with one proposal waiting."""

    def __init__(self, happened: list[str]) -> None:
        self.happened = happened

    def proposals(self, states: Any) -> list[SimpleNamespace]:
        return [SimpleNamespace(manager=f"m{n}@example.com", id=n) for n in (1, 2, 3)]

    def proposals_told(self, manager: str) -> set[int]:
        return set()

    def queue_message(self, recipient: str, subject: str, body: bytes, ids: Any) -> None:
        self.happened.append(f"queued {recipient}")

    def told_lines(self) -> dict[Any, Any]:
        return {}

    def note_told(self, told: Any) -> None:
        pass

    def forget_told(self, keys: Any) -> None:
        pass

    @contextmanager
    def transaction(self) -> Iterator[None]:
        yield


def test_a_digest_is_queued_before_the_next_is_made(monkeypatch: pytest.MonkeyPatch) -> None:
    happened: list[str] = []

    def made(manager: str, *args: Any) -> Digest:
        happened.append(f"made {manager}")
        return Digest(manager, "M", "subject", "text", "<p>html</p>", ())

    monkeypatch.setattr(digests, "_digest", made)
    monkeypatch.setattr(digests, "_tonight_by_manager", lambda *args: {})
    monkeypatch.setattr(digests, "to_email", lambda digest, settings: b"mail")
    store: Any = _Store(happened)
    settings: Any = SimpleNamespace(language="en")
    report: Any = SimpleNamespace(at_risk=[], now=datetime(2027, 3, 1, tzinfo=UTC), stopped=[])
    notify_managers(store, settings, None, report, datetime(2027, 3, 1, tzinfo=UTC))  # type: ignore[arg-type]
    assert happened == [
        f"{what} m{n}@example.com" for n in (1, 2, 3) for what in ("made", "queued")
    ]
