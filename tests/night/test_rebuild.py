"""A lost state database is rebuilt from the calendars: nothing booked is proposed again,
nothing is written twice, and what people changed stays as they left it."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from sync.config.paths import Paths
from sync.config.roster import load_roster
from sync.connectors.base import Connectors
from sync.model.values import Interval
from sync.night.rebuild import rebuild
from sync.store import Store
from tests.batch_helpers import booked, uid
from tests.conftest import ConfigDir, Result
from tests.connectors.test_google_connector import series as google_series
from tests.emulators import GoogleCalendarEmulator, GraphEmulator
from tests.end_to_end.test_google_end_to_end import KARIN, LENA, book, google_org, live
from tests.end_to_end.test_google_end_to_end import run as google_run
from tests.google_helpers import FAST
from tests.google_helpers import connector as google_connector
from tests.outlook_helpers import connector as outlook_connector

CLI = Callable[..., Result]


@pytest.fixture
def org(config: ConfigDir, google_emulator: GoogleCalendarEmulator) -> ConfigDir:
    return google_org(config, google_emulator)


def states(cli: CLI, config: ConfigDir) -> dict[str, list[tuple[str, str]]]:
    return {
        email: sorted((p["state"], p["uid"]) for p in items)
        for email, items in live(cli, config).items()
    }


def test_the_next_run_rebuilds_a_lost_database_from_google(
    cli: CLI, org: ConfigDir, google_emulator: GoogleCalendarEmulator
) -> None:
    booked = book(cli, org)
    lena = booked[LENA]
    second = datetime.fromisoformat(lena["occurrences"][1]["original_start"])
    moved_to = second + timedelta(days=1)
    google_emulator.move_instance(KARIN, lena["uid"].split("@")[0], second, moved_to)
    before = states(cli, org)
    (org.data / "state.sqlite").unlink()
    inserts = google_emulator.count("events.insert")

    result = google_run(cli, org)
    assert result.code == 0, result.out
    assert "2 series checkin-sync had booked were recovered from the calendars" in result.out
    assert "Proposed:" not in result.out
    assert google_emulator.count("events.insert") == inserts
    assert states(cli, org) == before
    kept = live(cli, org)[LENA][0]["occurrences"][1]
    assert (kept["status"], kept["fixed"]) == ("moved", True)
    assert datetime.fromisoformat(kept["start"]) == moved_to
    writes = len(google_emulator.writes)
    assert google_run(cli, org).code == 0
    assert len(google_emulator.writes) == writes


def test_rebuild_command_adds_only_what_the_database_lacks(cli: CLI, org: ConfigDir) -> None:
    book(cli, org)
    before = states(cli, org)
    (org.data / "state.sqlite").unlink()
    result = cli("--config", str(org.root), "rebuild")
    assert result.code == 0, result.err
    assert "Recovered from the calendars: 2 booked and 0 ended series." in result.out
    assert states(cli, org) == before
    again = cli("--config", str(org.root), "rebuild")
    assert again.out.startswith("Nothing to recover: the database already holds every")


def test_export_only_series_are_rebuilt_from_the_exported_files(
    cli: CLI, config: ConfigDir
) -> None:
    from tests.cli.test_cli_end_to_end import KARIN_CALENDAR, NOW, PEOPLE

    config.calendar("karin.ics", KARIN_CALENDAR)
    config.calendar("lena.ics")
    config.people(PEOPLE)
    assert cli("--config", str(config.root), "run", "--now", NOW).code == 0
    cli("--config", str(config.root), "approve", "--manager", "karin@example.com", "--all")
    before = states(cli, config)
    (config.data / "state.sqlite").unlink()
    result = cli("--config", str(config.root), "run", "--now", NOW)
    assert result.code == 0
    assert "Proposed:" not in result.out
    assert states(cli, config) == before


def test_connectors_list_what_they_booked_as_it_was_written(
    tmp_path: Any,
) -> None:
    window = Interval(datetime(2027, 2, 1, tzinfo=UTC), datetime(2027, 4, 1, tzinfo=UTC))
    ended = google_series(until=datetime(2027, 3, 2, tzinfo=UTC))
    with GoogleCalendarEmulator() as emulator:
        for email in (KARIN, LENA):
            emulator.add_user(email, timezone="Europe/Stockholm")
        google = google_connector(emulator, tmp_path)
        google.write_series(ended)
        (found,) = google.list_series(KARIN, window)
    with GraphEmulator() as graph:
        for email in (KARIN, LENA):
            graph.add_user(email)
        outlook = outlook_connector(graph)
        outlook.write_series(ended)
        (found_outlook,) = outlook.list_series(KARIN, window)
    for item in (found, found_outlook):
        assert item.uid == ended.uid
        assert (item.organiser, item.attendee) == (KARIN, LENA)
        assert item.rrule == ended.rrule
        assert item.first_start == ended.first_start
        assert item.duration == ended.duration
        assert item.timezone == ended.timezone
        assert item.until is not None and item.until <= datetime(2027, 3, 3, tzinfo=UTC)
        assert item.until > datetime(2027, 2, 23, 14, tzinfo=UTC), "the last date stays in"


def test_a_one_off_check_in_in_the_calendar_does_not_stop_a_rebuild(
    cli: CLI, org: ConfigDir
) -> None:
    from tests.end_to_end.test_google_end_to_end import NOW

    book(cli, org)
    cli("--config", str(org.root), "request", LENA, "--now", NOW)
    assert google_run(cli, org).code == 0
    (one_off,) = [p for p in live(cli, org)[LENA] if p["cadence"] == "once"]
    assert "Booked #" in cli("--config", str(org.root), "approve", str(one_off["id"])).out
    (org.data / "state.sqlite").unlink()
    result = cli("--config", str(org.root), "rebuild")
    assert result.code == 0, result.err
    assert "Recovered from the calendars: 2 booked and 0 ended series." in result.out


def test_many_organisers_are_listed_together_and_one_unreadable_is_named(
    tmp_path: Path, google_emulator: GoogleCalendarEmulator, graph_emulator: GraphEmulator
) -> None:
    """30 managers on Google and 30 on Outlook: each provider's listings go out through its
    batch endpoint (2 and 3 round trips), not one calendar after another (60 each), and a
    calendar that cannot be read is the error of its manager alone."""
    google_managers = [f"g{i:02d}@example.com" for i in range(30)]
    outlook_managers = [f"m{i:02d}@example.com" for i in range(30)]
    entries = []
    google_emulator.add_user(LENA, timezone="Europe/Stockholm")
    graph_emulator.add_user(LENA)
    for i, manager in enumerate(google_managers + outlook_managers):
        calendar = "google" if manager in google_managers else "outlook"
        entries.append(f'[[managers]]\nemail = "{manager}"\ncalendar = "{calendar}"\n')
        entries.append(f'[[employees]]\nemail = "e{i:02d}@example.com"\nmanager = "{manager}"\n')
    (tmp_path / "people.toml").write_text("\n".join(entries))
    google = google_connector(google_emulator, tmp_path)
    outlook = outlook_connector(graph_emulator)
    for manager in google_managers:
        google_emulator.add_user(manager, timezone="Europe/Stockholm")
        google.write_series(booked(manager))
    for manager in outlook_managers:
        graph_emulator.add_user(manager)
        outlook.write_series(booked(manager))
    google_emulator.clear_log()
    graph_emulator.clear_log()
    graph_emulator.inject(r"/users/m07@example\.com/", 500, times=100)
    store = Store.open(tmp_path / "state.sqlite")
    try:
        rebuilt = rebuild(
            store,
            load_roster(tmp_path / "people.toml"),
            Connectors(readers={}, writers={"google": google, "outlook": outlook}),
            Paths(tmp_path / "data"),
            datetime(2027, 2, 1, tzinfo=UTC),
            horizon_weeks=8,
        )
        assert list(rebuilt.errors) == ["m07@example.com"]
        assert "500" in rebuilt.errors["m07@example.com"]
        restored = google_managers + [m for m in outlook_managers if m != "m07@example.com"]
        assert sorted(rebuilt.booked) == sorted({uid(m) for m in restored})
        assert all(store.has_series(uid(m)) for m in restored)
    finally:
        store.close()
    assert google_emulator.round_trips() == 2
    assert graph_emulator.round_trips() <= 3 + FAST.attempts
