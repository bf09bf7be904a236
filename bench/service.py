"""Running checkin-sync as a child process and measuring it alone.

The emulators run in the bench process; the service runs as `python -m sync` so its wall
time, CPU time and peak RSS are its own (`os.wait4` gives the child's own CPU time).

Its peak RSS is not `ru_maxrss`: when the child replaces the bench's image with Python's,
Linux keeps the high-water mark of the image it leaves in the child's `ru_maxrss`, so that
figure was never below the bench process's own size, emulators and every seeded calendar
included (at N = 1,000 about 650 MB of the 675 MB it showed for a steady night). The child
instead writes its own high-water mark (`VmHWM`, which starts afresh at exec) as it exits.
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


PEAK_AT_EXIT = """
import atexit, runpy, sys

def peak(path=sys.argv[1]):
    with open("/proc/self/status") as status:
        kilobytes = next(line.split()[1] for line in status if line.startswith("VmHWM:"))
    with open(path, "w") as out:
        out.write(kilobytes)

atexit.register(peak)
sys.argv = sys.argv[2:]
runpy.run_module(sys.argv[0], run_name="__main__", alter_sys=True)
"""
"""`python -c PEAK_AT_EXIT FILE MODULE ARGS` runs `python -m MODULE ARGS` and writes its
own peak RSS in kilobytes to FILE when it exits."""


def service(config: Path, args: list[str], log: Path, profile: Path | None = None) -> Measured:
    """`python -m sync --config CONFIG ARGS`, output to `log`; with `profile`, under cProfile
    (then the times include its overhead)."""
    peak = log.with_name("peak-rss.txt")
    peak.unlink(missing_ok=True)
    command = [sys.executable, "-c", PEAK_AT_EXIT, str(peak)]
    if profile is not None:
        command += ["cProfile", "-o", str(profile), "-m"]
    command += ["sync", "--config", str(config), *args]
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    with log.open("ab") as out:
        out.write(f"\n$ {' '.join(command[3:])}\n".encode())
        out.flush()
        started = time.perf_counter()
        child = subprocess.Popen(command, stdout=out, stderr=out, cwd=ROOT, env=env)
        _, status, usage = os.wait4(child.pid, 0)
        wall = time.perf_counter() - started
        child.returncode = os.waitstatus_to_exitcode(status)
    return Measured(
        wall_seconds=wall,
        cpu_seconds=usage.ru_utime + usage.ru_stime,
        peak_rss_mb=own_peak_mb(peak),
        exit_code=child.returncode,
    )


def own_peak_mb(path: Path) -> float:
    """The child's own peak RSS as it wrote it; 0 if it died before it could."""
    try:
        return int(path.read_text()) / 1024
    except (OSError, ValueError):
        return 0.0


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
