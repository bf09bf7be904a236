"""A Google Workspace organisation through the command line, against the emulator."""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from datetime import datetime, timedelta
from typing import Any

import pytest

from sync.config.roster import load_roster
from sync.config.settings import load_settings
from sync.connectors.base import Connectors, ToWrite, Written
from sync.connectors.registry import connectors_for
from sync.night.lock import RunLock
from sync.night.nightly import run_nightly
from sync.night.tonight import RunOptions
from sync.store import Store
from tests.conftest import ConfigDir, Result
from tests.emulators import GoogleCalendarEmulator
from tests.google_helpers import settings_section

CLI = Callable[..., Result]
NOW = "2027-02-01T07:00:00+00:00"
KARIN, LENA, ERIK, OMAR = (
    "karin@example.com",
    "lena@example.com",
    "erik@example.com",
    "omar@example.com",
)

PEOPLE = """
[[managers]]
email = "karin@example.com"
name = "Karin Lind"
calendar = "google"

[[employees]]
email = "lena@example.com"
name = "Lena Berg"
manager = "karin@example.com"
timezone = "America/New_York"
holidays = "US"
calendar = "google"
cadence = "weekly"

[[employees]]
email = "erik@example.com"
name = "Erik Sandberg"
manager = "karin@example.com"
calendar = "ics:erik.ics"
"""

OMAR_ENTRY = """
[[employees]]
email = "omar@example.com"
name = "Omar Haddad"
manager = "karin@example.com"
calendar = "google"
"""


@pytest.fixture
def org(config: ConfigDir, google_emulator: GoogleCalendarEmulator) -> ConfigDir:
    return google_org(config, google_emulator)


def google_org(config: ConfigDir, google_emulator: GoogleCalendarEmulator) -> ConfigDir:
    """Karin on Google with Lena (Google) and Erik (an .ics file), against the emulator."""
    google_emulator.add_user(KARIN, timezone="Europe/Stockholm")
    google_emulator.add_user(LENA, timezone="America/New_York")
    google_emulator.add_user(OMAR, timezone="Europe/Stockholm")
    config.settings(settings_section(google_emulator, config.root))
    config.calendar("erik.ics")
    config.people(PEOPLE)
    return config


def run(cli: CLI, org: ConfigDir, *extra: str, now: str = NOW) -> Result:
    return cli("--config", str(org.root), "run", "--now", now, *extra)


def live(cli: CLI, org: ConfigDir) -> dict[str, list[dict[str, Any]]]:
    result = cli("--config", str(org.root), "proposals", "--json")
    by_employee: dict[str, list[dict[str, Any]]] = {}
    for item in json.loads(result.out):
        by_employee.setdefault(item["employee"], []).append(item)
    return by_employee


def approve_all(cli: CLI, org: ConfigDir) -> Result:
    return cli("--config", str(org.root), "approve", "--manager", KARIN, "--all")


def series_events(emulator: GoogleCalendarEmulator) -> list[dict[str, Any]]:
    return [
        e
        for e in emulator.events(KARIN)
        if "recurrence" in e
        and "checkinSeries" in e.get("extendedProperties", {}).get("private", {})
    ]


def event_id(uid: str) -> str:
    return uid.split("@")[0]


def book(cli: CLI, org: ConfigDir) -> dict[str, dict[str, Any]]:
    assert run(cli, org).code == 0
    result = approve_all(cli, org)
    assert result.out.count("Booked #") == 2, result.out + result.err
    return {email: items[0] for email, items in live(cli, org).items()}


def test_proposals_are_booked_in_the_managers_google_calendar(
    cli: CLI, org: ConfigDir, google_emulator: GoogleCalendarEmulator
) -> None:
    booked = book(cli, org)
    assert {b["state"] for b in booked.values()} == {"booked"}
    events = {e["id"]: e for e in series_events(google_emulator)}
    assert set(events) == {event_id(b["uid"]) for b in booked.values()}
    lena = events[event_id(booked[LENA]["uid"])]
    assert [a["email"] for a in lena["attendees"]] == [LENA]
    assert lena["recurrence"] == [f"RRULE:{booked[LENA]['rrule']}"]
    assert google_emulator.event(LENA, lena["id"]) is not None
    assert booked[LENA]["series"] == {
        "state": "booked",
        "calendar": "google",
        "sequence": 0,
        "written": True,
        "last_error": "",
        "declined_by": [],
        "until": None,
    }
    # the .ics export still carries every series, for Erik whose calendar is a file
    assert (org.export / "erik@example.com.ics").exists()

    writes = len(google_emulator.writes)
    again = run(cli, org)
    assert again.code == 0, again.out
    assert len(google_emulator.writes) == writes, "a quiet night writes nothing"
    assert "Proposed:" not in again.out


