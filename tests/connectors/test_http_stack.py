"""`requests` runs on the same HTTP library in every install: urllib3-future, which the
CalDAV client brings and whose startup hook puts in urllib3's place (see sync/http_stack)."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable

import pytest
import requests.adapters

from sync.cli import doctor
from sync.plumbing import http_stack
from sync.plumbing.http_stack import HttpStack
from tests.cli.test_doctor_verdict import doctor as run_doctor
from tests.cli.test_doctor_verdict import org, ran
from tests.conftest import ConfigDir, Result

__all__ = ["org", "ran"]  # the fixtures doctor runs against


def test_requests_runs_on_the_fork_in_the_environment_the_tests_run_in() -> None:
    stack = http_stack.current()
    assert stack.fork is not None, "caldav's niquests brings urllib3-future"
    assert stack.consistent, stack.describe()
    import urllib3_future

    pool = requests.adapters.HTTPAdapter().poolmanager
    assert type(pool).__module__ == "urllib3.poolmanager"
    assert vars(sys.modules["urllib3"])["__version__"] == vars(urllib3_future)["__version__"]


def test_the_replacement_is_on_disk_not_a_trick_of_this_process() -> None:
    """Started afresh, with no site hooks at all, Python still finds the fork as urllib3."""
    site_packages = [p for p in sys.path if p.endswith("site-packages")]
    code = "import sys; sys.path[:0] = sys.argv[1:]; import urllib3; print(urllib3.__version__)"
    found = subprocess.run(
        [sys.executable, "-I", "-S", "-c", code, *site_packages],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    assert found == http_stack.current().fork


def test_doctor_names_an_install_where_requests_is_not_on_the_fork(
    cli: Callable[..., Result], ran: ConfigDir, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(doctor, "http_stack", lambda: HttpStack("2.8.0", "2.25.904"))
    result = run_doctor(cli, ran)
    assert (
        "FAIL  HTTP library: requests runs on urllib3 2.8.0, but urllib3-future 2.25.904 is "
        "installed and takes its place" in result.out
    )
    assert f"{sys.executable} -m sync.plumbing.http_stack" in result.out
    assert result.code == 1, "runs work, on a different HTTP library than the tests"


def test_python_m_sync_http_stack_fails_a_build_that_did_not_take_the_replacement(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    assert http_stack.main() == 0
    assert "as in the tests" in capsys.readouterr().out
    monkeypatch.setattr(http_stack, "current", lambda: HttpStack("2.8.0", "2.25.904"))
    assert http_stack.main() == 1
    assert HttpStack("2.8.0", None).consistent, "without the fork there is nothing to take"
