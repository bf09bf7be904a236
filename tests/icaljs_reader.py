"""ical.js (Thunderbird's parser, and many web calendars') as a reader of our exports, run
by node. It has no zone database of its own: the VTIMEZONEs in the file are all it knows.

The pinned version (tests/icaljs/package-lock.json) is installed from the npm registry into
.venv/icaljs on first use; without node and npm the tests that need it fail and say how to
get them, rather than skip: a reader that silently drops out proves nothing.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path

import pytest

from tests.interop import END, START, Times, utc_pairs

SOURCE = Path(__file__).parent / "icaljs"
INSTALL = Path(__file__).parent.parent / ".venv" / "icaljs"
FIX = (
    "node 20+ and npm are needed to read exports with ical.js: install them "
    "(e.g. `sudo apt-get install nodejs npm`, or from https://nodejs.org), then run the tests "
    "again; they install ical.js into .venv/icaljs themselves"
)


class IcalJs:
    def __init__(self, directory: Path) -> None:
        self.directory = directory

    def read(self, calendars: Sequence[bytes]) -> list[Times]:
        """Every meeting in each calendar that starts in [START, END), in one node run."""
        request = {
            "start": int(START.timestamp() * 1000),
            "end": int(END.timestamp() * 1000),
            "calendars": [c.decode() for c in calendars],
        }
        done = subprocess.run(
            ["node", str(self.directory / "expand.mjs")],
            input=json.dumps(request),
            capture_output=True,
            text=True,
            check=False,
        )
        assert done.returncode == 0, done.stderr
        return [
            utc_pairs((_instant(start), _instant(end)) for start, end in found)
            for found in json.loads(done.stdout)
        ]


def _instant(milliseconds: int) -> datetime:
    return datetime.fromtimestamp(milliseconds / 1000, UTC)


def install(target: Path = INSTALL) -> IcalJs:
    node, npm = shutil.which("node"), shutil.which("npm")
    if node is None or npm is None:
        pytest.fail(FIX)
    version = subprocess.run([node, "--version"], capture_output=True, text=True, check=True)
    if int(version.stdout.strip().lstrip("v").split(".")[0]) < 20:
        pytest.fail(f"node {version.stdout.strip()} is too old. {FIX}")
    target.mkdir(parents=True, exist_ok=True)
    for name in ("package.json", "package-lock.json", "expand.mjs"):
        shutil.copyfile(SOURCE / name, target / name)
    if not _installed(target):
        # `npm ci` installs exactly the locked version, checked against its integrity hash
        done = subprocess.run(
            [npm, "ci", "--no-audit", "--no-fund", "--ignore-scripts"],
            cwd=target,
            capture_output=True,
            text=True,
            check=False,
        )
        if done.returncode != 0:
            pytest.fail(
                f"`npm ci` in {target} failed (is the npm registry reachable?):\n{done.stderr}"
            )
    return IcalJs(target)


def _installed(target: Path) -> bool:
    locked = json.loads((target / "package-lock.json").read_text())
    wanted = locked["packages"]["node_modules/ical.js"]["version"]
    try:
        found = json.loads((target / "node_modules" / "ical.js" / "package.json").read_text())
    except (OSError, ValueError):
        return False
    return bool(found.get("version") == wanted)


@pytest.fixture(scope="session")
def icaljs() -> IcalJs:
    return install()