def test_google_invites_the_attendees_so_no_invitation_is_emailed(cli: CLI, org: ConfigDir) -> None:
    book(cli, org)
    assert run(cli, org).code == 0
    # Erik's calendar is a file, but Google emails him the invitation as organiser's provider;
    # a second one from checkin-sync would put the series in his calendar twice
    assert not list(org.data.glob("outbox/*-invitation-*.eml"))


def test_a_declined_series_is_proposed_again_and_replaced_once_approved(
    cli: CLI, org: ConfigDir, google_emulator: GoogleCalendarEmulator
) -> None:
    booked = book(cli, org)
    old = booked[LENA]
    google_emulator.decline(KARIN, event_id(old["uid"]), LENA)
    result = run(cli, org)
    assert "Declined:" in result.out and "declined by lena@example.com" in result.out
    pending = [p for p in live(cli, org)[LENA] if p["state"] == "pending"]
    assert len(pending) == 1
    assert pending[0]["reason"] == "lena@example.com declined the series"
    assert "Re-proposed because lena@example.com declined the series" in result.out
    approve_all(cli, org)
    states = {p["uid"]: p for p in live(cli, org)[LENA]}
    assert [p["state"] for p in states.values()] == ["booked"]
    ended = google_emulator.event(KARIN, event_id(old["uid"]))
    # ended on its last date before the new series, or gone if it had none before it
    assert ended is not None
    assert ended.get("status") == "cancelled" or "UNTIL=" in ended["recurrence"][0]
    assert run(cli, org).code == 0
    assert [p["state"] for p in live(cli, org)[LENA]] == ["booked"], "no third proposal"


def test_a_declined_time_is_not_proposed_again_and_the_proposal_says_why(
    cli: CLI, org: ConfigDir, google_emulator: GoogleCalendarEmulator
) -> None:
    old = book(cli, org)[LENA]
    google_emulator.decline(KARIN, event_id(old["uid"]), LENA)
    assert run(cli, org).code == 0
    (pending,) = [p for p in live(cli, org)[LENA] if p["state"] == "pending"]
    declined = datetime.fromisoformat(old["first_start"])
    again = datetime.fromisoformat(pending["first_start"])
    if again.weekday() == declined.weekday():
        same_day = again.replace(hour=declined.hour, minute=declined.minute)
        assert abs(again - same_day) >= timedelta(minutes=30 + 60), pending["explanation"]
    weekday = f"{declined:%A}s"
    assert f"Avoiding {weekday} {declined:%H:%M}, which Lena declined." in pending["explanation"]


def test_a_series_a_person_deleted_is_followed_not_re_created(
    cli: CLI, org: ConfigDir, google_emulator: GoogleCalendarEmulator
) -> None:
    booked = book(cli, org)
    google_emulator.delete_event(KARIN, event_id(booked[LENA]["uid"]))
    inserts = google_emulator.count("events.insert")
    result = run(cli, org)
    assert "deleted in the calendar by a person; not re-created" in result.out
    assert google_emulator.count("events.insert") == inserts
    lena = live(cli, org)[LENA]
    assert [p["state"] for p in lena] == ["pending"], "Lena is still in the roster: a new proposal"


def test_an_occurrence_a_person_moved_is_kept_and_never_moved_back(
    cli: CLI, org: ConfigDir, google_emulator: GoogleCalendarEmulator
) -> None:
    booked = book(cli, org)
    lena = booked[LENA]
    second = lena["occurrences"][1]
    original = datetime.fromisoformat(second["original_start"])
    moved_to = original + timedelta(days=1, hours=-1)
    google_emulator.move_instance(KARIN, event_id(lena["uid"]), original, moved_to)
    assert run(cli, org).code == 0
    now_lena = live(cli, org)[LENA][0]
    kept = now_lena["occurrences"][1]
    assert (kept["status"], kept["fixed"]) == ("moved", True)
    assert datetime.fromisoformat(kept["start"]) == moved_to
    patches = google_emulator.count("events.patch")
    assert run(cli, org).code == 0
    assert google_emulator.count("events.patch") == patches


def test_a_new_conflict_moves_the_occurrence_in_google(
    cli: CLI, org: ConfigDir, google_emulator: GoogleCalendarEmulator
) -> None:
    booked = book(cli, org)
    lena = booked[LENA]
    third = datetime.fromisoformat(lena["occurrences"][2]["start"])
    google_emulator.add_event(
        LENA,
        {
            "summary": "Dentist",
            "start": {"dateTime": (third - timedelta(minutes=10)).isoformat()},
            "end": {"dateTime": (third + timedelta(minutes=50)).isoformat()},
        },
    )
    result = run(cli, org)
    assert "Occurrences moved or skipped tonight:" in result.out, result.out
    after = live(cli, org)[LENA][0]["occurrences"][2]
    assert after["status"] == "moved"
    new_start = datetime.fromisoformat(after["start"])
    instances = google_emulator.instances(
        KARIN, event_id(lena["uid"]), third - timedelta(days=7), third + timedelta(days=7)
    )
    starts = {
        datetime.fromisoformat(i["start"]["dateTime"])
        for i in instances
        if i.get("status") != "cancelled"
    }
    assert new_start in starts and third not in starts


