"""A night on which nobody lacks the current version of a series builds no invitation: the
record of what was sent says so before any calendar is made, which is what keeps a steady
night's invitations step near free for a large organisation."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import pytest

from sync.delivery import invitations
from sync.model.values import BookedSeries
from tests.cli.test_cli_end_to_end import run
from tests.conftest import ConfigDir, Result
from tests.delivery.test_invitations import booked, lena_series, sent  # noqa: F401
from tests.night.test_keep_up import busy_event

CLI = Callable[..., Result]


@pytest.fixture
def built(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """What invitation calendars were built, and for whom: "organiser" or "attendee"."""
    seen: list[str] = []
    own, theirs = invitations.organiser_copy, invitations.itip_calendar

    def organiser_copy(series: BookedSeries) -> bytes:
        seen.append("organiser")
        return own(series)

    def itip_calendar(series: BookedSeries) -> bytes:
        seen.append("attendee")
        return theirs(series)

    monkeypatch.setattr(invitations, "organiser_copy", organiser_copy)
    monkeypatch.setattr(invitations, "itip_calendar", itip_calendar)
    return seen


def test_a_night_with_nothing_new_builds_no_invitation(
    cli: CLI,
    booked: ConfigDir,  # noqa: F811
    built: list[str],
) -> None:
    assert run(cli, booked).code == 0
    assert built == [], "everyone has the current version: nothing is built"
    assert len(sent(booked)) == 2


def test_a_changed_series_builds_only_what_its_recipients_lack(
    cli: CLI,
    booked: ConfigDir,  # noqa: F811
    built: list[str],
) -> None:
    third = lena_series(booked).occurrences[2]
    booked.calendar("lena.ics", busy_event(third.start - timedelta(minutes=15), 60, "dentist-1"))
    assert run(cli, booked).code == 0
    assert sorted(built) == ["attendee", "organiser"], "one new version for each of them"
    assert len(sent(booked)) == 4

    built.clear()
    assert run(cli, booked).code == 0
    assert built == [], "and once sent, not built again"
