"""`run --now` far from the clock acts for real (proposals superseded, "Updated invitation"
emails for a date years away), so a real run there must be asked for in so many words.
Test harnesses say so once, through CHECKIN_SYNC_ALLOW_FAR_NOW (conftest.py); these tests
take that away."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import pytest

from sync.cli.common import ALLOW_FAR_NOW_ENV
from tests.cli import test_cli_end_to_end
from tests.conftest import ConfigDir, Result

CLI = Callable[..., Result]
FAR = "2099-01-05T07:00:00+00:00"


org = test_cli_end_to_end.org


@pytest.fixture(autouse=True)
def operator(monkeypatch: pytest.MonkeyPatch) -> None:
    """Someone at a shell, not a test harness."""
    monkeypatch.delenv(ALLOW_FAR_NOW_ENV)


def test_a_real_run_far_from_the_clock_is_refused_before_anything_is_written(
    cli: CLI, org: ConfigDir
) -> None:
    result = cli("--config", str(org.root), "run", "--now", FAR)
    assert result.code == 2
    (line,) = result.err.splitlines()
    assert line.startswith("checkin-sync: --now 2099-01-05T07:00:00+00:00 is ")
    assert "days from this machine's clock" in line
    assert "--dry-run" in line and "--allow-far-now" in line
    assert result.out == ""
    assert not org.data.exists()


def test_a_dry_run_far_from_the_clock_only_looks(cli: CLI, org: ConfigDir) -> None:
    result = cli("--config", str(org.root), "run", "--now", FAR, "--dry-run")
    assert result.code == 0, result.err
    assert "dry run: nothing was saved" in result.out
    assert not (org.data / "state.sqlite").exists()


def test_asked_for_in_so_many_words_it_runs(cli: CLI, org: ConfigDir) -> None:
    result = cli("--config", str(org.root), "run", "--now", FAR, "--allow-far-now")
    assert result.code == 0, result.err
    assert "Pairs: 2 proposed" in result.out


def test_a_late_or_early_night_needs_no_confirmation(cli: CLI, org: ConfigDir) -> None:
    # a catch-up run after downtime, or a run a few hours early, is an ordinary night
    for hours in (-20, 20):
        near = (datetime.now(UTC) + timedelta(hours=hours)).isoformat()
        result = cli("--config", str(org.root), "run", "--now", near)
        assert result.code in (0, 1), result.err
        assert "--allow-far-now" not in result.err
