"""Kill a night at every point where it writes, then run again: the calendars end with one
series per pair, exactly as the store says, and nothing is written twice.

Each crash point is a store commit, a Google Calendar write, an export file replacement or
an email delivery (see sync/plumbing/faults.py). The night under test books a newly approved series
in Google, keeps an existing one healthy (a new conflict moves one of its dates), and books
an export-only series (whose people are invited by email), so every kind of write is on
the way.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import icalendar

from sync.config.roster import load_roster
from sync.model.values import OccurrenceStatus
from sync.night import workflow
from sync.night.nightly import run_nightly
from sync.night.tonight import RunOptions
from sync.plumbing.faults import CRASH_AT, CRASH_LOG
from sync.store import SeriesState, Store
from tests.conftest import ConfigDir
from tests.emulators import GoogleCalendarEmulator

NOW = datetime(2027, 2, 1, 7, tzinfo=UTC)
NIGHT = "2027-02-02T07:00:00+00:00"
KARIN, LENA, ERIK, ADE, PRIYA = (
    "karin@example.com",
    "lena@example.com",
    "erik@example.com",
    "ade@example.com",
    "priya@example.com",
)
PEOPLE = """
[[managers]]
email = "karin@example.com"
calendar = "google"

[[managers]]
email = "ade@example.com"
calendar = "none"

[[employees]]
email = "lena@example.com"
manager = "karin@example.com"
calendar = "google"
cadence = "weekly"

[[employees]]
email = "erik@example.com"
manager = "karin@example.com"
calendar = "google"
cadence = "weekly"

[[employees]]
email = "priya@example.com"
manager = "ade@example.com"
calendar = "none"
"""


@dataclass
class Night:
    config: ConfigDir
    emulator: GoogleCalendarEmulator

    def run(self, **env: str) -> subprocess.CompletedProcess[str]:
        command = [sys.executable, "-m", "sync", "--config", str(self.config.root)]
        return subprocess.run(
            [*command, "run", "--now", NIGHT],
            capture_output=True,
            text=True,
            env={**os.environ, **env},
            check=False,
            timeout=120,
        )


@contextmanager
def night_before(folder: Path) -> Iterator[Night]:
    """Lena's series is booked; Erik's and Priya's are approved but not booked yet; a new
    meeting collides with Lena's third date."""
    with GoogleCalendarEmulator() as emulator:
        for email in (KARIN, LENA, ERIK):
            emulator.add_user(email, timezone="Europe/Stockholm")
        config = ConfigDir(folder / "config")
        (config.root / "key.json").write_text(json.dumps(emulator.service_account_info()))
        config.settings(
            f'[google]\ncredentials_file = "key.json"\napi_endpoint = "{emulator.api_endpoint}"\n'
        )
        config.people(PEOPLE)
        run_nightly(config.root, RunOptions(now=NOW))
        store = Store.open(config.data / "state.sqlite")
        ids = {p.employee: p.id for p in store.proposals()}
        workflow.approve(
            store, [ids[LENA]], "karin", roster=load_roster(config.root / "people.toml")
        )
        store.close()
        run_nightly(config.root, RunOptions(now=NOW))
        store = Store.open(config.data / "state.sqlite")
        workflow.approve(
            store,
            [ids[ERIK], ids[PRIYA]],
            "managers",
            roster=load_roster(config.root / "people.toml"),
        )
        (lena,) = [s for s in store.series() if s.proposal.employee == LENA]
        third = lena.occurrences[2]
        store.close()
        emulator.add_event(
            LENA,
            {
                "start": {"dateTime": (third.start - timedelta(minutes=5)).isoformat()},
                "end": {"dateTime": (third.end + timedelta(minutes=5)).isoformat()},
            },
        )
        yield Night(config, emulator)


def check_agreement(night: Night) -> None:
    store = Store.open(night.config.data / "state.sqlite")
    try:
        series = store.series()
        assert {s.proposal.employee for s in series} == {LENA, ERIK, PRIYA}
        assert all(s.state is SeriesState.BOOKED and not s.needs_write for s in series)
        masters = [
            e for e in night.emulator.events(KARIN, include_cancelled=False) if "recurrence" in e
        ]
        google = [s for s in series if s.calendar == "google"]
        assert sorted(e["id"] for e in masters) == sorted(s.uid.split("@")[0] for s in google)
        for item in google:
            event = item.uid.split("@")[0]
            live = {
                datetime.fromisoformat(i["start"]["dateTime"])
                for i in night.emulator.instances(KARIN, event, NOW, NOW + timedelta(weeks=6))
                if i.get("status") != "cancelled"
            }
            for occurrence in item.occurrences:
                placed = occurrence.start in live
                assert placed == (occurrence.status is not OccurrenceStatus.SKIPPED), occurrence
        lena = next(s for s in series if s.proposal.employee == LENA)
        assert lena.occurrences[2].status is OccurrenceStatus.MOVED
        ade = icalendar.Calendar.from_ical(
            (night.config.export / "ade@example.com.ics").read_bytes()
        )
        assert [str(e["UID"]) for e in ade.walk("VEVENT") if "RRULE" in e] == [
            s.uid for s in series if s.proposal.employee == PRIYA
        ]
        assert not list(night.config.export.glob(".*.tmp"))
        # Priya's series lives only in the files, so she and Ade are invited, once each
        invited = sorted(
            path.name.split("-invitation-")[1]
            for path in (night.config.data / "outbox").glob("*-invitation-*.eml")
        )
        assert invited == ["ade@example.com.eml", "priya@example.com.eml"]
    finally:
        store.close()


def test_a_night_killed_at_any_write_is_finished_by_the_next_without_duplicates(
    tmp_path: Path,
) -> None:
    log = tmp_path / "points.log"
    with night_before(tmp_path / "count") as night:
        counted = night.run(**{CRASH_LOG: str(log)})
        assert counted.returncode == 0, counted.stdout + counted.stderr
        check_agreement(night)
    points = log.read_text().splitlines()
    kinds = {line.split(" ", 2)[1] for line in points}
    assert {"store", "google", "export", "mail"} <= kinds, points
    for number, name in enumerate(points, start=1):
        with night_before(tmp_path / f"crash-{number}") as night:
            killed = night.run(**{CRASH_AT: str(number)})
            assert killed.returncode == -9, f"point {name} did not stop the run"
            again = night.run()
            assert again.returncode == 0, f"after a kill at {name}: {again.stdout}{again.stderr}"
            check_agreement(night)
            writes = len(night.emulator.writes)
            assert night.run().returncode == 0
            assert len(night.emulator.writes) == writes, f"after a kill at {name}: rewrote"
