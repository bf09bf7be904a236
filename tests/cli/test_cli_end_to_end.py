"""The whole service through its command line, on temp config folders."""

from __future__ import annotations

import json
import re
import shutil
import sqlite3
import subprocess
import sys
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import icalendar
import pytest

from sync.config.roster import load_roster
from sync.night import workflow
from sync.night.lock import RunLock
from sync.store import Store
from tests.conftest import ConfigDir, Result

CLI = Callable[..., Result]
NOW = "2027-02-01T07:00:00+00:00"  # a Monday morning in Stockholm
LATER = "2027-02-02T07:00:00+00:00"

KARIN_CALENDAR = """BEGIN:VCALENDAR
VERSION:2.0
PRODID:-//test//test//EN
BEGIN:VEVENT
UID:standup-1
DTSTAMP:20260101T000000Z
DTSTART;TZID=Europe/Stockholm:20260105T090000
DTEND;TZID=Europe/Stockholm:20260105T100000
RRULE:FREQ=DAILY;BYDAY=MO,TU,WE,TH,FR
SUMMARY:Standup
END:VEVENT
END:VCALENDAR
"""

PEOPLE = """
[defaults]
timezone = "Europe/Stockholm"
holidays = "SE"

[[managers]]
email = "karin@example.com"
name = "Lind, Karin"
calendar = "ics:karin.ics"
max_checkins_per_day = 3

[[employees]]
email = "lena@example.com"
name = "Lena Berg"
manager = "karin@example.com"
timezone = "America/New_York"
holidays = "US"
calendar = "ics:lena.ics"
cadence = "weekly"

[[employees]]
email = "erik@example.com"
name = "Erik Sandberg"
manager = "karin@example.com"
calendar = "none"
cadence = "biweekly"
"""


def karins_team(config: ConfigDir) -> ConfigDir:
    """Karin and her reports Lena (.ics calendar) and Erik (no calendar)."""
    config.calendar("karin.ics", KARIN_CALENDAR)
    config.calendar("lena.ics")
    config.people(PEOPLE)
    return config


@pytest.fixture
def org(config: ConfigDir) -> ConfigDir:
    return karins_team(config)


def run(cli: CLI, org: ConfigDir, *extra: str, now: str = NOW) -> Result:
    return cli("--config", str(org.root), "run", "--now", now, *extra)


def proposals(cli: CLI, org: ConfigDir, *extra: str) -> list[dict[str, Any]]:
    result = cli("--config", str(org.root), "proposals", "--json", *extra)
    assert result.code == 0, result.err
    data: list[dict[str, Any]] = json.loads(result.out)
    return data


