"""What the operator relies on: the report file, logs, the deadline, doctor, and the lock."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from tests.cli.test_cli_end_to_end import KARIN_CALENDAR, NOW, PEOPLE
from tests.conftest import EMPTY_CALENDAR, ConfigDir, Result

CLI = Callable[..., Result]


@pytest.fixture
def org(config: ConfigDir) -> ConfigDir:
    config.calendar("karin.ics", KARIN_CALENDAR)
    config.calendar("lena.ics")
    config.people(PEOPLE)
    return config


def snapshot(folder: Path) -> dict[str, tuple[int, int]]:
    return {
        str(path): (path.stat().st_mtime_ns, path.stat().st_size)
        for path in folder.rglob("*")
        if path.is_file()
    }


def test_every_run_keeps_a_json_report_and_can_write_one_where_asked(
    cli: CLI, org: ConfigDir, tmp_path: Path
) -> None:
    extra = tmp_path / "tonight.json"
    result = cli("--config", str(org.root), "run", "--now", NOW, "--report-json", str(extra))
    assert result.code == 0
    (kept,) = (org.data / "reports").glob("*.json")
    for path in (kept, extra):
        data = json.loads(path.read_text())
        assert data["exit_code"] == 0
        assert {line["employee"] for line in data["proposed"]} == {
            "lena@example.com",
            "erik@example.com",
        }
        assert data["requests"]["ics"] == 2
    assert "Pairs: 2 proposed, 0 booked" in result.out


def test_logs_are_structured_and_never_carry_meeting_titles(cli: CLI, org: ConfigDir) -> None:
    text = cli("--config", str(org.root), "-v", "run", "--now", NOW)
    assert 'event="step done" step="read calendars"' in text.err
    assert "Standup" not in text.err
    data = cli("--config", str(org.root), "-v", "--log-format", "json", "run", "--now", NOW)
    lines = [json.loads(line) for line in data.err.splitlines()]
    assert {"step started", "step done", "calendars read"} <= {line["event"] for line in lines}
    assert all("time" in line and "level" in line for line in lines)
    assert "Standup" not in data.err
    quiet = cli("--config", str(org.root), "run", "--now", NOW)
    assert quiet.err == "", "without -v a healthy run is silent on stderr"


def test_past_its_deadline_a_run_starts_nothing_new_and_says_so(cli: CLI, org: ConfigDir) -> None:
    org.settings("run_deadline_minutes = 0.000001\n")
    result = cli("--config", str(org.root), "run", "--now", NOW)
    assert result.code == 1
    assert "The run reached run_deadline_minutes; left for the next run: observe calendars" in (
        result.out
    )
    assert "Proposed:" not in result.out


def test_doctor_checks_everything_and_writes_nothing(cli: CLI, org: ConfigDir) -> None:
    assert cli("--config", str(org.root), "run", "--now", NOW).code == 0
    before = snapshot(org.root)
    result = cli("--config", str(org.root), "doctor")
    assert result.code == 0, result.out
    assert "ok   calendars: 3 of 3 answered" in result.out
    assert "ok   state database: 0 series booked, 2 live proposals" in result.out
    assert snapshot(org.root) == before

    (org.root / "lena.ics").write_text("not a calendar")
    broken = cli("--config", str(org.root), "doctor")
    assert broken.code == 1
    assert "FAIL  calendar of lena@example.com:" in broken.out

    org.people(PEOPLE.replace('cadence = "weekly"', 'cadence = "sometimes"'))
    assert cli("--config", str(org.root), "doctor").code == 2
    assert snapshot(org.root) == {
        **before,
        str(org.root / "lena.ics"): snapshot(org.root)[str(org.root / "lena.ics")],
        str(org.root / "people.toml"): snapshot(org.root)[str(org.root / "people.toml")],
    }


class _Held(BaseHTTPRequestHandler):
    """Answers a calendar request only once the test lets it go, so a run holds its lock for
    exactly as long as the test needs, however slowly processes start on a busy machine."""

    release: threading.Event

    def do_GET(self) -> None:
        self.release.wait(timeout=280)
        body = EMPTY_CALENDAR.encode()
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


@dataclass
class HeldCalendar:
    url: str
    release: threading.Event


@pytest.fixture
def held_calendar() -> Iterator[HeldCalendar]:
    release = threading.Event()
    handler = type("Handler", (_Held,), {"release": release})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield HeldCalendar(f"http://127.0.0.1:{server.server_address[1]}/lena.ics", release)
    release.set()
    server.shutdown()


def _start_holding_the_lock(org: ConfigDir, calendar: HeldCalendar) -> subprocess.Popen[bytes]:
    """A real run that holds the lock while it waits for Lena's calendar."""
    org.settings("ics_timeout_seconds = 300\n")
    org.people(PEOPLE.replace('calendar = "ics:lena.ics"', f'calendar = "ics:{calendar.url}"'))
    process = subprocess.Popen(
        _command(org), stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=_env()
    )
    lock = org.data / "run.lock"
    while not (lock.exists() and lock.read_text().startswith("pid")):
        assert process.poll() is None, process.communicate()
        time.sleep(0.05)
    return process


def _command(org: ConfigDir) -> list[str]:
    return [sys.executable, "-m", "sync", "--config", str(org.root), "run", "--now", NOW]


def _env() -> dict[str, str]:
    return {
        **os.environ,
        "PYTHONPATH": str(Path(__file__).parent.parent.parent),
        # the held calendar is served on this machine: allowed as an operator would
        "CHECKIN_SYNC_ICS__ALLOW_HOSTS": '["127.0.0.1"]',
    }


def _run(org: ConfigDir) -> subprocess.CompletedProcess[str]:
    return subprocess.run(_command(org), capture_output=True, text=True, env=_env(), check=False)


def test_two_real_processes_never_run_at_once(org: ConfigDir, held_calendar: HeldCalendar) -> None:
    first = _start_holding_the_lock(org, held_calendar)
    second = _run(org)
    assert second.returncode == 3
    assert f"another run is in progress (pid {first.pid} on " in second.stderr
    held_calendar.release.set()
    assert first.wait(timeout=280) == 0
    third = _run(org)
    assert third.returncode == 0, third.stderr


def test_a_lock_left_by_a_killed_run_is_taken_over(
    org: ConfigDir, held_calendar: HeldCalendar
) -> None:
    victim = _start_holding_the_lock(org, held_calendar)
    victim.kill()
    victim.wait()
    lock = org.data / "run.lock"
    assert lock.read_text().startswith(f"pid {victim.pid}"), "the dead run's note is still there"
    org.people(PEOPLE)
    after = _run(org)
    assert after.returncode == 0, after.stderr


def test_progress_shows_on_a_terminal_only() -> None:
    import io

    from sync.plumbing.progress import Progress

    screen = io.StringIO()
    shown = Progress(stream=screen, enabled=True)
    shown.show("booking", 1, 4)
    shown.show("booking", 4, 4)
    shown.done()
    assert "booking" in screen.getvalue() and "4/4" in screen.getvalue()
    assert screen.getvalue().endswith("\r")

    piped = io.StringIO()  # not a terminal: cron, a pipe, a log file
    quiet = Progress(stream=piped)
    quiet.show("booking", 1, 4)
    quiet.done()
    assert piped.getvalue() == ""
