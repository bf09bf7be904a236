"""A command that cannot finish says in one line what broke, naming the file, and exits 4
("failed; the next run finishes it"): never a traceback, and never 1, which means
"finished, but look at the report" and which systemd counts as success.

The disk cannot really be filled or made read-only here (the tests may run as root, whom
permissions do not stop), so the refusals are made where the operating system gives them:
at os.open, os.mkdir and os.replace, and by SQLite's own page limit."""

from __future__ import annotations

import errno
import os
import sqlite3
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from sync.store import Store
from tests.cli import test_cli_end_to_end
from tests.cli.test_cli_end_to_end import NOW
from tests.conftest import ConfigDir, Result

CLI = Callable[..., Result]
org = test_cli_end_to_end.org  # Karin, Lena and Erik, as the end-to-end tests have them
ROOT = Path(__file__).resolve().parent.parent.parent


def run(cli: CLI, org: ConfigDir, *extra: str) -> Result:
    return cli("--config", str(org.root), "run", "--now", NOW, *extra)


def assert_failed(result: Result, *words: str) -> None:
    assert result.code == 4, result
    (line,) = result.err.splitlines()
    assert line.startswith("checkin-sync: failed: "), line
    assert "the next run finishes it" in line
    for word in words:
        assert word in line, line


def refuse_writes_under(monkeypatch: pytest.MonkeyPatch, folder: Path, code: int) -> None:
    """The kernel's answer to every attempt to create or change a file under `folder`."""
    real_open, real_mkdir, real_replace = os.open, os.mkdir, os.replace
    writes = os.O_WRONLY | os.O_RDWR | os.O_CREAT | os.O_TRUNC | os.O_APPEND

    def inside(path: Any) -> bool:
        return Path(os.fsdecode(path)).absolute().is_relative_to(folder)

    def refuse(path: Any) -> OSError:
        return OSError(code, os.strerror(code), os.fsdecode(path))

    def open_(path: Any, flags: int, *args: Any, **kwargs: Any) -> int:
        if flags & writes and inside(path):
            raise refuse(path)
        return real_open(path, flags, *args, **kwargs)

    def mkdir(path: Any, *args: Any, **kwargs: Any) -> None:
        if inside(path):
            raise refuse(path)
        real_mkdir(path, *args, **kwargs)

    def replace(source: Any, target: Any, *args: Any, **kwargs: Any) -> None:
        if inside(target):
            raise refuse(target)
        real_replace(source, target, *args, **kwargs)

    monkeypatch.setattr(os, "open", open_)
    monkeypatch.setattr(os, "mkdir", mkdir)
    monkeypatch.setattr(os, "replace", replace)


