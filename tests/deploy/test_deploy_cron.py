"""The cron line in deploy/cron does what its comment says: the run's output goes to the log
file, and cron (which mails whatever a job prints) gets a message exactly when the run
exits non-zero, naming the code and carrying the end of the log.

The line runs under sh with a stand-in for checkin-sync that logs and exits with a chosen
code, and the installed paths moved into a temporary folder."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

CRON = Path(__file__).parent.parent.parent / "deploy" / "cron" / "checkin-sync.cron"
BINARY = "/opt/checkin-sync/.venv/bin/checkin-sync"


def _job_command() -> str:
    jobs = [line for line in CRON.read_text().splitlines() if line[:1].isdigit()]
    assert len(jobs) == 1
    # minute hour day month weekday user command
    return jobs[0].split(None, 6)[6]


@pytest.fixture
def installed(tmp_path: Path) -> Path:
    (tmp_path / "etc").mkdir()
    (tmp_path / "etc" / "env").write_text("CHECKIN_SYNC_WEB__SECRET=from-the-env-file\n")
    (tmp_path / "log").mkdir()
    return tmp_path


def _run_night(installed: Path, code: int) -> subprocess.CompletedProcess[str]:
    stand_in = installed / "checkin-sync"
    stand_in.write_text(
        "#!/bin/sh\n"
        'echo "night with secret $CHECKIN_SYNC_WEB__SECRET, args $*"\n'
        'echo "one-line error" >&2\n'
        f"exit {code}\n"
    )
    stand_in.chmod(0o755)
    command = (
        _job_command()
        .replace(BINARY, str(stand_in))
        .replace("/etc/checkin-sync/env", str(installed / "etc" / "env"))
        .replace("/var/log/checkin-sync", str(installed / "log"))
    )
    assert "/etc/checkin-sync/env" not in command and "/var/log/" not in command
    # cron runs the command with /bin/sh and an almost empty environment
    return subprocess.run(
        ["/bin/sh", "-c", command],
        env={"PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        check=False,
    )


def test_a_good_night_prints_nothing_so_cron_mails_nothing(installed: Path) -> None:
    done = _run_night(installed, 0)
    assert (done.stdout, done.stderr) == ("", "")
    log = (installed / "log" / "run.log").read_text()
    assert "night with secret from-the-env-file, args --config" in log
    assert "one-line error" in log


@pytest.mark.parametrize("code", [1, 2, 3, 4])
def test_a_night_that_exits_non_zero_is_mailed_with_its_code_and_log(
    installed: Path, code: int
) -> None:
    done = _run_night(installed, code)
    assert done.stdout.startswith(f"checkin-sync run exited {code} ")
    assert "one-line error" in done.stdout
    assert done.stderr == ""
