"""A night writes only what changed, and only the change: a series the store knows is booked,
and tonight's read-back saw as it should be, is neither probed nor read again. Counted at
the emulators, for Google and for Outlook."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import pytest

from sync.model.values import OccurrenceStatus
from sync.store import SeriesRecord, Store
from tests.conftest import ConfigDir, Result
from tests.emulators import GoogleCalendarEmulator, GraphEmulator
from tests.google_helpers import settings_section as google_settings
from tests.outlook_helpers import settings_section as outlook_settings

CLI = Callable[..., Result]
NOW = datetime(2027, 2, 1, 7, tzinfo=UTC)
KARIN, LENA, OMAR = "karin@example.com", "lena@example.com", "omar@example.com"
ADE, PRIYA, SAM = "ade@example.com", "priya@example.com", "sam@example.com"
PEOPLE = """
[[managers]]
email = "karin@example.com"
calendar = "google"

[[managers]]
email = "ade@example.com"
timezone = "Europe/London"
calendar = "outlook"
"""
EMPLOYEE = """
[[employees]]
email = "{email}"
manager = "{manager}"
calendar = "{calendar}"
timezone = "Europe/London"
cadence = "weekly"
"""
GOOGLE_WRITES = ("events.insert", "events.patch", "events.delete")
GOOGLE_PROBES = ("events.get", "events.instances")
GRAPH_WRITES = ("events.create", "events.patch", "events.delete", "events.cancel")


@pytest.fixture
def org(
    config: ConfigDir, google_emulator: GoogleCalendarEmulator, graph_emulator: GraphEmulator
) -> ConfigDir:
    for email in (KARIN, LENA, OMAR):
        google_emulator.add_user(email, timezone="Europe/London")
    for email in (ADE, PRIYA, SAM):
        graph_emulator.add_user(email, timezone="GMT Standard Time")
    config.settings(
        google_settings(google_emulator, config.root) + "\n" + outlook_settings(graph_emulator)
    )
    people = PEOPLE + "".join(
        EMPLOYEE.format(email=email, manager=manager, calendar=calendar)
        for email, manager, calendar in (
            (LENA, KARIN, "google"),
            (OMAR, KARIN, "google"),
            (PRIYA, ADE, "outlook"),
            (SAM, ADE, "outlook"),
        )
    )
    config.people(people)
    return config


def night(cli: CLI, org: ConfigDir, day: int) -> None:
    now = (NOW + timedelta(days=day)).isoformat()
    result = cli("--config", str(org.root), "run", "--now", now)
    assert result.code in (0, 1), result.out + result.err


def series_of(org: ConfigDir, employee: str) -> SeriesRecord:
    store = Store.open(org.data / "state.sqlite")
    try:
        (series,) = [s for s in store.series() if s.proposal.employee == employee]
        return series
    finally:
        store.close()


def busy_over(start: datetime, end: datetime) -> dict[str, dict[str, str]]:
    return {
        "start": {"dateTime": (start - timedelta(minutes=5)).isoformat(), "timeZone": "UTC"},
        "end": {"dateTime": (end + timedelta(minutes=5)).isoformat(), "timeZone": "UTC"},
    }


def test_a_night_sends_only_the_changes_of_series_the_read_back_confirmed(
    cli: CLI,
    org: ConfigDir,
    google_emulator: GoogleCalendarEmulator,
    graph_emulator: GraphEmulator,
) -> None:
    night(cli, org, 0)
    for manager in (KARIN, ADE):
        approved = cli("--config", str(org.root), "approve", "--manager", manager, "--all")
        assert approved.out.count("Booked #") == 2, approved.out + approved.err
    google_emulator.clear_log()
    graph_emulator.clear_log()

    night(cli, org, 1)  # nothing changed: nothing is written, nothing is probed
    google = [r.kind for r in google_emulator.requests]
    graph = [r.kind for r in graph_emulator.requests]
    assert not set(google) & {*GOOGLE_WRITES, *GOOGLE_PROBES}, google
    assert not set(graph) & {*GRAPH_WRITES, "events.instances", "events.get"}, graph

    # a new meeting over Lena's and Priya's third dates: each moves
    lena, priya = series_of(org, LENA).occurrences[2], series_of(org, PRIYA).occurrences[2]
    google_emulator.add_event(LENA, busy_over(lena.start, lena.end))
    graph_emulator.add_event(PRIYA, {"subject": "Audit", **busy_over(priya.start, priya.end)})
    google_emulator.clear_log()
    graph_emulator.clear_log()
    night(cli, org, 2)

    assert series_of(org, LENA).occurrences[2].status is OccurrenceStatus.MOVED
    assert series_of(org, PRIYA).occurrences[2].status is OccurrenceStatus.MOVED
    assert not series_of(org, LENA).needs_write and not series_of(org, PRIYA).needs_write
    google_writes = [r for r in google_emulator.requests if r.kind in GOOGLE_WRITES]
    # the moved dates themselves (instances: "<event>_<start>"), nothing else, in batches
    assert google_writes and {r.kind for r in google_writes} == {"events.patch"}
    assert all("_" in str(r.event_id) and r.in_batch for r in google_writes)
    assert not {r.kind for r in google_emulator.requests} & set(GOOGLE_PROBES)
    graph_writes = [r for r in graph_emulator.requests if r.kind in GRAPH_WRITES]
    assert graph_writes and {r.kind for r in graph_writes} == {"events.patch"}
    assert all(r.in_batch for r in graph_writes)
    assert graph_emulator.count("events.instances") == 0
    # the only listing of Ade's events is the read-back's, not a search for one series
    searches = [
        r
        for r in graph_emulator.requests
        if r.kind == "events.list" and "ep/value eq" in "".join(r.query.get("$filter", []))
    ]
    assert searches == []
    moved = series_of(org, LENA).occurrences[2]
    instances = google_emulator.instances(
        KARIN,
        series_of(org, LENA).uid.split("@")[0],
        lena.start - timedelta(days=7),
        lena.start + timedelta(days=7),
    )
    assert moved.start in {
        datetime.fromisoformat(i["start"]["dateTime"])
        for i in instances
        if i.get("status") != "cancelled"
    }