def by_employee(items: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return {item["employee"]: item for item in items}


def events(path: Path) -> list[icalendar.Event]:
    calendar = icalendar.Calendar.from_ical(path.read_bytes())
    return list(calendar.walk("VEVENT"))


def test_run_approve_run_export(cli: CLI, org: ConfigDir) -> None:
    first = run(cli, org)
    assert first.code == 0, first.out + first.err
    assert "Proposed:" in first.out
    assert f"checkin-sync --config {org.root} approve 1 2" in first.out

    pending = by_employee(proposals(cli, org))
    assert set(pending) == {"lena@example.com", "erik@example.com"}
    lena = pending["lena@example.com"]
    for key in (
        "id",
        "state",
        "manager",
        "employee",
        "cadence",
        "duration_minutes",
        "timezone",
        "rrule",
        "first_start",
        "occurrences",
        "explanation",
    ):
        assert key in lena
    assert lena["state"] == "pending"
    assert lena["timezone"] == "Europe/Stockholm"
    assert lena["cadence"] == "weekly"
    assert lena["rrule"].startswith("FREQ=WEEKLY;BYDAY=")
    assert lena["first_start"].endswith("+01:00")
    assert len(lena["occurrences"]) == 4
    assert {o["status"] for o in lena["occurrences"]} <= {"ok", "moved", "skipped"}
    assert "Stockholm" in lena["explanation"] and "New York" in lena["explanation"]
    assert not list(org.export.glob("*.ics")), "nothing is exported before anything is booked"

    approved = cli("--config", str(org.root), "approve", "--manager", "karin@example.com", "--all")
    assert approved.code == 0, approved.err
    assert approved.out.count("Booked #") == 2, "approving books at once"
    assert "Approved #" not in approved.out, "each is reported as what it became: booked"

    second = run(cli, org, now=LATER)
    assert second.code == 0, second.err
    assert "Proposed:" not in second.out
    booked = by_employee(proposals(cli, org, "--state", "booked"))
    assert set(booked) == {"lena@example.com", "erik@example.com"}

    lena_events = events(org.export / "lena@example.com.ics")
    karin_events = events(org.export / "karin@example.com.ics")
    assert {str(e["UID"]) for e in lena_events} == {booked["lena@example.com"]["uid"]}
    assert {str(e["UID"]) for e in karin_events} == {
        booked["lena@example.com"]["uid"],
        booked["erik@example.com"]["uid"],
    }
    master = next(e for e in lena_events if "RRULE" in e)
    assert master["RRULE"].to_ical().decode() == booked["lena@example.com"]["rrule"]
    assert master["ORGANIZER"].params["CN"] == "Lind, Karin"
    assert "purpose" in str(master["DESCRIPTION"]).lower()

    export = cli("--config", str(org.root), "export")
    assert export.code == 0
    assert "lena@example.com.ics" in export.out


def test_a_second_run_changes_nothing(cli: CLI, org: ConfigDir) -> None:
    assert run(cli, org).code == 0
    before = proposals(cli, org)
    again = run(cli, org)
    assert again.code == 0
    assert "Proposed:" not in again.out
    assert proposals(cli, org) == before


def test_cadence_change_supersedes_the_booked_series_once_approved(
    cli: CLI, org: ConfigDir
) -> None:
    run(cli, org)
    cli("--config", str(org.root), "approve", "--manager", "karin@example.com", "--all")
    run(cli, org, now=LATER)
    old = by_employee(proposals(cli, org))["lena@example.com"]

    org.people(PEOPLE.replace('cadence = "weekly"', 'cadence = "every 3 weeks"'))
    changed = run(cli, org, now=LATER)
    assert changed.code == 0
    live = [p for p in proposals(cli, org) if p["employee"] == "lena@example.com"]
    assert {p["state"] for p in live} == {"booked", "pending"}, "old series stands until approved"
    new = next(p for p in live if p["state"] == "pending")
    assert new["cadence"] == "every 3 weeks"
    assert "cadence weekly → every 3 weeks" in new["reason"]

    cli("--config", str(org.root), "approve", str(new["id"]))
    run(cli, org, now=LATER)
    states = {p["id"]: p["state"] for p in proposals(cli, org, "--state", "all")}
    assert states[old["id"]] == "superseded"
    assert states[new["id"]] == "booked"

    lena_events = {str(e["UID"]): e for e in events(org.export / "lena@example.com.ics")}
    ended = lena_events[old["uid"]]
    assert "UNTIL" in ended["RRULE"]
    assert int(ended["SEQUENCE"]) == 1
    assert lena_events[new["uid"]]["RRULE"]["INTERVAL"] == [3]


def test_employee_removed_from_roster_gets_a_cancelled_series(cli: CLI, org: ConfigDir) -> None:
    run(cli, org)
    cli("--config", str(org.root), "approve", "--manager", "karin@example.com", "--all")
    run(cli, org, now=LATER)
    erik_section = PEOPLE[PEOPLE.index('[[employees]]\nemail = "erik') :]
    org.people(PEOPLE.replace(erik_section, ""))
    result = run(cli, org, now=LATER)
    assert result.code == 0
    assert "Cancelled:" in result.out
    (erik_event,) = [e for e in events(org.export / "erik@example.com.ics")]
    assert str(erik_event["STATUS"]) == "CANCELLED"
    assert int(erik_event["SEQUENCE"]) == 1


def test_invalid_entry_skips_only_that_pair_and_keeps_its_series(cli: CLI, org: ConfigDir) -> None:
    run(cli, org)
    cli("--config", str(org.root), "approve", "--manager", "karin@example.com", "--all")
    run(cli, org, now=LATER)
    org.people(
        PEOPLE.replace('cadence = "biweekly"', 'cadence = "fortnightly"')
        + '\n[[employees]]\nemail = "maja@example.com"\nmanager = "karin@example.com"\n'
    )
    result = run(cli, org, now=LATER)
    assert result.code == 1
    assert 'employee erik@example.com: cadence: "fortnightly"' in result.out
    assert "erik@example.com: its entry in people.toml is invalid" in result.out
    states = by_employee(proposals(cli, org))
    assert states["erik@example.com"]["state"] == "booked"
    assert states["maja@example.com"]["state"] == "pending"


def test_unreadable_calendar_skips_its_pairs_and_cancels_nothing(cli: CLI, org: ConfigDir) -> None:
    run(cli, org)
    cli("--config", str(org.root), "approve", "--manager", "karin@example.com", "--all")
    run(cli, org, now=LATER)
    org.people(PEOPLE.replace('cadence = "weekly"', 'cadence = "biweekly"'))
    (org.root / "lena.ics").write_text("this is not a calendar")
    result = run(cli, org, now=LATER)
    assert result.code == 1
    assert "lena.ics" in result.out
    assert "cannot read lena@example.com's calendar" in result.out
    lena = [p for p in proposals(cli, org) if p["employee"] == "lena@example.com"]
    assert [p["state"] for p in lena] == ["booked"]


def test_a_second_run_while_one_holds_the_lock_exits_3(cli: CLI, org: ConfigDir) -> None:
    with RunLock(org.data / "run.lock"):
        result = run(cli, org)
    assert result.code == 3
    assert "another run is in progress (pid" in result.err
    assert run(cli, org).code == 0, "the lock is free again afterwards"


def test_dry_run_saves_nothing(cli: CLI, org: ConfigDir) -> None:
    result = run(cli, org, "--dry-run")
    assert result.code == 0
    assert "dry run: nothing was saved" in result.out
    assert "Proposed:" in result.out
    assert not (org.data / "state.sqlite").exists()
    assert not org.export.exists()
    assert not (org.data / "cache").exists()


def test_the_next_night_proposes_the_same_with_or_without_the_kept_ics_busy_time(
    cli: CLI, org: ConfigDir
) -> None:
    assert run(cli, org).code == 0
    assert list((org.data / "cache" / "ics").glob("*.json")), "busy time is kept"
    shutil.copytree(org.root, org.root.parent / "copy")
    twin = ConfigDir(org.root.parent / "copy")
    shutil.rmtree(twin.data / "cache")
    tomorrow = "2027-02-02T07:00:00+00:00"
    kept = run(cli, org, "--dry-run", now=tomorrow)
    read = run(cli, twin, "--dry-run", now=tomorrow)
    assert kept.code == read.code == 0
    assert _steady(kept.out, org) == _steady(read.out, twin)


def _steady(out: str, org: ConfigDir) -> str:
    """The report without its folder and its running time, which differ between copies."""
    return re.sub(r"Took [0-9.]+ s", "Took … s", out.replace(str(org.root), ""))


def test_unparseable_roster_stops_the_run_before_anything_is_written(
    cli: CLI, org: ConfigDir
) -> None:
    org.people("[[managers]\n")
    result = run(cli, org)
    assert result.code == 2
    assert "people.toml: not valid TOML" in result.err
    assert not org.data.exists()


def test_approve_while_a_run_holds_the_lock_leaves_booking_to_that_run(
    cli: CLI, org: ConfigDir
) -> None:
    run(cli, org)
    with RunLock(org.data / "run.lock"):
        result = cli(
            "--config", str(org.root), "approve", "--manager", "karin@example.com", "--all"
        )
    assert result.code == 0
    approved = [p["id"] for p in proposals(cli, org)]
    for number in approved:
        assert f"Approved #{number}: " in result.out
    assert result.out.count("; the run in progress books it.") == len(approved)
    assert {p["state"] for p in proposals(cli, org)} == {"approved"}
    assert "Booked:" in run(cli, org).out


def test_approve_and_reject_refuse_what_they_cannot_do(cli: CLI, org: ConfigDir) -> None:
    run(cli, org)
    ids = [p["id"] for p in proposals(cli, org)]
    assert cli("--config", str(org.root), "approve", "999").code == 2
    assert cli("--config", str(org.root), "approve", "abc").code == 2
    assert cli("--config", str(org.root), "approve").code == 2
    assert cli("--config", str(org.root), "approve", str(ids[0])).code == 0
    again = cli("--config", str(org.root), "approve", str(ids[0]))
    assert again.code == 2
    assert "already booked" in again.err
    assert cli("--config", str(org.root), "reject", str(ids[0])).code == 2


def test_rejected_slot_gets_a_different_proposal(cli: CLI, org: ConfigDir) -> None:
    run(cli, org)
    lena = by_employee(proposals(cli, org))["lena@example.com"]
    result = cli("--config", str(org.root), "reject", str(lena["id"]), "--reason", "clashes")
    assert result.code == 0
    run(cli, org)
    again = by_employee(proposals(cli, org))["lena@example.com"]
    assert again["id"] != lena["id"]
    assert again["first_start"][11:16] != lena["first_start"][11:16] or (
        again["rrule"] != lena["rrule"]
    )


def test_rejecting_again_and_again_never_gives_a_time_near_one_refused(
    cli: CLI, org: ConfigDir
) -> None:
    refused: list[datetime] = []
    run(cli, org)
    for _ in range(4):
        lena = by_employee(proposals(cli, org))["lena@example.com"]
        start = datetime.fromisoformat(lena["first_start"])
        for earlier in refused:
            if earlier.weekday() == start.weekday():
                # 30 minutes refused: a new one stays an hour clear on either side
                gap = abs(start - start.replace(hour=earlier.hour, minute=earlier.minute))
                assert gap >= timedelta(minutes=90), (earlier, start, lena["explanation"])
        if refused:
            assert "which Lena rejected" not in lena["explanation"]
            assert f"{refused[-1]:%H:%M}, which Karin rejected" in lena["explanation"]
        refused.append(start)
        assert cli("--config", str(org.root), "reject", str(lena["id"])).code == 0
        run(cli, org)


def test_stale_pending_proposal_is_replaced(cli: CLI, org: ConfigDir) -> None:
    run(cli, org)
    before = by_employee(proposals(cli, org))
    result = run(cli, org, now="2027-02-20T07:00:00+00:00")
    assert "its first date came too close before it was approved" in result.out
    after = by_employee(proposals(cli, org))
    assert after["lena@example.com"]["id"] != before["lena@example.com"]["id"]


def test_late_approval_books_only_the_dates_still_ahead(cli: CLI, org: ConfigDir) -> None:
    run(cli, org)
    lena = by_employee(proposals(cli, org))["lena@example.com"]
    # approved while a run held the lock: that run (here, the next) books it
    store = Store.open(org.data / "state.sqlite")
    workflow.approve(store, [lena["id"]], "karin", roster=load_roster(org.root / "people.toml"))
    store.close()
    second_date = lena["occurrences"][1]["original_start"]
    run(cli, org, now=second_date[:10] + "T00:00:00+00:00")
    master = next(e for e in events(org.export / "lena@example.com.ics") if "RRULE" in e)
    assert master["DTSTART"].dt.isoformat() == second_date


def test_database_from_a_newer_version_is_refused(cli: CLI, org: ConfigDir) -> None:
    run(cli, org)
    with sqlite3.connect(org.data / "state.sqlite") as db:
        db.execute("PRAGMA user_version = 99")
    result = run(cli, org)
    assert result.code == 2
    assert "written by a newer checkin-sync" in result.err


def test_python_dash_m_and_the_console_script(org: ConfigDir) -> None:
    module = subprocess.run(
        [sys.executable, "-m", "sync", "--config", str(org.root), "config", "check"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert module.returncode == 0, module.stderr
    script = Path(sys.executable).parent / "checkin-sync"
    assert script.exists()
    version = subprocess.run([script, "--version"], capture_output=True, text=True, check=False)
    assert version.stdout.startswith("checkin-sync ")


def test_config_from_environment(cli: CLI, org: ConfigDir, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CHECKIN_SYNC_CONFIG", str(org.root))
    monkeypatch.setenv("CHECKIN_SYNC_HORIZON_WEEKS", "2")
    result = cli("run", "--now", NOW)
    assert result.code == 0, result.err
    lena = by_employee(proposals(cli, org))["lena@example.com"]
    assert len(lena["occurrences"]) == 2


def test_pending_proposal_is_superseded_when_its_inputs_change(cli: CLI, org: ConfigDir) -> None:
    run(cli, org)
    before = by_employee(proposals(cli, org))["lena@example.com"]
    org.people(PEOPLE.replace('cadence = "weekly"', 'cadence = "biweekly"\nduration = 45'))
    result = run(cli, org)
    assert result.code == 0
    assert "people.toml changed: cadence weekly → biweekly, duration 30 → 45" in result.out
    states = {p["id"]: p for p in proposals(cli, org, "--state", "all")}
    assert states[before["id"]]["state"] == "superseded"
    after = by_employee(proposals(cli, org))["lena@example.com"]
    assert (after["cadence"], after["duration_minutes"]) == ("biweekly", 45)
    assert cli("--config", str(org.root), "approve", str(before["id"])).code == 2


def test_more_often_lapses_back_to_the_regular_cadence_by_itself(cli: CLI, org: ConfigDir) -> None:
    org.people(
        PEOPLE.replace(
            'cadence = "biweekly"',
            'cadence = "biweekly"\n'
            'more_often = { cadence = "weekly", until = 2027-02-10, reason = "back from leave" }',
        )
    )
    run(cli, org)
    erik = by_employee(proposals(cli, org))["erik@example.com"]
    assert erik["cadence"] == "weekly"
    assert "more often until 2027-02-10: back from leave" in erik["explanation"]
    cli("--config", str(org.root), "approve", str(erik["id"]))
    run(cli, org, now=LATER)

    lapsed = run(cli, org, now="2027-02-11T07:00:00+00:00")
    assert "cadence weekly → biweekly (more often until 2027-02-10 has ended)" in lapsed.out
    live = [p for p in proposals(cli, org) if p["employee"] == "erik@example.com"]
    assert sorted((p["state"], p["cadence"]) for p in live) == [
        ("booked", "weekly"),
        ("pending", "biweekly"),
    ]
