"""The systemd units in deploy/systemd: sandboxed to systemd's own "OK" rating or better, and
a failure of either mails the operator through the alert unit shipped beside them.

systemd-analyze rates a unit file offline; `make test` installs it on Debian as root
(scripts/test-prerequisites). Where it cannot be had, only the rating is skipped."""

from __future__ import annotations

import configparser
import re
import shutil
import subprocess
from pathlib import Path

import pytest

UNITS = Path(__file__).parent.parent.parent / "deploy" / "systemd"
SERVICES = ("checkin-sync.service", "checkin-sync-web.service")
# systemd's words for an exposure below 5.0; MEDIUM, EXPOSED and UNSAFE lie above
GOOD_ENOUGH = ("PERFECT", "SAFE", "OK")


def _unit(name: str) -> configparser.ConfigParser:
    # systemd repeats keys (SystemCallFilter=); only single keys are read here
    parser = configparser.ConfigParser(strict=False, interpolation=None)
    parser.optionxform = str  # type: ignore[assignment,method-assign]
    parser.read_string((UNITS / name).read_text())
    return parser


@pytest.mark.parametrize("name", SERVICES)
def test_each_service_is_rated_ok_or_better_by_systemd_analyze(name: str) -> None:
    analyze = shutil.which("systemd-analyze")
    if analyze is None:
        pytest.skip("systemd-analyze is missing: apt-get install --no-install-recommends systemd")
    done = subprocess.run(
        [analyze, "security", "--offline=true", "--no-pager", str(UNITS / name)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    rating = re.search(r"Overall exposure level for \S+: ([0-9.]+) (\w+)", done.stdout)
    assert rating, done.stdout[-2000:]
    exposure, word = float(rating[1]), rating[2]
    assert word in GOOD_ENOUGH and exposure < 5.0, f"{name}: {exposure} {word}\n{done.stdout}"


@pytest.mark.parametrize("name", SERVICES)
def test_a_failed_service_alerts_through_the_shipped_alert_unit(name: str) -> None:
    unit = _unit(name)
    on_failure = unit["Unit"]["OnFailure"]
    template = re.sub(r"@[^.]*\.service$", "@.service", on_failure)
    assert (UNITS / template).is_file(), f"{name}: OnFailure={on_failure}, no {template} here"
    assert "ALERT_TO" in _unit(template)["Service"]["ExecStart"]


@pytest.mark.parametrize("name", SERVICES)
def test_state_is_owner_only_and_only_data_dir_is_writable(name: str) -> None:
    service = _unit(name)["Service"]
    assert (service["User"], service["UMask"], service["StateDirectoryMode"]) == (
        "checkin-sync",
        "0077",
        "0700",
    )
    assert (service["ProtectSystem"], service["ReadWritePaths"]) == (
        "strict",
        "/var/lib/checkin-sync",
    )
