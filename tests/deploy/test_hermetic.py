"""The suite is hermetic: an operator's shell (CHECKIN_SYNC_DATA_DIR, a secret, a crash point
left from a drill) and the folder pytest is started from change nothing.

A representative part of the suite (the end-to-end nights, failures, health and the
approval page) runs in a child pytest whose environment holds such variables and whose
working directory is elsewhere; before conftest.py cleared them, these tests failed or
wrote into the operator's data_dir.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

TESTS = Path(__file__).parent.parent
SUBSET = (
    "cli/test_failures.py",
    "night/test_health.py",
    "web/test_web_health.py",
    "connectors/test_outlook_fit.py",
)


def test_the_callers_checkin_sync_variables_and_folder_change_no_test(tmp_path: Path) -> None:
    operator = tmp_path / "operator"
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    hostile = {
        "CHECKIN_SYNC_DATA_DIR": str(operator / "data"),
        "CHECKIN_SYNC_CONFIG": str(operator / "config"),
        # too short to be accepted: any test that read it would stop with exit 2
        "CHECKIN_SYNC_WEB__SECRET": "short",
        "CHECKIN_SYNC_HORIZON_WEEKS": "1",
        "CHECKIN_SYNC_ALLOW_FAR_NOW": "0",
        "CHECKIN_SYNC_CRASH_LOG": str(operator / "crash.log"),
    }
    command = [
        sys.executable,
        "-m",
        "pytest",
        "-o",
        "addopts=",
        "-q",
        "-p",
        "no:cacheprovider",
        *(str(TESTS / name) for name in SUBSET),
    ]
    done = subprocess.run(
        command,
        cwd=elsewhere,
        env={**os.environ, **hostile},
        capture_output=True,
        text=True,
        check=False,
        timeout=1800,  # a hang bound only; the subset takes under a minute
    )
    assert done.returncode == 0, done.stdout[-4000:] + done.stderr[-2000:]
    assert re.search(r"^\d+ passed in ", done.stdout, re.MULTILINE), done.stdout[-2000:]
    assert not operator.exists(), "a test wrote into the caller's data_dir or crash log"
    assert list(elsewhere.iterdir()) == [], "a test wrote into the caller's working directory"
