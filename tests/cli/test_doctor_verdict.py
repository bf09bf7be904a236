"""`doctor`'s last line follows its own FAIL lines: with a store no run can open, or a
data_dir no run can write, it says a run would stop (exit 2), not that runs would work."""

from __future__ import annotations

import os
import shutil
import sqlite3
from collections.abc import Callable
from contextlib import closing
from pathlib import Path
from typing import Any

import pytest

from tests.cli import test_cli_end_to_end
from tests.cli.test_cli_end_to_end import NOW
from tests.conftest import ConfigDir, Result

CLI = Callable[..., Result]
STOPS = "A run would stop: fix the problems above."


org = test_cli_end_to_end.org


@pytest.fixture
def ran(cli: CLI, org: ConfigDir) -> ConfigDir:
    """The end-to-end organisation after its first night."""
    assert cli("--config", str(org.root), "run", "--now", NOW).code == 0
    return org


def doctor(cli: CLI, ran: ConfigDir) -> Result:
    return cli("--config", str(ran.root), "doctor")


def test_a_healthy_install_is_ready(cli: CLI, ran: ConfigDir) -> None:
    result = doctor(cli, ran)
    assert result.code == 0, result.out
    assert result.out.splitlines()[-1] == "Ready for tonight."


def test_a_damaged_store_stops_runs(cli: CLI, ran: ConfigDir) -> None:
    database = ran.data / "state.sqlite"
    database.write_bytes(b"garbage, not a database " * 400)
    result = doctor(cli, ran)
    assert f"FAIL  state database: {database}: is not a checkin-sync database" in result.out
    assert result.out.splitlines()[-1] == STOPS
    assert result.code == 2
    assert cli("--config", str(ran.root), "run", "--now", NOW).code == 2, "as doctor said"


def test_a_store_from_a_newer_version_stops_runs(cli: CLI, ran: ConfigDir) -> None:
    with closing(sqlite3.connect(ran.data / "state.sqlite")) as connection:
        connection.execute("PRAGMA user_version = 999")
    result = doctor(cli, ran)
    assert "FAIL  state database:" in result.out
    assert "written by a newer checkin-sync" in result.out
    assert result.out.splitlines()[-1] == STOPS
    assert result.code == 2


def test_doctor_reads_what_another_process_has_committed(cli: CLI, ran: ConfigDir) -> None:
    # the web app keeps the database open; its commits wait in the write-ahead log
    web = sqlite3.connect(ran.data / "state.sqlite", isolation_level=None)
    try:
        web.execute("PRAGMA user_version = 999")
        assert (ran.data / "state.sqlite-wal").stat().st_size > 0
        result = doctor(cli, ran)
    finally:
        web.close()
    assert "written by a newer checkin-sync" in result.out
    assert result.code == 2


def test_a_data_dir_that_is_a_file_stops_runs(cli: CLI, ran: ConfigDir) -> None:
    shutil.rmtree(ran.data)
    ran.data.write_text("not a folder")
    result = doctor(cli, ran)
    assert f"FAIL  data_dir: {ran.data} is a file; data_dir must be a folder" in result.out
    assert result.out.splitlines()[-1] == STOPS
    assert result.code == 2


def test_a_read_only_data_dir_stops_runs(
    cli: CLI, ran: ConfigDir, monkeypatch: pytest.MonkeyPatch
) -> None:
    # what access(2) answers on a read-only mount, even to root
    real_access = os.access

    def access(path: Any, mode: int, *args: Any, **kwargs: Any) -> bool:
        if mode & os.W_OK and Path(path).is_relative_to(ran.data):
            return False
        return real_access(path, mode, *args, **kwargs)

    monkeypatch.setattr(os, "access", access)
    result = doctor(cli, ran)
    assert f"FAIL  data_dir: {ran.data} cannot be written by this user" in result.out
    assert result.out.splitlines()[-1] == STOPS
    assert result.code == 2


def test_a_calendar_that_does_not_answer_leaves_runs_working(cli: CLI, ran: ConfigDir) -> None:
    (ran.root / "lena.ics").write_text("not a calendar")
    result = doctor(cli, ran)
    assert result.code == 1
    assert result.out.splitlines()[-1] == "Runs would work, with the problems above."
