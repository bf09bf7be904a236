"""The nightly job runs with the garbage collector's thresholds raised
(sync/plumbing/collector.py), and short commands keep Python's own. Checked in a fresh
interpreter, where nothing else has set them."""

from __future__ import annotations

import gc
import json
import subprocess
import sys
from pathlib import Path

from sync.plumbing.collector import NIGHT_THRESHOLDS
from tests.conftest import EMPLOYEE_LENA, MANAGER_KARIN, ConfigDir

PROBE = """
import contextlib, gc, io, json, sys
from sync.cli.main import main
with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
    code = main(sys.argv[1:])
print(json.dumps({"code": code, "thresholds": gc.get_threshold()}))
"""


def thresholds_after(*argv: str) -> tuple[int, tuple[int, ...]]:
    done = subprocess.run(
        [sys.executable, "-c", PROBE, *argv],
        capture_output=True,
        text=True,
        check=False,
        cwd=Path(__file__).resolve().parents[2],
    )
    assert done.returncode == 0, done.stderr
    found = json.loads(done.stdout.splitlines()[-1])
    return found["code"], tuple(found["thresholds"])


def test_a_night_collects_less_often(config: ConfigDir) -> None:
    config.people(MANAGER_KARIN + EMPLOYEE_LENA)
    config.calendar("karin.ics")
    config.calendar("lena.ics")
    code, thresholds = thresholds_after("--config", str(config.root), "run", "--dry-run")
    assert code == 0
    assert thresholds == NIGHT_THRESHOLDS
    assert thresholds[0] > gc.get_threshold()[0]  # fewer collections than Python's default


def test_a_short_command_keeps_the_default(config: ConfigDir) -> None:
    config.people(MANAGER_KARIN + EMPLOYEE_LENA)
    code, thresholds = thresholds_after("--config", str(config.root), "proposals")
    assert code == 0
    assert thresholds == tuple(gc.get_threshold())