def test_a_full_disk_while_writing_files_names_the_file(
    cli: CLI, org: ConfigDir, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert run(cli, org).code == 0
    reports = org.data / "reports"
    refuse_writes_under(monkeypatch, reports, errno.ENOSPC)
    result = run(cli, org)
    assert_failed(result, str(reports), "no space left on the device")


def test_a_full_disk_under_the_database_names_the_database(
    cli: CLI, org: ConfigDir, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    # as many pages as an empty, migrated database needs: the first proposals do not fit
    empty = Store.open(tmp_path / "empty.sqlite")
    pages = empty.db.execute("PRAGMA page_count").fetchone()[0]
    empty.close()
    real_connect = sqlite3.connect
    database = org.data / "state.sqlite"

    def connect(path: Any, *args: Any, **kwargs: Any) -> sqlite3.Connection:
        connection = real_connect(path, *args, **kwargs)
        if Path(str(path)) == database:
            connection.execute(f"PRAGMA max_page_count = {pages}")
        return connection

    monkeypatch.setattr(sqlite3, "connect", connect)
    result = run(cli, org)
    assert_failed(result, f"{database}: no space left on the device")


def test_a_disk_full_from_the_start_stops_at_the_database(
    cli: CLI, org: ConfigDir, monkeypatch: pytest.MonkeyPatch
) -> None:
    real_connect = sqlite3.connect

    def connect(path: Any, *args: Any, **kwargs: Any) -> sqlite3.Connection:
        connection = real_connect(path, *args, **kwargs)
        connection.execute("PRAGMA max_page_count = 1")
        return connection

    monkeypatch.setattr(sqlite3, "connect", connect)
    result = run(cli, org)
    assert_failed(result, f"{org.data / 'state.sqlite'}: no space left on the device")


@pytest.mark.parametrize(
    ("code", "words"),
    [
        (errno.EROFS, "the file system is read-only"),
        (errno.EACCES, "permission denied for this user"),
    ],
)
def test_a_data_dir_that_cannot_be_written_names_the_file(
    cli: CLI, org: ConfigDir, monkeypatch: pytest.MonkeyPatch, code: int, words: str
) -> None:
    assert run(cli, org).code == 0
    refuse_writes_under(monkeypatch, org.data, code)
    result = run(cli, org)
    assert_failed(result, f"{org.data / 'run.lock'}: {words}")


def test_a_data_dir_that_is_a_file_fails_in_one_line_without_a_traceback(
    org: ConfigDir,
) -> None:
    org.data.write_text("not a folder")
    command = [sys.executable, "-m", "sync", "--config", str(org.root), "run", "--now", NOW]
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    done = subprocess.run(command, capture_output=True, text=True, env=env, check=False)
    assert done.returncode == 4, done.stderr
    assert "Traceback" not in done.stderr
    assert done.stderr.splitlines() == [
        f"checkin-sync: failed: {org.data}: exists and is not a folder. Nothing or only part "
        "was done; the next run finishes it once this is fixed."
    ]


def test_a_crash_inside_a_step_fails_in_one_line(
    cli: CLI, org: ConfigDir, monkeypatch: pytest.MonkeyPatch
) -> None:
    # a bug in the export step as a whole (one person's file that cannot be built is
    # reported and the others written): the booking stands, and the operator learns which
    # step broke without a traceback
    def broken(*args: Any, **kwargs: Any) -> bytes:
        raise ValueError("cannot use '.lena@example.com' as an export file name")

    assert run(cli, org).code == 0
    monkeypatch.setattr("sync.delivery.export.series.write_exports", broken)
    approved = cli("--config", str(org.root), "approve", "--manager", "karin@example.com", "--all")
    assert_failed(approved, "unexpected ValueError: cannot use '.lena@example.com'")

    # whoever asks for detail learns where it broke
    detail = cli("--config", str(org.root), "-vv", "export")
    assert detail.code == 4
    assert (
        'event="the command failed" error=ValueError at="tests/cli/test_failures.py:' in detail.err
    )
    assert "in broken" in detail.err


@pytest.mark.parametrize("extra", [(), ("--dry-run",), ("--allow-far-now",)])
def test_a_now_beyond_the_calendar_is_a_usage_error(
    cli: CLI, org: ConfigDir, extra: tuple[str, ...]
) -> None:
    result = cli("--config", str(org.root), "run", "--now", "9999-12-31", *extra)
    assert result.code == 2
    assert result.err.splitlines() == [
        'checkin-sync: --now: "9999-12-31" is more than a hundred years from today'
    ]
    assert not org.data.exists()


def test_a_variable_that_is_not_json_is_named_without_its_value(
    cli: CLI, org: ConfigDir, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CHECKIN_SYNC_CALDAV__PASSWORDS", '{"karin@dav": hunter2-secret}')
    for command in (("run", "--now", NOW), ("config", "check"), ("doctor",)):
        result = cli("--config", str(org.root), *command)
        assert result.code == 2, (command, result)
        assert "environment CHECKIN_SYNC_CALDAV__PASSWORDS: not valid JSON" in (
            result.err + result.out
        )
        assert "hunter2" not in result.err + result.out
    assert not org.data.exists()