def test_a_crash_between_the_calendar_write_and_the_store_leaves_no_duplicate(
    cli: CLI, org: ConfigDir, google_emulator: GoogleCalendarEmulator
) -> None:
    assert run(cli, org).code == 0
    with RunLock(org.data / "run.lock"):  # approve only; booking is left to the run
        approve_all(cli, org)
    settings = load_settings(org.root)
    real = connectors_for(org.root, settings, load_roster(org.root / "people.toml"))

    class DiesAfterWriting:
        name = "google"

        def write_many(self, items: Sequence[ToWrite]) -> list[Written]:
            real.writers["google"].write_many(items[:1])
            raise KeyboardInterrupt  # the process stops before the store hears of it

        def observe(self, *args: Any) -> Any:
            return real.writers["google"].observe(*args)

        def observe_many(self, *args: Any) -> Any:
            return real.writers["google"].observe_many(*args)

    dying = Connectors(readers=real.readers, writers={"google": DiesAfterWriting()})
    with pytest.raises(KeyboardInterrupt):
        run_nightly(org.root, RunOptions(now=datetime.fromisoformat(NOW)), dying)
    store = Store.open(org.data / "state.sqlite")
    # both series are recorded before any write; the first write happened, then the stop
    assert [s.state.value for s in store.series()] == ["booking", "booking"]
    store.close()
    assert len(series_events(google_emulator)) == 1

    assert run(cli, org).code == 0
    assert len(series_events(google_emulator)) == 2
    assert google_emulator.count("events.insert", status=409) == 1
    assert {p["state"] for items in live(cli, org).values() for p in items} == {"booked"}


def test_most_of_a_calendar_vanishing_is_a_read_problem_until_accepted(
    cli: CLI, org: ConfigDir, google_emulator: GoogleCalendarEmulator
) -> None:
    org.people(PEOPLE.replace('calendar = "ics:erik.ics"', 'calendar = "google"') + OMAR_ENTRY)
    google_emulator.add_user(ERIK, timezone="Europe/Stockholm")
    assert run(cli, org).code == 0
    approve_all(cli, org)
    assert len(series_events(google_emulator)) == 3
    for event in series_events(google_emulator):
        google_emulator.delete_event(KARIN, event["id"])
    refused = run(cli, org)
    assert refused.code == 1
    assert "shows only 0 of the 3 series" in refused.out
    assert {p["state"] for items in live(cli, org).values() for p in items} == {"booked"}
    accepted = run(cli, org, "--accept-deletions")
    assert accepted.out.count("deleted in the calendar by a person") == 3


def test_dry_run_writes_nothing_and_says_what_it_would_write(
    cli: CLI, org: ConfigDir, google_emulator: GoogleCalendarEmulator
) -> None:
    assert run(cli, org).code == 0
    with RunLock(org.data / "run.lock"):
        approve_all(cli, org)
    before = (org.data / "state.sqlite").read_bytes()
    writes = len(google_emulator.writes)
    result = run(cli, org, "--dry-run")
    assert "Calendar writes a real run would make:" in result.out
    assert "create the series in karin@example.com's google calendar" in result.out
    assert len(google_emulator.writes) == writes
    assert (org.data / "state.sqlite").read_bytes() == before


def test_a_quota_answer_leaves_the_proposal_approved_for_the_next_run(
    cli: CLI, org: ConfigDir, google_emulator: GoogleCalendarEmulator
) -> None:
    assert run(cli, org).code == 0
    # Karin is over her quota: every write for her answers so (both go in one batch)
    google_emulator.inject("events.insert", 403, reason="quotaExceeded", times=10)
    approve_all(cli, org)
    states = sorted(p["state"] for items in live(cli, org).values() for p in items)
    # over quota, Karin's calendar takes no more writes tonight: both series wait
    assert states == ["approved", "approved"]
    assert google_emulator.count("events.insert") == 2, "quota answers are not retried"
    google_emulator.clear_faults()
    result = run(cli, org)
    assert result.code == 0, result.out
    assert {p["state"] for items in live(cli, org).values() for p in items} == {"booked"}


def test_missing_google_credentials_stop_the_run_before_anything(cli: CLI, org: ConfigDir) -> None:
    org.settings("")
    result = run(cli, org)
    assert result.code == 2
    assert (
        "[google] credentials_file (env CHECKIN_SYNC_GOOGLE__CREDENTIALS_FILE): not set"
        in result.err
    )
    assert not (org.data / "state.sqlite").exists()
