"""Progress of a night's long steps on a terminal: counts and the time left, and nothing at
all when nobody watches (cron, a pipe, a file) or with `run --quiet`."""

from __future__ import annotations

import io
import os
import pty
import re
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from sync.plumbing.progress import Progress
from tests.cli.test_cli_end_to_end import NOW, karins_team
from tests.conftest import ConfigDir, Result

ROOT = Path(__file__).resolve().parents[2]
BAR = r"\[[#.]{20}\]"


def line(label: str, done: int, total: int) -> re.Pattern[str]:
    """A progress line: `planning                 [##########..........] 1/2, …`."""
    return re.compile(rf"{label} +{BAR} {done}/{total}\b")


class Terminal(io.StringIO):
    """What a progress line is drawn on, when it is a terminal."""

    def isatty(self) -> bool:
        return True


def on_a_terminal(*args: str) -> tuple[int, str]:
    """`python -m sync ARGS` with stdout and stderr on a pseudo-terminal; its exit code and
    everything it showed there, read until it closes the terminal."""
    screen, child_end = pty.openpty()
    child = subprocess.Popen(
        [sys.executable, "-m", "sync", *args],
        stdin=subprocess.DEVNULL,
        stdout=child_end,
        stderr=child_end,
        cwd=ROOT,
    )
    os.close(child_end)
    shown = bytearray()
    while True:
        try:
            chunk = os.read(screen, 65536)
        except OSError:  # EIO: every end of the terminal in the child is closed
            break
        if not chunk:
            break
        shown += chunk
    os.close(screen)
    return child.wait(), shown.decode()


@pytest.fixture
def org(config: ConfigDir) -> ConfigDir:
    return karins_team(config)


def test_a_night_on_a_terminal_shows_each_long_step_with_counts(
    org: ConfigDir, cli: Callable[..., Result]
) -> None:
    code, shown = on_a_terminal("--config", str(org.root), "run", "--now", NOW)
    assert code == 0, shown
    assert line("reading calendars", 3, 3).search(shown)  # Karin, Lena and Erik
    assert line("planning", 2, 2).search(shown)  # Karin's two pairs
    assert "Proposed:" in shown  # the report, after them
    approved = cli("--config", str(org.root), "approve", "--manager", "karin@example.com", "--all")
    assert approved.code == 0, approved.err
    code, shown = on_a_terminal("--config", str(org.root), "run", "--now", NOW)
    assert code == 0, shown
    assert line("exporting", 3, 3).search(shown)  # one calendar file per person


def test_run_quiet_shows_no_progress_on_a_terminal(org: ConfigDir) -> None:
    code, shown = on_a_terminal("--config", str(org.root), "run", "--now", NOW, "--quiet")
    assert code == 0, shown
    assert "Proposed:" in shown
    assert not re.search(BAR, shown)


def test_the_line_shows_counts_and_the_time_left_at_the_pace_so_far() -> None:
    now = [100.0]
    screen = Terminal()
    progress = Progress(stream=screen, enabled=True, clock=lambda: now[0])
    progress.show("planning", 0, 10)
    assert "0/10" in screen.getvalue() and "left" not in screen.getvalue()
    now[0] = 106.0  # 3 pairs in 6 s: 7 more take 14 s
    progress.show("planning", 3, 10)
    assert screen.getvalue().rsplit("\r", 1)[-1].rstrip().endswith("3/10, about 14 s left")
    now[0] = 400.0
    progress.show("planning", 4, 10)  # 300 s for 4: 6 more take 450 s
    assert "4/10, about 7 min 30 s left" in screen.getvalue()
    progress.show("exporting", 5, 50)  # a new step: its pace is not known yet
    assert screen.getvalue().rsplit("\r", 1)[-1].rstrip().endswith("5/50")
    progress.done()
    assert screen.getvalue().endswith("\r")


def test_no_progress_when_the_report_goes_to_a_file_or_a_pipe(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """`run > night.txt` from a terminal: stderr is the terminal, but nobody watches the run."""
    monkeypatch.setattr(sys, "stdout", io.StringIO())
    screen = Terminal()
    progress = Progress(stream=screen)
    progress.show("booking", 1, 4)
    progress.done()
    assert screen.getvalue() == ""
    monkeypatch.setattr(sys, "stdout", Terminal())
    watched = Progress(stream=screen)
    watched.show("booking", 1, 4)
    assert "1/4" in screen.getvalue()
