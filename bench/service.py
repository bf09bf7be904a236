"""Running checkin-sync as a child process and measuring it alone.

The emulators run in the bench process; the service runs as `python -m sync` so its wall
time, CPU time and peak RSS are its own (`os.wait4` gives the child's own rusage).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent


@dataclass
class Measured:
    wall_seconds: float
    cpu_seconds: float
    peak_rss_mb: float
    exit_code: int
    report: dict[str, Any] | None = None

    def as_dict(self) -> dict[str, Any]:
        return {
            "wall_seconds": round(self.wall_seconds, 2),
            "cpu_seconds": round(self.cpu_seconds, 2),
            "peak_rss_mb": round(self.peak_rss_mb, 1),
            "exit_code": self.exit_code,
        }


def service(config: Path, args: list[str], log: Path, profile: Path | None = None) -> Measured:
    """`python -m sync --config CONFIG ARGS`, output to `log`; with `profile`, under cProfile
    (then the times include its overhead)."""
    command = [sys.executable]
    if profile is not None:
        command += ["-m", "cProfile", "-o", str(profile)]
    command += ["-m", "sync", "--config", str(config), *args]
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    with log.open("ab") as out:
        out.write(f"\n$ {' '.join(command)}\n".encode())
        out.flush()
        started = time.perf_counter()
        child = subprocess.Popen(command, stdout=out, stderr=out, cwd=ROOT, env=env)
        _, status, usage = os.wait4(child.pid, 0)
        wall = time.perf_counter() - started
        child.returncode = os.waitstatus_to_exitcode(status)
    return Measured(
        wall_seconds=wall,
        cpu_seconds=usage.ru_utime + usage.ru_stime,
        peak_rss_mb=usage.ru_maxrss / 1024,  # kilobytes on Linux
        exit_code=child.returncode,
    )


def run_night(
    config: Path, now: str, log: Path, report: Path, profile: Path | None = None
) -> Measured:
    # the nights are simulated, at instants far from the clock, against the bench's own data
    args = ["run", "--now", now, "--allow-far-now", "--report-json", str(report)]
    measured = service(config, args, log, profile)
    if report.exists():
        measured.report = json.loads(report.read_text())
    return measured


def proposals(config: Path, log: Path) -> list[dict[str, Any]]:
    """Every proposal with its series, as `proposals --json --state all` prints them."""
    command = [sys.executable, "-m", "sync", "--config", str(config), "proposals"]
    command += ["--state", "all", "--json"]
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    with log.open("ab") as err:
        done = subprocess.run(command, stdout=subprocess.PIPE, stderr=err, cwd=ROOT, env=env)
    loaded: list[dict[str, Any]] = json.loads(done.stdout or b"[]")
    return loaded
