"""The command line explains itself: help with a description and examples for every command,
sentences wrapped to the terminal (and only there), `--json` for every command that reports,
and a quiet end when the reader of the output goes away. Run as an operator runs it:
`python -m sync` in a process of its own, on a copy of the demo organisation."""

from __future__ import annotations

import argparse
import json
import os
import pty
import re
import shutil
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest

from sync.cli.main import _parser

SOURCE = Path(__file__).parent.parent.parent
WIDTH = 60


def sync(
    folder: Path, *args: str, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "sync", *args],
        cwd=folder,
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": str(SOURCE), **(env or {})},
        check=False,
    )


@pytest.fixture
def unplanned(tmp_path: Path) -> Path:
    """The bundled demo organisation, in a folder of its own."""
    shutil.copytree(SOURCE / "config", tmp_path / "config")
    return tmp_path


@pytest.fixture
def demo(unplanned: Path) -> Path:
    """The demo organisation, planned once."""
    planned = sync(unplanned, "run")
    assert planned.returncode == 0, planned.stderr
    return unplanned


def commands(parser: argparse.ArgumentParser, path: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    found = []
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, command in action.choices.items():
                found += [(*path, name), *commands(command, (*path, name))]
    return found


def test_every_command_has_a_description_and_an_example_in_its_help(tmp_path: Path) -> None:
    every = commands(_parser())
    assert {("run",), ("config", "check"), ("feed-url",)} <= set(every)
    for command in every:
        shown = sync(tmp_path, *command, "--help", env={"COLUMNS": str(WIDTH)})
        assert shown.returncode == 0, shown.stderr
        description = shown.stdout.split("\n\n")[1]
        assert not description.startswith(("positional", "options", "commands")), command
        assert "\nexamples:\n" in shown.stdout, command
        assert f"\n  checkin-sync {' '.join(command)}" in shown.stdout.split("examples:")[1]
        # the usage lines are argparse's, where an option is never split; examples are kept
        # whole, to be pasted
        explained = shown.stdout.split("\n\n", 1)[1].split("examples:")[0]
        for line in explained.splitlines():
            assert len(line) <= WIDTH or " " not in line.strip(), (command, line)


def _on_a_terminal(folder: Path, *args: str) -> str:
    """What a person sees running the command in a terminal WIDTH columns wide."""
    screen, terminal = pty.openpty()
    process = subprocess.Popen(
        [sys.executable, "-m", "sync", *args],
        cwd=folder,
        stdin=subprocess.DEVNULL,
        stdout=terminal,
        stderr=subprocess.PIPE,
        env={**os.environ, "PYTHONPATH": str(SOURCE), "COLUMNS": str(WIDTH)},
    )
    os.close(terminal)
    shown = b""
    while True:
        try:
            chunk = os.read(screen, 4096)
        except OSError:  # Linux: the terminal's other end closed
            break
        if not chunk:
            break
        shown += chunk
    os.close(screen)
    assert process.wait() in (0, 1), process.stderr.read() if process.stderr else ""
    return shown.decode().replace("\r\n", "\n")


def test_sentences_are_wrapped_to_the_terminal_and_whole_lines_when_piped(
    unplanned: Path,
) -> None:
    demo = unplanned
    # One instant for both runs: the report's header names it, and two runs either side of a
    # minute would otherwise differ in more than their wrapping.
    night = ("run", "--dry-run", "--now", datetime.now(UTC).strftime("%Y-%m-%dT%H:%M"))
    seen = _on_a_terminal(demo, *night)
    assert "Proposed:" in seen
    too_wide = [line for line in seen.splitlines() if len(line) > WIDTH and " " in line.strip()]
    assert not too_wide
    piped = sync(demo, *night, env={"COLUMNS": str(WIDTH)}).stdout
    assert any(len(line) > 2 * WIDTH for line in piped.splitlines()), "piped: one line each"
    assert _words(seen) == _words(piped), "the same words either way"


def _words(text: str) -> str:
    return re.sub(r"Took [0-9.]+ s", "Took", " ".join(text.split()))


def test_doctor_and_config_check_report_as_json_with_the_same_exit_codes(demo: Path) -> None:
    doctor = sync(demo, "doctor", "--json")
    assert doctor.returncode == 0, doctor.stderr
    report = json.loads(doctor.stdout)
    assert report["verdict"] == "ready" and report["exit_code"] == 0
    assert {"ok", "subject", "detail", "stops_runs"} == set(report["findings"][0])
    assert report["findings"][0]["subject"] == "configuration"

    checked = sync(demo, "config", "check", "--json")
    assert checked.returncode == 0, checked.stderr
    assert json.loads(checked.stdout) == {
        "ok": True,
        "problems": [],
        "summary": "config/people.toml: 2 managers, 9 employees; no problems found.",
    }

    people = demo / "config" / "people.toml"
    people.write_text(people.read_text().replace('cadence = "weekly"', 'cadence = "daily"', 1))
    broken = sync(demo, "config", "check", "--json")
    assert broken.returncode == 2
    problems = json.loads(broken.stdout)
    assert problems["ok"] is False and problems["summary"] is None
    assert any("cadence" in p and "people.toml" in p for p in problems["problems"])
    doctor = sync(demo, "doctor", "--json")
    assert doctor.returncode == 2
    assert json.loads(doctor.stdout)["verdict"] == "broken"


def test_a_reader_that_stops_reading_ends_the_command_quietly(demo: Path) -> None:
    # the reading end is closed before the command writes a byte: `| head -0`, for certain
    reading, writing = os.pipe()
    os.close(reading)
    try:
        listed = subprocess.run(
            [sys.executable, "-m", "sync", "proposals", "--json"],
            cwd=demo,
            stdout=writing,
            stderr=subprocess.PIPE,
            text=True,
            env={**os.environ, "PYTHONPATH": str(SOURCE)},
            check=False,
        )
    finally:
        os.close(writing)
    assert listed.stderr == ""
    assert listed.returncode == 141


KARIN_FULLY_BOOKED = """BEGIN:VEVENT
UID:offsite@example.com
DTSTAMP:20260101T000000Z
DTSTART;TZID=Europe/Stockholm:20260101T000000
DTEND;TZID=Europe/Stockholm:20260101T235900
RRULE:FREQ=DAILY
SUMMARY:Offsite
END:VEVENT
END:VCALENDAR
"""


def test_approve_says_what_each_proposal_became(demo: Path) -> None:
    proposals = json.loads(sync(demo, "proposals", "--json").stdout)
    karin = [p["id"] for p in proposals if p["manager"] == "karin@example.com"]
    booked = sync(demo, "approve", str(karin[0]))
    assert booked.returncode == 0, booked.stderr
    assert booked.stdout.startswith(f"Booked #{karin[0]}: karin@example.com → ")
    assert "Approved #" not in booked.stdout

    # Karin's days filled up since the proposal was made: booking sets the next one aside
    calendar = demo / "config" / "demo" / "karin.ics"
    calendar.write_text(calendar.read_text().replace("END:VCALENDAR\n", KARIN_FULLY_BOOKED))
    approved = sync(demo, "approve", str(karin[1]))
    assert approved.returncode == 0, approved.stderr
    assert approved.stdout.startswith(f"Not booked #{karin[1]}: karin@example.com → ")
    assert "stopped fitting" in approved.stdout
    assert "Approved #" not in approved.stdout, "it was set aside, not left approved"


def test_rebuild_with_nothing_to_find_does_not_read_as_a_loss(demo: Path) -> None:
    (demo / "data" / "state.sqlite").unlink()
    rebuilt = sync(demo, "rebuild")
    assert rebuilt.returncode == 0, rebuilt.stderr
    assert rebuilt.stdout.startswith("Nothing to recover: the database already holds every")
    assert "Recovered 0" not in rebuilt.stdout
