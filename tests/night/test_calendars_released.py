"""Everyone's busy time and what the read-back saw are let go of once booking is done: the
export, invitations, digests and mail do not hold the organisation's calendars."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from sync.connectors.base import RemoteSeries
from sync.model.values import BusyBlock
from sync.night import steps
from tests.conftest import ConfigDir, Result
from tests.night.test_steady_writes import ADE, KARIN, night, org
from tests.store.held_objects import reachable

CLI = Callable[..., Result]
__all__ = ["org"]  # the fixture, used by name


def test_a_night_holds_no_calendar_after_booking(
    cli: CLI, org: ConfigDir, monkeypatch: pytest.MonkeyPatch
) -> None:
    night(cli, org, 0)
    for manager in (KARIN, ADE):
        approved = cli("--config", str(org.root), "approve", "--manager", manager, "--all")
        assert approved.out.count("Booked #") == 2, approved.out + approved.err
    held: dict[str, int] = {}
    real_book, real_export = steps._Night.book, steps._Night.export

    def book(self: steps._Night) -> None:
        held["busy while booking"] = len(reachable(self, BusyBlock))
        held["seen while booking"] = len(reachable(self, RemoteSeries))
        real_book(self)

    def export(self: steps._Night) -> None:
        held["busy after"] = len(reachable(self, BusyBlock))
        held["seen after"] = len(reachable(self, RemoteSeries))
        real_export(self)

    monkeypatch.setattr(steps._Night, "book", book)
    monkeypatch.setattr(steps._Night, "export", export)
    night(cli, org, 1)  # the series booked last night are read back, everyone's calendar read

    assert held["busy while booking"] and held["seen while booking"]
    assert held["busy after"] == held["seen after"] == 0
